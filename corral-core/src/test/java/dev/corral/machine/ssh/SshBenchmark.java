package dev.corral.machine.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import dev.corral.Deadline;
import dev.corral.machine.Command;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * Measures, side by side in one run against a local OpenSSH sshd: connect time, per-exec overhead of
 * {@code true} (sequential and 8 in parallel, compared with the OpenSSH client over a ControlMaster socket), and
 * uploading a tree of 500 small files plus a few MB with tar-over-exec (what {@link SshConnection} uses) versus
 * SFTP. Run with {@code bench/ssh.sh}; prints medians of several rounds.
 */
public final class SshBenchmark {
    private static final int EXECS = 200;
    private static final int ROUNDS = 3;

    private SshBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path tree = Files.createTempDirectory("corral-bench-tree-");
        Path home = Files.createTempDirectory("corral-bench-home-");
        String user = "corralbench" + ProcessHandle.current().pid();
        try (OpenSshServer server = OpenSshServer.onLoopback(false);
             SshConnector connector = SshConnector.start(SshOptions.defaults())) {
            long bytes = makeTree(tree);
            System.out.printf("tree: %d files, %.1f MB%n", countFiles(tree), bytes / 1e6);
            // root's login shell here is bash with a ~/.bashrc that runs `pyenv init` (~100 processes) on every
            // command, which dominates per-command cost; a user whose shell is /bin/sh shows the connection's own
            Host.run("useradd", "-M", "-d", home.toString(), "-s", "/bin/sh", user);
            Host.run("chown", user, home.toString());
            Host.run("usermod", "-p", "*", user); // not locked: key logins only
            for (String login : List.of(user, "root")) {
                SshTarget target = SshTarget.builder(server.host()).port(server.port()).user(login)
                        .key(server.ed25519Key()).hostKeys(server.target().hostKeys()).build();
                System.out.printf("%n== login %s (shell %s)%n", login, login.equals("root") ? "bash + ~/.bashrc" : "/bin/sh");
                try {
                    measure(server, connector, target, tree);
                } catch (RuntimeException e) {
                    System.out.println(server.log());
                    throw e;
                }
            }
        } finally {
            Host.quietly("pkill", "-KILL", "-u", user);
            Host.quietly("userdel", user);
            OpenSshServer.deleteTree(home);
            OpenSshServer.deleteTree(tree);
        }
    }

    private static void measure(OpenSshServer server, SshConnector connector, SshTarget target, Path tree) throws Exception {
        List<Double> connects = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            connector.connect(target, soon()).close();
            connects.add(ms(t));
        }
        System.out.printf("connect + auth + boot-id probe: median %.0f ms%n", median(connects));
        try (SshConnection connection = connector.connect(target, soon())) {
            for (int i = 0; i < 20; i++) {
                connection.exec(Command.of("true"), soon()); // warm up
            }
            String control = startControlMaster(server, target.user());
            List<Double> seq = new ArrayList<>();
            List<Double> par = new ArrayList<>();
            List<Double> mux = new ArrayList<>();
            List<Double> tar = new ArrayList<>();
            List<Double> sftp = new ArrayList<>();
            String base = "/var/tmp/corral-bench-" + target.user();
            for (int round = 0; round < ROUNDS; round++) {
                seq.add(sequential(connection) / EXECS);
                par.add(parallel(connection, 8) / EXECS);
                mux.add(openSshMux(server, target.user(), control) / EXECS);
                tar.add(upload(connection, tree, base, "tar", round));
                sftp.add(upload(connection, tree, base, "sftp", round));
            }
            System.out.printf("%d x true, sequential:        %.1f ms/exec%n", EXECS, median(seq));
            System.out.printf("%d x true, 8 parallel:        %.1f ms/exec (wall time / %d)%n", EXECS, median(par), EXECS);
            System.out.printf("%d x true, OpenSSH client over a ControlMaster socket, sequential: %.1f ms/exec"
                    + " (ratio corral/openssh %.2f)%n", EXECS, median(mux), median(seq) / median(mux));
            System.out.printf("upload tree, tar over exec:   %.0f ms%n", median(tar));
            System.out.printf("upload tree, SFTP:            %.0f ms (ratio sftp/tar %.1f)%n", median(sftp), median(sftp) / median(tar));
            connection.exec(Command.of("rm", "-rf", base), soon());
            Host.quietly("ssh", "-S", control, "-O", "exit", "x");
        }
    }

    private static Deadline soon() {
        return Deadline.after(Duration.ofMinutes(5));
    }

    private static double sequential(SshConnection c) throws InterruptedException {
        long t = System.nanoTime();
        for (int i = 0; i < EXECS; i++) {
            c.exec(Command.of("true"), soon()).orThrow("true");
        }
        return ms(t);
    }

    private static double parallel(SshConnection c, int threads) throws Exception {
        long t = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofVirtual().factory())) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < EXECS; i++) {
                all.add(pool.submit(() -> c.exec(Command.of("true"), soon()).orThrow("true")));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        return ms(t);
    }

    private static String startControlMaster(OpenSshServer server, String user) throws IOException {
        Path socket = Files.createTempDirectory("corral-mux-").resolve("s");
        Host.run("ssh", "-o", "ControlMaster=yes", "-o", "ControlPersist=300", "-S", socket.toString(), "-f", "-N",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-i", server.ed25519Key().toString(), "-p", String.valueOf(server.port()), user + "@" + server.host());
        return socket.toString();
    }

    private static double openSshMux(OpenSshServer server, String user, String socket) {
        long t = System.nanoTime();
        for (int i = 0; i < EXECS; i++) {
            Host.run("ssh", "-S", socket, "-p", String.valueOf(server.port()), user + "@" + server.host(), "true");
        }
        return ms(t);
    }

    private static double upload(SshConnection c, Path tree, String base, String how, int round) throws Exception {
        String target = base + "/" + how + "-" + round;
        c.exec(Command.of("rm", "-rf", target), soon());
        long t = System.nanoTime();
        if (how.equals("tar")) {
            c.upload(tree, target, soon());
        } else {
            sftpUpload(c, tree, target);
        }
        double elapsed = ms(t);
        String count = c.exec(Command.of("sh", "-c", "find \"$1\" -type f | wc -l", "sh", target), soon()).stdout().strip();
        if (!count.equals(String.valueOf(countFiles(tree)))) {
            throw new IllegalStateException(how + " uploaded " + count + " files");
        }
        return elapsed;
    }

    /** A straightforward SFTP upload with MINA's client: mkdir, write, chmod per entry, one session channel. */
    private static void sftpUpload(SshConnection c, Path tree, String target) throws Exception {
        try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(c.live(soon()).session());
             Stream<Path> walk = Files.walk(tree)) {
            for (Path p : walk.toList()) {
                String remote = target + (p.equals(tree) ? "" : "/" + tree.relativize(p));
                if (Files.isDirectory(p)) {
                    mkdirs(sftp, remote);
                } else {
                    try (InputStream in = Files.newInputStream(p); OutputStream out = sftp.write(remote)) {
                        in.transferTo(out);
                    }
                    SftpClient.Attributes attributes = new SftpClient.Attributes();
                    attributes.setPermissions(mode(p));
                    sftp.setStat(remote, attributes);
                }
            }
        }
    }

    private static void mkdirs(SftpClient sftp, String dir) throws IOException {
        String path = "";
        for (String part : dir.substring(1).split("/")) {
            path += "/" + part;
            try {
                sftp.stat(path);
            } catch (IOException missing) {
                sftp.mkdir(path);
            }
        }
    }

    private static int mode(Path p) throws IOException {
        int mode = 0;
        for (PosixFilePermission perm : Files.getPosixFilePermissions(p)) {
            mode |= 1 << (8 - perm.ordinal());
        }
        return mode;
    }

    /** 500 files of 200 B..4 KB in 25 directories, plus 3 files of ~1.7 MB: like a test tree with some data. */
    private static long makeTree(Path root) throws IOException {
        Random random = new Random(42);
        long total = 0;
        for (int i = 0; i < 500; i++) {
            Path file = root.resolve("dir" + (i % 25)).resolve("test" + i + ".sh");
            Files.createDirectories(file.getParent());
            byte[] data = new byte[200 + random.nextInt(3900)];
            random.nextBytes(data);
            Files.write(file, data);
            total += data.length;
        }
        for (int i = 0; i < 3; i++) {
            byte[] data = new byte[1_700_000];
            random.nextBytes(data);
            Files.write(root.resolve("data" + i + ".bin"), data);
            total += data.length;
        }
        return total;
    }

    private static long countFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).count();
        }
    }

    private static double ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
