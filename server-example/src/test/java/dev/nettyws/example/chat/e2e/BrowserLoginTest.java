package dev.nettyws.example.chat.e2e;

import static dev.nettyws.example.chat.e2e.Browsers.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.example.ConnectionListener;
import dev.nettyws.example.ExampleServer;
import dev.nettyws.example.ServerAccess;
import dev.nettyws.example.chat.ChatRooms;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.example.chat.http.HttpChatSettings;
import dev.nettyws.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Scan-to-login in two headless Chromium sessions ({@link Browsers}): on each transport in turn, the login page shows
 * the QR code of its confirmation link and waits; the "phone" opens the link and confirms; the login page switches to
 * its logged-in view. The time from the phone's click to the switch (both browsers' clocks are this machine's) is
 * written to {@code target/login-times.txt} and printed; it is a measurement, not asserted.
 */
class BrowserLoginTest {
    private static final int ROUNDS = 3;
    private final Browsers browsers = new Browsers();

    @AfterEach
    void quit() throws IOException {
        browsers.close();
    }

    private static String status(WebDriver driver) {
        return driver.findElement(By.id("status")).getText();
    }

    @Test
    void theWaitingPageSwitchesWhenThePhoneConfirmsOnEveryTransport() throws Exception {
        try (ExampleServer server = ExampleServer.start(Transport.AUTO, new InetSocketAddress("127.0.0.1", 0),
                ExampleServer.echoConfig(ExampleServer.DEFAULT_MAX_MESSAGE_BYTES), new ChatRooms(ChatSettings.DEFAULT),
                HttpChatSettings.DEFAULT, null, ServerAccess.DEFAULT, ConnectionListener.NONE)) {
            ChromeDriver page = browsers.open();
            ChromeDriver phone = browsers.open();
            Map<String, List<Long>> millis = new LinkedHashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                for (String transport : List.of("ws", "sse", "longpoll", "poll")) {
                    long ms = login(server, page, phone, transport);
                    millis.computeIfAbsent(transport, t -> new ArrayList<>()).add(ms);
                }
            }
            StringBuilder report = new StringBuilder("time from the phone's confirmation to the switch, ms"
                + " (median, then each of " + ROUNDS + " rounds)\n");
            millis.forEach((transport, ms) -> report.append(transport).append(' ')
                .append(ms.stream().sorted().toList().get(ROUNDS / 2)).append(' ').append(ms).append('\n'));
            System.out.print(report);
            Path file = Path.of("target", "login-times.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, report);
            assertEquals(4, millis.size());
        }
    }

    /** One login on one transport; the milliseconds from the phone's click to the page's switch. */
    private static long login(ExampleServer server, ChromeDriver page, ChromeDriver phone, String transport) {
        page.get(server.pageUri() + "login.html?transport=" + transport);
        await(() -> "waiting for confirmation".equals(status(page)), transport + ": the page waits");
        assertTrue(((Number) page.executeScript("return document.getElementById('qr').naturalWidth"))
            .intValue() > 0, "the QR code is shown");
        String link = page.findElement(By.id("confirm-link")).getAttribute("href");
        assertTrue(link.startsWith(server.pageUri() + "login.html?confirm="), link);
        phone.get(link);
        phone.findElement(By.id("name")).sendKeys("bob");
        phone.findElement(By.id("confirm-button")).click();
        await(() -> "logged in".equals(status(page)), transport + ": the page switches");
        assertEquals("bob", page.findElement(By.id("who")).getText());
        long confirmed = ((Number) phone.executeScript("return window.confirmedAt")).longValue();
        long switched = ((Number) page.executeScript("return window.loggedInAt")).longValue();
        // A confirmed login cannot be confirmed again.
        phone.findElement(By.id("confirm-button")).click();
        await(() -> phone.findElement(By.id("phone-status")).getText().startsWith("refused"),
            "a second confirmation is refused");
        return switched - confirmed;
    }
}
