package dev.corral.machine.ssh;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.corral.machine.ProvisionException;

import org.apiguardian.api.API;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads the static pool of a {@code connect} run ({@code --hosts FILE}): a YAML list of hosts.
 *
 * <pre>{@code
 * - host: 192.168.122.10
 *   user: root               # default root
 *   port: 22                 # default 22
 *   key: ~/.ssh/id_ed25519   # relative to this file; default: ~/.ssh/id_* keys
 *   slots: 2                 # tests at once, default 1
 * - host: test-box.example.com
 *   password: secret         # password login instead of (or besides) a key
 *   reboot: true             # tests may reboot it (needs slots: 1)
 *   host-key: ssh-ed25519 AAAA...   # pin the host key instead of using known_hosts
 * }</pre>
 *
 * Every mistake is a {@link ProvisionException} whose message starts with {@code FILE:LINE:}. Stateless.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class HostsFile {
    private static final Set<String> KEYS = Set.of("host", "port", "user", "key", "passphrase", "password", "slots",
            "reboot", "host-key");

    private HostsFile() {
    }

    /**
     * Reads the hosts.
     *
     * @param file        the YAML file
     * @param defaultKeys host key policy of entries without {@code host-key}
     * @throws ProvisionException naming {@code file:line} and the offending value
     */
    public static List<HostSpec> read(Path file, HostKeyPolicy defaultKeys) {
        Objects.requireNonNull(file, "file must not be null");
        Objects.requireNonNull(defaultKeys, "defaultKeys must not be null");
        Optional<Node> root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Compose(LoadSettings.builder().setLabel(file.toString()).build()).composeReader(reader);
        } catch (IOException e) {
            throw new ProvisionException(file + ": cannot read the hosts file: " + Futures.why(e), e);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(1);
            throw new ProvisionException(file + ":" + line + ": invalid YAML: " + e.getProblem(), e);
        } catch (YamlEngineException e) {
            throw new ProvisionException(file + ": invalid YAML: " + e.getMessage(), e);
        }
        if (root.isEmpty() || !(root.get() instanceof SequenceNode list) || list.getValue().isEmpty()) {
            throw new ProvisionException(file + ":" + line(root.orElse(null)) + ": expected a list of hosts,"
                    + " each a mapping with keys host, port, user, key, slots, reboot");
        }
        List<HostSpec> hosts = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (Node item : list.getValue()) {
            HostSpec spec = entry(file, item, defaultKeys);
            String address = spec.target().host() + ":" + spec.target().port();
            String earlier = seen.putIfAbsent(address, spec.origin());
            if (earlier != null) {
                throw new ProvisionException(spec.origin() + ": host " + address + " is listed twice (also at "
                        + earlier + "); use slots: N to run several tests on it");
            }
            hosts.add(spec);
        }
        return List.copyOf(hosts);
    }

    private static HostSpec entry(Path file, Node item, HostKeyPolicy defaultKeys) {
        String origin = file + ":" + line(item);
        if (!(item instanceof MappingNode mapping)) {
            throw new ProvisionException(origin + ": expected a mapping like {host: NAME, slots: 1}");
        }
        Map<String, ScalarNode> values = new LinkedHashMap<>();
        Map<String, Node> lists = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String at = file + ":" + line(tuple.getKeyNode());
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                throw new ProvisionException(at + ": keys must be plain words");
            }
            String key = keyNode.getValue();
            if (!KEYS.contains(key)) {
                throw new ProvisionException(at + ": unknown key '" + key + "' (expected one of "
                        + KEYS.stream().sorted().toList() + ")");
            }
            if (values.containsKey(key) || lists.containsKey(key)) {
                throw new ProvisionException(at + ": '" + key + "' given twice");
            }
            Node value = tuple.getValueNode();
            if (value instanceof ScalarNode scalar) {
                values.put(key, scalar);
            } else if (key.equals("host-key") && value instanceof SequenceNode) {
                lists.put(key, value);
            } else {
                throw new ProvisionException(file + ":" + line(value) + ": '" + key + "' must be a single value");
            }
        }
        ScalarNode host = values.get("host");
        if (host == null || host.getValue().isBlank()) {
            throw new ProvisionException(origin + ": missing 'host'");
        }
        try {
            SshTarget.Builder target = SshTarget.builder(host.getValue().strip()).hostKeys(defaultKeys);
            if (values.containsKey("port")) {
                target.port(integer(file, values.get("port"), "port", 1, 65535));
            }
            if (values.containsKey("user")) {
                target.user(text(file, values.get("user"), "user"));
            }
            if (values.containsKey("key")) {
                target.key(keyFile(file, values.get("key")));
            }
            if (values.containsKey("passphrase")) {
                target.passphrase(values.get("passphrase").getValue());
            }
            if (values.containsKey("password")) {
                target.password(values.get("password").getValue());
            }
            if (values.containsKey("host-key") || lists.containsKey("host-key")) {
                target.hostKeys(pinned(file, values.get("host-key"), lists.get("host-key")));
            }
            int slots = values.containsKey("slots") ? integer(file, values.get("slots"), "slots", 1, 1000) : 1;
            boolean reboot = values.containsKey("reboot") && bool(file, values.get("reboot"), "reboot");
            return new HostSpec(target.build(), slots, reboot, origin);
        } catch (IllegalArgumentException e) {
            throw new ProvisionException(e.getMessage().startsWith(origin) ? e.getMessage() : origin + ": " + e.getMessage(), e);
        }
    }

    private static HostKeyPolicy pinned(Path file, ScalarNode one, Node many) {
        List<String> keys = new ArrayList<>();
        if (one != null) {
            keys.add(one.getValue());
        } else {
            for (Node n : ((SequenceNode) many).getValue()) {
                if (!(n instanceof ScalarNode s)) {
                    throw new ProvisionException(file + ":" + line(n) + ": 'host-key' entries must be public keys");
                }
                keys.add(s.getValue());
            }
        }
        try {
            return HostKeyPolicy.pinned(keys.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new ProvisionException(file + ":" + line(one != null ? one : many) + ": host-key: " + e.getMessage(), e);
        }
    }

    private static Path keyFile(Path file, ScalarNode node) {
        String value = node.getValue().strip();
        Path key = value.equals("~") || value.startsWith("~/")
                ? Path.of(System.getProperty("user.home")).resolve(value.length() > 2 ? value.substring(2) : "")
                : Path.of(value);
        if (!key.isAbsolute()) {
            Path dir = file.toAbsolutePath().getParent();
            key = dir == null ? key : dir.resolve(key);
        }
        if (!Files.isReadable(key)) {
            throw new ProvisionException(file + ":" + line(node) + ": key file " + key
                    + (Files.exists(key) ? " is not readable" : " does not exist"));
        }
        return key.normalize();
    }

    private static int integer(Path file, ScalarNode node, String key, int min, int max) {
        try {
            int value = Integer.parseInt(node.getValue().strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ProvisionException(file + ":" + line(node) + ": '" + key + "' must be an integer from " + min + " to "
                + max + ", got '" + node.getValue() + "'");
    }

    private static boolean bool(Path file, ScalarNode node, String key) {
        return switch (node.getValue().strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ProvisionException(file + ":" + line(node) + ": '" + key + "' must be true or false, got '"
                    + node.getValue() + "'");
        };
    }

    private static String text(Path file, ScalarNode node, String key) {
        String value = node.getValue().strip();
        if (value.isEmpty()) {
            throw new ProvisionException(file + ":" + line(node) + ": '" + key + "' must not be empty");
        }
        return value;
    }

    private static int line(Node node) {
        return node == null ? 1 : node.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(1);
    }
}
