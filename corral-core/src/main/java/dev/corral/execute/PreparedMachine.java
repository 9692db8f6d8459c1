package dev.corral.execute;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.machine.Connection;
import dev.corral.machine.FileContent;
import dev.corral.machine.Machine;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A machine made ready for tests, once per run: the test tree copied to {@code <workDir>/tree}
 * ({@code TMT_TREE}), tmt's helper commands installed in {@code <workDir>/scripts} (put first on the tests'
 * {@code PATH}), and the plan data directory {@code <workDir>/plan/data} ({@code TMT_PLAN_DATA}) with an empty
 * plan environment file. Tests then run in their own directories under {@code <workDir>/tests}.
 *
 * <p>Everything goes through the machine's {@link Connection}, so any kind of machine can be prepared. The
 * tree's top-level {@code .git} is not copied.
 *
 * <p>Thread-safe; several tests may run on one prepared machine at once.
 *
 * <pre>{@code
 * PreparedMachine prepared = PreparedMachine.prepare(machine, Path.of("tests"), Deadline.after(Duration.ofMinutes(5)));
 * InvocationResult r = new TestInvoker().invoke(Invocation.builder(prepared, test, 1, resultsDir).build(), deadline);
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class PreparedMachine {
    private static final Logger LOG = LoggerFactory.getLogger(PreparedMachine.class);

    private final Machine machine;
    private final String root;
    private final Object planFileLock = new Object();
    private String planFileSeen = "";

    private PreparedMachine(Machine machine) {
        this.machine = machine;
        this.root = machine.workDir().endsWith("/") ? machine.workDir().substring(0, machine.workDir().length() - 1)
                : machine.workDir();
    }

    /**
     * Prepares a machine: copies the tree, installs the helper commands, creates the plan data directory.
     *
     * @param machine  the machine
     * @param tree     the local test tree (fmf root), or {@code null} for an empty tree
     * @param deadline limit for the whole preparation
     * @throws dev.corral.machine.ConnectionException      when the machine is lost
     * @throws dev.corral.machine.CommandFailedException  when a step fails on the machine
     * @throws InterruptedException                        when interrupted
     */
    public static PreparedMachine prepare(Machine machine, Path tree, Deadline deadline) throws InterruptedException {
        Objects.requireNonNull(machine, "machine");
        PreparedMachine prepared = new PreparedMachine(machine);
        Connection connection = machine.connection();
        // the directories, helper commands and plan files in one transfer, then the tree
        connection.write(prepared.root, prepared.skeleton(), deadline);
        if (tree != null) {
            prepared.copyTree(connection, tree, deadline);
        }
        LOG.debug("prepared {} in {}", machine.id(), prepared.root);
        return prepared;
    }

    private void copyTree(Connection connection, Path tree, Deadline deadline) throws InterruptedException {
        if (!Files.isDirectory(tree)) {
            throw new CorralException("test tree " + tree + " is not a directory");
        }
        List<Path> entries;
        try (Stream<Path> children = Files.list(tree)) {
            entries = children.filter(p -> !p.getFileName().toString().equals(".git")).sorted().toList();
        } catch (IOException e) {
            throw new CorralException("cannot read the test tree " + tree + ": " + e.getMessage(), e);
        }
        for (Path entry : entries) {
            connection.upload(entry, treeDir() + "/" + entry.getFileName(), deadline);
        }
    }

    /**
     * What every prepared machine has below its root: the tree, tests and plan data directories, the test wrapper,
     * the helper commands with their aliases, and the empty plan environment and source files.
     */
    private List<FileContent> skeleton() {
        List<FileContent> files = new ArrayList<>();
        for (String dir : List.of(treeDir(), testsDir())) {
            files.add(FileContent.directory(relative(dir)));
        }
        files.add(FileContent.executable(HelperScripts.WRAPPER, HelperScripts.wrapper()));
        for (HelperScripts.Script script : HelperScripts.ALL) {
            byte[] content = HelperScripts.script(script.name());
            for (String name : Stream.concat(Stream.of(script.name()), script.aliases().stream()).toList()) {
                files.add(FileContent.executable(relative(scriptsDir()) + "/" + name, content));
            }
        }
        files.add(FileContent.file(relative(planEnvironmentFile()), new byte[0]));
        files.add(FileContent.file(relative(planSourceScript()), new byte[0]));
        return files;
    }

    /** A path below the root, relative to it. */
    private String relative(String path) {
        return path.substring(root.length() + 1);
    }

    /** The machine. */
    public Machine machine() {
        return machine;
    }

    /** The copy of the test tree on the machine ({@code TMT_TREE}). */
    public String treeDir() {
        return root + "/tree";
    }

    /** The directory of the helper commands on the machine. */
    public String scriptsDir() {
        return root + "/scripts";
    }

    /** The plan data directory on the machine ({@code TMT_PLAN_DATA}). */
    public String planDataDir() {
        return root + "/plan/data";
    }

    /** The plan environment file on the machine ({@code TMT_PLAN_ENVIRONMENT_FILE}). */
    public String planEnvironmentFile() {
        return planDataDir() + "/variables.env";
    }

    /** The plan source script on the machine ({@code TMT_PLAN_SOURCE_SCRIPT}). */
    public String planSourceScript() {
        return planDataDir() + "/plan-source-script.sh";
    }

    /** Where the tests' own directories are created on the machine. */
    public String testsDir() {
        return root + "/tests";
    }

    /** The test wrapper on the machine. */
    String wrapper() {
        return root + "/" + HelperScripts.WRAPPER;
    }

    /**
     * Copies the plan data directory (artifacts tests left in {@code TMT_PLAN_DATA}) to a local directory.
     *
     * @throws dev.corral.machine.ConnectionException when the machine is lost
     */
    public void downloadPlanData(Path target, Deadline deadline) throws InterruptedException {
        machine.connection().download(planDataDir(), target, deadline);
    }

    /**
     * Reads the plan environment file and merges what was added since the last read into the plan environment.
     * Words that are not {@code NAME=VALUE} are skipped with a warning.
     */
    void readPlanEnvironment(PlanEnvironment environment, Deadline deadline) throws InterruptedException {
        String content = RemoteFiles.read(machine.connection(), planEnvironmentFile(), deadline);
        if (content != null) {
            mergePlanEnvironment(content, environment);
        }
    }

    /** Merges what {@code content} (the plan environment file) added since the last merge into the environment. */
    void mergePlanEnvironment(String content, PlanEnvironment environment) {
        String fresh;
        synchronized (planFileLock) {
            fresh = content.startsWith(planFileSeen) ? content.substring(planFileSeen.length()) : content;
            planFileSeen = content;
        }
        if (fresh.isBlank()) {
            return;
        }
        DotEnv.Parsed parsed = DotEnv.parse(fresh);
        if (!parsed.invalid().isEmpty()) {
            LOG.warn("{}: {}: ignoring words that are not NAME=VALUE: {}", machine.id(), planEnvironmentFile(),
                    parsed.invalid());
        }
        Map<String, String> variables = parsed.variables();
        environment.mergeFileVariables(variables);
    }

    @Override
    public String toString() {
        return "PreparedMachine[" + machine.id() + " in " + root + "]";
    }
}
