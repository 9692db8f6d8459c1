package dev.corral.fmf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.RecursiveTask;

/**
 * Builds a {@link Tree} from a directory exactly in the order python fmf does: root discovery, format version,
 * {@code .fmf/config}, the directory walk ({@code main.fmf} first, other {@code *.fmf} files, then subdirectories,
 * each sorted), scattered definitions, then inheritance. Files are parsed in parallel; the tree is assembled in one
 * thread. One loader builds one tree.
 */
final class TreeLoader {

    private static final String SUFFIX = ".fmf";
    private static final String MAIN = "main.fmf";

    private final Path root;
    private final List<Object> include;
    private final Set<Path> symlinkDirectories = new HashSet<>();
    private final Tree.Root treeRoot;
    private final ForkJoinPool pool = new ForkJoinPool(Math.max(2, Runtime.getRuntime().availableProcessors()));

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
        Node top = new Node("/", null, treeRoot);
        try {
            Scan scan = pool.invoke(new ScanTask(root, true));
            grow(top, scan);
            Subtrees.preorder(top, node -> {
                inherit(node);
                node.freeze();
            }, pool);
        } catch (FmfException e) {
            throw e;
        } catch (StackOverflowError e) {
            throw new FmfException("unable to load the tree at " + root + ": nodes are nested too deeply", e);
        } catch (OutOfMemoryError e) {
            throw new FmfException("unable to load the tree at " + root + ": it does not fit in the Java heap"
                    + " (give Corral more, e.g. CORRAL_JAVA_OPTS=-Xmx4g)", e);
        } catch (RuntimeException e) {
            throw new FmfException("unable to load the tree at " + root + ": " + e, e);
        } finally {
            pool.shutdown();
        }
        return new Tree(treeRoot, top);
    }

    private Path relative(Path file) {
        return treeRoot.relative(file);
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
            String found = PyObjects.strip(text);
            throw new FmfException(shown, 1, "invalid version format "
                    + PyObjects.repr(found.length() > 40 ? found.substring(0, 40) + "..." : found)
                    + ": the file must contain an integer such as 1");
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

    /** The text of {@code file}, read into this thread's buffer. */
    private static String read(Path file) throws IOException {
        ByteBuffer buffer = BUFFERS.get();
        buffer.clear();
        try (FileChannel channel = FileChannel.open(file)) {
            while (channel.read(buffer) >= 0) {
                if (!buffer.hasRemaining()) {
                    ByteBuffer larger = ByteBuffer.allocate(buffer.capacity() * 2);
                    larger.put(buffer.flip());
                    buffer = larger;
                    BUFFERS.set(buffer);
                }
            }
        }
        return decode(buffer.array(), buffer.position(), null);
    }

    private static String decode(byte[] bytes, Path shown) {
        return decode(bytes, bytes.length, shown);
    }

    private static String decode(byte[] bytes, int length, Path shown) {
        boolean ascii = true;
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new FmfException(shown, invalidUtf8Line(bytes), "the file is not valid UTF-8", e);
        }
    }

    /** The 1-based line of the first byte sequence that is not UTF-8. */
    private static int invalidUtf8Line(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(1024);
        java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        while (!decoder.decode(in, out, true).isError() && in.hasRemaining()) {
            out.clear();
        }
        int line = 1;
        for (int i = 0; i < in.position(); i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
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

    /** A subdirectory seen by a scan; symbolic links are scanned only when the walk reaches them. */
    private record Sub(String name, Path path, boolean symlink, Scan scan) {
    }

    /** One directory: whether it holds a nested tree, its metadata files (parsed) and its subdirectories. */
    private record Scan(boolean nested, List<Path> files, List<String> names, Object[] contents,
            List<Sub> subdirectories, boolean linked) {
    }

    /** A successfully parsed file content (which may be null). */
    private record Parsed(Object value) {
    }

    /**
     * Lists a directory, parses its metadata files and scans its subdirectories, in parallel. System calls are
     * the main cost of a large tree, so entries are classified with as few as possible: {@code *.fmf} names are
     * taken for files and simply read (a directory so named sends the scan of its parent the slow way, which
     * asks about every entry), other names cost one {@code lstat}, hidden names nothing.
     */
    private final class ScanTask extends RecursiveTask<Scan> {
        private final Path directory;
        private final boolean top;
        private final boolean slow;

        ScanTask(Path directory, boolean top) {
            this(directory, top, false);
        }

        private ScanTask(Path directory, boolean top, boolean slow) {
            this.directory = directory;
            this.top = top;
            this.slow = slow;
        }

        @Override
        protected Scan compute() {
            String[] entries;
            try {
                entries = directory.toFile().list();
            } catch (SecurityException | UnsupportedOperationException e) {
                entries = null;
            }
            if (entries == null) {
                return new Scan(false, List.of(), List.of(), new Object[0], List.of(), false);
            }
            java.io.File base = directory.toFile();
            for (String name : entries) {
                if (name.equals(".fmf") && new java.io.File(base, name).isDirectory()) {
                    if (!top) {
                        return new Scan(true, List.of(), List.of(), new Object[0], List.of(), false);
                    }
                    break;
                }
            }
            List<String> files = new ArrayList<>();
            List<String> directories = new ArrayList<>();
            Set<String> links = Set.of();
            for (String name : entries) {
                if (hidden(name)) {
                    continue;
                }
                if (!slow && name.endsWith(SUFFIX)) {
                    files.add(name);
                    continue;
                }
                Path entry = directory.resolve(name);
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException | SecurityException e) {
                    attributes = null;
                }
                if (attributes != null && attributes.isDirectory()) {
                    directories.add(name);
                } else if (attributes != null && attributes.isSymbolicLink() && Files.isDirectory(entry)) {
                    directories.add(name);
                    if (links.isEmpty()) {
                        links = new HashSet<>();
                    }
                    links.add(name);
                } else if (name.endsWith(SUFFIX)) {
                    files.add(name);
                }
            }
            files.sort(PyObjects::compareCodePoints);
            if (files.remove(MAIN)) {
                files.add(0, MAIN);
            }
            List<Path> metadata = new ArrayList<>(files.size());
            for (String name : files) {
                metadata.add(directory.resolve(name));
            }
            directories.sort(PyObjects::compareCodePoints);
            List<ScanTask> tasks = new ArrayList<>();
            for (String name : directories) {
                if (!links.contains(name)) {
                    tasks.add(new ScanTask(directory.resolve(name), false));
                }
            }
            Object[] contents = new Object[metadata.size()];
            ParseTask parse = new ParseTask(metadata, contents, 0, metadata.size());
            if (!tasks.isEmpty()) {
                invokeAll(tasks);
            }
            parse.invoke();
            for (Object content : contents) {
                if (content == DIRECTORY) {
                    return new ScanTask(directory, top, true).compute();
                }
            }
            List<Sub> subdirectories = new ArrayList<>(directories.size());
            boolean linked = !links.isEmpty();
            int next = 0;
            for (String name : directories) {
                if (links.contains(name)) {
                    subdirectories.add(new Sub(name, directory.resolve(name), true, null));
                } else {
                    ScanTask task = tasks.get(next++);
                    Scan scan = task.join();
                    linked |= scan.linked();
                    subdirectories.add(new Sub(name, task.directory, false, scan));
                }
            }
            return new Scan(false, metadata, files, contents, subdirectories, linked);
        }
    }

    /** Reads and parses a range of files, splitting large ranges. */
    private final class ParseTask extends RecursiveAction {
        private final List<Path> files;
        private final Object[] contents;
        private final int from;
        private final int to;

        ParseTask(List<Path> files, Object[] contents, int from, int to) {
            this.files = files;
            this.contents = contents;
            this.from = from;
            this.to = to;
        }

        @Override
        protected void compute() {
            if (to - from > 32) {
                int middle = (from + to) >>> 1;
                invokeAll(new ParseTask(files, contents, from, middle), new ParseTask(files, contents, middle, to));
                return;
            }
            for (int i = from; i < to; i++) {
                contents[i] = parse(files.get(i));
            }
        }
    }

    /** What {@link #parse} returns for a directory with a metadata file's name. */
    private static final Object DIRECTORY = new Object();

    /** Per-thread read buffers: files are read with open, read until end, close. */
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocate(1 << 16));

    private Object parse(Path file) {
        try {
            String text;
            try {
                text = normalizeNewlines(read(file));
            } catch (IOException e) {
                if (Files.isDirectory(file)) {
                    return DIRECTORY;
                }
                throw e;
            }
            Object value = FastYaml.read(text, null);
            if (value == FastYaml.FALLBACK) {
                value = YamlReader.read(text, relative(file));
            }
            return new Parsed(value);
        } catch (IOException e) {
            return new FmfException(relative(file), 0, "unable to read the file: " + e.getMessage(), e);
        } catch (FmfException e) {
            return e.file().isPresent() ? e : new FmfException(relative(file), e.line(), e.reason(), e);
        } catch (StackOverflowError e) {
            return new FmfException(relative(file), 0, "unable to parse the file: values are nested too deeply", e);
        } catch (OutOfMemoryError e) {
            return new FmfException(relative(file), 0, "unable to parse the file: it does not fit in the Java heap"
                    + " (give Corral more, e.g. CORRAL_JAVA_OPTS=-Xmx4g)", e);
        } catch (RuntimeException e) {
            return new FmfException(relative(file), 0, "unable to parse the file: " + e, e);
        }
    }

    private static Object content(Scan scan, int index) {
        Object result = scan.contents()[index];
        if (result instanceof FmfException e) {
            throw e;
        }
        return ((Parsed) result).value();
    }

    // ---------------------------------------------------------------- grow

    /** Builds the nodes of {@code scan} under {@code node} in the reference's order; sequential. */
    private void grow(Node node, Scan scan) {
        growFiles(node, scan);
        for (Sub sub : scan.subdirectories()) {
            Scan inner = sub.scan();
            if (sub.symlink()) {
                Path real;
                try {
                    real = sub.path().toRealPath();
                } catch (IOException e) {
                    real = sub.path().toAbsolutePath().normalize();
                }
                if (!symlinkDirectories.add(real)) {
                    continue;
                }
                inner = pool.invoke(new ScanTask(sub.path(), false));
            }
            if (inner.nested()) {
                continue;
            }
            grow(child(node, sub.name()), inner);
        }
        removeEmpty(node);
    }

    /**
     * {@link #grow} for trees without symbolic links (whose order of discovery matters), subdirectories in
     * parallel; a failure is the one the sequential walk would meet first.
     */
    private final class GrowTask extends RecursiveAction {
        private final Node node;
        private final Scan scan;
        private Throwable error;

        GrowTask(Node node, Scan scan) {
            this.node = node;
            this.scan = scan;
        }

        @Override
        protected void compute() {
            try {
                growFiles(node, scan);
            } catch (RuntimeException | StackOverflowError e) {
                error = e;
                return;
            }
            List<GrowTask> tasks = new ArrayList<>(scan.subdirectories().size());
            for (Sub sub : scan.subdirectories()) {
                if (!sub.scan().nested()) {
                    tasks.add(new GrowTask(child(node, sub.name()), sub.scan()));
                }
            }
            invokeAll(tasks);
            for (GrowTask task : tasks) {
                if (task.error != null) {
                    error = task.error;
                    return;
                }
            }
            removeEmpty(node);
        }

        void rethrow() {
            if (error instanceof RuntimeException e) {
                throw e;
            }
            if (error instanceof Error e) {
                throw e;
            }
        }
    }

    /** The metadata files of one directory: {@code main.fmf} updates the node, others define children. */
    private void growFiles(Node node, Scan scan) {
        List<Path> files = scan.files();
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            Object data = content(scan, i);
            String name = scan.names().get(i);
            if (name.equals(MAIN)) {
                node.sources.add(file);
                update(node, data, file);
            } else {
                Node child = child(node, name.substring(0, name.length() - SUFFIX.length()), data, file, 1);
                child.sources.add(file);
            }
        }
    }

    /** The child for a subdirectory: the node a file already defined, or a new one. */
    private Node child(Node node, String name) {
        Node existing = node.children.get(name);
        return existing != null ? existing : newChild(node, name);
    }

    private static void removeEmpty(Node node) {
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
        }
        if (data == null || data instanceof Map) {
            update(child, data, file);
        } else if (!(data instanceof String)) {
            throw new FmfException(relative(file), line, "invalid data for node '" + child.name()
                    + "': expected a mapping,"
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
            throw new FmfException(relative(file), 1, "invalid data for node '" + node.name()
                    + "': expected a mapping, got "
                    + PyObjects.typeName(data));
        }
        if (map.containsKey("/")) {
            directives(node, map.get("/"), relative(file), line(map, "/"));
        }
        node.keySources.add(new Node.KeySource(file, map));
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object rawKey = entry.getKey();
            if ("/".equals(rawKey)) {
                continue;
            }
            if (rawKey == null) {
                throw new FmfException(relative(file), line(map, null), "invalid key 'None'");
            }
            if (!(rawKey instanceof String key)) {
                throw new FmfException(relative(file), line(map, rawKey), "invalid key " + PyObjects.repr(rawKey) + " in '"
                        + node.name() + "': keys of fmf data must be strings");
            }
            Object value = entry.getValue();
            if (key.startsWith("/")) {
                int keyLine = line(map, rawKey);
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

    /** fmf's inheritance for one node; its parent is done. */
    @SuppressWarnings("unchecked")
    private static void inherit(Node node) {
        Node parent = node.parent();
        LinkedHashMap<Object, Object> data;
        if (parent == null || Boolean.FALSE.equals(node.directives.get("inherit"))) {
            data = new LinkedHashMap<>();
            node.inherits = false;
        } else {
            List<Path> sources = new ArrayList<>(parent.sources.size() + node.sources.size());
            sources.addAll(parent.sources);
            sources.addAll(node.sources);
            node.sources = sources;
            data = new LinkedHashMap<>((Map<Object, Object>) (Map<?, ?>) parent.data);
            node.inherits = true;
        }
        Ownership owned = Merger.ownership();
        owned.add(data);
        for (Map.Entry<String, Object> entry : node.own.entrySet()) {
            String key = entry.getKey();
            try {
                Merger.mergeKey(data, key, entry.getValue(), node.name(), owned);
            } catch (FmfException e) {
                Node.Location location = node.ownExactLocation(key);
                throw location == null ? e : e.at(node.root.relative(location.file()), location.line());
            }
        }
        node.data = (LinkedHashMap<String, Object>) (LinkedHashMap<?, ?>) data;
    }
}
