package dmm.view;

import static org.junit.jupiter.api.Assertions.*;

import dmm.bind.MachineLib;
import dmm.bind.TrainRuns;
import dmm.cli.Toolkit;
import dmm.lang.Interpreter;
import dmm.machine.Network;
import dmm.machine.Runner;
import dmm.train.TrainRun;
import dmm.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;

/**
 * The browser view in a real browser: headless Chromium driven by Selenium (the system's
 * chromium and chromium-driver; .ci/run installs them). A live network and a training run in
 * the background; the page must draw the network's neurons and links, show values that change,
 * a loss curve that grows, and its pause and learning-rate controls must reach the trainer.
 * Without a browser the test fails in CI (env CI set) and is skipped, saying why, elsewhere.
 */
class LiveViewBrowserTest {
    static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
    static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    static Interpreter interp;
    static ViewServer server;
    static WebDriver driver;
    static Path profile;

    static String find(List<String> candidates) {
        for (String c : candidates) if (new File(c).canExecute()) return c;
        return null;
    }

    /** Selenium's logger, kept so its level holds (it warns that it has no DevTools bindings for this Chromium: not needed here). */
    static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

    @BeforeAll
    static void start() throws Exception {
        SELENIUM_LOG.setLevel(Level.SEVERE);
        String browser = find(BROWSERS), chromedriver = find(DRIVERS);
        if (browser == null || chromedriver == null) {
            String why = "no browser for the view's tests: need chromium " + BROWSERS + " and chromedriver " + DRIVERS
                    + " (apt-get install chromium chromium-driver; .ci/run installs them)";
            if (System.getenv("CI") != null) fail(why);
            Assumptions.abort(why + "; skipped because CI is not set");
        }
        interp = Toolkit.newInterpreter(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
        interp.setNotifier(line -> {});
        interp.eval("setup", """
            (require lite)
            (require train)
            (start! (duplicate-detector "test string.") :rate 20)
            (def small (feedforward "abcab" {:layers 2 :copies 1 :init 0.1 :seed 2}))
            (def tr (trainer small :loss (imitation-loss (duplicate-detector "abcab") 30 [:output]) :l1 0.001 :quiet true))
            (train! tr 1000000 :background true)
            """);
        server = ViewLib.serve(interp, "127.0.0.1", 0);
        profile = Files.createTempDirectory("dmm-chromium");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(browser);
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1700",
                "--user-data-dir=" + profile);
        System.setProperty("webdriver.chrome.driver", chromedriver);   // the system's driver: Selenium Manager never downloads one
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        driver.get(server.url());
    }

