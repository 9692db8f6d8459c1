package dev.corral.execute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.machine.Capability;
import dev.corral.machine.Command;
import dev.corral.machine.CommandFailedException;
import dev.corral.machine.Connection;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.ExecResult;
import dev.corral.machine.FileContent;
import dev.corral.machine.Machine;
import dev.corral.results.TestResult;
import dev.corral.secret.MaskedOutput;
import dev.corral.secret.SecretException;
import dev.corral.secret.Secrets;
import dev.corral.tmt.Framework;
import dev.corral.tmt.TestCase;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of {@link TestInvoker#invoke}: sets up the test's directory on the machine, runs the test (again after a
 * reboot or a restart), collects its files and turns them into results. Not thread-safe; used once.
 */
final class Attempt {
    /** tmt's exit code for a test killed because its duration expired. */
    static final int TIMEOUT_EXIT_CODE = 124;
    /** Limit for each step around the test: setting up, collecting, cleaning. */
    private static final Duration STEP_LIMIT = Duration.ofMinutes(5);
    /** The plan environment file as the test left it, copied into the test's directory by the wrapper. */
    private static final String PLAN_ENVIRONMENT_SNAPSHOT = "plan-environment.snapshot";
    /** How long a reboot may take when the test did not say ({@code tmt-reboot -t}). */
    private static final Duration REBOOT_LIMIT = Duration.ofMinutes(10);

    private final Invocation invocation;
    private final TestCase test;
    private final PreparedMachine prepared;
    private final Machine machine;
    private final Deadline deadline;
    private final Logger log;
    private final String relativeDir;
    private final Path localDir;
    private final String remoteDir;
    /** Whether the test's directory on the machine is {@link #localDir} itself. */
    private final boolean inPlace;
    /** The run's secrets plus the values of the test's and plan's variables with a secret name. */
    private Secrets secrets;

    private Instant start;
    private Instant end;
    private Integer returnCode;
    private String signal;
    private boolean timedOut;
    private int reboots;
    private int restarts;
    private boolean collected;
    /** Problems that make every result an error. */
    private final List<String> problems = new ArrayList<>();
    /** Notes for the test's own result. */
    private final List<String> notes = new ArrayList<>();

    Attempt(Invocation invocation, Deadline deadline) {
        this.invocation = invocation;
        this.test = invocation.test();
        this.prepared = invocation.machine();
        this.machine = prepared.machine();
        this.deadline = deadline;
        this.log = LoggerFactory.getLogger("corral.execute." + machine.id());
        this.relativeDir = TestDirectory.relative(invocation.target(), test.name(), invocation.serialNumber(),
                invocation.attempt());
        this.localDir = invocation.resultsDir().resolve(relativeDir).toAbsolutePath();
        this.secrets = invocation.secrets();
        // on a machine that shares this host's files the test works in its results directory, as tmt's do
        this.inPlace = machine.can(Capability.HOST_FILES);
        String random = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        this.remoteDir = inPlace ? localDir.toString() : prepared.testsDir() + "/"
                + TestDirectory.leaf(test.name(), invocation.serialNumber(), invocation.attempt()) + "-" + random;
    }

    InvocationResult run() throws InterruptedException {
        start = Instant.now();
        createLocalDir();
        String invalid = validate();
        if (invalid != null) {
            problems.add(invalid);
        } else {
            try {
                setUp();
                runUntilDone();
            } catch (ConnectionException e) {
                throw lost(e.getMessage(), e);
            } catch (CommandFailedException e) {
                problems.add("running the test failed: " + e.getMessage());
            }
        }
        if (end == null) {
            end = Instant.now();
        }
        // the test's directory stays on the machine until the machine is released: removing it would cost
        // one more command per test
        List<TestResult> results = new ResultExtractor(snapshot()).extract();
        return new InvocationResult(test.name(), results, isAbortRequested(), relativeDir);
    }

    private void createLocalDir() {
        try {
            if (Files.exists(localDir)) {
                // a leftover of an attempt that never finished (killed run): keep it aside, never mix
                Path aside = localDir.resolveSibling(localDir.getFileName() + ".stale-" + System.currentTimeMillis());
                Files.move(localDir, aside);
                log.warn("moved the unfinished {} aside to {}", localDir, aside);
            }
            try {
                Files.createDirectory(localDir);
            } catch (NoSuchFileException e) {
                Files.createDirectories(localDir);
            }
            Files.createDirectory(localDir.resolve("data"));
            Files.createFile(localDir.resolve(ResultExtractor.OUTPUT));
        } catch (IOException e) {
            throw new CorralException("cannot create the test directory " + localDir + ": " + e.getMessage(), e);
        }
    }

