package dev.corral.report.html;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.corral.RunId;
import dev.corral.report.timeline.MachineEvent;
import dev.corral.report.timeline.MachineEventLog;
import dev.corral.results.Journal;
import dev.corral.results.JournalFixtures;
import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunInfo;
import dev.corral.results.SubResult;
import dev.corral.results.TestResult;

/**
 * Writes a realistic results directory: a pool of machines that are provisioned, run tests (list scheduling,
 * earliest free machine first), reboot for some, re-run failures and are released; outputs, subresults, tags,
 * environment, a machine event log; optionally hostile names. Deterministic for a seed.
 */
final class SampleRun {
    static final String HOSTILE_NAME = "/tests/</script><script>window.__pwned=1</script><!--";
    static final String HOSTILE_NOTE = "line\u2028separator\u2029paragraph </SCRIPT> <img src=x onerror=window.__pwned=2>";

    private static final String[] AREAS = {"kernel", "network", "storage/lvm", "storage/nfs", "security/selinux",
        "packaging/dnf", "boot", "login", "systemd", "firewall", "containers", "ssh"};
    private static final String[] CASES = {"smoke", "basic", "reload", "restart", "upgrade", "ipv6", "stress", "limits",
        "permissions", "recovery", "timeout", "defaults", "sanity", "cleanup", "config"};
    private static final String[] TAGS = {"tier1", "tier2", "slow", "destructive", "security", "network"};

    int tests = 40;
    int machines = 4;
    long seed = 42;
    Instant start = Instant.parse("2026-11-23T18:35:00Z");
    boolean hostile;
    boolean events = true;
    boolean outputs = true;
    double failRate = 0.08;
    String target = ResultsDir.DEFAULT_TARGET;
    List<String> targets = List.of();

    SampleRun tests(int n) {
        this.tests = n;
        return this;
    }

    SampleRun machines(int n) {
        this.machines = n;
        return this;
    }

    SampleRun seed(long s) {
        this.seed = s;
        return this;
    }

    SampleRun start(Instant s) {
        this.start = s;
        return this;
    }

    SampleRun hostile() {
        this.hostile = true;
        return this;
    }

    SampleRun noEvents() {
        this.events = false;
        return this;
    }

    SampleRun noOutputs() {
        this.outputs = false;
        return this;
    }

    SampleRun failRate(double r) {
        this.failRate = r;
        return this;
    }

    SampleRun targets(String... t) {
        this.targets = List.of(t);
        return this;
    }

    /** Names of the first {@code n} tests, as the run names them. */
    static String name(int i) {
        String area = AREAS[i % AREAS.length];
        String c = CASES[(i / AREAS.length) % CASES.length];
        int round = i / (AREAS.length * CASES.length);
        return "/tests/" + area + "/" + c + (round > 0 ? "-" + round : "");
    }

