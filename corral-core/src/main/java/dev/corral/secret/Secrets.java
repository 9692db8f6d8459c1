package dev.corral.secret;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apiguardian.api.API;

/**
 * The secrets of a run: environment variables every test gets whose values must never appear in logs, reports,
 * the journal, collected files or a process list, and names of variables (from a test's or plan's
 * {@code environment}) whose values are secret too. Masking replaces every occurrence of a value by
 * {@value #MASK}, as GitLab CI does with masked variables.
 *
 * <p>A value shorter than {@value #MIN_LENGTH} characters is refused: masking it would mangle unrelated output
 * (every {@code 1} of a one-character secret {@code 1}). Immutable and thread-safe; {@link #toString()} shows names
 * only.
 *
 * <pre>{@code
 * Secrets secrets = Secrets.of(Map.of("REGISTRY_TOKEN", System.getenv("REGISTRY_TOKEN")));
 * Run.builder().secrets(secrets) ... ;
 * secrets.mask("token is " + token);   // "token is ***"
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class Secrets {
    /** What a secret value is replaced with. */
    public static final String MASK = "***";
    /** The shortest value accepted as a secret, in characters. */
    public static final int MIN_LENGTH = 4;

    private static final Secrets NONE = new Secrets(Map.of(), Set.of(), Set.of());

    private final Map<String, String> variables;
    private final Set<String> names;
    /** Every value to mask, longest first (a longer secret containing a shorter one is masked whole). */
    private final List<String> values;
    private final List<byte[]> patterns;

    private Secrets(Map<String, String> variables, Set<String> names, Set<String> extraValues) {
        this.variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        Set<String> allNames = new LinkedHashSet<>(variables.keySet());
        allNames.addAll(names);
        this.names = Collections.unmodifiableSet(allNames);
        Set<String> all = new LinkedHashSet<>(variables.values());
        all.addAll(extraValues);
        List<String> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        this.values = List.copyOf(sorted);
        List<byte[]> bytes = new ArrayList<>(sorted.stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toList());
        bytes.sort(Comparator.comparingInt((byte[] b) -> b.length).reversed());
        this.patterns = List.copyOf(bytes);
    }

    /** No secrets: masking changes nothing. */
    public static Secrets none() {
        return NONE;
    }

    /**
     * Secret variables given to every test.
     *
     * @throws SecretException when a name is not a valid variable name or a value is shorter than
     *                         {@value #MIN_LENGTH} characters (the message names the variable, never the value)
     */
    public static Secrets of(Map<String, String> variables) {
        Objects.requireNonNull(variables, "variables must not be null");
        variables.forEach(Secrets::check);
        return new Secrets(variables, Set.of(), Set.of());
    }

    /**
     * A copy where variables of these names are secret too, wherever their value comes from (a test's or plan's
     * {@code environment}); their values must be added with {@link #withValue} to be masked.
     */
    public Secrets withNames(Collection<String> more) {
        more.forEach(n -> checkName(n));
        Set<String> all = new LinkedHashSet<>(names);
        all.addAll(more);
        return new Secrets(variables, all, Set.copyOf(values));
    }

    /**
     * A copy that also masks the value of the secret variable {@code name} found elsewhere (a test's
     * {@code environment}); the value is not given to tests.
     *
     * @throws SecretException when the value is shorter than {@value #MIN_LENGTH} characters
     */
    public Secrets withValue(String name, String value) {
        check(name, value);
        if (values.contains(value)) {
            return this;
        }
        Set<String> all = new LinkedHashSet<>(values);
        all.add(value);
        return new Secrets(variables, names, all);
    }

    /** The secret variables every test gets, name to value, in order. */
    public Map<String, String> variables() {
        return variables;
    }

    /** Every name declared secret (those with a value given to tests and those only declared). */
    public Set<String> names() {
        return names;
    }

    /** Whether there is nothing to mask. */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The values as UTF-8 bytes, longest first. */
    List<byte[]> patterns() {
        return patterns;
    }

    /** {@code text} with every secret value replaced by {@value #MASK}; {@code null} stays {@code null}. */
    public String mask(String text) {
        if (text == null || values.isEmpty()) {
            return text;
        }
        String masked = text;
        for (String value : values) {
            if (masked.contains(value)) {
                masked = masked.replace(value, MASK);
            }
        }
        return masked;
    }

    /** Whether {@code text} holds a secret value. */
    public boolean occursIn(String text) {
        return text != null && values.stream().anyMatch(text::contains);
    }

    /** A stream masking what it passes to {@code out} (see {@link MaskedOutput}). */
    public MaskedOutput masking(OutputStream out) {
        return new MaskedOutput(out, this);
    }

    /**
     * Masks every regular file below {@code root} (or {@code root} itself when it is a file) in place, streaming
     * each through a {@link MaskedOutput}; symbolic links are not followed. A file holding no secret is left as
     * it was. Blocking file I/O.
     *
     * @return the number of files that were changed
     * @throws IOException when a file cannot be read or rewritten
     */
    public int maskTree(Path root) throws IOException {
        if (values.isEmpty() || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        int changed = 0;
        for (Path file : files) {
            if (maskFile(file)) {
                changed++;
            }
        }
        return changed;
    }

    private boolean maskFile(Path file) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".corral-mask");
        boolean masked;
        try (InputStream in = Files.newInputStream(file); OutputStream raw = Files.newOutputStream(temp);
             MaskedOutput out = masking(raw)) {
            in.transferTo(out);
            out.finish();
            masked = out.masked() > 0;
        }
        if (!masked) {
            Files.delete(temp);
            return false;
        }
        try {
            Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(file));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: the default permissions stay
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    private static void check(String name, String value) {
        checkName(name);
        if (value == null) {
            throw new SecretException("secret " + name + " has no value");
        }
        if (value.length() < MIN_LENGTH) {
            throw new SecretException("secret " + name + " is shorter than " + MIN_LENGTH
                    + " characters: masking it would mangle unrelated output; use a longer value");
        }
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
            throw new SecretException("invalid secret variable name '" + name + "'");
        }
    }

    /** The secret names, never the values. */
    @Override
    public String toString() {
        return "Secrets" + names;
    }
}