    /** Why the test cannot run at all, or {@code null}. */
    private String validate() {
        if (test.test() == null || test.test().isBlank()) {
            return "test " + test.name() + " has no 'test' command to run";
        }
        if (workingDirectory() == null) {
            return "test path '" + test.path() + "' leaves the test tree";
        }
        Map<String, String> variables = new TestEnvironment(invocation, remoteDir, 0, 0).variables();
        try {
            for (Map.Entry<String, String> e : variables.entrySet()) {
                if (secrets.names().contains(e.getKey())) {
                    secrets = secrets.withValue(e.getKey(), e.getValue());
                }
            }
        } catch (SecretException e) {
            return e.getMessage();
        }
        for (Map.Entry<String, String> e : variables.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                return "invalid environment variable name '" + name.replace("\0", "\\0") + "'";
            }
            if (e.getValue().indexOf('\0') >= 0) {
                return "environment variable " + name + " contains a NUL character";
            }
        }
        return null;
    }

    /** The test's working directory on the machine, or {@code null} when its path leaves the tree. */
    private String workingDirectory() {
        List<String> parts = new ArrayList<>();
        for (String part : test.path().split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
            } else {
                parts.add(part);
            }
        }
        return parts.isEmpty() ? prepared.treeDir() : prepared.treeDir() + "/" + String.join("/", parts);
    }

    /** Puts the test's directory on the machine in one transfer: {@code data/}, metadata, the test script. */
    private void setUp() throws InterruptedException {
        String inner = test.framework() == Framework.SHELL ? "set -eo pipefail; " + test.test() : test.test();
        machine.connection().write(remoteDir, List.of(
                FileContent.directory("data"),
                FileContent.file("metadata.yaml", secrets.mask(MetadataFile.render(test, invocation.context()))
                        .getBytes(StandardCharsets.UTF_8)),
                FileContent.executable("test.sh", (inner.endsWith("\n") ? inner : inner + "\n")
                        .getBytes(StandardCharsets.UTF_8))), deadline.min(STEP_LIMIT));
    }

    private String testScript() {
        return remoteDir + "/test.sh";
    }

    private void runUntilDone() throws InterruptedException {
        while (true) {
            runOnce();
            collect();
            readPlanEnvironment();
            if (test.restartOnExitCode().contains(returnCode)) {
                if (restarts < test.restartMaxCount()) {
                    if (!test.restartWithReboot()) {
                        restarts++;
                        log.debug("{}: restarting after exit code {} (restart {})", test.name(), returnCode, restarts);
                        continue;
                    }
                    if (reboot(true, null, "restart with reboot requested")) {
                        continue;
                    }
                } else {
                    problems.add("crashed too many times, you may want to set restart-max-count larger");
                }
            }
            RebootRequest request = takeRebootRequest();
            if (request != null && reboot(false, request.timeout(), "reboot requested")) {
                continue;
            }
            return;
        }
    }

    private void runOnce() throws InterruptedException {
        Path output = localDir.resolve(ResultExtractor.OUTPUT);
        OutputFile out;
        try {
            out = OutputFile.append(output);
        } catch (IOException e) {
            throw new CorralException("cannot write " + output + ": " + e.getMessage(), e);
        }
        MaskedOutput masked = secrets.masking(out);
        try (out) {
            Command.Builder builder = Command.builder("bash", prepared.wrapper(), testScript(), prepared.scriptsDir(),
                            test.tty() ? "tty" : "notty")
                    .cwd(workingDirectory())
                    .stdout(masked)
                    .mergeStderr();
            new TestEnvironment(invocation, remoteDir, reboots, restarts).variables().forEach((name, value) -> {
                if (secrets.names().contains(name)) {
                    builder.secretEnv(name, value);
                } else {
                    builder.env(name, value);
                }
            });
            log.debug("running {} (reboot {}, restart {}) in {}", test.name(), reboots, restarts, remoteDir);
            ExecResult result;
            try {
                result = machine.connection().exec(builder.build(), deadline.min(test.duration()));
            } finally {
                finish(masked);
            }
            end = Instant.now();
            timedOut = result.timedOut();
            returnCode = timedOut ? TIMEOUT_EXIT_CODE : result.exitCode();
            signal = timedOut ? null : result.signal();
            if (timedOut) {
                out.append("\nMaximum test time '" + MetadataFile.format(test.duration()) + "' exceeded.\n"
                        + "Adjust the test 'duration' attribute if necessary.\n"
                        + "https://tmt.readthedocs.io/en/stable/spec/tests.html#duration\n");
            }
        } catch (ConnectionException e) {
            end = Instant.now();
            throw e;
        }
        if (out.failure() != null && notes.stream().noneMatch(n -> n.startsWith("output incomplete"))) {
            notes.add("output incomplete: " + out.failure().getMessage());
        }
    }

    /** Writes what the masking stream held back (the end of the output). */
    private void finish(MaskedOutput masked) {
        try {
            masked.finish();
        } catch (java.io.IOException e) {
            // OutputFile keeps its own first failure; the masking stream itself does not fail
            log.debug("{}: finishing the output of {} failed: {}", machine.id(), test.name(), e.getMessage());
        }
    }

    /** Copies the test's directory from the machine ({@code data/}, beakerlib files, ...) next to the output. */
    private void collect() throws InterruptedException {
        try {
            if (!inPlace) {
                machine.connection().download(remoteDir, localDir, Deadline.after(STEP_LIMIT));
            }
            collected = true;
            maskCollected();
            for (String link : CollectedLinks.removeEscaping(localDir)) {
                String note = "removed a symbolic link that pointed outside the test's directory: " + link;
                if (!notes.contains(note)) {
                    notes.add(note);
                }
            }
        } catch (CommandFailedException e) {
            collected = false;
            String note = "collecting test data failed: " + e.getMessage();
            if (!notes.contains(note)) {
                notes.add(note);
            }
        }
    }

    /** Masks secret values in every file collected from the machine; a failure makes the result an error. */
    private void maskCollected() {
        try {
            int changed = secrets.maskTree(localDir);
            if (changed > 0) {
                log.debug("{}: masked secret values in {} collected file(s) of {}", machine.id(), changed, test.name());
            }
        } catch (java.io.IOException e) {
            String problem = "masking secret values in collected files failed: " + secrets.mask(e.getMessage());
            if (!problems.contains(problem)) {
                problems.add(problem);
            }
        }
    }

    private void readPlanEnvironment() throws InterruptedException {
        Path snapshot = localDir.resolve(PLAN_ENVIRONMENT_SNAPSHOT);
        if (collected) {
            // the wrapper leaves a snapshot only when the file has content
            try {
                if (Files.exists(snapshot)) {
                    prepared.mergePlanEnvironment(Files.readString(snapshot, StandardCharsets.UTF_8),
                            invocation.planEnvironment());
                    Files.delete(snapshot);
                }
                return;
            } catch (IOException e) {
                log.debug("{}: cannot read {}: {}; reading the machine's file", machine.id(), snapshot, e.getMessage());
            }
        }
        try {
            prepared.readPlanEnvironment(invocation.planEnvironment(), Deadline.after(STEP_LIMIT));
        } catch (CommandFailedException e) {
            log.warn("{}: cannot read the plan environment file: {}", machine.id(), secrets.mask(e.getMessage()));
        }
    }

    /** The test's reboot request, removed on both sides, or {@code null}. */
    private RebootRequest takeRebootRequest() throws InterruptedException {
        Path file = localDir.resolve("data/reboot-request");
        if (!Files.exists(file)) {
            return null;
        }
        RebootRequest request;
        try {
            request = RebootRequest.parse(Files.readString(file, StandardCharsets.UTF_8));
            Files.delete(file);
        } catch (IOException e) {
            throw new CorralException("cannot read the reboot request " + file + ": " + e.getMessage(), e);
        }
        if (!inPlace) {
            RemoteFiles.remove(machine.connection(), remoteDir + "/data/reboot-request", Deadline.after(STEP_LIMIT));
        }
        return request;
    }

    /**
     * Reboots the machine for the test; {@code false} (with a problem recorded) when the machine cannot reboot.
     *
     * @throws MachineLostException when the machine does not come back
     */
    private boolean reboot(boolean hard, Duration timeout, String why) throws InterruptedException {
        if (!machine.can(Capability.REBOOT)) {
            problems.add(why + " but machine " + machine.id() + " cannot reboot");
            return false;
        }
        log.info("{}: {} by {}, rebooting ({})", machine.id(), why, test.name(), hard ? "hard" : "soft");
        long started = System.nanoTime();
        invocation.reboots().rebooting();
        try {
            machine.reboot(hard, deadline.min(timeout != null ? timeout : REBOOT_LIMIT));
            invocation.reboots().rebooted(Duration.ofNanos(System.nanoTime() - started));
        } catch (UnsupportedOperationException e) {
            problems.add(why + " but machine " + machine.id() + " cannot reboot");
            return false;
        } catch (ConnectionException e) {
            throw lost("reboot timeout: " + e.getMessage(), e);
        }
        reboots++;
        restarts++;
        return true;
    }

    private boolean isAbortRequested() {
        return Files.exists(localDir.resolve("data/abort"));
    }

    private MachineLostException lost(String message, ConnectionException cause) {
        if (end == null) {
            end = Instant.now();
        }
        problems.add("machine lost: " + message);
        List<TestResult> results = new ResultExtractor(snapshot()).extract();
        TestResult partial = results.stream().filter(r -> r.name().equals(test.name())).findFirst()
                .orElse(results.getFirst());
        return new MachineLostException(secrets.mask("machine " + machine.id() + " lost while running " + test.name()
                + ": " + message), cause, partial);
    }

    private ResultExtractor.Run snapshot() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("reboot-count", reboots);
        extra.put("restart-count", restarts);
        if (returnCode != null) {
            extra.put("exit-code", returnCode);
        }
        if (signal != null) {
            extra.put("signal", signal);
        }
        return new ResultExtractor.Run(invocation, relativeDir, localDir, machine.id(), start, end, returnCode,
                timedOut, problems.stream().map(secrets::mask).toList(), notes.stream().map(secrets::mask).toList(),
                isAbortRequested(), extra);
    }
}
