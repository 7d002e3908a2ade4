package dev.nettyws.example.chat.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;

/**
 * Headless Chromium sessions for the browser tests, and what the tests do with the chat page in them. Chromium and
 * chromedriver are Debian's ({@code apt-get install chromium chromium-driver}; {@code scripts/install-test-peers.sh}
 * installs them): the driver path is given explicitly, so Selenium Manager never runs and nothing is downloaded. A
 * missing browser fails the test. Each session gets a fresh profile directory; {@link #close()} quits every session,
 * stops every driver and deletes the profiles. For one test at a time.
 */
final class Browsers implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final List<WebDriver> drivers = new ArrayList<>();
    private final List<ChromeDriverService> services = new ArrayList<>();
    private final List<Path> profiles = new ArrayList<>();

    /**
     * A new headless Chromium session with its own profile, the browser console recorded, and
     * {@code extraArguments} (e.g. {@code --ignore-certificate-errors} for the self-signed certificate of a TLS test).
     */
    ChromeDriver open(String... extraArguments) throws IOException {
        assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: apt-get install -y chromium");
        assertTrue(Files.isExecutable(CHROMEDRIVER), CHROMEDRIVER + " is missing: apt-get install -y chromium-driver");
        Path profile = Files.createTempDirectory("nettyws-chromium");
        profiles.add(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            "--window-size=1000,800", "--user-data-dir=" + profile);
        options.addArguments(extraArguments);
        // The console, to see that the page's Content-Security-Policy refused nothing of its own.
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
        services.add(service);
        ChromeDriver driver = new ChromeDriver(service, options);
        drivers.add(driver);
        driver.manage().timeouts().pageLoadTimeout(TIMEOUT);
        return driver;
    }

    /** The sessions opened, in order. */
    List<WebDriver> opened() {
        return List.copyOf(drivers);
    }

    @Override
    public void close() throws IOException {
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
        drivers.clear();
        services.clear();
        profiles.clear();
    }

    /** Opens the page at {@code url}, joins {@code room} as {@code nick} and waits until it is online. */
    static void join(WebDriver driver, String url, String nick, String room) {
        driver.get(url);
        driver.findElement(By.id("nick")).sendKeys(nick);
        WebElement roomField = driver.findElement(By.id("room"));
        roomField.clear();
        roomField.sendKeys(room);
        driver.findElement(By.id("join-button")).click();
        await(() -> "online".equals(driver.findElement(By.id("status")).getText()), nick + " online");
    }

    /** Types and sends a message. */
    static void say(WebDriver driver, String text) {
        driver.findElement(By.id("text")).sendKeys(text);
        driver.findElement(By.id("send-button")).click();
    }

    /** The texts of the elements matching a CSS selector. */
    static List<String> texts(WebDriver driver, String selector) {
        List<String> texts = new ArrayList<>();
        for (WebElement element : driver.findElements(By.cssSelector(selector))) {
            texts.add(element.getText());
        }
        return texts;
    }

    /** Waits until {@code condition} holds, at most {@link #TIMEOUT}. */
    static void await(BooleanSupplier condition, String what) {
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
}
