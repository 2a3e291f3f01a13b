package io.portcullis.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * A headless Chromium driven by Selenium for the web tests: Debian's {@code /usr/bin/chromium} and
 * {@code /usr/bin/chromedriver}, 1280×800, no background network. One per test class; {@link
 * #close()} ends it. {@link #consoleErrors()} reads the browser's console (CSP violations and
 * script errors land there).
 */
public final class Browser implements AutoCloseable {
  private final ChromeDriver driver;
  private final String base;

  /** Starts the browser; {@code base} prefixes every path given to {@link #open(String)}. */
  public Browser(String base) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,800");
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
            .build();
    this.driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    resize(1280, 800);
    this.base = base;
  }

  /** Makes the page's viewport {@code width} × {@code height} CSS pixels. */
  public void resize(int width, int height) {
    // The window's size includes the browser's own bars: grow it so the page sees the size asked.
    Object bars = driver.executeScript("return window.outerHeight - window.innerHeight");
    int extra = bars instanceof Number n ? Math.max(0, n.intValue()) : 0;
    driver.manage().window().setSize(new Dimension(width, height + extra));
  }

  /** Whether the element's top edge is inside the viewport when the page is scrolled to the top. */
  public boolean aboveTheFold(String css) {
    driver.executeScript("window.scrollTo(0, 0)");
    Object inside =
        driver.executeScript(
            "return arguments[0].getBoundingClientRect().top < window.innerHeight", find(css));
    return Boolean.TRUE.equals(inside);
  }

  /** Saves a PNG of the viewport scrolled so that the element is at its top. */
  public void screenshotAt(String css, Path file) {
    driver.executeScript("arguments[0].scrollIntoView(true)", find(css));
    save(file);
  }

  /** Whether this machine has the browser and its driver. */
  public static boolean available() {
    return Files.isExecutable(Path.of("/usr/bin/chromium"))
        && Files.isExecutable(Path.of("/usr/bin/chromedriver"));
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Opens base + path. */
  public void open(String path) {
    driver.get(base + path);
  }

  /** The current path (and query). */
  public String path() {
    String url = driver.getCurrentUrl();
    return url.startsWith(base) ? url.substring(base.length()) : url;
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Replaces the text of the input or text area. */
  public void type(String css, String text) {
    WebElement e = find(css);
    e.clear();
    e.sendKeys(text);
  }

  /** Chooses an option of a select by value, then fires the change event pages listen to. */
  public void select(String css, String value) {
    driver.executeScript(
        "var s = document.querySelector(arguments[0]); s.value = arguments[1];"
            + " s.dispatchEvent(new Event('change'));",
        css,
        value);
  }

  /** Sets a checkbox to the wanted state. */
  public void check(String css, boolean on) {
    WebElement e = find(css);
    if (e.isSelected() != on) e.click();
  }

  /** Waits until the CSS selector matches something. */
  /**
   * Chooses the theme ({@code system}, {@code light} or {@code dark}) with the switch in the top
   * bar of the Manager or the portal, and waits for the page to follow.
   */
  public void chooseTheme(String theme) {
    select("#theme-choice", theme);
    find("form.theme button").click();
    waitFor("html[data-theme='" + theme + "']");
  }

  public WebElement waitFor(String css) {
    until(() -> !all(css).isEmpty(), "an element " + css);
    return find(css);
  }

  /** Waits until the path starts with the prefix. */
  public void waitForPath(String prefix) {
    until(() -> path().startsWith(prefix), "the path " + prefix + " (is " + path() + ")");
  }

  private static void until(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("waited 30 s for " + what);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** The text of the whole page. */
  public String text() {
    return find("body").getText();
  }

  /** Saves a PNG of the viewport, scrolled to the top of the page. */
  public void screenshot(Path file) {
    driver.executeScript("window.scrollTo(0, 0)");
    save(file);
  }

  private void save(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The console entries of level SEVERE since the last call. */
  public List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  @Override
  public void close() {
    driver.quit();
  }
}
