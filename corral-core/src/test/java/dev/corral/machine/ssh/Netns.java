package dev.corral.machine.ssh;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A network namespace {@code corral-test-<random>} joined to the host by a veth pair on a private /30, so that a
 * test can cut the link ({@link #linkDown()}) under a live SSH session. {@link #close()} kills every process in the
 * namespace and deletes it (which also deletes the veth pair); a shutdown hook does the same if the JVM dies.
 */
public final class Netns implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final String hostSide;
    private final String nsSide;
    private final String prefix;
    private final Thread cleanupOnExit;
    private volatile boolean closed;

    private Netns(String suffix, String prefix) {
        this.name = "corral-test-" + suffix;
        this.hostSide = "cth" + suffix;
        this.nsSide = "ctn" + suffix;
        this.prefix = prefix;
        this.cleanupOnExit = new Thread(this::delete, "netns-cleanup-" + suffix);
    }

    static Netns create() {
        byte[] r = new byte[3];
        RANDOM.nextBytes(r);
        String suffix = HexFormat.of().formatHex(r);
        // 10.200-254.x.(4k): a /30 unlikely to collide with anything configured here
        String prefix = "10." + (200 + Byte.toUnsignedInt(r[0]) % 55) + "." + Byte.toUnsignedInt(r[1]) + "." + (Byte.toUnsignedInt(r[2]) / 4 * 4);
        Netns netns = new Netns(suffix, prefix);
        Runtime.getRuntime().addShutdownHook(netns.cleanupOnExit);
        try {
            Host.run("ip", "netns", "add", netns.name);
            Host.run("ip", "link", "add", netns.hostSide, "type", "veth", "peer", "name", netns.nsSide);
            Host.run("ip", "link", "set", netns.nsSide, "netns", netns.name);
            Host.run("ip", "addr", "add", netns.hostAddress() + "/30", "dev", netns.hostSide);
            Host.run("ip", "link", "set", netns.hostSide, "up");
            Host.run("ip", "netns", "exec", netns.name, "ip", "addr", "add", netns.namespaceAddress() + "/30", "dev", netns.nsSide);
            Host.run("ip", "netns", "exec", netns.name, "ip", "link", "set", netns.nsSide, "up");
            Host.run("ip", "netns", "exec", netns.name, "ip", "link", "set", "lo", "up");
            return netns;
        } catch (RuntimeException e) {
            netns.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    String hostAddress() {
        return prefix.substring(0, prefix.lastIndexOf('.') + 1) + (Integer.parseInt(prefix.substring(prefix.lastIndexOf('.') + 1)) + 1);
    }

    String namespaceAddress() {
        return prefix.substring(0, prefix.lastIndexOf('.') + 1) + (Integer.parseInt(prefix.substring(prefix.lastIndexOf('.') + 1)) + 2);
    }

    /** Cuts the link: packets to and from the namespace are lost, nobody is told. */
    public void linkDown() {
        Host.run("ip", "link", "set", hostSide, "down");
    }

    public void linkUp() {
        Host.run("ip", "link", "set", hostSide, "up");
    }

    @Override
    public void close() {
        delete();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or ran
        }
    }

    private void delete() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (String pid : Host.run("ip", "netns", "pids", name).split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } catch (RuntimeException e) {
            // namespace already gone
        }
        Host.quietly("ip", "netns", "del", name);
        Host.quietly("ip", "link", "del", hostSide);
    }
}
