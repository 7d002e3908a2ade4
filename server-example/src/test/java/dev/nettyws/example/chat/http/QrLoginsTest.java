package dev.nettyws.example.chat.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Scan-to-login's one-time logins: confirmed once, their state only for the secret, gone after their time; and the
 * QR code, read back with ZXing's reader, holds the confirmation link.
 */
class QrLoginsTest {
    private final AtomicLong now = new AtomicLong();
    private final QrLogins logins = new QrLogins(now::get);

    @Test
    void aLoginIsConfirmedOnceAndItsStateIsTheSecretHolders() {
        QrLogins.Login login = logins.start("a");
        assertEquals("login-" + login.id, login.room());
        assertNull(logins.status(login.id, login.secret));
        assertNotNull(logins.confirm(login.id, "bob"));
        assertNull(logins.confirm(login.id, "eve"), "a second confirmation");
        assertEquals("bob", logins.status(login.id, login.secret));
        assertNull(logins.status(login.id, "guess"));
        assertNull(logins.confirm("unknown", "eve"));
    }

    @Test
    void anAddressHoldsABoundedNumberOfLogins() {
        QrLogins.Login first = logins.start("a");
        for (int i = 1; i < QrLogins.MAX_PER_ADDRESS; i++) {
            assertNotNull(logins.start("a"));
        }
        assertNull(logins.start("a"));
        assertNotNull(logins.start("b"), "another address is served");
        // Anyone may confirm a login, the address itself too: a confirmed login still counts until it expires, or
        // one address could start and confirm in a loop and push every other address's logins out.
        logins.confirm(first.id, "bob");
        assertNull(logins.start("a"), "a confirmed login still counts");
        now.addAndGet((QrLogins.TTL_SECONDS + 1) * 1_000_000_000L);
        assertNotNull(logins.start("a"), "once the old ones expired");
    }

    @Test
    void aLoginExpires() {
        QrLogins.Login login = logins.start("a");
        now.addAndGet((QrLogins.TTL_SECONDS + 1) * 1_000_000_000L);
        assertNull(logins.confirm(login.id, "bob"));
    }

    @Test
    void theQrCodeReadsAsTheLink() throws Exception {
        String url = "http://127.0.0.1:8080/login.html?confirm=AbC-_123";
        String svg = QrLogins.qrSvg(url);
        Matcher size = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"").matcher(svg);
        size.find();
        int width = Integer.parseInt(size.group(1));
        int scale = 4;
        int[] pixels = new int[width * scale * width * scale];
        java.util.Arrays.fill(pixels, 0xFFFFFFFF);
        Matcher square = Pattern.compile("M(\\d+) (\\d+)h1v1h-1z").matcher(svg);
        while (square.find()) {
            int x = Integer.parseInt(square.group(1));
            int y = Integer.parseInt(square.group(2));
            for (int dy = 0; dy < scale; dy++) {
                for (int dx = 0; dx < scale; dx++) {
                    pixels[(y * scale + dy) * width * scale + x * scale + dx] = 0xFF000000;
                }
            }
        }
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(
            new RGBLuminanceSource(width * scale, width * scale, pixels)));
        assertEquals(url, new QRCodeReader().decode(bitmap).getText());
    }
}
