package dev.corral.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.corral.CorralException;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunCommandLine;
import dev.corral.secret.Secrets;
import dev.corral.report.console.ConsoleReport;
import dev.corral.run.Run;
import dev.corral.run.RunReport;
import dev.corral.schedule.Policy;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code corral run}: discovers the tree's tests and runs them on a pool of machines. Exit codes are tmt's: 0 all
 * passed, 1 a test failed, 2 an error, 3 nothing ran, 4 all skipped; 130/143 when interrupted by SIGINT/SIGTERM.
 *
 * <p>Every run pays for its start-up: {@link #plain(String...)} reads the common command lines without picocli,
 * whose model of this command (built by reflection, with a proxy class per annotation type) costs ~40 ms.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the tree's tests on a pool of machines and write the results directory.")
final class RunCommand implements Callable<Integer> {

    /** The options {@link #plain(String...)} reads. */
    private static final Set<String> PLAIN_OPTIONS = Set.of("--how", "--results", "-w", "--workers", "-c", "--context",
            "-F", "--filter", "-t", "--test", "-p", "--plan", "-e", "--environment");

    /** How long a signal waits for running tests to be killed, machines released and reports written. */
    private static final Duration WIND_DOWN = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TREE", arity = "0..1", description = "FMF tree (default: the current directory).")
    Path tree;

    @Option(names = "--how", paramLabel = "KIND", defaultValue = "local",
            description = "Machines: local, podman, connect or qemu (default: ${DEFAULT-VALUE}).")
    String how;

    @Option(names = {"-w", "--workers"}, paramLabel = "N", description = "Most machines at once (default: CPUs for local).")
    Integer workers;

    @Option(names = "--per-machine", paramLabel = "K", defaultValue = "1", description = "Tests at once on one machine.")
    int perMachine;

    @Option(names = "--image", paramLabel = "IMAGE", description = "Container image (podman) or qcow2 disk (qemu).")
    String image;

    @Option(names = "--pull", paramLabel = "POLICY", description = "podman pull policy: never or missing.")
    String pull;

    @Option(names = "--systemd", description = "podman: run the image's init (systemd) as PID 1.")
    boolean systemd;

    @Option(names = "--hosts", paramLabel = "FILE", description = "connect: YAML list of SSH hosts with slots.")
    Path hosts;

    @Option(names = "--guest", paramLabel = "HOST", description = "connect: one SSH host.")
    String guest;

    @Option(names = "--port", paramLabel = "PORT", description = "connect: SSH port.")
    Integer port;

    @Option(names = "--user", paramLabel = "USER", description = "connect: SSH user.")
    String user;

    @Option(names = "--key", paramLabel = "FILE", description = "connect: SSH private key.")
    Path key;

    @Option(names = "--password-env", paramLabel = "NAME",
            description = "connect: take the SSH password from this environment variable (never from the command line).")
    String passwordEnv;

    @Option(names = "--insecure-host-key", description = "connect: accept any SSH host key (for throwaway hosts only).")
    boolean insecureHostKey;

    @Option(names = "--memory", paramLabel = "MiB", description = "qemu: memory per VM.")
    Integer memory;

    @Option(names = "--cpus", paramLabel = "N", description = "qemu: CPUs per VM.")
    Integer cpus;

    @Option(names = "--direct-boot",
            description = "qemu: boot the kernel and initrd beside the image directly (faster under emulation).")
    boolean directBoot;

    @Mixin
    SelectionOptions select;

    @Option(names = "--secret", paramLabel = "NAME[=VALUE]",
            description = "Secret variable every test gets, masked as *** in logs, reports and collected files."
                    + " NAME takes the value from Corral's environment; NAME=VALUE is visible in the process list.")
    List<String> secrets = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "Run file with several targets (YAML).")
    Path config;

    @Option(names = "--results", paramLabel = "DIR", description = "Results directory (default: corral-results/run-<id>).")
    Path results;

    @Option(names = "--rerun-failed", paramLabel = "N", defaultValue = "0",
            description = "Run failed and errored tests again, up to N times, on fresh machines.")
    int rerunFailed;

    @Option(names = "--rerun", paramLabel = "DIR", description = "Run only the tests that failed in an earlier results directory.")
    Path rerun;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue an interrupted run in its results directory.")
    Path resume;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "2",
            description = "Attempts a test gets when machines are lost under it.")
    int maxAttempts;

    @Option(names = "--schedule", paramLabel = "HOW", defaultValue = "dynamic",
            description = "dynamic (next test to the first free machine, longest first) or static (split up front).")
    String schedule;

    /** The streams and arguments of a command read by {@link #plain(String...)}; picocli's {@link #spec} otherwise. */
    private PrintWriter plainOut;
    private PrintWriter plainErr;
    private List<String> plainArgs;

    /**
     * The command for {@code args} when they are a plain {@code run} command line ({@link PlainCommandLine}), or
     * null: {@code run}, at most one TREE, and only {@code --how}, {@code -w}/{@code --workers}, {@code --results}
     * (each once; a worker count of plain digits) and the selection's {@code -c -F -t -p -e}.
     */
    static RunCommand plain(String... args) {
        PlainCommandLine line = PlainCommandLine.read(args, "run", Set.of(), PLAIN_OPTIONS);
        if (line == null || line.operands().size() > 1) {
            return null;
        }
        RunCommand command = new RunCommand();
        command.how = "local";
        command.perMachine = 1;
        command.maxAttempts = 2;
        command.schedule = "dynamic";
        command.select = new SelectionOptions();
        String treeArg = line.operands().isEmpty() ? null : line.operands().getFirst();
        Map<String, String> single = new LinkedHashMap<>(); // --how, --workers, --results: once each
        for (Map.Entry<String, String> option : line.options()) {
            String value = option.getValue();
            switch (option.getKey()) {
                case "--how", "--results", "-w", "--workers" -> {
                    String name = option.getKey().equals("-w") ? "--workers" : option.getKey();
                    if (single.put(name, value) != null) {
                        return null;
                    }
                }
                case "-c", "--context" -> command.select.context.add(value);
                case "-F", "--filter" -> command.select.filters.add(value);
                case "-t", "--test" -> command.select.tests.add(value);
                case "-p", "--plan" -> command.select.plans.add(value);
                default -> command.select.environment.add(value);
            }
        }
        String workers = single.get("--workers");
        if (workers != null && !isCount(workers)) {
            return null;
        }
        try {
            command.tree = treeArg == null ? null : Path.of(treeArg);
            command.results = single.containsKey("--results") ? Path.of(single.get("--results")) : null;
        } catch (InvalidPathException e) {
            return null;
        }
        command.how = single.getOrDefault("--how", command.how);
        command.workers = workers == null ? null : Integer.valueOf(workers);
        command.plainArgs = List.of(args);
        return command;
    }

    /** Whether {@code value} is {@code 0} or up to nine digits without a leading zero (as every reader reads them). */
    private static boolean isCount(String value) {
        if (value.isEmpty() || value.length() > 9 || value.length() > 1 && value.charAt(0) == '0') {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Runs a command read by {@link #plain(String...)}, writing to the given streams. */
    Integer run(PrintWriter out, PrintWriter err) throws InterruptedException {
        plainOut = out;
        plainErr = err;
        return call();
    }

    private PrintWriter out() {
        return spec != null ? spec.commandLine().getOut() : plainOut;
    }

    private PrintWriter err() {
        return spec != null ? spec.commandLine().getErr() : plainErr;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = out();
        PrintWriter err = err();
        if (maxAttempts < 1) {
            throw new CorralException("invalid --max-attempts " + maxAttempts + ": must be at least 1");
        }
        if (rerunFailed < 0) {
            throw new CorralException("invalid --rerun-failed " + rerunFailed + ": must not be negative");
        }
        if (resume != null && tree == null && config == null) {
            Optional<RunCommandLine> recorded = ResultsDir.open(resume).readCommandLine();
            if (recorded.isPresent()) {
                return resumeAsStarted(recorded.get());
            }
            throw new CorralException(resume + " has no command.json (the run was not started by 'corral run'): give"
                    + " its tree and targets again, e.g. corral run TREE --how local --resume " + resume);
        }
        RunFile file = config != null ? RunFile.read(config) : null;
        Path treePath = tree != null ? tree : file != null && file.tree() != null ? file.tree() : Path.of(".");
        List<TargetOptions> targets = targets(file);
        Secrets secretValues = secrets(file, targets);
        Run.Builder run = Run.builder()
                .secrets(secretValues)
                .tree(treePath)
                .selection(select.selection())
                .rerunFailed(rerunFailed)
                .maxAttempts(maxAttempts)
                .policy(policy())
                .warnings(w -> err.println("warning: " + Failures.oneLine(w)));
        for (TargetOptions target : targets) {
            run.target(Provisioners.spec(target));
        }
        if (results != null) {
            run.resultsDir(results);
        }
        if (rerun != null) {
            run.rerunFailedOf(rerun);
        }
        if (resume != null) {
            run.resume(resume);
        } else {
            run.commandLine(new RunCommandLine(Path.of("").toAbsolutePath(), recordable(secretValues)));
        }
        // on resume, the run hands the console what the earlier incarnations journaled: the summary covers the whole
        // run, as the reports and the exit code do
        try (ConsoleReport console = ConsoleReport.builder().out(out).build();
             SignalGuard guard = SignalGuard.install(WIND_DOWN)) {
            RunReport report = run.listener(console).build().execute();
            out.println("results: " + report.dir().path());
            out.flush();
            return report.interrupted() || guard.signalled() ? Failures.INTERRUPTED : report.exitCode().code();
        } catch (CorralException e) {
            if (!secretValues.occursIn(e.getMessage())) {
                throw e;
            }
            // the message is printed to the user: never with a secret value in it
            CorralException masked = new CorralException(secretValues.mask(e.getMessage()));
            masked.setStackTrace(e.getStackTrace());
            throw masked;
        }
    }

    /**
     * {@code --resume DIR} alone: the run's recorded command line again (paths resolved where it was given), minus
     * its results directory, continuing DIR; a rerun's resume runs the rest of the rerun.
     */
    private Integer resumeAsStarted(RunCommandLine recorded) throws InterruptedException {
        RunCommand again = new RunCommand();
        picocli.CommandLine parser = new picocli.CommandLine(again);
        parser.setOut(out());
        parser.setErr(err());
        try {
            parser.parseArgs(recorded.args().toArray(String[]::new));
        } catch (picocli.CommandLine.ParameterException e) {
            throw new CorralException(resume.resolve("command.json") + ": the recorded command line no longer parses: "
                    + e.getMessage() + " (give the tree and the targets again with --resume)");
        }
        Path base = recorded.directory();
        again.tree = again.tree == null ? base : base.resolve(again.tree);
        again.config = again.config == null ? null : base.resolve(again.config);
        again.hosts = again.hosts == null ? null : base.resolve(again.hosts);
        again.key = again.key == null ? null : base.resolve(again.key);
        again.results = null;
        again.rerun = again.rerun == null ? null : base.resolve(again.rerun);
        again.resume = resume;
        return again.call();
    }

    /** This command's arguments as given, without secret values (a {@code --secret NAME=VALUE} keeps the name). */
    private List<String> recordable(Secrets secretValues) {
        List<String> all = spec != null ? spec.commandLine().getParseResult().originalArgs() : plainArgs;
        int start = all.indexOf("run") + 1;
        List<String> args = new ArrayList<>();
        boolean secretNext = false;
        for (String arg : all.subList(start, all.size())) {
            if (secretNext) {
                arg = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            } else if (arg.startsWith("--secret=")) {
                String rest = arg.substring("--secret=".length());
                arg = "--secret=" + (rest.contains("=") ? rest.substring(0, rest.indexOf('=')) : rest);
            }
            secretNext = arg.equals("--secret");
            args.add(secretValues.mask(arg));
        }
        return args;
    }

    /**
     * The secrets of {@code --secret} and the run file's {@code secrets}, plus the SSH passwords to mask; a name
     * Corral's environment lacks is a one-line error.
     */
    private Secrets secrets(RunFile file, List<TargetOptions> targets) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String option : secrets) {
            int eq = option.indexOf('=');
            if (eq == 0) {
                throw new CorralException("invalid --secret '=...': the variable name is empty");
            }
            if (eq > 0) {
                values.put(option.substring(0, eq), option.substring(eq + 1));
                continue;
            }
            String value = System.getenv(option);
            if (value == null) {
                throw new CorralException("--secret " + option + ": Corral's environment has no variable " + option
                        + " (export it, or pass --secret " + option + "=VALUE, visible in the process list)");
            }
            values.put(option, value);
        }
        if (file != null) {
            file.secrets().forEach((name, at) -> {
                String value = System.getenv(name);
                if (value == null) {
                    throw new CorralException(at + "secret " + name + ": Corral's environment has no variable "
                            + name + " (export it before running)");
                }
                values.putIfAbsent(name, value);
            });
        }
        Secrets all = Secrets.of(values);
        for (TargetOptions target : targets) {
            String password = target.passwordEnv() == null ? null : System.getenv(target.passwordEnv());
            if (password != null && password.length() >= Secrets.MIN_LENGTH) {
                // SSH passwords are masked too (never given to tests); a missing one is reported with its target
                all = all.withValue(target.passwordEnv(), password);
            }
        }
        return all;
    }

    private Policy policy() {
        return switch (schedule) {
            case "dynamic" -> Policy.defaults();
            case "static" -> Policy.staticSplit();
            default -> throw new CorralException("invalid --schedule '" + schedule + "': expected dynamic or static");
        };
    }

    private List<TargetOptions> targets(RunFile file) {
        if (file != null) {
            List<TargetOptions> merged = new ArrayList<>();
            for (TargetOptions t : file.targets()) {
                Map<String, List<String>> context = new LinkedHashMap<>(t.context());
                context.putAll(select.context());
                merged.add(new TargetOptions(t.name(), t.how(), t.workers(), t.perMachine(), context, t.image(),
                        t.pull(), t.systemd(), t.hosts(), t.guest(), t.port(), t.user(), t.key(), t.passwordEnv(),
                        t.insecureHostKey(), t.memory(), t.cpus(), t.directBoot(), t.source()));
            }
            return merged;
        }
        List<TargetOptions> one = new ArrayList<>();
        one.add(new TargetOptions("default", how, workers, perMachine, select.context(), image, pull, systemd, hosts,
                guest, port, user, key, passwordEnv, insecureHostKey, memory, cpus, directBoot, "command line"));
        return one;
    }
}
