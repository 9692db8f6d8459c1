package dev.corral.machine.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.LoggerFactory;

/**
 * A real OpenSSH sshd for tests, on a free loopback port or inside a fresh network namespace, with generated host
 * keys (ed25519 and RSA) and authorized user keys (ed25519, RSA, and an ed25519 key encrypted with
 * {@link #PASSPHRASE}). Root may log in with keys; password logins are enabled on request (for a user created by
 * the test). {@link #close()} kills sshd with every session and command it started, deletes the namespace and
 * the temp files, also when the test failed.
 */
public final class OpenSshServer implements AutoCloseable {
    static final String PASSPHRASE = "correct horse battery staple";
    private static final String SSHD = "/usr/sbin/sshd";

    static {
        // MINA logs every packet at DEBUG; the tests' logs stay readable at INFO
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.apache.sshd")).setLevel(ch.qos.logback.classic.Level.INFO);
    }

    private final Path dir;
    private final Netns netns;
    private final String host;
    private final int port;
    private final boolean passwords;
    private final List<String> extraConfig;
    private Process sshd;

    private OpenSshServer(Path dir, Netns netns, String host, int port, boolean passwords, List<String> extraConfig) {
        this.dir = dir;
        this.netns = netns;
        this.host = host;
        this.port = port;
        this.passwords = passwords;
        this.extraConfig = List.copyOf(extraConfig);
    }

