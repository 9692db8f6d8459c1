package dev.corral.fmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast YAML path must give exactly what the full reader gives, or step aside. */
class FastYamlTest {

    /** Strict equality: same types, same values, same key order, same key lines. */
    static void same(Object fast, Object full, String path) {
        if (fast == null || full == null) {
            assertThat(fast).as(path).isEqualTo(full);
            return;
        }
        assertThat(fast.getClass() == full.getClass() || (fast instanceof Map && full instanceof Map)
                || (fast instanceof List && full instanceof List)).as(path + " type " + fast.getClass() + " vs "
                + full.getClass()).isTrue();
        if (fast instanceof Map<?, ?> a && full instanceof Map<?, ?> b) {
            assertThat(List.copyOf(a.keySet())).as(path + " keys").isEqualTo(List.copyOf(b.keySet()));
            for (Object key : a.keySet()) {
                if (a instanceof YamlMap x && b instanceof YamlMap y && x.line(key) > 0) {
                    assertThat(x.line(key)).as(path + " line of " + key).isEqualTo(y.line(key));
                }
                same(a.get(key), b.get(key), path + "." + key);
            }
        } else if (fast instanceof List<?> a && full instanceof List<?> b) {
            assertThat(a).as(path + " size").hasSameSizeAs(b);
            Iterator<?> other = b.iterator();
            int i = 0;
            for (Object item : a) {
                same(item, other.next(), path + "[" + i++ + "]");
            }
        } else if (fast instanceof Double a && full instanceof Double b) {
            assertThat(Double.compare(a, b)).as(path).isZero();
        } else {
            assertThat(fast).as(path).isEqualTo(full);
        }
    }

    static boolean check(String text) {
        Object fast;
        try {
            fast = FastYaml.read(text, Path.of("x.fmf"));
        } catch (FmfException e) {
            assertThatThrownBy(() -> YamlReader.read(text, Path.of("x.fmf"))).isInstanceOf(FmfException.class);
            return true;
        }
        if (fast == FastYaml.FALLBACK) {
            return false;
        }
        Object full = YamlReader.read(text, Path.of("x.fmf"));
        same(fast, full, "$");
        return true;
    }

