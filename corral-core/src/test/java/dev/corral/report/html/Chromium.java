package dev.corral.report.html;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real headless Chromium driven over the DevTools protocol (a WebSocket, {@link java.net.http.WebSocket} and
 * Jackson; no Selenium). One page; console messages, log entries and uncaught exceptions are collected from the
 * moment the page is attached, before any navigation. {@link #close()} kills the whole browser process tree.
 *
 * <p>The browser is {@code $CORRAL_CHROMIUM} or the first of {@code chromium}, {@code chromium-browser},
 * {@code google-chrome} found on the PATH; a missing browser fails the test with a hint to install it.
 */
final class Chromium implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final List<String> console = new CopyOnWriteArrayList<>();

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** The browser executable; fails with an install hint when there is none. */
    static Path executable() {
        String env = System.getenv("CORRAL_CHROMIUM");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new AssertionError("no Chromium found (looked for chromium, chromium-browser, google-chrome on PATH,"
                + " and $CORRAL_CHROMIUM): install it, e.g. scripts/install-deps or apt-get install chromium");
    }

    /** Starts a headless browser with a fresh profile under {@code work} and attaches to its page. */
    static Chromium launch(Path work, int width, int height) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(work, "chromium-profile");
        Path stderr = work.resolve("chromium-stderr.log");
        List<String> cmd = List.of(executable().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-default-apps", "--no-first-run",
                "--no-default-browser-check", "--mute-audio", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--window-size=" + width + "," + height, "--user-data-dir=" + profile,
                "--remote-debugging-port=0", "--remote-allow-origins=*", "about:blank");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(stderr.toFile()).start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
                if (!p.isAlive()) {
                    throw new AssertionError("chromium exited with " + p.exitValue() + ": " + Files.readString(stderr));
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("chromium did not open its DevTools port within " + TIMEOUT + ": "
                            + Files.readString(stderr));
                }
                Thread.sleep(50);
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).getFirst().strip());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            String wsUrl = null;
            while (wsUrl == null) {
                HttpResponse<String> list = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/json/list")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                for (JsonNode t : JSON.readTree(list.body())) {
                    if ("page".equals(t.path("type").stringValue(""))) {
                        wsUrl = t.path("webSocketDebuggerUrl").stringValue();
                        break;
                    }
                }
                if (wsUrl == null) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("chromium has no page target: " + list.body());
                    }
                    Thread.sleep(50);
                }
            }
            Receiver receiver = new Receiver();
            WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(wsUrl), receiver).get(30, TimeUnit.SECONDS);
            Chromium c = new Chromium(p, profile, ws);
            receiver.owner = c;
            c.send("Runtime.enable", null);
            c.send("Log.enable", null);
            c.send("Page.enable", null);
            ObjectNode metrics = JSON.createObjectNode();
            metrics.put("width", width);
            metrics.put("height", height);
            metrics.put("deviceScaleFactor", 1);
            metrics.put("mobile", false);
            c.send("Emulation.setDeviceMetricsOverride", metrics);
            return c;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            kill(p);
            deleteTree(profile);
            throw e;
        } catch (ExecutionException | TimeoutException e) {
            kill(p);
            deleteTree(profile);
            throw new AssertionError("cannot attach to chromium: " + e, e);
        }
    }

    /** Navigates and waits until {@code document.body.dataset.ready == "1"}; returns the load time. */
    Duration open(String url) throws InterruptedException {
        long t0 = System.nanoTime();
        ObjectNode params = JSON.createObjectNode();
        params.put("url", url);
        JsonNode r = send("Page.navigate", params);
        if (r.has("errorText")) {
            throw new AssertionError("navigation to " + url + " failed: " + r.path("errorText").stringValue());
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!"1".equals(eval("document.readyState === 'complete' && document.body"
                + " && document.body.getAttribute('data-ready') || ''").stringValue(""))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page did not become ready within " + TIMEOUT + "; console: " + console
                        + "; problems: " + problems);
            }
            Thread.sleep(25);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Evaluates an expression in the page (promises awaited) and returns its value as JSON. */
    JsonNode eval(String expression) throws InterruptedException {
        ObjectNode params = JSON.createObjectNode();
        params.put("expression", expression);
        params.put("returnByValue", true);
        params.put("awaitPromise", true);
        JsonNode r = send("Runtime.evaluate", params);
        if (r.has("exceptionDetails")) {
            throw new AssertionError("page threw for `" + expression + "`: " + r.path("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** Waits until an expression is truthy in the page. */
    void await(String expression) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!eval("!!(" + expression + ")").booleanValue()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for `" + expression + "`");
            }
            Thread.sleep(25);
        }
    }

    /** Saves a PNG of the whole page (beyond the viewport). */
    void screenshot(Path png) throws IOException, InterruptedException {
        JsonNode size = eval("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]");
        ObjectNode params = JSON.createObjectNode();
        params.put("format", "png");
        params.put("captureBeyondViewport", true);
        ObjectNode clip = params.putObject("clip");
        clip.put("x", 0);
        clip.put("y", 0);
        clip.put("width", size.get(0).intValue());
        clip.put("height", Math.min(size.get(1).intValue(), 6000));
        clip.put("scale", 1);
        JsonNode r = send("Page.captureScreenshot", params);
        Files.write(png, Base64.getDecoder().decode(r.path("data").stringValue()));
    }

    /** Console errors and warnings, uncaught exceptions and browser log errors seen so far. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    /** Every console message seen so far, as {@code type: text}. */
    List<String> console() {
        return List.copyOf(console);
    }

    JsonNode send(String method, JsonNode params) throws InterruptedException {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        if (params != null) {
            msg.set("params", params);
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(JSON.writeValueAsString(msg), true).join();
        try {
            JsonNode r = reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (r.has("error")) {
                throw new AssertionError(method + " failed: " + r.path("error"));
            }
            return r.path("result");
        } catch (ExecutionException e) {
            throw new AssertionError(method + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(method + " got no answer within " + TIMEOUT, e);
        } finally {
            pending.remove(id);
        }
    }

    private void onMessage(String text) {
        JsonNode m = JSON.readTree(text);
        if (m.has("id")) {
            CompletableFuture<JsonNode> f = pending.get(m.path("id").intValue());
            if (f != null) {
                f.complete(m);
            }
            return;
        }
        String method = m.path("method").stringValue("");
        JsonNode p = m.path("params");
        switch (method) {
            case "Runtime.consoleAPICalled" -> {
                String type = p.path("type").stringValue("");
                List<String> args = new ArrayList<>();
                p.path("args").forEach(a -> args.add(a.has("value") ? a.path("value").toString()
                        : a.path("description").stringValue("")));
                String line = type + ": " + String.join(" ", args);
                console.add(line);
                if (type.equals("error") || type.equals("assert") || type.equals("warning")) {
                    problems.add("console " + line);
                }
            }
            case "Runtime.exceptionThrown" -> problems.add("exception: " + p.path("exceptionDetails"));
            case "Log.entryAdded" -> {
                JsonNode e = p.path("entry");
                if (e.path("level").stringValue("").equals("error")) {
                    problems.add("log " + e.path("source").stringValue("") + ": " + e.path("text").stringValue(""));
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS);
        } catch (RuntimeException ignored) {
            // the browser is killed below anyway
        }
        kill(process);
        deleteTree(profile);
    }

    /** Kills the browser and every process it started (renderers, GPU, zygotes). */
    private static void kill(Process p) {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        p.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            p.waitFor(20, TimeUnit.SECONDS);
            for (ProcessHandle h : tree) {
                h.onExit().get(20, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("chromium processes survived a kill: " + tree, e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir under the test's own temp dir; JUnit removes it too
        }
    }

    private static final class Receiver implements WebSocket.Listener {
        volatile Chromium owner;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                Chromium c = owner;
                if (c != null) {
                    c.onMessage(text);
                }
            }
            ws.request(1);
            return null;
        }
    }
}
