package dev.corral.tmt;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

import dev.corral.Deadline;
import dev.corral.files.FileTrees;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Git repositories fetched for discover phases with a {@code url}, kept between runs: one mirror per URL, updated
 * with {@code git fetch} on every use, and one read-only checkout per commit. Uses the {@code git} command line.
 *
 * <p>Layout under {@link #directory()}: {@code <repo-key>/mirror.git}, {@code <repo-key>/checkouts/<commit>}.
 * Safe to use from several threads and several processes at once (a lock file per repository). Every git process
 * is killed, with its children, when the deadline passes or the calling thread is interrupted.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class GitCache {

    private static final Logger LOG = LoggerFactory.getLogger(GitCache.class);
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final List<String> INHERITED_GIT_VARIABLES = List.of("GIT_DIR", "GIT_WORK_TREE",
            "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR",
            "GIT_NAMESPACE", "GIT_PREFIX");

    private final Path directory;

    private GitCache(Path directory) {
        this.directory = directory;
    }

    /** The cache under {@code ${XDG_CACHE_HOME:-~/.cache}/corral/git}. */
    public static GitCache standard() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return new GitCache(base.resolve("corral").resolve("git"));
    }

    /** A cache in {@code directory} (created when first used). */
    public static GitCache at(Path directory) {
        return new GitCache(Objects.requireNonNull(directory, "directory must not be null").toAbsolutePath());
    }

    /** The cache directory. */
    public Path directory() {
        return directory;
    }

    /**
     * A checked-out commit of a repository.
     *
     * @param directory the working tree (treat as read-only: it is shared by every run using that commit)
     * @param commit    the full commit id
     */
    public record Checkout(Path directory, String commit) {
    }

    /**
     * Fetches {@code url} and returns a checkout of {@code ref}. Blocks on the network and on other users of the same
     * repository.
     *
     * @param url      anything {@code git clone} accepts ({@code https://}, {@code file://}, a path, ...)
     * @param ref      branch, tag or commit; {@code null} for the remote's default branch
     * @param deadline when to give up; git processes are killed then
     * @throws DiscoveryException when the repository cannot be fetched or the ref does not exist
     */
    public Checkout checkout(String url, String ref, Deadline deadline) throws InterruptedException {
        Objects.requireNonNull(url, "url must not be null");
        Objects.requireNonNull(deadline, "deadline must not be null");
        if (url.isBlank() || url.startsWith("-")) {
            throw new DiscoveryException("invalid git url '" + masked(url) + "'");
        }
        if (ref != null && (ref.isBlank() || ref.startsWith("-"))) {
            throw new DiscoveryException("invalid git ref '" + ref + "' for " + masked(url));
        }
        Path repo = directory.resolve(key(url));
        try {
            Files.createDirectories(repo.resolve("checkouts"));
        } catch (IOException e) {
            throw new DiscoveryException("cannot create git cache " + repo + ": " + e.getMessage(), e);
        }
        ReentrantLock local = LOCKS.computeIfAbsent(repo, p -> new ReentrantLock());
        if (!local.tryLock(deadline.remainingNanos(), TimeUnit.NANOSECONDS)) {
            throw new DiscoveryException("timed out waiting for the git cache lock of " + masked(url));
        }
        try (FileChannel channel = FileChannel.open(repo.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = fileLock(channel, url, deadline);
            try {
                return checkoutLocked(repo, url, ref, deadline);
            } finally {
                lock.release();
            }
        } catch (IOException e) {
            throw new DiscoveryException("git cache " + repo + " is not usable: " + e.getMessage(), e);
        } finally {
            local.unlock();
        }
    }

    private Checkout checkoutLocked(Path repo, String url, String ref, Deadline deadline)
            throws InterruptedException, IOException {
        Path mirror = repo.resolve("mirror.git");
        if (!Files.isDirectory(mirror)) {
            Path tmp = Files.createTempDirectory(repo, "mirror.tmp-");
            try {
                LOG.info("Cloning {}", masked(url));
                expectSuccess(run(repo, deadline, "clone", "--quiet", "--mirror", "--", url, tmp.toString()),
                        "cannot clone " + masked(url));
                Files.move(tmp, mirror, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                FileTrees.deleteQuietly(tmp);
            }
        } else if (!(ref != null && ref.matches("[0-9a-f]{40}") && resolve(mirror, ref, deadline) != null)) {
            LOG.info("Fetching {}", masked(url));
            expectSuccess(run(mirror, deadline, "fetch", "--quiet", "--prune", "--tags", "origin"),
                    "cannot fetch " + masked(url));
        }
        String commit = resolve(mirror, ref == null ? "HEAD" : ref, deadline);
        if (commit == null) {
            throw new DiscoveryException(ref == null ? "repository " + masked(url) + " has no default branch"
                    : "git ref '" + ref + "' not found in " + masked(url));
        }
        Path checkout = repo.resolve("checkouts").resolve(commit);
        if (Files.isDirectory(checkout)) {
            return new Checkout(checkout, commit);
        }
        Path tmp = Files.createTempDirectory(repo.resolve("checkouts"), ".tmp-");
        try {
            expectSuccess(run(repo, deadline, "clone", "--quiet", "--no-checkout", "--", mirror.toString(),
                    tmp.toString()), "cannot check out " + masked(url));
            expectSuccess(run(tmp, deadline, "remote", "set-url", "origin", url), "cannot check out " + masked(url));
            expectSuccess(run(tmp, deadline, "checkout", "--quiet", "--force", "--detach", commit),
                    "cannot check out " + commit + " of " + masked(url));
            try {
                Files.move(tmp, checkout, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException raced) {
                LOG.debug("Checkout {} appeared meanwhile", checkout);
            }
        } finally {
            FileTrees.deleteQuietly(tmp);
        }
        return new Checkout(checkout, commit);
    }

    /**
     * The top directory of the git working tree holding {@code directory}.
     *
     * @throws DiscoveryException when {@code directory} is not inside a git working tree
     */
    Path repositoryRoot(Path directory, Deadline deadline) throws InterruptedException {
        try {
            Files.createDirectories(this.directory);
        } catch (IOException e) {
            throw new DiscoveryException("cannot create git cache " + this.directory + ": " + e.getMessage(), e);
        }
        Result r = run(directory, deadline, "rev-parse", "--show-toplevel");
        if (r.exitCode() != 0) {
            throw new DiscoveryException(directory + " is not in a git repository, so 'ref' cannot be checked out");
        }
        return Path.of(r.stdout().strip());
    }

    private String resolve(Path mirror, String ref, Deadline deadline) throws InterruptedException {
        Result r = run(mirror, deadline, "rev-parse", "--verify", "--quiet", ref + "^{commit}");
        String out = r.stdout().strip();
        return r.exitCode() == 0 && out.matches("[0-9a-f]{40,64}") ? out : null;
    }

    private static FileLock fileLock(FileChannel channel, String url, Deadline deadline)
            throws IOException, InterruptedException {
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (deadline.expired()) {
                throw new DiscoveryException("timed out waiting for another process using the git cache of "
                        + masked(url));
            }
            Thread.sleep(Math.min(100, Math.max(1, deadline.remaining(TimeUnit.MILLISECONDS))));
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private static void expectSuccess(Result result, String what) {
        if (result.exitCode() != 0) {
            List<String> lines = result.stderr().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            String why = lines.stream().filter(l -> l.startsWith("fatal:") || l.startsWith("error:")).findFirst()
                    .orElse(lines.isEmpty() ? "git exited with " + result.exitCode() : lines.getLast());
            throw new DiscoveryException(what + ": " + masked(why));
        }
    }

    /** Runs git in {@code cwd}; kills it (and its children) on deadline or interrupt. */
    private Result run(Path cwd, Deadline deadline, String... args) throws InterruptedException {
        List<String> command = new ArrayList<>(args.length + 1);
        command.add("git");
        command.addAll(List.of(args));
        Path out = null;
        Path err = null;
        Process process = null;
        try {
            out = Files.createTempFile(directory, "git-", ".out");
            err = Files.createTempFile(directory, "git-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> env = builder.environment();
            INHERITED_GIT_VARIABLES.forEach(env::remove);
            env.put("GIT_TERMINAL_PROMPT", "0");
            env.put("GIT_ASKPASS", "echo");
            env.put("LC_ALL", "C");
            process = builder.start();
            if (!process.waitFor(deadline.remainingNanos(), TimeUnit.NANOSECONDS)) {
                kill(process);
                throw new DiscoveryException("git " + args[0] + " timed out in " + cwd);
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            kill(process);
            throw e;
        } catch (IOException e) {
            kill(process);
            throw new DiscoveryException("cannot run git (is it installed?): " + e.getMessage(), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")
                ? "NUL" : "/dev/null");
    }

    private static void kill(Process process) {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("git process {} did not exit after being killed", process.pid());
        }
    }

    /** {@code https://user:token@host/x} → {@code https://***@host/x}: credentials never reach messages. */
    static String masked(String text) {
        return text.replaceAll("(?<=://)[^/@\\s]+@", "***@");
    }

    /** A readable, collision-free directory name for a URL: {@code tmt-3f2a1b9c0d4e5f61}. */
    static String key(String url) {
        String trimmed = url.replaceAll("[/\\s]+$", "").replaceAll("\\.git$", "");
        String last = trimmed.substring(trimmed.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        if (last.isEmpty() || last.startsWith(".")) {
            last = "repo" + last;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return (last.length() > 40 ? last.substring(0, 40) : last) + "-"
                    + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.debug("Cannot delete {}: {}", path, e.getMessage());
            }
        }
    }

}
