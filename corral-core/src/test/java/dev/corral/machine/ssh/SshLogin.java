package dev.corral.machine.ssh;

import java.io.IOException;

/**
 * A real sshd on loopback, a throwaway login user with the given shell and one {@link SshConnector}: what every
 * test that logs in over SSH as a non-root user needs. Start it in {@code @BeforeAll}, close it in
 * {@code @AfterAll}; closing is safe after a partial start.
 */
public final class SshLogin implements AutoCloseable {
    private OpenSshServer server;
    private LoginUser user;
    private SshConnector connector;

    private SshLogin() {
    }

    /** Starts sshd, creates the user and the connector; on failure, undoes what was started and rethrows. */
    public static SshLogin start(String shell) throws IOException, InterruptedException {
        SshLogin login = new SshLogin();
        try {
            login.server = OpenSshServer.onLoopback(false);
            login.user = LoginUser.create(shell);
            login.connector = SshConnector.start(SshOptions.defaults());
            return login;
        } catch (IOException | InterruptedException | RuntimeException e) {
            login.close();
            throw e;
        }
    }

    public OpenSshServer server() {
        return server;
    }

    public LoginUser user() {
        return user;
    }

    public SshConnector connector() {
        return connector;
    }

    /** Where to log in as the user, with the server's host keys pinned. */
    public SshTarget target() throws IOException {
        return server.target(user);
    }

    @Override
    public void close() {
        try {
            if (connector != null) {
                connector.close();
            }
            if (server != null) {
                server.close();
            }
        } finally {
            if (user != null) {
                user.close();
            }
        }
    }
}
