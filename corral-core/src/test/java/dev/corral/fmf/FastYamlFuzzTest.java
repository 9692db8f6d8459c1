package dev.corral.fmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random documents made of the shapes fmf files use: the fast path must agree with the full reader. */
class FastYamlFuzzTest {

    private static final List<String> SCALARS = List.of("x", "two words", "1", "-1", "0o17", "010", "1.5", "1e3",
            "true", "False", "yes", "on", "null", "~", "2024-01-02", "2024-01-02 10:11:12", "a#b", "a #c", "/path",
            "-dash", "x:y", "'quoted'", "'it''s'", "\"dq\"", "\"esc \\t \\u00e9\"", "[a, b]", "[]", "{k: v}", "{}",
            "a, b", "http://x/y", "\"\"", "''", ".5", "+1", "0x1F", "1_000", ".inf", ".nan", "~x", "@x", "`x`",
            "%x", "&a x", "*a", "!x", "| x", "> x", "? x", "a: b", "a:", "[a, [b]]", "[a:b]", "{a: b, c}",
            "[ 'x' , \"y\" ]", "x   ", "é", "ü: v");

    private final Random random = new Random(20240102);

    private String scalar() {
        return SCALARS.get(random.nextInt(SCALARS.size()));
    }

    private String key() {
        return switch (random.nextInt(8)) {
            case 0 -> "/child";
            case 1 -> "tag+";
            case 2 -> "key with space";
            case 3 -> "'quoted key'";
            case 4 -> "1";
            default -> "k" + random.nextInt(6);
        };
    }

    private void mapping(StringBuilder out, int indent, int depth) {
        int entries = 1 + random.nextInt(4);
        for (int i = 0; i < entries; i++) {
            noise(out, indent);
            out.append(" ".repeat(indent)).append(key()).append(':');
            value(out, indent, depth);
        }
    }

    private void sequence(StringBuilder out, int indent, int depth) {
        int items = 1 + random.nextInt(3);
        for (int i = 0; i < items; i++) {
            noise(out, indent);
            out.append(" ".repeat(indent)).append('-');
            if (depth < 3 && random.nextInt(3) == 0) {
                out.append(' ').append(key()).append(": ").append(scalar()).append('\n');
                if (random.nextBoolean()) {
                    out.append(" ".repeat(indent + 2)).append(key()).append(": ").append(scalar()).append('\n');
                }
            } else {
                out.append(' ').append(scalar()).append('\n');
            }
        }
    }

    private void value(StringBuilder out, int indent, int depth) {
        int choice = depth >= 3 ? random.nextInt(3) : random.nextInt(8);
        int inner = indent + 2 + random.nextInt(3);
        switch (choice) {
            case 0, 1 -> out.append(' ').append(scalar()).append(random.nextInt(5) == 0 ? " # comment" : "")
                    .append('\n');
            case 2 -> out.append('\n');
            case 3 -> {
                out.append('\n');
                mapping(out, inner, depth + 1);
            }
            case 4 -> {
                out.append('\n');
                sequence(out, random.nextBoolean() ? indent : inner, depth + 1);
            }
            case 5 -> {
                out.append(random.nextBoolean() ? " |\n" : " |-\n");
                int lines = random.nextInt(4);
                for (int i = 0; i < lines; i++) {
                    out.append(random.nextInt(4) == 0 ? "" : " ".repeat(inner + random.nextInt(2)) + "text " + i)
                            .append('\n');
                }
            }
            case 6 -> {
                out.append(" first line\n");
                out.append(" ".repeat(inner)).append("second line\n");
                if (random.nextBoolean()) {
                    out.append('\n').append(" ".repeat(inner)).append("third\n");
                }
            }
            default -> {
                out.append('\n').append(" ".repeat(inner)).append("plain on next line\n");
                if (random.nextBoolean()) {
                    out.append(" ".repeat(inner)).append("and more\n");
                }
            }
        }
    }

    private void noise(StringBuilder out, int indent) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            out.append('\n');
        } else if (kind == 1) {
            out.append(" ".repeat(indent)).append("# a comment\n");
        }
    }

    @Test
    void randomDocumentsReadTheSameBothWays() {
        int fast = 0;
        for (int i = 0; i < 3000; i++) {
            StringBuilder out = new StringBuilder();
            mapping(out, 0, 0);
            String text = out.toString();
            boolean fullFails;
            try {
                YamlReader.read(text, null);
                fullFails = false;
            } catch (FmfException e) {
                fullFails = true;
            }
            try {
                Object value = FastYaml.read(text, null);
                if (value == FastYaml.FALLBACK) {
                    continue;
                }
                if (fullFails) {
                    fail("fast path accepted what the full reader refuses:\n" + text);
                }
                FastYamlTest.same(value, YamlReader.read(text, null), "$");
                fast++;
            } catch (FmfException e) {
                if (!fullFails) {
                    fail("fast path refused what the full reader accepts: " + e.getMessage() + "\n" + text);
                }
            } catch (AssertionError e) {
                fail(e.getMessage() + "\n" + text);
            }
        }
        assertThat(fast).as("documents taken by the fast path").isGreaterThan(500);

    }
}
