package dev.corral.fmf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Builds a {@link Tree} from a directory exactly in the order python fmf does: root discovery, format version,
 * {@code .fmf/config}, the directory walk ({@code main.fmf} first, other {@code *.fmf} files, then subdirectories,
 * each sorted), scattered definitions, then inheritance. Files are parsed in parallel; the tree is assembled in one
 * thread. One loader builds one tree.
 */
final class TreeLoader {

    private static final String SUFFIX = ".fmf";
    private static final String MAIN = "main.fmf";

    /** A directory to grow: its metadata files in processing order and its subdirectories. */
    private record Plan(Path directory, List<Path> files, List<Map.Entry<String, Plan>> subdirectories) {
    }

    private final Path root;
    private final List<Object> include;
    private final Set<Path> symlinkDirectories = new HashSet<>();
    private final List<Path> allFiles = new ArrayList<>();
    private Object[] parsed;
    private final Map<Path, Integer> fileIndex = new LinkedHashMap<>();
    private final Tree.Root treeRoot;

    private TreeLoader(Path root, List<Object> include) {
        this.root = root;
        this.include = include;
        this.treeRoot = new Tree.Root(root);
    }

    static Tree load(Path path) {
        Path root = findRoot(path);
        readVersion(root);
        List<Object> include = readConfig(root);
        TreeLoader loader = new TreeLoader(root, include);
        return loader.build();
    }

    private Tree build() {
        Plan plan = plan(root);
        parseAll();
        Node top = new Node("/", null, treeRoot);
        grow(top, plan);
        inherit(top);
        IdentityHashMap<Object, Object> memo = new IdentityHashMap<>();
        freeze(top, memo);
        return new Tree(treeRoot, top);
    }

    static void freeze(Node node, IdentityHashMap<Object, Object> memo) {
        node.freeze(memo);
        for (Node child : node.children.values()) {
            freeze(child, memo);
        }
    }

    private Path relative(Path file) {
        try {
            return root.relativize(file);
        } catch (IllegalArgumentException e) {
            return file;
        }
    }

    // ---------------------------------------------------------------- root, version, config

    private static Path findRoot(Path path) {
        Path start = path.toAbsolutePath().normalize();
        if (!Files.isDirectory(start)) {
            throw new FmfException("invalid directory path: " + start);
        }
        Path current = start;
        while (!Files.isDirectory(current.resolve(".fmf"))) {
            Path parent = current.getParent();
            if (parent == null) {
                throw new FmfException("unable to find tree root for '" + start
                        + "': no .fmf directory here or above (create one with a 'version' file containing 1)");
            }
            current = parent;
        }
        return current;
    }

    private static void readVersion(Path root) {
        Path file = root.resolve(".fmf").resolve("version");
        Path shown = Path.of(".fmf", "version");
        String text;
        try {
            text = decode(Files.readAllBytes(file), shown);
        } catch (IOException e) {
            throw new FmfException(shown, 0, "unable to detect format version: " + e.getMessage(), e);
        }
        if (PyObjects.parseInt(text) == null) {
            throw new FmfException(shown, 1, "invalid version format '" + PyObjects.strip(text)
                    + "': the file must contain an integer such as 1");
        }
    }

    private static List<Object> readConfig(Path root) {
        Path file = root.resolve(".fmf").resolve("config");
        Path shown = Path.of(".fmf", "config");
        if (!Files.exists(file)) {
            return List.of();
        }
        Object config;
        try {
            config = YamlReader.read(normalizeNewlines(decode(Files.readAllBytes(file), shown)), shown);
        } catch (IOException e) {
            throw new FmfException(shown, 0, "unable to read the config: " + e.getMessage(), e);
        }
        if (!(config instanceof Map<?, ?> map)) {
            throw new FmfException(shown, 0, "invalid config: expected a mapping, got "
                    + PyObjects.typeName(config));
        }
        if (!map.containsKey("explore")) {
            return List.of();
        }
        Object explore = map.get("explore");
        if (!(explore instanceof Map<?, ?> exploreMap)) {
            throw new FmfException(shown, line(map, "explore"), "invalid config: 'explore' should be a mapping");
        }
        if (!exploreMap.containsKey("include")) {
            return List.of();
        }
        Object include = exploreMap.get("include");
        if (!(include instanceof List<?> list)) {
            throw new FmfException(shown, line(exploreMap, "include"), "the 'include' config section should be a"
                    + " list, found '" + PyObjects.str(include) + "'");
        }
        for (Object item : list) {
            if (".fmf".equals(item)) {
                throw new FmfException(shown, line(exploreMap, "include"),
                        "the '.fmf' directory cannot be used for storing fmf metadata");
            }
        }
        return new ArrayList<>(list);
    }

