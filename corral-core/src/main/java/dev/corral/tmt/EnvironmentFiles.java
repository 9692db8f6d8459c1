package dev.corral.tmt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * A plan's {@code environment-file} entries as tmt reads them: files relative to the tree root (never outside it),
 * YAML ({@code .yaml}, {@code .yml}) or dotenv (shell words {@code NAME=VALUE}, {@code #} comments).
 */
final class EnvironmentFiles {

    private EnvironmentFiles() {
    }

    static Map<String, String> load(String planName, List<String> files, Path treeRoot,
                                    Consumer<String> warnings) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String file : files) {
            String name = file.strip();
            if (name.startsWith("http://") || name.startsWith("https://")) {
                throw new DiscoveryException("plan " + planName + ": key 'environment-file': remote file '" + name
                        + "' is not supported by corral yet; download it into the tree");
            }
            Path root = treeRoot.toAbsolutePath().normalize();
            Path path = root.resolve(name).normalize();
            if (!path.startsWith(root)) {
                throw new DiscoveryException("plan " + planName + ": key 'environment-file': '" + name
                        + "' lies outside the tree root " + root);
            }
            if (!Files.isRegularFile(path)) {
                throw new DiscoveryException("plan " + planName + ": key 'environment-file': file '" + path
                        + "' does not exist");
            }
            String content;
            try {
                content = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new DiscoveryException("plan " + planName + ": key 'environment-file': cannot read '" + path
                        + "': " + e.getMessage(), e);
            }
            String lower = name.toLowerCase(Locale.ROOT);
            Map<String, String> loaded = lower.endsWith(".yaml") || lower.endsWith(".yml")
                    ? yaml(planName, path, content) : dotenv(planName, path, content);
            if (loaded.isEmpty()) {
                warnings.accept("plan " + planName + ": empty environment file '" + name + "'");
            }
            loaded.forEach((variable, value) -> {
                String problem = Selection.invalidVariable(variable, value);
                if (problem != null) {
                    throw new DiscoveryException("plan " + planName + ": environment file " + path + ": " + problem);
                }
            });
            environment.putAll(loaded);
        }
        return environment;
    }

    private static Map<String, String> yaml(String planName, Path path, String content) {
        Object data;
        try {
            data = new Load(LoadSettings.builder().setLabel(path.toString()).build()).loadFromString(content);
        } catch (YamlEngineException e) {
            throw new DiscoveryException("plan " + planName + ": environment file " + path + " is not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (data == null) {
            return out;
        }
        if (!(data instanceof Map<?, ?> map)) {
            throw new DiscoveryException("plan " + planName + ": environment file " + path
                    + " must hold a mapping of variable names to values");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getValue() instanceof Map || e.getValue() instanceof List) {
                throw new DiscoveryException("plan " + planName + ": environment file " + path + ": variable '"
                        + e.getKey() + "' must be a string, number or boolean");
            }
            out.put(Coerce.str(e.getKey()), Coerce.str(e.getValue()));
        }
        return out;
    }

    private static Map<String, String> dotenv(String planName, Path path, String content) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> words;
        try {
            words = shellWords(content);
        } catch (IllegalArgumentException e) {
            throw new DiscoveryException("plan " + planName + ": environment file " + path + ": " + e.getMessage());
        }
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq < 0) {
                throw new DiscoveryException("plan " + planName + ": environment file " + path + ": '" + word
                        + "' is not NAME=VALUE");
            }
            out.put(word.substring(0, eq), word.substring(eq + 1));
        }
        return out;
    }

    /** POSIX shell words with {@code #} comments, as Python's {@code shlex.split(content, comments=True)}. */
    static List<String> shellWords(String s) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\'') {
                int end = s.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("no closing quotation");
                }
                word.append(s, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i++;
                while (true) {
                    if (i >= s.length()) {
                        throw new IllegalArgumentException("no closing quotation");
                    }
                    char q = s.charAt(i);
                    if (q == '"') {
                        break;
                    }
                    if (q == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
                        q = s.charAt(++i);
                    }
                    word.append(q);
                    i++;
                }
                inWord = true;
                i++;
            } else if (c == '\\') {
                if (i + 1 >= s.length()) {
                    throw new IllegalArgumentException("no escaped character");
                }
                word.append(s.charAt(i + 1));
                inWord = true;
                i += 2;
            } else if (c == '#') {
                int eol = s.indexOf('\n', i);
                i = eol < 0 ? s.length() : eol + 1;
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
