package dev.corral.machine.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * A throwaway local user for SSH tests, created with {@code useradd} and removed by {@link #close()} (its
 * processes killed by pid first). Key logins work (the account is not locked); a login shell other than root's
 * keeps tests independent of root's shell start-up files, which may be slow on a developer machine.
 */
public final class LoginUser implements AutoCloseable {
    private final String name;
    private final Path home;

    private LoginUser(String name, Path home) {
        this.name = name;
        this.home = home;
    }

    /** A new user with the given login shell and an empty home directory of its own. */
    public static LoginUser create(String shell) throws IOException {
        byte[] r = new byte[4];
        new SecureRandom().nextBytes(r);
        String name = "corral" + HexFormat.of().formatHex(r);
        Path home = Files.createTempDirectory("corral-home-");
        try {
            Host.run("useradd", "-M", "-d", home.toString(), "-s", shell, name);
        } catch (RuntimeException e) {
            OpenSshServer.deleteTree(home);
            throw e;
        }
        LoginUser user = new LoginUser(name, home);
        try {
            Host.run("chown", name, home.toString());
            Host.run("usermod", "-p", "*", name); // not locked: sshd refuses locked accounts even with keys
        } catch (RuntimeException e) {
            user.close();
            throw e;
        }
        return user;
    }

    public String name() {
        return name;
    }

    Path home() {
        return home;
    }

    /** The user's processes on this host (sessions, commands and what they left behind). */
    public List<ProcessHandle> processes() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().user().map(name::equals).orElse(false))
                .toList();
    }

    /** Kills the user's processes (by pid), removes the user and its home directory. */
    @Override
    public void close() {
        for (int round = 0; round < 3; round++) {
            List<ProcessHandle> left = processes();
            if (left.isEmpty()) {
                break;
            }
            left.forEach(ProcessHandle::destroyForcibly);
            left.forEach(p -> p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> p).join());
        }
        Host.quietly("userdel", name);
        OpenSshServer.deleteTree(home);
    }
}