    /** Creates the run as {@code parent/run-<id>}, its run id derived from the start time. */
    ResultsDir write(Path parent) throws IOException {
        Random rnd = new Random(seed);
        String stamp = start.toString().replaceAll("[^0-9]", "").substring(0, 14);
        RunId id = new RunId(stamp.substring(0, 8) + "-" + stamp.substring(8) + "-s" + Long.toString(Math.abs(seed) % 1000, 36));
        ResultsDir dir = ResultsDir.create(parent, id);
        List<String> allTargets = targets.isEmpty() ? List.of(target) : targets;
        Map<String, String> targetDescriptions = new LinkedHashMap<>();
        allTargets.forEach(t -> targetDescriptions.put(t, "podman fedora:41"));
        List<MachineEvent> ev = new ArrayList<>();
        // machines: ready after provisioning
        String[] ids = new String[machines];
        Instant[] free = new Instant[machines];
        String[] machineTarget = new String[machines];
        for (int m = 0; m < machines; m++) {
            ids[m] = "podman-" + (m + 1);
            machineTarget[m] = allTargets.get(m % allTargets.size());
            Instant requested = start.plusMillis(200L * m);
            Duration took = Duration.ofMillis(8_000 + rnd.nextInt(25_000));
            ev.add(new MachineEvent(MachineEvent.Kind.PROVISIONING_STARTED, requested, machineTarget[m], ids[m], null, null));
            ev.add(new MachineEvent(MachineEvent.Kind.MACHINE_READY, requested.plus(took), machineTarget[m], ids[m], null, took));
            free[m] = requested.plus(took);
        }
        if (machines > 2) {
            Instant t = start.plusMillis(500);
            ev.add(new MachineEvent(MachineEvent.Kind.PROVISIONING_STARTED, t, allTargets.getFirst(), "podman-x", null, null));
            ev.add(new MachineEvent(MachineEvent.Kind.PROVISIONING_FAILED, t.plusSeconds(3), allTargets.getFirst(),
                    "podman-x", "attempt 1: image pull failed", null));
        }
        List<TestResult> attempts = new ArrayList<>();
        List<int[]> reruns = new ArrayList<>();
        for (int i = 0; i < tests; i++) {
            String testTarget = allTargets.get(i % allTargets.size());
            String name = hostile && i == 1 ? HOSTILE_NAME : name(i);
            Outcome outcome = outcome(rnd, i);
            attempts.add(runOne(dir, rnd, ev, ids, free, machineTarget, name, testTarget, i + 1, 1, outcome));
            if (outcome == Outcome.FAIL || outcome == Outcome.ERROR) {
                reruns.add(new int[] {i});
            }
        }
        for (int[] r : reruns) {
            int i = r[0];
            TestResult first = attempts.get(i);
            Outcome again = rnd.nextInt(3) == 0 ? Outcome.PASS : first.outcome();
            attempts.add(runOne(dir, rnd, ev, ids, free, machineTarget, first.name(), first.target(), i + 1, 2, again));
        }
        Instant end = start;
        for (int m = 0; m < machines; m++) {
            Instant released = free[m].plusMillis(300);
            ev.add(new MachineEvent(MachineEvent.Kind.MACHINE_RELEASED, released, machineTarget[m], ids[m], "done", null));
            end = end.isAfter(released) ? end : released;
        }
        attempts.sort((a, b) -> a.end().compareTo(b.end()));
        if (attempts.size() < 1000) {
            try (Journal journal = dir.openJournal()) {
                attempts.forEach(journal::append);
            }
        } else {
            JournalFixtures.write(dir, attempts); // the same lines without an fsync each
        }
        if (events) {
            ev.sort((a, b) -> a.time().compareTo(b.time()));
            try (MachineEventLog log = MachineEventLog.open(MachineEventLog.file(dir), java.time.InstantSource.system())) {
                ev.forEach(log::append);
            }
        }
        dir.writeRunInfo(new RunInfo(id, RunInfo.Status.FINISHED, start, end.plusSeconds(2), targetDescriptions,
                Map.of("distro", List.of("fedora-41"), "arch", List.of("x86_64")), "0.1.0-SNAPSHOT"));
        return dir;
    }

    private Outcome outcome(Random rnd, int i) {
        double x = rnd.nextDouble();
        if (hostile && i == 1) {
            return Outcome.FAIL;
        }
        if (x < failRate) {
            return Outcome.FAIL;
        }
        if (x < failRate + 0.03) {
            return Outcome.ERROR;
        }
        if (x < failRate + 0.05) {
            return Outcome.WARN;
        }
        if (x < failRate + 0.07) {
            return Outcome.INFO;
        }
        if (x < failRate + 0.12) {
            return Outcome.SKIP;
        }
        return Outcome.PASS;
    }