    /** An sshd on a free port of 127.0.0.1, with extra sshd_config lines. */
    public static OpenSshServer onLoopback(boolean passwords, String... extraConfig) throws IOException, InterruptedException {
        Host.require(SshTools.TOOLS);
        Path dir = Files.createTempDirectory("corral-sshd-");
        OpenSshServer server = null;
        try {
            generateKeys(dir);
            for (int attempt = 1; ; attempt++) {
                server = new OpenSshServer(dir, null, "127.0.0.1", freePort(), passwords, List.of(extraConfig));
                try {
                    server.start();
                    return server;
                } catch (IllegalStateException e) {
                    server.stop();
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /** An sshd on port 22 of a fresh network namespace reached over a veth pair whose link tests can cut. */
    public static OpenSshServer inNamespace() throws IOException, InterruptedException {
        Host.require(SshTools.TOOLS);
        Path dir = Files.createTempDirectory("corral-sshd-");
        Netns netns = null;
        try {
            generateKeys(dir);
            netns = Netns.create();
            OpenSshServer server = new OpenSshServer(dir, netns, netns.namespaceAddress(), 22, false, List.of());
            server.start();
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (netns != null) {
                netns.close();
            }
            deleteTree(dir);
            throw e;
        }
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    public Netns netns() {
        return netns;
    }

    Path ed25519Key() {
        return dir.resolve("user_ed25519");
    }

    Path rsaKey() {
        return dir.resolve("user_rsa");
    }

    Path encryptedKey() {
        return dir.resolve("user_ed25519_encrypted");
    }

    /** A key pair that is not authorized. */
    Path strangerKey() {
        return dir.resolve("stranger_ed25519");
    }

    /** The server's public host key of the type ({@code ed25519} or {@code rsa}), as in a .pub file. */
    String hostKey(String type) throws IOException {
        return Files.readString(dir.resolve("host_" + type + ".pub")).strip();
    }

    /** A known_hosts line for this server with the host key of the type. */
    String knownHostsLine(String type) throws IOException {
        String name = port == 22 ? host : "[" + host + "]:" + port;
        String[] key = hostKey(type).split(" ");
        return name + " " + key[0] + " " + key[1];
    }

    /** Logging in as root with the ed25519 key, host key pinned. */
    public SshTarget target() throws IOException {
        return target(ed25519Key());
    }

    /** Logging in as the user with the ed25519 key, host key pinned. */
    public SshTarget target(LoginUser user) throws IOException {
        return SshTarget.builder(host).port(port).user(user.name()).key(ed25519Key())
                .hostKeys(HostKeyPolicy.pinned(hostKey("ed25519"), hostKey("rsa"))).build();
    }

    SshTarget target(Path key) throws IOException {
        return SshTarget.builder(host).port(port).user("root").key(key)
                .hostKeys(HostKeyPolicy.pinned(hostKey("ed25519"), hostKey("rsa"))).build();
    }

    /** The sshd log (-e output), for failure messages. */
    String log() {
        try {
            return Files.readString(dir.resolve("sshd.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Starts sshd and waits until it accepts connections. */
    void start() throws IOException, InterruptedException {
        Files.createDirectories(Path.of("/run/sshd"));
        Path config = dir.resolve("sshd_config");
        Path rootHome = dir.resolve("root-home");
        List<String> lines = new ArrayList<>(extraConfig); // first value wins in sshd_config
        lines.addAll(List.of(
                "ListenAddress " + host + ":" + port,
                "HostKey " + dir.resolve("host_ed25519"),
                "HostKey " + dir.resolve("host_rsa"),
                "PermitRootLogin prohibit-password",
                "PubkeyAuthentication yes",
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PasswordAuthentication " + (passwords ? "yes" : "no"),
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "PidFile none",
                "MaxStartups 100:30:200",
                "LogLevel VERBOSE",
                "Subsystem sftp internal-sftp",
                // root's shell start-up files belong to the machine, not to the tests (on CI hosts root's
                // ~/.bashrc runs pyenv, whose lock stalls concurrent sessions for a minute): an empty home instead
                "Match User root",
                "    SetEnv HOME=" + rootHome,
                ""));
        Files.createDirectories(rootHome);
        Files.writeString(config, String.join("\n", lines));
        List<String> argv = new ArrayList<>();
        if (netns != null) {
            argv.addAll(List.of("ip", "netns", "exec", netns.name()));
        }
        argv.addAll(List.of(SSHD, "-D", "-e", "-f", config.toString()));
        sshd = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sshd.log").toFile())).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until) {
            if (!sshd.isAlive()) {
                throw new IllegalStateException("sshd exited with " + sshd.exitValue() + ": " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("sshd did not listen on " + host + ":" + port + " within 30 s: " + log());
    }

    /** Kills sshd with all its sessions and their commands, as a crash or power cut would. */
    void stop() throws InterruptedException {
        if (sshd != null) {
            List<ProcessHandle> tree = sshd.descendants().toList();
            sshd.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
            sshd.waitFor(30, TimeUnit.SECONDS);
            for (ProcessHandle p : tree) {
                p.onExit().orTimeout(30, TimeUnit.SECONDS);
            }
            sshd = null;
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (netns != null) {
                netns.close();
            }
            deleteTree(dir);
        }
    }

    private static void generateKeys(Path dir) throws IOException {
        keygen(dir.resolve("host_ed25519"), "ed25519", "");
        keygen(dir.resolve("host_rsa"), "rsa", "");
        keygen(dir.resolve("user_ed25519"), "ed25519", "");
        keygen(dir.resolve("user_rsa"), "rsa", "");
        keygen(dir.resolve("user_ed25519_encrypted"), "ed25519", PASSPHRASE);
        keygen(dir.resolve("stranger_ed25519"), "ed25519", "");
        StringBuilder authorized = new StringBuilder();
        for (String name : List.of("user_ed25519", "user_rsa", "user_ed25519_encrypted")) {
            authorized.append(Files.readString(dir.resolve(name + ".pub")));
        }
        Files.writeString(dir.resolve("authorized_keys"), authorized);
        // sshd reads authorized_keys as the user logging in, who may not be root
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("authorized_keys"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static void keygen(Path file, String type, String passphrase) {
        List<String> argv = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", "corral-test", "-f", file.toString()));
        if (type.equals("rsa")) {
            argv.addAll(List.of("-b", "3072"));
        }
        Host.run(argv.toArray(String[]::new));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    /** How long to wait for things on a loaded 2-core machine. */
    static Duration patience() {
        return Duration.ofSeconds(60);
    }
}