    @Test
    void corpusFilesReadTheSameBothWays() throws IOException, URISyntaxException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(FmfConformanceTest.corpus())) {
            files = walk.filter(p -> p.toString().endsWith(".fmf") && Files.isRegularFile(p)).toList();
        }
        int fast = 0;
        int failedFull = 0;
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            try {
                if (check(text)) {
                    fast++;
                }
            } catch (FmfException e) {
                failedFull++;
            } catch (AssertionError e) {
                fail(file + ": " + e.getMessage());
            }
        }
        assertThat(files).hasSizeGreaterThan(400);
        assertThat(fast).as("files read by the fast path").isGreaterThan(files.size() * 7 / 10);
        assertThat(failedFull).isLessThanOrEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a: 1\nb: [x, 'y', \"z\"]\nc: {k: v, 'q': 2}\n",
        "flags: [yes, no, on, off, true, false, 'yes']\noctal: 0o17\nplain: 010\nfloat: 1.5e3\nnul: ~\n",
        "date: 2024-01-02\nstamp: 2024-01-02T10:11:12Z\nlocal: 2024-01-02 10:11:12.5+02:00\n",
        "big: 123456789012345678901234567890\nneg: -0x1f\nbin: 0b101\nunder: 1_000\nfloat2: .5\ninf: -.inf\n",
        "multi: |\n  line one\n  line two\n\nnext: x\n",
        "strip: |-\n    a\n      b\n\n    c\n\n\nafter: 1\n",
        "seq:\n- a\n- b: 1\n  c: 2\n-\n  d: 3\n- - nested\n",
        "seq:\n  - a # comment\n  -   b: 1\n      c: [1, 2]\n",
        "/child:\n    test: ./t.sh\n    /deeper/path:\n        x: y\n",
        "a: 'it''s'\nb: \"esc \\t \\u00e9 \\x41 \\\\ \\\"\"\nc: \"\"\nd: ''\n",
        "key with spaces: value with spaces   # trailing comment\nk2: v#notcomment\n",
        "a:\nb:\n  # comment only\nc: # comment\n  d: 1\n",
        "empty: []\nempty2: {}\nspaced: [ a ,b , c ]\ntrailing: [a, b, ]\n",
        "adjust:\n  - when: distro == fedora\n    tag+: [x]\n    continue: false\n  - enabled: false\n",
        "'quoted key': 1\n",
        "a: &anchor 1\nb: *anchor\n",
        "a: !!str 1\n",
        "folded: >\n  one\n  two\n",
        "multi plain: one\n  two\n",
        "a: \"multi\n  line\"\n",
        "--- \na: 1\n",
        "a: 1\n...\n",
        "a:\tb\n",
        "a: [x, [y]]\n",
        "a: 1\na: 2\n",
        "? complex\n: value\n",
        "keep: |+\n  a\n\n",
        "indent: |2\n   a\n",
        "a: b: c\n",
        "a: value:\n",
        "1: int key\ntrue: bool key\nnull: none key\n",
        "a: [http://example.com]\n",
        "a: {k: v:w}\n",
        "t: 2024-13-45\n",
        "x: =\n",
        "- top\n- level\n",
        "just a scalar\n",
        "",
        "# only a comment\n",
        "a: |\n  no final newline",
        "a: 1\n b: 2\n",
        "a:\n  b: 1\n c: 2\n",
        "a: -1\nb: -x\nc: - y\n",
        "a: x\n  # indented comment\nb: y\n",
        "tabs: \"a\\tb\"\nuni: \"\\U0001F600\"\nnel: \"\\N\\_\"\n",
        "a: 'unterminated\n",
        "x: [a, b\n  , c]\n",
        "x: ~\ny: Null\nz: NULL\nw: nul\n",
        "x: 1e3\ny: 1E3\nz: 12e03\nw: 1.\nv: +1\nu: -0\n",
        "x: 0o\ny: 0o8\nz: 09\nw: _1\nv: 1__2\n",
        "a: \"\\/\"\n",
        "a:\n    one two\n    three   \nb: 1\n",
        "a: one\n  two\n\n  three\n\n\n  four\nb: 2\n",
        "a:\n  x\n  - y\n",
        "a: x\n  y: z\n",
        "a:\n  x # c\n  y\n",
        "a:\n  x\n  #c\n  y\n",
        "a: x\n  # c\nb: y\n",
        "- a\n  b\n- c\n",
        "a:\n  text with: colon\n",
        "a:\n    first\n    second\nb:\n  - x\n    y\n",
        "a: 1\n  2\n",
        "a: one\n  true\n",
    })
    void snippetsReadTheSameBothWays(String text) {
        check(text);
    }

    @Test
    void commonShapesTakeTheFastPath() {
        assertThat(check("summary: x\ntag: [a, b]\nadjust:\n  - when: a == b\n    enabled: false\n")).isTrue();
        assertThat(check("description: |\n    text\n    more\n")).isTrue();
        assertThat(check("a: &x 1\n")).isFalse();
    }

    @Test
    void lineAndParagraphSeparatorEscapesAreKnown() {
        assertThat(FastYaml.read("a: \"\\L\\P\"\n", null)).isEqualTo(Map.of("a", "\u2028\u2029"));
    }

    @Test
    void duplicateKeysAreRefusedWithTheLine() {
        assertThatThrownBy(() -> FastYaml.read("/t:\n    test: a\n    test: b\n", Path.of("tests/main.fmf")))
                .isInstanceOf(FmfException.class)
                .hasMessage("tests/main.fmf:3: invalid YAML: duplicate key 'test'");
    }

    @Test
    void colonInFlowPlainScalarIsRefusedAsTheReferenceDoes() {
        assertThatThrownBy(() -> FastYaml.read("tag: [http://x]\n", Path.of("main.fmf")))
                .isInstanceOf(FmfException.class).hasMessageContaining("main.fmf:1:");
        assertThatThrownBy(() -> YamlReader.read("tag: [a,\n  http://x]\n", Path.of("main.fmf")))
                .isInstanceOf(FmfException.class).hasMessageContaining("unexpected ':'");
        assertThatThrownBy(() -> YamlReader.read("env: {URL: http://x}\n", Path.of("main.fmf")))
                .isInstanceOf(FmfException.class).hasMessageContaining("unexpected ':'");
        assertThat(YamlReader.read("tag: ['http://x', \"a:b\"]\nurl: http://x\n", null))
                .isEqualTo(Map.of("tag", List.of("http://x", "a:b"), "url", "http://x"));
    }
}
