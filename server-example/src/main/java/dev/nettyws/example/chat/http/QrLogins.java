package dev.nettyws.example.chat.http;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Scan-to-login, the write-ups' example of server push: a page asks for a one-time login ({@link #start}), shows
 * its confirmation URL as a QR code ({@link #qrSvg}) and waits in the login's room ({@link Login#room()}) over its
 * chat transport; another browser (the "phone") opens the URL and confirms ({@link #confirm}); the server then posts
 * into that room, and the page, nudged over its transport, asks for the login's state with the secret only it has
 * ({@link #status}) and switches to its logged-in view. The room carries only the nudge: anyone may join it, so what
 * counts is the state behind the secret.
 *
 * <p>Bounds: at most {@value #MAX_PENDING} logins are kept (a new one beyond that pushes the oldest out), each for
 * {@value #TTL_SECONDS} s, and each can be confirmed once; one client address may have {@value #MAX_PER_ADDRESS}
 * live (confirmed or not) at once, so that pushing everyone else's out takes many addresses. Thread-safe (a short
 * lock); holds no buffers.
 */
final class QrLogins {
    static final int MAX_PENDING = 1024;
    static final int TTL_SECONDS = 120;
    static final int MAX_PER_ADDRESS = 16;
    /** The nick the server posts the nudge with. */
    static final String NUDGE_NICK = "login";

    private final LongSupplier nanoTime;
    private final Map<String, Login> logins = new LinkedHashMap<>();

    QrLogins(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** A one-time login: its id (in the QR code), its secret (the waiting page's only), its room; under the lock. */
    static final class Login {
        final String id;
        final String secret;
        final long createdNanos;
        final Object address;
        String confirmedName;

        Login(String id, String secret, long createdNanos, Object address) {
            this.id = id;
            this.secret = secret;
            this.createdNanos = createdNanos;
            this.address = address;
        }

        /** The room the waiting page joins: {@code login-ID} (a room name: base64url is letters, digits, - and _). */
        String room() {
            return "login-" + id;
        }
    }

    /**
     * A new login for a client at {@code address} ({@link dev.nettyws.example.chat.ChatRooms#addressKey}); null when
     * the address has {@value #MAX_PER_ADDRESS} live already (confirmed ones too, until they expire: anyone may
     * confirm a login, so counting only unconfirmed ones would let one address push out everyone else's).
     */
    synchronized Login start(Object address) {
        expire();
        if (logins.values().stream().filter(l -> l.address.equals(address)).count()
                >= MAX_PER_ADDRESS) {
            return null;
        }
        if (logins.size() >= MAX_PENDING) {
            Iterator<String> oldest = logins.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        Login login = new Login(HttpSessions.newId(), HttpSessions.newId(), nanoTime.getAsLong(), address);
        logins.put(login.id, login);
        return login;
    }

    /** Confirms a login as {@code name}; null if unknown, expired or already confirmed. */
    synchronized Login confirm(String id, String name) {
        expire();
        Login login = id == null ? null : logins.get(id);
        if (login == null || login.confirmedName != null) {
            return null;
        }
        login.confirmedName = name;
        return login;
    }

    /** The name a login was confirmed as; null while it is not (or the id or secret is wrong). */
    synchronized String status(String id, String secret) {
        expire();
        Login login = id == null ? null : logins.get(id);
        return login == null || !login.secret.equals(secret) ? null : login.confirmedName;
    }

    private void expire() {
        long now = nanoTime.getAsLong();
        logins.values().removeIf(l -> now - l.createdNanos > TTL_SECONDS * 1_000_000_000L);
    }

    /** The QR code of {@code text} as an SVG image (ZXing makes the matrix; one path of unit squares). */
    static String qrSvg(String text) {
        BitMatrix matrix;
        try {
            matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
                Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 4));
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode " + text.length() + " characters", e);
        }
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < matrix.getHeight(); y++) {
            for (int x = 0; x < matrix.getWidth(); x++) {
                if (matrix.get(x, y)) {
                    path.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
                }
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + matrix.getWidth() + ' '
            + matrix.getHeight() + "\" width=\"256\" height=\"256\" shape-rendering=\"crispEdges\">"
            + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
    }
}
