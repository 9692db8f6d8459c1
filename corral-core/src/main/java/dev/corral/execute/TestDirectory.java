package dev.corral.execute;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Where a test attempt's files go, relative to the results directory: {@code tests/<slug>-<serial>} for the
 * {@code default} target, {@code targets/<target-slug>/tests/<slug>-<serial>} for others, with {@code .<attempt>}
 * appended from the second attempt on.
 *
 * <p>A slug keeps ASCII letters, digits, {@code _} and {@code -} (accents are dropped, {@code /} becomes {@code -},
 * anything else {@code _}), so no name can leave the results directory ({@code ..}, absolute paths, control
 * characters) and every name maps to one path component of at most {@value #MAX_SLUG} characters. Uniqueness comes
 * from the serial number (and, for targets whose slug differs from their name, a short hash of the name).
 */
final class TestDirectory {
    /** The target of single-target runs. */
    static final String DEFAULT_TARGET = "default";
    static final int MAX_SLUG = 80;

    private TestDirectory() {
    }

    /** The attempt's directory relative to the results directory, with {@code /} separators. */
    static String relative(String target, String testName, int serialNumber, int attempt) {
        String base = DEFAULT_TARGET.equals(target) ? "tests" : "targets/" + targetSlug(target) + "/tests";
        return base + "/" + leaf(testName, serialNumber, attempt);
    }

    /** The last component: {@code <slug>-<serial>[.<attempt>]}. */
    static String leaf(String testName, int serialNumber, int attempt) {
        return slug(testName) + "-" + serialNumber + (attempt > 1 ? "." + attempt : "");
    }

    static String targetSlug(String target) {
        String slug = slug(target);
        return slug.equals(target) ? slug : slug + "-" + shortHash(target);
    }

    /** A safe, non-empty file name made of {@code [A-Za-z0-9_-]}. */
    static String slug(String name) {
        // ASCII is its own decomposition: most names skip the normalizer (its tables take ms to load)
        String plain = name.chars().allMatch(c -> c < 128) ? name
                : Marks.PATTERN.matcher(Normalizer.normalize(name, Normalizer.Form.NFKD)).replaceAll("");
        StringBuilder slug = new StringBuilder(Math.min(plain.length(), MAX_SLUG));
        char previous = 0;
        for (int i = 0; i < plain.length() && slug.length() < MAX_SLUG; i++) {
            char c = plain.charAt(i);
            char mapped;
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                mapped = c;
            } else if (c == '/') {
                mapped = '-';
            } else {
                mapped = '_';
            }
            boolean separator = mapped == '-' || mapped == '_';
            if (separator && (slug.isEmpty() || previous == mapped)) {
                continue;
            }
            slug.append(mapped);
            previous = mapped;
        }
        while (!slug.isEmpty() && (slug.charAt(slug.length() - 1) == '-' || slug.charAt(slug.length() - 1) == '_')) {
            slug.setLength(slug.length() - 1);
        }
        return slug.isEmpty() ? "test" : slug.toString();
    }

    /** Combining marks, left over when accents are decomposed. */
    private static final class Marks {
        static final Pattern PATTERN = Pattern.compile("\\p{M}+");
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
