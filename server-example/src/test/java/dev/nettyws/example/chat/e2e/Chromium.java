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
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium sessions for the chat page tests, and the page's controls. Chromium and chromedriver are
 * Debian's ({@code apt-get install chromium chromium-driver}; {@code scripts/install-test-peers.sh} installs them):
 * the driver path is given explicitly, so Selenium Manager never runs and nothing is downloaded. A missing browser
 * fails the test. Each session has a fresh profile; {@link #close()} quits them all and deletes the profiles.
 */
final class Chromium implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<WebDriver> drivers = new ArrayList<>();
    private final List<ChromeDriverService> services = new ArrayList<>();
    private final List<Path> profiles = new ArrayList<>();

    /** A new session with the standard headless arguments and {@code extraArguments}. */
    WebDriver browser(String... extraArguments) throws IOException {
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

    /** Opens the page at {@code url} and joins {@code room} as {@code nick}, until the page says it is online. */
    static void join(WebDriver driver, String url, String nick, String room) {
        driver.get(url);
        driver.findElement(By.id("nick")).sendKeys(nick);
        WebElement roomField = driver.findElement(By.id("room"));
        roomField.clear();
        roomField.sendKeys(room);
        driver.findElement(By.id("join-button")).click();
        await(() -> "online".equals(driver.findElement(By.id("status")).getText()), nick + " online");
    }

    /** Sends {@code text} as a chat message. */
    static void say(WebDriver driver, String text) {
        driver.findElement(By.id("text")).sendKeys(text);
        driver.findElement(By.id("send-button")).click();
    }

    /** The texts of the elements matching {@code selector}. */
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
    }
}