    private static int line(Map<?, ?> map, Object key) {
        return map instanceof YamlMap yaml ? yaml.line(key) : 0;
    }

    private static String decode(byte[] bytes, Path shown) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new FmfException(shown, 0, "the file is not valid UTF-8", e);
        }
    }

    private static String normalizeNewlines(String text) {
        if (text.indexOf('\r') < 0) {
            return text;
        }
        return text.replace("\r\n", "\n").replace('\r', '\n');
    }

    // ---------------------------------------------------------------- walk

    private boolean hidden(String name) {
        return name.startsWith(".") && !include.contains(name);
    }

    private Plan plan(Path directory) {
        List<String> files = new ArrayList<>();
        List<String> directories = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (Files.isDirectory(entry)) {
                    directories.add(name);
                } else if (name.endsWith(SUFFIX)) {
                    files.add(name);
                }
            }
        } catch (IOException | SecurityException e) {
            return new Plan(directory, List.of(), List.of());
        }
        files.sort(PyObjects::compareCodePoints);
        if (files.remove(MAIN)) {
            files.add(0, MAIN);
        }
        List<Path> metadata = new ArrayList<>();
        for (String name : files) {
            if (hidden(name)) {
                continue;
            }
            Path file = directory.resolve(name);
            fileIndex.put(file, allFiles.size());
            allFiles.add(file);
            metadata.add(file);
        }
        directories.sort(PyObjects::compareCodePoints);
        List<Map.Entry<String, Plan>> subdirectories = new ArrayList<>();
        for (String name : directories) {
            if (hidden(name)) {
                continue;
            }
            Path full = directory.resolve(name);
            if (Files.isSymbolicLink(full)) {
                Path real;
                try {
                    real = full.toRealPath();
                } catch (IOException e) {
                    real = full.toAbsolutePath().normalize();
                }
                if (!symlinkDirectories.add(real)) {
                    continue;
                }
            }
            if (Files.isDirectory(full.resolve(".fmf"))) {
                continue;
            }
            subdirectories.add(Map.entry(name, plan(full)));
        }
        return new Plan(directory, metadata, subdirectories);
    }

    private void parseAll() {
        parsed = new Object[allFiles.size()];
        IntStream.range(0, allFiles.size()).parallel().forEach(i -> {
            Path file = allFiles.get(i);
            Path shown = relative(file);
            try {
                String text = normalizeNewlines(decode(Files.readAllBytes(file), shown));
                parsed[i] = new Parsed(YamlReader.read(text, shown));
            } catch (IOException e) {
                parsed[i] = new FmfException(shown, 0, "unable to read the file: " + e.getMessage(), e);
            } catch (FmfException e) {
                parsed[i] = e;
            } catch (RuntimeException e) {
                parsed[i] = new FmfException(shown, 0, "unable to parse the file: " + e, e);
            }
        });
    }

    /** A successfully parsed file content (which may be null). */
    private record Parsed(Object value) {
    }

    private Object content(Path file) {
        Object result = parsed[fileIndex.get(file)];
        if (result instanceof FmfException e) {
            throw e;
        }
        return ((Parsed) result).value();
    }

    // ---------------------------------------------------------------- grow

    private void grow(Node node, Plan plan) {
        for (Path file : plan.files()) {
            Object data = content(file);
            String name = file.getFileName().toString();
            Path shown = relative(file);
            if (name.equals(MAIN)) {
                node.sources.add(file);
                if (node.definedAt == null) {
                    node.definedAt = new Node.Location(shown, 1);
                }
                update(node, data, shown);
            } else {
                Node child = child(node, name.substring(0, name.length() - SUFFIX.length()), data, shown, 1);
                child.sources.add(file);
            }
        }
        for (Map.Entry<String, Plan> sub : plan.subdirectories()) {
            Node existing = node.children.get(sub.getKey());
            Node child = existing != null ? existing : newChild(node, sub.getKey());
            grow(child, sub.getValue());
        }
        node.children.values().removeIf(child -> child.children.isEmpty() && !child.updated);
    }

    private Node newChild(Node parent, String name) {
        Node child = new Node(join(parent.name(), name), parent, treeRoot);
        parent.children.put(name, child);
        return child;
    }

    /** Python's {@code os.path.join(parent, name)}. */
    private static String join(String parent, String name) {
        if (name.startsWith("/")) {
            return name;
        }
        if (parent.isEmpty() || parent.endsWith("/")) {
            return parent + name;
        }
        return parent + "/" + name;
    }

    private Node child(Node node, String name, Object data, Path file, int line) {
        Node child = node.children.get(name);
        if (child == null) {
            child = newChild(node, name);
            if (file != null) {
                child.definedAt = new Node.Location(file, line);
            }
        }
        if (data == null || data instanceof Map) {
            update(child, data, file);
        } else if (!(data instanceof String)) {
            throw new FmfException(file, line, "invalid data for node '" + child.name() + "': expected a mapping,"
                    + " got " + PyObjects.typeName(data));
        }
        return child;
    }

    private void update(Node node, Object data, Path file) {
        node.updated = true;
        if (data == null) {
            return;
        }
        if (!(data instanceof Map<?, ?> map)) {
            throw new FmfException(file, 1, "invalid data for node '" + node.name() + "': expected a mapping, got "
                    + PyObjects.typeName(data));
        }
        if (map.containsKey("/")) {
            directives(node, map.get("/"), file, line(map, "/"));
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object rawKey = entry.getKey();
            if ("/".equals(rawKey)) {
                continue;
            }
            int keyLine = line(map, rawKey);
            if (rawKey == null) {
                throw new FmfException(file, keyLine, "invalid key 'None'");
            }
            if (!(rawKey instanceof String key)) {
                throw new FmfException(file, keyLine, "invalid key " + PyObjects.repr(rawKey) + " in '"
                        + node.name() + "': keys of fmf data must be strings");
            }
            Object value = entry.getValue();
            if (key.startsWith("/")) {
                String name = lstripSlash(key);
                int slash = name.indexOf('/');
                if (slash > 0) {
                    String rest = name.substring(slash);
                    int newline = rest.indexOf('\n');
                    if (newline >= 0) {
                        rest = rest.substring(0, newline);
                    }
                    YamlMap nested = new YamlMap();
                    nested.putWithLine(rest, value, keyLine);
                    value = nested;
                    name = name.substring(0, slash);
                }
                child(node, name, value, file, keyLine);
            } else {
                node.own.put(key, value);
                node.locations.put(key, new Node.Location(file, keyLine));
            }
        }
    }

    private static String lstripSlash(String key) {
        int start = 0;
        while (start < key.length() && key.charAt(start) == '/') {
            start++;
        }
        return key.substring(start);
    }

    private static void directives(Node node, Object directives, Path file, int line) {
        if (!(directives instanceof Map<?, ?> map)) {
            throw new FmfException(file, line, "invalid fmf directive in '" + node.name() + "': should be a 'dict',"
                    + " got a '" + PyObjects.typeName(directives) + "' instead");
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object key = entry.getKey();
            int keyLine = line(map, key);
            if ("inherit".equals(key) || "select".equals(key)) {
                if (!(entry.getValue() instanceof Boolean)) {
                    throw new FmfException(file, keyLine, "invalid fmf directive '" + key + "' in '" + node.name()
                            + "': should be a 'bool', got a '" + PyObjects.typeName(entry.getValue())
                            + "' instead");
                }
            } else {
                throw new FmfException(file, keyLine, "unknown fmf directive '" + PyObjects.str(key) + "' in '"
                        + node.name() + "'");
            }
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            node.directives.put((String) entry.getKey(), entry.getValue());
        }
    }

    // ---------------------------------------------------------------- inherit

    @SuppressWarnings("unchecked")
    private static void inherit(Node node) {
        Node parent = node.parent();
        LinkedHashMap<Object, Object> data;
        Map<String, Node.Location> locations;
        if (parent == null || Boolean.FALSE.equals(node.directives.get("inherit"))) {
            data = new LinkedHashMap<>();
            locations = new java.util.HashMap<>();
        } else {
            List<Path> sources = new ArrayList<>(parent.sources);
            sources.addAll(node.sources);
            node.sources = sources;
            data = (LinkedHashMap<Object, Object>) PyObjects.deepCopy(parent.data, new IdentityHashMap<>());
            locations = new java.util.HashMap<>(parent.locations);
        }
        for (Map.Entry<String, Object> entry : node.own.entrySet()) {
            String key = entry.getKey();
            Node.Location location = node.locations.get(key);
            try {
                Merger.mergeKey(data, key, entry.getValue(), node.name());
            } catch (FmfException e) {
                throw location == null ? e : e.at(location.file(), location.line());
            }
            if (location != null) {
                locations.put(Merger.baseKey(key), location);
            }
        }
        node.data = (LinkedHashMap<String, Object>) (LinkedHashMap<?, ?>) data;
        node.locations = locations;
        for (Node child : node.children.values()) {
            inherit(child);
        }
    }
}
