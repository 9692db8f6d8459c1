package dev.corral.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.corral.CorralException;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * A run file ({@code corral run --config run.yaml}): the tree and several targets, each with its own machines,
 * pool size and context. Errors name the file and line.
 *
 * <pre>
 * tree: tests
 * secrets: [REGISTRY_TOKEN]      # values from Corral's own environment, masked everywhere
 * targets:
 *   - name: debian
 *     how: podman
 *     image: localhost/corral-test:debian-12
 *     workers: 4
 *     context: {distro: debian-12}
 *   - name: host
 *     how: local
 *     workers: 2
 * </pre>
 *
 * @param tree    the tree, relative to the file's directory, or {@code null}
 * @param targets the targets, in order
 * @param secrets names of secret variables, each mapped to where it is declared ({@code file:line: })
 */
record RunFile(Path tree, List<TargetOptions> targets, Map<String, String> secrets) {
    /** Target names become directory names and report labels (as {@code schedule.Target} requires). */
    private static final Pattern TARGET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Set<String> TARGET_KEYS = Set.of("name", "how", "workers", "per-machine", "context", "image",
            "pull", "systemd", "hosts", "guest", "port", "user", "key", "password-env", "insecure-host-key", "memory", "cpus", "direct-boot");

    static RunFile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new CorralException("cannot read run file " + file + ": " + e.getMessage(), e);
        }
        Node root;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).build();
            root = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text))).getSingleNode()
                    .orElseThrow(() -> new CorralException(file + ": the run file is empty"));
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
            throw new CorralException(file + ":" + line + ": " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new CorralException(file + ": " + e.getMessage());
        }
        Reader r = new Reader(file);
        Map<String, Node> top = r.mapping(root, Set.of("tree", "targets", "secrets"));
        Path base = file.toAbsolutePath().getParent();
        Path tree = top.containsKey("tree") ? base.resolve(r.string(top.get("tree"))) : null;
        if (!top.containsKey("targets")) {
            throw new CorralException(r.at(root) + "a run file needs 'targets'");
        }
        List<TargetOptions> targets = new ArrayList<>();
        for (Node entry : r.sequence(top.get("targets"))) {
            Map<String, Node> t = r.mapping(entry, TARGET_KEYS);
            if (!t.containsKey("name") || !t.containsKey("how")) {
                throw new CorralException(r.at(entry) + "a target needs 'name' and 'how'");
            }
            String name = r.string(t.get("name"));
            if (name == null || !TARGET_NAME.matcher(name).matches()) {
                throw new CorralException(r.at(t.get("name")) + "invalid target name '" + name
                        + "': use letters, digits, '.', '_' and '-', starting with a letter or digit");
            }
            targets.add(new TargetOptions(name, r.string(t.get("how")), r.integer(t.get("workers")),
                    t.containsKey("per-machine") ? r.integer(t.get("per-machine")) : 1, r.context(t.get("context")),
                    r.string(t.get("image")), r.string(t.get("pull")), r.bool(t.get("systemd")),
                    r.path(base, t.get("hosts")), r.string(t.get("guest")), r.integer(t.get("port")),
                    r.string(t.get("user")), r.path(base, t.get("key")), r.string(t.get("password-env")),
                    r.bool(t.get("insecure-host-key")), r.integer(t.get("memory")),
                    r.integer(t.get("cpus")), r.bool(t.get("direct-boot")), r.at(entry).replaceAll(": $", "")));
        }
        if (targets.isEmpty()) {
            throw new CorralException(r.at(top.get("targets")) + "'targets' is empty");
        }
        Map<String, String> secrets = new LinkedHashMap<>();
        if (top.containsKey("secrets")) {
            for (Node name : r.sequence(top.get("secrets"))) {
                String secret = r.string(name);
                if (secret == null || secret.isEmpty() || secret.contains("=")) {
                    throw new CorralException(r.at(name) + "a secret is the name of an environment variable of"
                            + " Corral's (its value is never written in the run file), got '"
                            + (secret == null ? "" : secret.replaceAll("=.*", "=...")) + "'");
                }
                secrets.put(secret, r.at(name));
            }
        }
        return new RunFile(tree, targets, secrets);
    }

    /** Typed reads with {@code file:line} errors. */
    private record Reader(Path file) {
        String at(Node node) {
            return file + ":" + node.getStartMark().map(m -> m.getLine() + 1).orElse(0) + ": ";
        }

        Map<String, Node> mapping(Node node, Set<String> allowed) {
            if (!(node instanceof MappingNode map)) {
                throw new CorralException(at(node) + "expected a mapping");
            }
            Map<String, Node> values = new LinkedHashMap<>();
            for (NodeTuple tuple : map.getValue()) {
                String key = string(tuple.getKeyNode());
                if (!allowed.contains(key)) {
                    throw new CorralException(at(tuple.getKeyNode()) + "unknown key '" + key + "' (expected one of "
                            + String.join(", ", allowed.stream().sorted().toList()) + ")");
                }
                if (values.put(key, tuple.getValueNode()) != null) {
                    throw new CorralException(at(tuple.getKeyNode()) + "duplicate key '" + key + "'");
                }
            }
            return values;
        }

        List<Node> sequence(Node node) {
            if (!(node instanceof SequenceNode seq)) {
                throw new CorralException(at(node) + "expected a list");
            }
            return seq.getValue();
        }

        String string(Node node) {
            if (node == null) {
                return null;
            }
            if (!(node instanceof ScalarNode scalar)) {
                throw new CorralException(at(node) + "expected a single value");
            }
            return scalar.getValue();
        }

        Integer integer(Node node) {
            String text = string(node);
            if (text == null) {
                return null;
            }
            try {
                int value = Integer.parseInt(text.strip());
                if (value < 1) {
                    throw new NumberFormatException();
                }
                return value;
            } catch (NumberFormatException e) {
                throw new CorralException(at(node) + "expected a positive whole number, got '" + text + "'");
            }
        }

        boolean bool(Node node) {
            String text = string(node);
            if (text == null) {
                return false;
            }
            return switch (text.strip()) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new CorralException(at(node) + "expected true or false, got '" + text + "'");
            };
        }

        Path path(Path base, Node node) {
            String text = string(node);
            return text == null ? null : base.resolve(text);
        }

        Map<String, List<String>> context(Node node) {
            if (node == null) {
                return Map.of();
            }
            if (!(node instanceof MappingNode map)) {
                throw new CorralException(at(node) + "expected a mapping of context dimensions");
            }
            Map<String, List<String>> dims = new LinkedHashMap<>();
            for (NodeTuple tuple : map.getValue()) {
                Node value = tuple.getValueNode();
                List<String> values = new ArrayList<>();
                if (value instanceof SequenceNode seq) {
                    seq.getValue().forEach(v -> values.add(string(v)));
                } else {
                    values.add(string(value));
                }
                dims.put(string(tuple.getKeyNode()), values);
            }
            return dims;
        }
    }
}
