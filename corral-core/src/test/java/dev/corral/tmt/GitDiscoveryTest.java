package dev.corral.tmt;

import static dev.corral.tmt.TestNormalizerTest.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.corral.Deadline;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Discover phases with {@code url} and {@code ref}, against real git repositories created by the tests. */
class GitDiscoveryTest {

    @TempDir
    Path temp;

    private Path origin;
    private String url;
    private GitCache cache;
    private final List<Path> loadedRoots = new ArrayList<>();

    /**
     * Reads each {@code *.fmf} file as one node ({@code main.fmf} names its directory), without inheritance: enough
     * to see which files a checkout holds, standing in for the fmf engine.
     */
    private final TreeLoader loader = (root, context) -> {
        loadedRoots.add(root);
        List<FmfNode> nodes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".fmf") && Files.isRegularFile(f)).toList()) {
                Path dir = root.relativize(file.getParent());
                if (dir.toString().startsWith(".git") || dir.toString().startsWith(".fmf")
                        || nestedTree(root, file.getParent())) {
                    continue;
                }
                String base = file.getFileName().toString().replaceAll("\\.fmf$", "");
                String name = Coerce.rootedPath(dir + (base.equals("main") ? "" : "/" + base));
                Object loaded = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
                @SuppressWarnings("unchecked")
                Map<String, Object> d = (Map<String, Object>) loaded;
                nodes.add(new FmfNode(name, d, dir.toString()));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        nodes.sort((a, b) -> Discovery.compareNodeNames(a.name(), b.name()));
        return nodes;
    };

    @BeforeEach
    void createOrigin() throws Exception {
        origin = temp.resolve("origin");
        Files.createDirectories(origin);
        git(origin, "init", "--quiet", "--initial-branch=main");
        write(origin, ".fmf/version", "1\n");
        write(origin, "tests/smoke/main.fmf", "summary: Smoke\ntest: ./smoke.sh\n");
        write(origin, "sub/tree/.fmf/version", "1\n");
        write(origin, "sub/tree/inner.fmf", "test: ./inner.sh\n");
        commit("first");
        git(origin, "tag", "v1");
        write(origin, "tests/extra/main.fmf", "test: ./extra.sh\norder: 10\n");
        commit("second");
        git(origin, "checkout", "--quiet", "-b", "feature");
        write(origin, "tests/feature/main.fmf", "test: ./feature.sh\n");
        commit("feature work");
        git(origin, "checkout", "--quiet", "main");
        url = origin.toUri().toString();
        assertThat(url).startsWith("file:/");
        cache = GitCache.at(temp.resolve("cache"));
    }

    private DiscoveryResult discover(Map<String, Object> phase) throws InterruptedException {
        Plan plan = PlanNormalizer.create().normalize(new FmfNode("/plans/remote",
                data("execute", null, "discover", phase), "plans"), w -> { });
        Path local = temp.resolve("local");
        DiscoveryRequest request = DiscoveryRequest.builder().treeRoot(local).nodes(List.of()).plan(plan)
                .loader(loader).gitCache(cache).build();
        return Discovery.run(request, Deadline.after(Duration.ofMinutes(2)));
    }

    private static List<String> names(DiscoveryResult result) {
        return result.tests().stream().map(DiscoveredTest::name).toList();
    }

    @Test
    void clonesTheDefaultBranchAndDiscoversItsTests() throws Exception {
        DiscoveryResult result = discover(data("how", "fmf", "url", url));

        assertThat(names(result)).containsExactly("/tests/extra", "/tests/smoke");
        Path root = result.tests().getFirst().treeRoot();
        assertThat(root).startsWith(cache.directory());
        assertThat(root.getFileName().toString()).isEqualTo(head("main"));
        assertThat(root.resolve("tests/extra/main.fmf")).exists();
        assertThat(result.tests().getFirst().test().path()).isEqualTo("/tests/extra");
        assertThat(git(root, "remote", "get-url", "origin").strip()).isEqualTo(url);
    }

    @Test
    void checksOutTagsBranchesAndCommits() throws Exception {
        assertThat(names(discover(data("how", "fmf", "url", url, "ref", "v1")))).containsExactly("/tests/smoke");
        assertThat(names(discover(data("how", "fmf", "url", url, "ref", "feature"))))
                .containsExactly("/tests/extra", "/tests/feature", "/tests/smoke");
        String first = git(origin, "rev-list", "--max-parents=0", "HEAD").strip();
        DiscoveryResult byCommit = discover(data("how", "fmf", "url", url, "ref", first));
        assertThat(names(byCommit)).containsExactly("/tests/smoke");
        assertThat(byCommit.tests().getFirst().treeRoot().getFileName().toString()).isEqualTo(first);
        String shortCommit = first.substring(0, 8);
        assertThat(names(discover(data("how", "fmf", "url", url, "ref", shortCommit))))
                .containsExactly("/tests/smoke");
    }

    @Test
    void fetchesNewCommitsAndReusesCheckoutsOfKnownOnes() throws Exception {
        DiscoveryResult before = discover(data("how", "fmf", "url", url));
        Path firstRoot = before.tests().getFirst().treeRoot();
        assertThat(discover(data("how", "fmf", "url", url)).tests().getFirst().treeRoot()).isEqualTo(firstRoot);

        write(origin, "tests/later/main.fmf", "test: ./later.sh\n");
        commit("later");

        DiscoveryResult after = discover(data("how", "fmf", "url", url));
        assertThat(names(after)).containsExactly("/tests/extra", "/tests/later", "/tests/smoke");
        assertThat(after.tests().getFirst().treeRoot()).isNotEqualTo(firstRoot);
        assertThat(firstRoot).exists();
        try (Stream<Path> repos = Files.list(cache.directory())) {
            assertThat(repos.filter(Files::isDirectory).toList()).hasSize(1);
        }
    }

    @Test
    void pathSelectsATreeInsideTheRepository() throws Exception {
        DiscoveryResult result = discover(data("how", "fmf", "url", url, "path", "/sub/tree"));
        assertThat(names(result)).containsExactly("/inner");
        assertThat(result.tests().getFirst().treeRoot()).endsWith(Path.of("sub", "tree"));
        assertThatThrownBy(() -> discover(data("how", "fmf", "url", url, "path", "/missing")))
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("key 'path': metadata tree path '/missing' not found");
    }

    @Test
    void aRefWithoutUrlChecksOutTheLocalRepository() throws Exception {
        Plan plan = PlanNormalizer.create().normalize(new FmfNode("/plans/old",
                data("execute", null, "discover", data("how", "fmf", "ref", "v1")), "plans"), w -> { });
        DiscoveryRequest request = DiscoveryRequest.builder().treeRoot(origin.resolve("sub/tree")).nodes(List.of())
                .plan(plan).loader(loader).gitCache(cache).build();

        DiscoveryResult result = Discovery.run(request, Deadline.after(Duration.ofMinutes(2)));

        assertThat(names(result)).containsExactly("/inner");
        assertThat(result.tests().getFirst().treeRoot()).startsWith(cache.directory()).endsWith(Path.of("sub", "tree"));
    }

    @Test
    void shellPhasesRunInTheCheckoutOfTheirUrl() throws Exception {
        DiscoveryResult result = discover(data("how", "shell", "url", url, "ref", "v1",
                "tests", List.of(data("name", "/run", "test", "./tests/smoke/smoke.sh"))));
        assertThat(names(result)).containsExactly("/run");
        assertThat(result.tests().getFirst().treeRoot().resolve("tests/smoke/main.fmf")).exists();
        assertThat(result.tests().getFirst().treeRoot().resolve("tests/extra")).doesNotExist();
    }

    @Test
    void unknownRefsAndUnreachableRepositoriesAreClearErrors() {
        assertThatThrownBy(() -> discover(data("how", "fmf", "url", url, "ref", "nope")))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("git ref 'nope' not found in " + url);
        String missing = temp.resolve("no-such-repo").toUri().toString();
        assertThatThrownBy(() -> discover(data("how", "fmf", "url", missing)))
                .isInstanceOf(DiscoveryException.class)
                .hasMessageStartingWith("cannot clone " + missing + ": fatal:");
        assertThatThrownBy(() -> discover(data("how", "fmf", "url", url, "ref", "--upload-pack=evil")))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("invalid git ref");
    }

    @Test
    void credentialsInUrlsNeverReachMessages() {
        assertThatThrownBy(() -> discover(data("how", "fmf", "url", "https://jane:s3cret@127.0.0.1:1/x.git")))
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("https://***@127.0.0.1:1/x.git")
                .message().doesNotContain("s3cret");
        assertThat(GitCache.masked("see https://u:p@h/x and ssh://git@h/y")).isEqualTo("see https://***@h/x and ssh://***@h/y");
    }

    @Test
    void anExpiredDeadlineKillsGitAndLeavesNoPartialClone() throws Exception {
        assertThatThrownBy(() -> cache.checkout(url, null, Deadline.after(Duration.ZERO)))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("timed out");
        try (Stream<Path> files = Files.walk(cache.directory())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith("mirror") || n.startsWith(".tmp-") || n.startsWith("git-"));
        }
        assertThat(cache.checkout(url, "v1", Deadline.after(Duration.ofMinutes(2))).directory()).exists();
    }

    @Test
    void concurrentCheckoutsOfOneRepositoryShareTheCache() throws Exception {
        List<Future<GitCache.Checkout>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 4; i++) {
                String ref = i % 2 == 0 ? "main" : "v1";
                futures.add(pool.submit(() -> cache.checkout(url, ref, Deadline.after(Duration.ofMinutes(2)))));
            }
        }
        List<String> commits = new ArrayList<>();
        for (Future<GitCache.Checkout> f : futures) {
            GitCache.Checkout checkout = f.get(1, TimeUnit.MINUTES);
            assertThat(checkout.directory().resolve("tests/smoke/main.fmf")).exists();
            commits.add(checkout.commit());
        }
        assertThat(commits).containsExactly(head("main"), head("v1"), head("main"), head("v1"));
    }

    @Test
    void theStandardCacheFollowsXdgCacheHome() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path expected = xdg != null && !xdg.isBlank() ? Path.of(xdg, "corral", "git")
                : Path.of(System.getProperty("user.home"), ".cache", "corral", "git");
        assertThat(GitCache.standard().directory()).isEqualTo(expected);
    }

    /** fmf skips directories holding another tree root. */
    private static boolean nestedTree(Path root, Path dir) {
        for (Path d = dir; d != null && !d.equals(root); d = d.getParent()) {
            if (Files.isDirectory(d.resolve(".fmf"))) {
                return true;
            }
        }
        return false;
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private String head(String ref) throws Exception {
        return git(origin, "rev-parse", ref + "^{commit}").strip();
    }

    private void commit(String message) throws Exception {
        git(origin, "add", "--all");
        git(origin, "commit", "--quiet", "-m", message);
    }

    private static void write(Path root, String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Corral Test",
                "-c", "user.email=test@corral.invalid", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("git " + String.join(" ", args) + " hung");
        }
        assertThat(process.exitValue()).as("git %s: %s", String.join(" ", args), output).isZero();
        return output;
    }
}
