package dev.corral.machine.qemu;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.corral.machine.ProvisionException;

/**
 * Free loopback ports for SSH forwarding. A port is found by binding port 0 and releasing it, which races with
 * anything else on the host taking it before QEMU binds it: callers retry when QEMU cannot bind. Within this JVM a
 * port is not handed out again until released.
 */
final class Ports {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    static int take() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new ProvisionException("cannot find a free loopback port: " + e.getMessage(), e);
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new ProvisionException("cannot find a free loopback port: the system keeps offering ports in use");
    }

    static void release(int port) {
        HANDED_OUT.remove(port);
    }
}
