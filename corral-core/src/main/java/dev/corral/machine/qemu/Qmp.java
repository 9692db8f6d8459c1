package dev.corral.machine.qemu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import dev.corral.CorralException;
import dev.corral.Deadline;

import org.slf4j.Logger;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A small client of the QEMU Machine Protocol over a Unix socket ({@code -qmp unix:PATH,server=on,wait=off}).
 *
 * <p>One reader thread parses the server's messages (one JSON object per line): command responses are matched to
 * their request by {@code id}; asynchronous events ({@code RESET}, {@code SHUTDOWN}, ...) go to listeners and are
 * kept, the last {@value #KEPT_EVENTS}. Malformed lines are logged and skipped. Thread-safe.
 */
final class Qmp implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int KEPT_EVENTS = 256;
    private static final Duration RETRY = Duration.ofMillis(50);

    private final SocketChannel channel;
    private final Logger log;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new ArrayList<>();
    private final CompletableFuture<JsonNode> greeting = new CompletableFuture<>();
    private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean closed;
    private volatile String lostBecause;

    /** A QMP request failed; the message holds QEMU's error class and description. */
    static final class QmpException extends CorralException {
        QmpException(String message) {
            super(message);
        }

        QmpException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Qmp(SocketChannel channel, Logger log) {
        this.channel = channel;
        this.log = log;
        this.reader = Thread.ofVirtual().name("qmp-reader").start(this::readLoop);
    }

    /**
     * Connects to the socket, retrying while it does not exist yet and {@code alive} holds, reads the greeting and
     * negotiates capabilities.
     *
     * @throws QmpException when QEMU is gone, or the deadline passes, before the handshake finished
     */
    static Qmp connect(Path socket, BooleanSupplier alive, Deadline deadline, Logger log) throws InterruptedException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
        while (true) {
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.connect(address);
                Qmp qmp = new Qmp(channel, log);
                try {
                    qmp.handshake(deadline);
                    return qmp;
                } catch (InterruptedException | RuntimeException e) {
                    qmp.close();
                    throw e;
                }
            } catch (IOException e) {
                closeQuietly(channel);
                if (!alive.getAsBoolean()) {
                    throw new QmpException("QEMU exited before its QMP socket " + socket + " answered");
                }
                if (deadline.expired()) {
                    throw new QmpException("QEMU's QMP socket " + socket + " did not answer in time: " + e.getMessage(), e);
                }
                Thread.sleep(RETRY);
            }
        }
    }

    private void handshake(Deadline deadline) throws InterruptedException {
        JsonNode hello = await(greeting, deadline, "the QMP greeting");
        log.debug("QMP greeting: {}", hello.path("QMP").path("version").path("package").asString(""));
        execute("qmp_capabilities", null, deadline);
    }

    /**
     * Runs a command and returns its {@code return} value.
     *
     * @param arguments the command's arguments, or {@code null}
     * @throws QmpException with QEMU's error, or when the connection is lost or the deadline passes first
     */
    JsonNode execute(String command, Map<String, Object> arguments, Deadline deadline) throws InterruptedException {
        String id = "corral-" + ids.incrementAndGet();
        ObjectNode request = JSON.createObjectNode();
        request.put("execute", command);
        if (arguments != null && !arguments.isEmpty()) {
            request.set("arguments", JSON.valueToTree(arguments));
        }
        request.put("id", id);
        CompletableFuture<JsonNode> response = new CompletableFuture<>();
        pending.put(id, response);
        try {
            send(request);
            JsonNode reply = await(response, deadline, "the answer to " + command);
            JsonNode error = reply.get("error");
            if (error != null) {
                throw new QmpException("QEMU refused " + command + ": " + error.path("class").asString("?") + ": "
                        + error.path("desc").asString(""));
            }
            return reply.path("return");
        } finally {
            pending.remove(id);
        }
    }

    /** {@code query-status}: the run state, such as {@code running}, {@code paused} or {@code shutdown}. */
    String status(Deadline deadline) throws InterruptedException {
        return execute("query-status", null, deadline).path("status").asString("unknown");
    }

    /** {@code system_powerdown}: presses the ACPI power button; the guest decides what to do. */
    void powerdown(Deadline deadline) throws InterruptedException {
        execute("system_powerdown", null, deadline);
    }

    /** {@code system_reset}: resets the machine at once, as the reset button does. */
    void reset(Deadline deadline) throws InterruptedException {
        execute("system_reset", null, deadline);
    }

    /**
     * {@code quit}: QEMU exits at once. Losing the connection right after the request counts as success, since
     * QEMU may close the socket before its answer leaves.
     */
    void quit(Deadline deadline) throws InterruptedException {
        try {
            execute("quit", null, deadline);
        } catch (QmpException e) {
            if (lostBecause == null) {
                throw e;
            }
        }
    }

    /** Calls {@code listener} with every later event, on the reader thread; a throwing listener is logged. */
    void onEvent(Consumer<JsonNode> listener) {
        listeners.add(listener);
    }

    /** The events received so far (at most the last {@value #KEPT_EVENTS}), oldest first. */
    List<JsonNode> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Why the connection ended, or {@code null} while it is up. */
    String lostBecause() {
        return lostBecause;
    }

    private void send(ObjectNode request) {
        byte[] bytes = (JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (channel) {
            try {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                throw new QmpException("cannot send " + request.path("execute").asString("") + " to QEMU: "
                        + (lostBecause != null ? lostBecause : e.getMessage()), e);
            }
        }
    }

    private JsonNode await(CompletableFuture<JsonNode> future, Deadline deadline, String what) throws InterruptedException {
        try {
            return future.get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new QmpException("QEMU did not send " + what + " in time");
        } catch (ExecutionException e) {
            throw new QmpException("no " + what + " from QEMU: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void readLoop() {
        String why = "QEMU closed the QMP connection";
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    dispatch(line);
                }
            }
        } catch (IOException e) {
            why = closed ? "the QMP connection was closed" : "the QMP connection broke: " + e.getMessage();
        } finally {
            lostBecause = why;
            QmpException lost = new QmpException(why);
            greeting.completeExceptionally(lost);
            pending.values().forEach(f -> f.completeExceptionally(lost));
        }
    }

    private void dispatch(String line) {
        JsonNode message;
        try {
            message = JSON.readTree(line);
        } catch (JacksonException e) {
            log.warn("ignoring a QMP line that is not JSON: {}", line.length() > 200 ? line.substring(0, 200) + "…" : line);
            return;
        }
        if (message.has("QMP")) {
            greeting.complete(message);
        } else if (message.has("event")) {
            log.debug("QMP event {}", message.path("event").asString(""));
            synchronized (events) {
                events.add(message);
                if (events.size() > KEPT_EVENTS) {
                    events.remove(0);
                }
            }
            for (Consumer<JsonNode> listener : listeners) {
                try {
                    listener.accept(message);
                } catch (RuntimeException e) {
                    log.warn("a QMP event listener failed on {}", message.path("event").asString(""), e);
                }
            }
        } else if (message.has("return") || message.has("error")) {
            CompletableFuture<JsonNode> waiting = pending.get(message.path("id").asString(""));
            if (waiting != null) {
                waiting.complete(message);
            } else {
                log.debug("QMP answer for no pending request: {}", line);
            }
        } else {
            log.debug("ignoring unknown QMP message: {}", line);
        }
    }

    /** Closes the connection (QEMU keeps running); idempotent. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(channel);
        try {
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
