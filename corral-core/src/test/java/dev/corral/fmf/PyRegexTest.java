package dev.corral.fmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Python regular expressions on Java's engine. */
class PyRegexTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "(?P<name>a+)b(?P=name); aabaa; true",
        "[[]; [; true",
        "[a&&b]; &; true",
        "x{; x{; true",
        "x{,2}; xx; true",
        "x{2}; xx; true",
        "a\\Z; a; true",
        "\\d; ٣; true",
        "[]a]; ]; true",
        "\\x41\\u00e9; Aé; true",
    })
    void pythonSyntax(String pattern, String text, boolean found) {
        assertThat(PyRegex.compile(pattern).search(text)).isEqualTo(found);
    }

    @ParameterizedTest
    @ValueSource(strings = {"(", "\\p{L}", "\\Qx\\E", "a{2,1}", "(?<name>x)", "\\k<x>", "\\h", "[a", "*"})
    void rejectsWhatPythonRejects(String pattern) {
        assertThatThrownBy(() -> PyRegex.compile(pattern)).isInstanceOf(FmfException.class);
    }

    @Test
    void onlyNewlineEndsALine() {
        assertThat(PyRegex.compile("^ab$").search("ab\n")).isTrue();
        assertThat(PyRegex.compile("a.b").search("a\nb")).isFalse();
        assertThat(PyRegex.compile("a.b").search("a\rb")).isTrue();
        assertThat(PyRegex.compile("a$").search("a\r")).isFalse();
    }

    @Test
    void substitutionUsesPythonTemplates() {
        assertThat(PyRegex.compile("(python)2-(?P<rest>.*)").sub("\\g<1>3-\\g<rest>", "python2-foo"))
                .isEqualTo("python3-foo");
        assertThat(PyRegex.compile("x*").sub("-", "abxd")).isEqualTo("-a-b--d-");
        assertThat(PyRegex.compile("(a)|b").sub("[\\1]", "ab")).isEqualTo("[a][]");
        assertThat(PyRegex.compile("a").sub("\\n\\\\", "a")).isEqualTo("\n\\");
        assertThatThrownBy(() -> PyRegex.compile("a").sub("\\q", "a")).isInstanceOf(FmfException.class);
        assertThatThrownBy(() -> PyRegex.compile("a").sub("\\2", "a")).isInstanceOf(FmfException.class);
    }

    @Test
    void ignoreCase() {
        assertThat(PyRegex.compile("ÉTÉ", true).search("été")).isTrue();
        assertThat(PyRegex.compile("(?i)abc").search("ABC")).isTrue();
    }
}
