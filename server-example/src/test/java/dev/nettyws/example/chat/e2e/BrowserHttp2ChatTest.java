package dev.nettyws.example.chat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.example.ConnectionListener;
import dev.nettyws.example.ExampleServer;
import dev.nettyws.example.Tls;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.transport.Transport;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The chat page in headless Chromium over {@code https} with HTTP/2 (ALPN h2): the server sees each browser's chat
 * WebSocket arrive as an RFC 8441 extended CONNECT on a stream of the connection that carried the page (a stream
 * after the page's own), and two browsers chat both ways. The example uses a self-signed certificate, which
 * Chromium is told to accept. Chromium and chromedriver are Debian's, as in {@link BrowserChatTest}.
 */
class BrowserHttp2ChatTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<WebDriver> drivers = new ArrayList<>();
    private final List<ChromeDriverService> services = new ArrayList<>();
    private final List<Path> profiles = new ArrayList<>();

    @AfterEach
    void quit() throws IOException {
        for (WebDriver driver : drivers) {
            driver.quit();
        }
        for (ChromeDriverService service : services) {
            service.stop();
        }
        for (Path profile : profiles) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private WebDriver browser() throws IOException {
        assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: apt-get install -y chromium");
        assertTrue(Files.isExecutable(CHROMEDRIVER), CHROMEDRIVER + " is missing: apt-get install -y chromium-driver");
        Path profile = Files.createTempDirectory("nettyws-chromium-h2");
        profiles.add(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            "--ignore-certificate-errors", "--window-size=1000,800", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
        services.add(service);
        WebDriver driver = new ChromeDriver(service, options);
        drivers.add(driver);
        driver.manage().timeouts().pageLoadTimeout(TIMEOUT);
        return driver;
    }

    private static void join(WebDriver driver, String url, String nick, String room) {
        driver.get(url);
        driver.findElement(By.id("nick")).sendKeys(nick);
        WebElement roomField = driver.findElement(By.id("room"));
        roomField.clear();
        roomField.sendKeys(room);
        driver.findElement(By.id("join-button")).click();
        await(() -> "online".equals(driver.findElement(By.id("status")).getText()), nick + " online");
    }

    private static void say(WebDriver driver, String text) {
        driver.findElement(By.id("text")).sendKeys(text);
        driver.findElement(By.id("send-button")).click();
    }

    private static List<String> texts(WebDriver driver, String selector) {
        List<String> texts = new ArrayList<>();
        for (WebElement element : driver.findElements(By.cssSelector(selector))) {
            texts.add(element.getText());
        }
        return texts;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + TIMEOUT + ": " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    @Test
    void chatWebSocketsRideOnThePagesHttp2Connection() throws Exception {
        Map<String, Channel> opened = new ConcurrentHashMap<>();
        Map<String, HandshakeCompletedEvent> handshakes = new ConcurrentHashMap<>();
        ConnectionListener listener = new ConnectionListener() {
            @Override
            public void opened(Channel channel, HandshakeCompletedEvent handshake) {
                String nick = handshake.queryParameter("nick");
                opened.put(String.valueOf(nick), channel);
                handshakes.put(String.valueOf(nick), handshake);
            }
        };
        Tls.SelfSigned tls = Tls.selfSigned();
        try (ExampleServer server = ExampleServer.start(Transport.AUTO, new InetSocketAddress("127.0.0.1", 0),
                ExampleServer.echoConfig(ExampleServer.DEFAULT_MAX_MESSAGE_BYTES), ChatSettings.DEFAULT,
                tls.context(), listener)) {
            String url = server.pageUri().toString();
            assertTrue(url.startsWith("https://"), url);
            WebDriver alice = browser();
            WebDriver bob = browser();
            join(alice, url, "alice", "rooftop");
            join(bob, url, "bob", "rooftop");
            for (String nick : List.of("alice", "bob")) {
                HandshakeCompletedEvent handshake = handshakes.get(nick);
                assertTrue(handshake != null, "no handshake for " + nick + ": " + handshakes.keySet());
                assertTrue(handshake.request().isHttp2(), nick + ": " + handshake.request());
                assertEquals("CONNECT", handshake.request().method());
                Http2StreamChannel stream = assertInstanceOf(Http2StreamChannel.class, opened.get(nick));
                // Client streams are odd and rise: the page and its script and style came first on this connection.
                assertTrue(stream.stream().id() > 1, nick + "'s WebSocket is stream " + stream.stream().id());
            }
            assertTrue(opened.get("alice").parent() != opened.get("bob").parent(), "one connection per browser");

            say(alice, "over HTTP/2 from alice");
            await(() -> texts(bob, "#messages li.message .text").contains("over HTTP/2 from alice"),
                "bob sees alice's message");
            say(bob, "and back from bob");
            await(() -> texts(alice, "#messages li.message .text").contains("and back from bob"),
                "alice sees bob's reply");
        }
    }
}
