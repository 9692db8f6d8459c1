package dev.corral.report.console;

import java.io.Console;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;
import dev.corral.schedule.RunListener;
import dev.corral.tmt.TestCase;

import org.apiguardian.api.API;

/**
 * Progress of a run on a console, as a {@link RunListener}.
 *
 * <ul>
 *   <li><b>Line mode</b> (CI, pipes): one line per finished test, e.g. {@code pass /tests/foo (1.2s) [local-1]},
 *       plus a line when a machine is ready, fails to provision, reboots or is lost.</li>
 *   <li><b>Live mode</b> (a terminal): the same lines scroll above a status block that is redrawn in place with
 *       ANSI cursor movement: one line per busy machine (test, elapsed time, expected duration), one per machine
 *       being provisioned, and the counts per outcome with an ETA when expected durations are known. The block
 *       is refreshed every {@code refresh} by a virtual thread and on every event.</li>
 * </ul>
 * When the run finishes, a summary table (final outcomes per target, total time, results directory) is printed
 * once. A resumed run ({@link #runResumed}) is shown whole: the results its earlier incarnations journaled count as
 * done in the live counts (the ETA covers what remains) and in the summary, as in the reports, and the summary says
 * how many there were. A test whose earlier result is pending runs again: it counts as not done, and its pending
 * result stays in the summary only if it does not finish.
 *
 * <pre>{@code
 * try (ConsoleReport console = ConsoleReport.builder().out(System.out).resultsDir(dir.path()).build()) {
 *     scheduler.run(tests, console);
 * }
 * }</pre>
 *
 * <p>Thread-safe: events may arrive concurrently from worker threads; output is serialized by a lock. It writes
 * only to the given writer.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class ConsoleReport implements RunListener, AutoCloseable {
    private static final String ESC = "\u001b[";

    private final PrintWriter out;
    private final boolean live;
    private final boolean color;
    private final Path resultsDir;
    private final Duration refresh;
    private final int width;
    private final InstantSource clock;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Running> running = new LinkedHashMap<>();
    private final Map<String, Provisioning> provisioning = new LinkedHashMap<>();
    private final Map<String, TestResult> finals = new LinkedHashMap<>();
    /** Final results of earlier incarnations, in report order: the summary's rows before this process's results. */
    private final Map<String, TestResult> earlier = new LinkedHashMap<>();
    /** How many of {@link #finals} the earlier incarnations left; guarded by {@link #lock}. */
    private int carriedOver;
    private int planned = -1;
    private Instant runStart;
    private Duration finishedTime = Duration.ZERO;
    private int finishedAttempts;
    private int drawnLines;
    private boolean finished;
    private boolean summarized;
    private Thread refresher;

    private record Running(String target, String machine, String test, int attempt, Instant started, Duration expected,
                           boolean rebooting) {
    }

    private record Provisioning(String target, String slot, Instant started) {
    }

    private ConsoleReport(Builder b) {
        this.out = b.out;
        this.live = b.live != null ? b.live : interactive();
        this.color = b.color != null ? b.color : this.live && System.getenv("NO_COLOR") == null;
        this.resultsDir = b.resultsDir;
        this.refresh = b.refresh;
        this.width = b.width > 0 ? b.width : columns();
        this.clock = b.clock;
    }

    /** A builder; {@link Builder#out} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether live mode suits this process: a terminal on standard output ({@code System.console()} is a terminal),
     * not CI ({@code CI} unset or false) and {@code TERM} not {@code dumb}.
     */
    public static boolean interactive() {
        String ci = System.getenv("CI");
        if (ci != null && !ci.isEmpty() && !ci.equalsIgnoreCase("false") && !ci.equals("0")) {
            return false;
        }
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Java 22+: System.console() exists for redirected streams too; isTerminal() tells them apart
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** The summary table of a finished run's results ({@code corral report DIR}). */
    public static String summary(RunResults results, Duration took, Path dir) {
        return SummaryTable.render(results.finals(), -1, 0, took, dir, false);
    }

    @Override
    public void runResumed(RunResults journaled) {
        locked(() -> {
            for (TestResult r : journaled.finals()) {
                earlier.put(r.key(), r);
                if (r.outcome() != Outcome.PENDING) {
                    finals.put(r.key(), r); // a pending test runs again: it is not done yet
                }
            }
            carriedOver = finals.size();
        });
    }

    @Override
    public void runStarted(int tests) {
        locked(() -> {
            planned = carriedOver + tests;
            runStart = clock.instant();
            if (live && refresh.isPositive() && refresher == null) {
                refresher = Thread.ofVirtual().name("corral-console").start(this::refreshLoop);
            }
            redraw(List.of());
        });
    }

    @Override
    public void provisioningStarted(String target, String slot) {
        locked(() -> {
            provisioning.put(target + "\u0000" + slot, new Provisioning(target, slot, clock.instant()));
            redraw(List.of());
        });
    }

    @Override
    public void machineReady(String target, String machineId, Duration took) {
        locked(() -> {
            if (provisioning.remove(target + "\u0000" + machineId) == null) {
                removeFirstProvisioning(target);
            }
            redraw(List.of(dim("ready") + " " + machineId + where(target, null) + " (" + TimeFormat.human(took) + ")"));
        });
    }

    @Override
    public void provisioningFailed(String target, String slot, String message, int attempt) {
        locked(() -> {
            provisioning.remove(target + "\u0000" + slot);
            redraw(List.of(paint("31", "provisioning failed") + " " + slot + where(target, null) + " (attempt "
                    + attempt + "): " + oneLine(message)));
        });
    }

    @Override
    public void machineReleased(String target, String machineId, String reason) {
        locked(() -> {
            running.values().removeIf(r -> r.machine().equals(machineId) && r.target().equals(target));
            boolean lost = reason != null && reason.toLowerCase(Locale.ROOT).contains("lost");
            redraw(lost ? List.of(paint("31", "lost") + " " + machineId + where(target, null) + ": " + oneLine(reason))
                    : List.of());
        });
    }

    @Override
    public void testStarted(String target, TestCase test, String machineId, int attempt, Duration expected) {
        locked(() -> {
            running.put(runningKey(machineId, target, test.name()),
                    new Running(target, machineId, test.name(), attempt, clock.instant(), expected, false));
            redraw(List.of());
        });
    }

    @Override
    public void machineRebooting(String target, String machineId, String test) {
        locked(() -> {
            String key = runningKey(machineId, target, test);
            Running r = running.get(key);
            if (r != null) {
                running.put(key, new Running(r.target(), r.machine(), r.test(), r.attempt(), r.started(),
                        r.expected(), true));
            }
            redraw(live ? List.of() : List.of("reboot " + test + " [" + machineId + "]"));
        });
    }

    @Override
    public void testFinished(TestResult result) {
        locked(() -> {
            if (result.machine() != null) {
                running.remove(runningKey(result.machine(), result.target(), result.name()));
            } else {
                running.values().removeIf(r -> r.target().equals(result.target()) && r.test().equals(result.name()));
            }
            finals.put(result.key(), result);
            finishedTime = finishedTime.plus(result.duration());
            finishedAttempts++;
            redraw(List.of(line(result)));
        });
    }

    @Override
    public void runFinished(boolean interrupted) {
        Thread stopping = locked(() -> {
            finished = true;
            Thread t = refresher;
            refresher = null;
            return t;
        });
        stopRefresher(stopping);
        locked(() -> {
            if (summarized) {
                return;
            }
            summarized = true;
            running.clear();
            provisioning.clear();
            clearBlock();
            Duration took = runStart == null ? null : Duration.between(runStart, clock.instant());
            Map<String, TestResult> whole = new LinkedHashMap<>(earlier);
            whole.putAll(finals);
            out.print(SummaryTable.render(whole.values(), planned, carriedOver, took, resultsDir, interrupted));
            out.flush();
        });
    }

    /** Stops the refresh thread; safe to call twice. Does not close the writer. */
    @Override
    public void close() {
        Thread stopping = locked(() -> {
            finished = true;
            Thread t = refresher;
            refresher = null;
            return t;
        });
        stopRefresher(stopping);
        locked(() -> out.flush());
    }

    /** The finished-test line, as printed in line mode (without colour). */
    static String plainLine(TestResult r) {
        return format(r, false);
    }

    // ------------------------------------------------------------------ rendering

    private String line(TestResult r) {
        return format(r, color);
    }

    private static String format(TestResult r, boolean color) {
        StringBuilder b = new StringBuilder();
        String label = label(r.outcome());
        b.append(color ? ESC + colorOf(r.outcome()) + "m" + label + ESC + "0m" : label);
        b.append(' ').append(printable(r.name()));
        b.append(" (").append(TimeFormat.human(r.duration())).append(')');
        b.append(where(r.target(), r.machine()));
        List<String> extras = new ArrayList<>();
        if (r.attempt() > 1) {
            extras.add("attempt " + r.attempt());
        }
        r.notes().forEach(n -> extras.add(oneLine(n)));
        if (!extras.isEmpty()) {
            b.append(" (").append(String.join(", ", extras)).append(')');
        }
        return b.toString();
    }

    /** {@code [machine]}, {@code [target machine]} or {@code [target]} for non-default targets. */
    private static String where(String target, String machine) {
        boolean showTarget = !ResultsDir.DEFAULT_TARGET.equals(target);
        if (machine == null) {
            return showTarget ? " [" + target + "]" : "";
        }
        return showTarget ? " [" + target + " " + machine + "]" : " [" + machine + "]";
    }

    /** tmt's four-letter labels. */
    private static String label(Outcome o) {
        return switch (o) {
            case ERROR -> "errr";
            case PENDING -> "pend";
            default -> o.tmtName();
        };
    }

    private static String colorOf(Outcome o) {
        return switch (o) {
            case PASS -> "32";
            case FAIL -> "31";
            case INFO -> "34";
            case WARN -> "33";
            case ERROR -> "35";
            case SKIP -> "90";
            case PENDING -> "36";
        };
    }

    private String paint(String code, String text) {
        return color ? ESC + code + "m" + text + ESC + "0m" : text;
    }

    private String dim(String text) {
        return paint("2", text);
    }

    /** Prints permanent lines; in live mode erases the status block first and draws it again below them. */
    private void redraw(List<String> lines) {
        if (!live) {
            lines.forEach(out::println);
            if (!lines.isEmpty()) {
                out.flush();
            }
            return;
        }
        if (finished && lines.isEmpty()) {
            return;
        }
        StringBuilder frame = new StringBuilder();
        if (drawnLines > 0) {
            frame.append(ESC).append(drawnLines).append('A').append('\r').append(ESC).append('J');
        }
        for (String l : lines) {
            frame.append(l).append('\n');
        }
        List<String> block = finished ? List.of() : statusBlock();
        for (String l : block) {
            frame.append(l).append('\n');
        }
        drawnLines = block.size();
        out.print(frame);
        out.flush();
    }

    private void clearBlock() {
        if (live && drawnLines > 0) {
            out.print(ESC + drawnLines + "A\r" + ESC + "J");
            drawnLines = 0;
        }
    }

    /** The live status block: busy machines, provisioning, counts and ETA. */
    List<String> statusBlock() {
        Instant now = clock.instant();
        List<String> block = new ArrayList<>();
        int nameWidth = 0;
        for (Running r : running.values()) {
            nameWidth = Math.max(nameWidth, machineLabel(r.target(), r.machine()).length());
        }
        for (Provisioning p : provisioning.values()) {
            nameWidth = Math.max(nameWidth, machineLabel(p.target(), p.slot()).length());
        }
        for (Running r : running.values()) {
            String label = pad(machineLabel(r.target(), r.machine()), nameWidth);
            String time = TimeFormat.clock(Duration.between(r.started(), now))
                    + (r.expected() != null ? " / ~" + TimeFormat.clock(r.expected()) : "");
            String suffix = (r.attempt() > 1 ? " (attempt " + r.attempt() + ")" : "")
                    + (r.rebooting() ? " (rebooting)" : "");
            int room = width - 1 - 2 - label.length() - 2 - time.length() - suffix.length() - 2;
            block.add(fit("  " + label + "  " + shorten(printable(r.test()), room) + suffix + "  " + dim(time)));
        }
        for (Provisioning p : provisioning.values()) {
            String label = pad(machineLabel(p.target(), p.slot()), nameWidth);
            block.add(fit("  " + label + "  " + dim("provisioning  " + TimeFormat.clock(Duration.between(p.started(), now)))));
        }
        block.add(fit(countsLine(now)));
        return block;
    }

    private String countsLine(Instant now) {
        Map<Outcome, Integer> counts = new LinkedHashMap<>();
        for (TestResult r : finals.values()) {
            counts.merge(r.outcome(), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        for (Outcome o : Outcome.values()) {
            Integer n = counts.get(o);
            if (n != null) {
                parts.add(n + " " + (color ? ESC + colorOf(o) + "m" + label(o) + ESC + "0m" : label(o)));
            }
        }
        if (!running.isEmpty()) {
            parts.add(running.size() + " running");
        }
        StringBuilder b = new StringBuilder();
        b.append('[').append(finals.size()).append('/').append(planned < 0 ? "?" : Integer.toString(planned)).append(']');
        if (!parts.isEmpty()) {
            b.append(' ').append(String.join(" · ", parts));
        }
        if (runStart != null) {
            b.append(" · ").append(TimeFormat.clock(Duration.between(runStart, now)));
        }
        Duration eta = eta(now);
        if (eta != null) {
            b.append(" · ETA ").append(TimeFormat.clock(eta));
        }
        return b.toString();
    }

    /**
     * Remaining time, when any running test has an expected duration: what is left of the running tests plus the
     * tests not started yet at the average duration (of finished attempts, else of the expected durations),
     * spread over the busy machines.
     */
    private Duration eta(Instant now) {
        List<Duration> expected = running.values().stream().map(Running::expected).filter(Objects::nonNull).toList();
        if (expected.isEmpty()) {
            return null;
        }
        Duration average = finishedAttempts > 0
                ? finishedTime.dividedBy(finishedAttempts)
                : expected.stream().reduce(Duration.ZERO, Duration::plus).dividedBy(expected.size());
        Duration left = Duration.ZERO;
        for (Running r : running.values()) {
            Duration total = r.expected() != null ? r.expected() : average;
            Duration rest = total.minus(Duration.between(r.started(), now));
            if (rest.isPositive()) {
                left = left.plus(rest);
            }
        }
        int notStarted = planned < 0 ? 0 : Math.max(0, planned - finals.size() - running.size());
        left = left.plus(average.multipliedBy(notStarted));
        return left.dividedBy(Math.max(1, running.size()));
    }

    private static String machineLabel(String target, String machine) {
        return ResultsDir.DEFAULT_TARGET.equals(target) ? machine : target + " " + machine;
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    /** Keeps the end of a long test name: {@code …/suite/test}. */
    private static String shorten(String name, int room) {
        if (room < 8 || name.length() <= room) {
            return name;
        }
        return "…" + name.substring(name.length() - (room - 1));
    }

    /** Cuts a line to the terminal width (counting visible characters only) so it never wraps. */
    private String fit(String line) {
        int max = width - 1;
        StringBuilder b = new StringBuilder();
        int visible = 0;
        boolean cut = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\u001b') {
                int end = i + 1;
                while (end < line.length() && !Character.isLetter(line.charAt(end))) {
                    end++;
                }
                b.append(line, i, Math.min(end + 1, line.length()));
                i = end;
                continue;
            }
            if (visible >= max) {
                cut = true;
                continue;
            }
            b.append(c);
            visible++;
        }
        if (cut && color) {
            b.append(ESC).append("0m");
        }
        return b.toString();
    }

    private static String oneLine(String s) {
        return s == null ? "" : printable(s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
    }

    /**
     * {@code s} with control characters (C0, DEL, C1, line and paragraph separators) escaped, so that a test name or
     * note can neither break the status area into extra lines nor send escape sequences to the terminal.
     */
    public static String printable(String s) {
        if (s.codePoints().noneMatch(ConsoleReport::control)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        s.codePoints().forEach(c -> {
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (control(c)) {
                b.append(c < 0x100 ? String.format("\\x%02x", c) : String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    private static boolean control(int c) {
        return c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || c == 0x2028 || c == 0x2029;
    }

    private static String runningKey(String machine, String target, String test) {
        return machine + "\u0000" + target + "\u0000" + test;
    }

    private void removeFirstProvisioning(String target) {
        Iterator<Provisioning> it = provisioning.values().iterator();
        while (it.hasNext()) {
            if (it.next().target().equals(target)) {
                it.remove();
                return;
            }
        }
    }

    // ------------------------------------------------------------------ threading

    private void refreshLoop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(refresh);
                locked(() -> {
                    if (!finished && (!running.isEmpty() || !provisioning.isEmpty())) {
                        redraw(List.of());
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // asked to stop
        }
    }

    private static void stopRefresher(Thread t) {
        if (t == null) {
            return;
        }
        t.interrupt();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private static int columns() {
        String c = System.getenv("COLUMNS");
        if (c != null) {
            try {
                int n = Integer.parseInt(c.strip());
                if (n > 20) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // fall back to the default width
            }
        }
        return 100;
    }

    /** Builds a {@link ConsoleReport}. Not thread-safe. */
    @API(status = API.Status.EXPERIMENTAL)
    public static final class Builder {
        private PrintWriter out;
        private Boolean live;
        private Boolean color;
        private Path resultsDir;
        private Duration refresh = Duration.ofSeconds(1);
        private int width;
        private InstantSource clock = InstantSource.system();

        private Builder() {
        }

        /** Where to write (required). Not closed by the report. */
        public Builder out(PrintWriter writer) {
            this.out = Objects.requireNonNull(writer, "writer must not be null");
            return this;
        }

        /** Where to write, in the stream's charset. Not closed by the report. */
        public Builder out(PrintStream stream) {
            Objects.requireNonNull(stream, "stream must not be null");
            this.out = new PrintWriter(new OutputStreamWriter(stream, stream.charset()), false);
            return this;
        }

        /** Live redraw ({@code true}) or one line per test ({@code false}); default {@link #interactive()}. */
        public Builder live(boolean value) {
            this.live = value;
            return this;
        }

        /** ANSI colours; default on in live mode unless {@code NO_COLOR} is set. */
        public Builder color(boolean value) {
            this.color = value;
            return this;
        }

        /** The results directory named in the summary, or {@code null}. */
        public Builder resultsDir(Path dir) {
            this.resultsDir = dir;
            return this;
        }

        /** How often live mode redraws without events (default 1 s); zero redraws on events only. */
        public Builder refresh(Duration interval) {
            Objects.requireNonNull(interval, "interval must not be null");
            if (interval.isNegative()) {
                throw new IllegalArgumentException("refresh interval must not be negative, was " + interval);
            }
            this.refresh = interval;
            return this;
        }

        /** Terminal width in columns (default {@code $COLUMNS} or 100); status lines are cut to fit. */
        public Builder width(int columns) {
            if (columns < 20) {
                throw new IllegalArgumentException("width must be at least 20 columns, was " + columns);
            }
            this.width = columns;
            return this;
        }

        /** The clock for elapsed times (default the system clock). */
        public Builder clock(InstantSource source) {
            this.clock = Objects.requireNonNull(source, "source must not be null");
            return this;
        }

        /** The report; fails when no output was given. */
        public ConsoleReport build() {
            if (out == null) {
                throw new IllegalStateException("out must be set");
            }
            return new ConsoleReport(this);
        }
    }
}