    private TestResult runOne(ResultsDir dir, Random rnd, List<MachineEvent> ev, String[] ids, Instant[] free,
                              String[] machineTarget, String name, String target, int serial, int attempt,
                              Outcome outcome) throws IOException {
        // typical duration depends on the test (stable across runs), plus noise
        Random own = new Random(name.hashCode());
        double typical = 1_500 + Math.exp(own.nextDouble() * 4.5) * 900;
        long ms = outcome == Outcome.SKIP ? 0 : (long) (typical * (0.85 + rnd.nextDouble() * 0.3));
        String machine = null;
        Instant begin;
        if (outcome == Outcome.SKIP) {
            begin = free[0];
        } else {
            int best = -1;
            for (int m = 0; m < ids.length; m++) {
                if (machineTarget[m].equals(target) && (best < 0 || free[m].isBefore(free[best]))) {
                    best = m;
                }
            }
            machine = ids[best];
            begin = free[best].plusMillis(150 + rnd.nextInt(400));
            if (serial % 17 == 5 && attempt == 1) {
                Instant reboot = begin.plusMillis(ms / 3);
                Duration took = Duration.ofSeconds(20 + rnd.nextInt(25));
                ev.add(new MachineEvent(MachineEvent.Kind.MACHINE_REBOOTING, reboot, target, machine, name, null));
                ev.add(new MachineEvent(MachineEvent.Kind.MACHINE_REBOOTED, reboot.plus(took), target, machine, name, took));
                ms += took.toMillis();
            }
            free[best] = begin.plusMillis(ms);
        }
        Instant end = begin.plusMillis(ms);
        String data = ResultsDir.testPath(target, name, serial, attempt);
        String log = data + "/output.txt";
        if (outputs) {
            Path out = dir.resolve(log);
            Files.createDirectories(out.getParent());
            Files.writeString(out, output(rnd, name, outcome, serial), StandardCharsets.UTF_8);
        }
        List<String> notes = new ArrayList<>();
        if (outcome == Outcome.ERROR && serial % 2 == 0) {
            notes.add("timeout");
        }
        if (hostile && serial == 2) {
            notes.add(HOSTILE_NOTE);
        }
        List<SubResult> subs = new ArrayList<>();
        if (serial % 5 == 0) {
            subs.add(new SubResult("/setup", Outcome.PASS, null, List.of(), List.of(), begin, begin.plusMillis(ms / 4)));
            subs.add(new SubResult("/check", outcome == Outcome.SKIP ? Outcome.PASS : outcome, null,
                    outcome == Outcome.FAIL ? List.of("assertion failed") : List.of(), List.of(data + "/data/check.log"),
                    begin.plusMillis(ms / 4), end));
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        List<String> tags = new ArrayList<>();
        tags.add(TAGS[serial % 2]);
        if (serial % 3 == 0) {
            tags.add(TAGS[2 + serial % 4]);
        }
        extra.put("tag", tags);
        extra.put("environment", Map.of("LANG", "C.UTF-8", "TEST_LEVEL", serial % 2 == 0 ? "full" : "quick"));
        if (serial % 17 == 5 && attempt == 1) {
            extra.put("reboot-count", 1);
        }
        if (attempt > 1) {
            extra.put("reason", "rerun");
        }
        return new TestResult(name, target, serial, attempt, outcome, null, notes, begin, end, machine, data,
                List.of(log), subs, Map.of("distro", List.of("fedora-41")), Map.of("id", "uuid-" + serial), extra);
    }

    private String output(Random rnd, String name, Outcome outcome, int serial) {
        StringBuilder b = new StringBuilder();
        b.append(":: [ 18:35:12 ] :: [   BEGIN   ] :: Running '").append(name).append("'\n");
        int lines = serial == 3 ? 4000 : 8 + rnd.nextInt(30);
        for (int l = 0; l < lines; l++) {
            b.append(":: [ 18:35:").append(String.format("%02d", l % 60)).append(" ] :: [   PASS    ] :: Command 'step ")
                    .append(l).append("' (Expected 0, got 0)\n");
        }
        if (hostile && serial == 2) {
            b.append("</script><script>window.__pwned=3</script>\n<!-- <script> \u2028 \u2029 \u0000 \r\n");
        }
        switch (outcome) {
            case FAIL -> b.append("Traceback (most recent call last):\n  File \"test.py\", line 42, in check\n"
                    + "    assert service.active, \"service did not start\"\nAssertionError: service did not start\n"
                    + ":: [ 18:36:02 ] :: [   FAIL    ] :: Command 'systemctl is-active foo' (Expected 0, got 3)\n");
            case ERROR -> b.append("error: test exceeded its duration of 5m\n");
            case WARN -> b.append("warning: AVC denial found\n");
            default -> b.append(":: [ 18:36:02 ] :: [   LOG     ] :: Test finished\n");
        }
        return b.toString();
    }
}