    @AfterAll
    static void end() throws Exception {
        if (driver != null) driver.quit();
        if (server != null) server.close();
        if (interp != null) {
            TrainRuns.runs(interp).stopAll();
            MachineLib.runners(interp).stopAll();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static void waitFor(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                if (done.getAsBoolean()) return;
            } catch (RuntimeException e) {
                // the element is not there yet
            }
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    static TrainRun run() {
        return TrainRuns.runs(interp).get(1);
    }

    static WebElement card(String selector) {
        return driver.findElement(By.cssSelector(selector));
    }

    @Test
    void theGraphShowsTheNetworksNeuronsAndLinksAndItsValuesChange() throws InterruptedException {
        Runner r = MachineLib.runners(interp).get("duplicates");
        Network net = r.current();
        waitFor(() -> card("[data-network='live:duplicates']").findElements(By.cssSelector("g.neuron")).size() == net.neurons().size(), "the neurons");
        WebElement c = card("[data-network='live:duplicates']");
        Set<String> drawn = new TreeSet<>();
        for (WebElement g : c.findElements(By.cssSelector("g.neuron"))) {
            drawn.add(g.getAttribute("data-name"));
            String type = g.getAttribute("data-type");
            assertEquals(net.neuron(g.getAttribute("data-name")).type(), type);
            assertTrue(g.getText().contains(g.getAttribute("data-name")) && g.getText().contains(type), "labelled with name and type: " + g.getText());
        }
        assertEquals(new TreeSet<>(net.neurons().keySet()), drawn);
        int[] hard = {0};
        net.hardMatrix().forEachLeaf((p, w) -> hard[0]++);
        assertEquals(net.softLinkCount(), c.findElements(By.cssSelector("path.link:not(.hard)")).size(), "one path per soft link");
        assertEquals(hard[0], c.findElements(By.cssSelector("path.link.hard")).size(), "one dashed path per hard link");
        assertTrue(hard[0] > 0);
        // values: the cycle moves, and hovering a neuron shows its current inputs and outputs
        long cycle = Long.parseLong(c.getAttribute("data-cycle"));
        waitFor(() -> Long.parseLong(card("[data-network='live:duplicates']").getAttribute("data-cycle")) > cycle + 2, "new cycles on the page");
        WebElement accum = c.findElement(By.cssSelector("g.neuron[data-name='accum'] circle"));
        new Actions(driver).moveToElement(accum).perform();
        WebElement tip = driver.findElement(By.id("tooltip"));
        waitFor(tip::isDisplayed, "the tooltip");
        String first = tip.getText();
        assertTrue(first.startsWith("accum (sum-dicts)") && first.contains("inputs") && first.contains("outputs"), first);
        new Actions(driver).moveByOffset(1, 0).perform();
        waitFor(() -> {
            new Actions(driver).moveByOffset(0, 0).perform();
            return !tip.getText().equals(first);
        }, "the hovered values to change with the cycles");
        new Actions(driver).moveByOffset(-400, 300).perform();
    }

    @Test
    void theTrainingRunsCurvesGrowAndItsControlsReachTheTrainer() throws Exception {
        TrainRun run = run();
        Trainer t = run.trainer();
        waitFor(() -> Integer.parseInt(card("[data-run='1']").getAttribute("data-points")) > 5, "points on the loss curve");
        int points = Integer.parseInt(card("[data-run='1']").getAttribute("data-points"));
        waitFor(() -> Integer.parseInt(card("[data-run='1']").getAttribute("data-points")) > points + 5, "the curve to grow");
        assertEquals(1, card("[data-run='1']").findElements(By.cssSelector(".uplot")).size() > 0 ? 1 : 0, "uPlot drew the charts");
        // the trained network is drawn too, with one path per soft link
        waitFor(() -> card("[data-network='train:1']").findElements(By.cssSelector("path.link:not(.hard)")).size() == run.network().softLinkCount(),
                "the trained network's links");

        card("[data-run='1'] button.toggle").click();   // pause
        waitFor(run::isParked, "the trainer to pause");
        waitFor(() -> card("[data-run='1']").getAttribute("data-status").equals("paused"), "the page to show the pause");
        long held = t.step();
        Thread.sleep(150);
        assertEquals(held, t.step(), "no step while paused");

        WebElement lr = card("[data-run='1'] input.set-lr");
        lr.clear();
        lr.sendKeys("0.0004");
        card("[data-run='1'] button.set-lr").click();
        waitFor(() -> t.optimizer().learningRate() == 0.0004, "the new learning rate in the trainer (applied while paused)");
        assertEquals(held, t.step());

        // cut a link from the page (a click and a confirmation), applied at the step boundary
        int links = run.network().softLinkCount();
        WebElement link = card("[data-network='train:1'] path.link:not(.hard)");
        ((JavascriptExecutor) driver).executeScript("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", link);
        driver.switchTo().alert().accept();
        waitFor(() -> run.network().softLinkCount() == links - 1, "the cut");
        waitFor(() -> card("[data-network='train:1']").findElements(By.cssSelector("path.link:not(.hard)")).size() == links - 1, "the page to drop the link");
        waitFor(() -> !card("[data-run='1'] .cut").findElements(By.cssSelector("button.restore")).isEmpty(), "the restore button");

        card("[data-run='1'] button.toggle").click();   // resume
        waitFor(() -> t.step() > held + 3, "steps after resume");
        waitFor(() -> card("[data-run='1']").getAttribute("data-lr").equals("4.0E-4") || card("[data-run='1']").getAttribute("data-lr").equals("0.0004"), "the page to show the new rate");
        for (TrainRun.Point p : run.historyAfter(0, 1_000_000))
            if (p.row().step() > held) assertEquals(0.0004, p.row().lr(), "step " + p.row().step());

        screenshot();
    }

    @Test
    void aRequestWithoutTheTokenIsRefused() throws Exception {
        String base = server.url().substring(0, server.url().indexOf("/?"));
        HttpClient http = HttpClient.newHttpClient();
        String body = "{\"action\":\"set-lr\",\"run\":1,\"value\":0.5}";
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(base + "/api/action")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, none.statusCode(), none.body());
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(base + "/api/action")).header("Content-Type", "application/json")
                .header("X-DMM-Token", server.token() + "x").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, wrong.statusCode());
        // the token in the query string is not enough for a change: a page of another origin could forge that
        HttpResponse<String> query = http.send(HttpRequest.newBuilder(URI.create(base + "/api/action?token=" + server.token())).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, query.statusCode());
        // from the page itself, without the header
        Object status = ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "fetch('/api/action', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: arguments[0]}).then(r => done(r.status));", body);
        assertEquals(403L, ((Number) status).longValue());
        assertNotEquals(0.5, run().trainer().optimizer().learningRate(), "nothing changed");
    }

    /** The README's picture of the view: target/live-view.png (docs/images/live-view.png is a copy). */
    static void screenshot() throws Exception {
        Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, Path.of("target/live-view.png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
