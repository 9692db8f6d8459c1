package dev.corral.results;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import dev.corral.RunId;
import dev.corral.json.Json;

import org.apiguardian.api.API;

/**
 * The results directory of one run and its layout:
 * <pre>
 * DIR/run.json            {@link RunInfo}: id, start/end, targets, context, version, status
 * DIR/command.json        the {@link RunCommandLine} that started the run, when known
 * DIR/results.jsonl       the {@link Journal}
 * DIR/results.yaml        tmt format (regenerated from the journal)
 * DIR/junit.xml           JUnit XML (regenerated from the journal)
 * DIR/tests/NAME-SERIAL/  a test's output.txt and data/ (see {@link #testPath})
 * DIR/machines/ID/        a machine's provision log and serial console
 * PARENT/latest           symlink to the newest run directory, replaced atomically
 * </pre>
 * By default runs go to {@code ./corral-results/run-<run id>}.
 *
 * <pre>{@code
 * ResultsDir dir = ResultsDir.create(Path.of("corral-results"), runId);   // also points "latest" at it
 * dir.writeRunInfo(RunInfo.started(runId, targets, context, version));
 * try (Journal journal = dir.openJournal()) { ... }
 * }</pre>
 *
 * <p>Immutable and thread-safe; methods that touch the file system block briefly and throw
 * {@link ResultsException} naming the path on failure.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class ResultsDir {
    /** Default parent of run directories, relative to the working directory. */
    public static final Path DEFAULT_PARENT = Path.of("corral-results");
    /** Name of the symlink to the newest run in the parent directory. */
    public static final String LATEST = "latest";
    /** Target name of single-target runs; its tests are not put in a per-target sub-directory. */
    public static final String DEFAULT_TARGET = "default";
    /** The status of a running run as {@code run.json} writes it, a JSON string. */
    private static final String RUNNING = '"' + RunInfo.Status.RUNNING.jsonName() + '"';

    private final Path path;

    private ResultsDir(Path path) {
        this.path = path;
    }

    /**
     * Creates {@code parent/run-<id>} (and {@code parent}) and points {@code parent/latest} at it.
     *
     * @throws ResultsException when the directory cannot be created, already exists, or {@code latest} exists and
     *                          is not a symlink
     */
    public static ResultsDir create(Path parent, RunId id) {
        Objects.requireNonNull(parent, "parent must not be null");
        Objects.requireNonNull(id, "id must not be null");
        Path dir = parent.resolve("run-" + id.value());
        try {
            Files.createDirectories(parent);
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new ResultsException("results directory " + dir + " already exists: use a new run id", e);
        } catch (IOException e) {
            throw new ResultsException("cannot create results directory " + dir + ": " + e.getMessage(), e);
        }
        ResultsDir results = new ResultsDir(dir);
        pointLatest(parent, dir);
        return results;
    }

    /** {@link #create(Path, RunId)} under {@link #DEFAULT_PARENT}. */
    public static ResultsDir createDefault(RunId id) {
        return create(DEFAULT_PARENT, id);
    }

    /**
     * Uses exactly {@code dir} ({@code --results DIR}), creating it when missing; no {@code latest} link.
     *
     * @throws ResultsException when it exists and is not a directory, already holds a run ({@code run.json} or a
     *                          journal), or cannot be created
     */
    public static ResultsDir at(Path dir) {
        Objects.requireNonNull(dir, "dir must not be null");
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ResultsException(dir + " is not a directory: choose another results directory");
        }
        ResultsDir existing = new ResultsDir(dir);
        if (Files.exists(existing.runJson()) || Files.exists(existing.journalFile())) {
            // a second run would mix its journal with the first one's and overwrite its run.json
            throw new ResultsException(dir + " already holds a run: resume it (corral run --resume " + dir
                    + ") or choose another results directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ResultsException("cannot create results directory " + dir + ": " + e.getMessage(), e);
        }
        return new ResultsDir(dir);
    }

    /**
     * An existing results directory ({@code corral report DIR}).
     *
     * @throws ResultsException when it is not a directory or has neither {@code run.json} nor a journal
     */
    public static ResultsDir open(Path dir) {
        Objects.requireNonNull(dir, "dir must not be null");
        if (!Files.isDirectory(dir)) {
            throw new ResultsException("no results directory at " + dir);
        }
        ResultsDir results = new ResultsDir(dir);
        if (!Files.exists(results.runJson()) && !Files.exists(results.journalFile())) {
            throw new ResultsException(dir + " is not a Corral results directory: it has no run.json or results.jsonl");
        }
        return results;
    }

    /**
     * Points {@code parent/latest} at {@code runDir} with a relative symlink, atomically: a temporary symlink is
     * created and renamed over {@code latest}, so readers never see it missing.
     *
     * @throws ResultsException when {@code latest} exists and is not a symlink, or the link cannot be made
     */
    public static void pointLatest(Path parent, Path runDir) {
        Path latest = parent.resolve(LATEST);
        if (Files.exists(latest, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(latest)) {
            throw new ResultsException(latest + " exists and is not a symlink: remove it so Corral can point it at"
                    + " the newest run");
        }
        Path target = parent.toAbsolutePath().normalize().relativize(runDir.toAbsolutePath().normalize());
        Path temp = parent.resolve("." + LATEST + ".tmp-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        try {
            Files.createSymbolicLink(temp, target);
            try {
                Files.move(temp, latest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, latest, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | UnsupportedOperationException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new ResultsException("cannot point " + latest + " at " + runDir + ": " + e.getMessage(), e);
        }
    }

    /** The directory. */
    public Path path() {
        return path;
    }

    /** {@code run.json}. */
    public Path runJson() {
        return path.resolve("run.json");
    }

    /** Writes {@code command.json}, atomically. */
    public void writeCommandLine(RunCommandLine command) {
        Objects.requireNonNull(command, "command must not be null");
        AtomicFile.write(path.resolve("command.json"), out -> {
            Json.writePretty(out, json -> {
                json.writeStartObject();
                json.writeStringProperty("directory", command.directory().toString());
                json.writeArrayPropertyStart("args");
                for (String arg : command.args()) {
                    json.writeString(arg);
                }
                json.writeEndArray();
                json.writeEndObject();
            });
            out.write('\n');
        });
    }

    /**
     * Reads {@code command.json}.
     *
     * @return the command line, or empty when the run did not record one (started from the Java API)
     * @throws ResultsException naming the file when it is unreadable or invalid
     */
    public Optional<RunCommandLine> readCommandLine() {
        Path file = path.resolve("command.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Object json;
        try {
            json = Json.read(file);
        } catch (IOException e) {
            throw new ResultsException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (tools.jackson.core.JacksonException e) {
            throw new ResultsException(file + ": " + e.getOriginalMessage(), e);
        }
        if (!(json instanceof Map<?, ?> map) || !(map.get("args") instanceof List<?> args)
                || !(map.get("directory") instanceof String directory)
                || !args.stream().allMatch(a -> a instanceof String)) {
            throw new ResultsException(file + ": expected {\"directory\": \"...\", \"args\": [...]}");
        }
        List<String> list = new ArrayList<>();
        args.forEach(a -> list.add((String) a));
        return Optional.of(new RunCommandLine(Path.of(directory), list));
    }

    /** {@code results.jsonl}, the journal. */
    public Path journalFile() {
        return path.resolve("results.jsonl");
    }

    /** {@code results.yaml}, tmt's format. */
    public Path resultsYaml() {
        return path.resolve("results.yaml");
    }

    /** {@code junit.xml}. */
    public Path junitXml() {
        return path.resolve("junit.xml");
    }

    /** {@code tests/}. */
    public Path testsDir() {
        return path.resolve("tests");
    }

    /** {@code machines/<id>/} for a machine id (unsafe characters replaced); not created. */
    public Path machineDir(String machineId) {
        Objects.requireNonNull(machineId, "machineId must not be null");
        return path.resolve("machines").resolve(safeSegment(machineId));
    }

    /** Opens the journal for appending (see {@link Journal#open}). */
    public Journal openJournal() {
        return Journal.open(journalFile());
    }

    /** Writes {@code run.json} atomically. */
    public void writeRunInfo(RunInfo info) {
        Objects.requireNonNull(info, "info must not be null");
        AtomicFile.write(runJson(), out -> {
            Json.writePretty(out, json -> ResultJson.write(json, info));
            out.write('\n');
        });
    }

    /**
     * Reads {@code run.json}.
     *
     * @throws ResultsException naming the file when it is missing or invalid
     */
    public RunInfo readRunInfo() {
        return runInfo(readRunJson());
    }

    /**
     * Reads {@code run.json} when it says the run is {@linkplain RunInfo.Status#RUNNING running}; empty when it says
     * otherwise. For scans of many results directories (every run looks for killed runs beside its own): a file
     * without the word is not parsed.
     *
     * @throws ResultsException naming the file when it is missing, or invalid and may say running
     */
    public Optional<RunInfo> readRunInfoIfRunning() {
        byte[] bytes = readRunJson();
        // bytes as Latin-1 characters, one each: the search needs no decoding
        if (!new String(bytes, StandardCharsets.ISO_8859_1).contains(RUNNING)) {
            return Optional.empty();
        }
        RunInfo info = runInfo(bytes);
        return info.status() == RunInfo.Status.RUNNING ? Optional.of(info) : Optional.empty();
    }

    private byte[] readRunJson() {
        Path file = runJson();
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ResultsException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private RunInfo runInfo(byte[] bytes) {
        try {
            return ResultJson.runInfo(ResultJson.parse(bytes, 0, bytes.length));
        } catch (ResultJson.BadJson e) {
            throw new ResultsException(runJson() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Resolves a path relative to this directory, as found in a result's {@code data-path} or {@code log}.
     *
     * @throws ResultsException when the path is absolute or leaves the directory
     */
    public Path resolve(String relative) {
        Objects.requireNonNull(relative, "relative must not be null");
        Path p = Path.of(relative);
        Path resolved = path.resolve(p).normalize();
        if (p.isAbsolute() || !resolved.startsWith(path.normalize())) {
            throw new ResultsException("path '" + relative + "' is outside the results directory " + path);
        }
        return resolved;
    }

    /**
     * The data directory of a test attempt relative to the results directory, safe as a path:
     * {@code tests/NAME-SERIAL}, with {@code TARGET/} after {@code tests/} for targets other than
     * {@link #DEFAULT_TARGET} and {@code -attemptN} appended for attempts after the first. Each segment of the
     * test name is kept except for characters unsafe in file names ({@code NUL}, controls, {@code \}), which
     * become {@code _}; {@code .} and {@code ..} segments become {@code _.} and {@code _..}.
     *
     * <p>Example: {@code testPath("default", "/tests/login", 3, 1)} is {@code tests/tests/login-3}.
     */
    public static String testPath(String target, String name, int serial, int attempt) {
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(name, "name must not be null");
        List<String> segments = new ArrayList<>();
        segments.add("tests");
        if (!DEFAULT_TARGET.equals(target)) {
            segments.add(safeSegment(target));
        }
        List<String> nameSegments = new ArrayList<>();
        for (String s : name.split("/")) {
            if (!s.isEmpty()) {
                nameSegments.add(safeSegment(s));
            }
        }
        if (nameSegments.isEmpty()) {
            nameSegments.add("_");
        }
        String leaf = nameSegments.removeLast() + "-" + serial + (attempt > 1 ? "-attempt" + attempt : "");
        segments.addAll(nameSegments);
        segments.add(leaf);
        return String.join("/", segments);
    }

    private static String safeSegment(String s) {
        if (s.isEmpty()) {
            return "_";
        }
        if (s.equals(".") || s.equals("..")) {
            return "_" + s;
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') {
                b.append('_');
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
