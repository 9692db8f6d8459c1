package dev.corral.execute;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The plan environment file is split like Python's {@code shlex.split(content, comments=True)}, as tmt does. */
class DotEnvTest {

    @Test
    void wordsAreSplitLikeShlex() {
        assertThat(DotEnv.words("A=1 B=2\nC=3")).containsExactly("A=1", "B=2", "C=3");
        assertThat(DotEnv.words("A=\"x y\" B='a \"b\" c'")).containsExactly("A=x y", "B=a \"b\" c");
        assertThat(DotEnv.words("A=\"q\\\"uote\\\\d \\$x\"")).containsExactly("A=q\"uote\\d \\$x");
        assertThat(DotEnv.words("A=a\\ b\\$c")).containsExactly("A=a b$c");
        assertThat(DotEnv.words("# comment\nA=1 # trailing\nB=x#not-a-value")).containsExactly("A=1", "B=x");
        assertThat(DotEnv.words("A=\"# kept\"")).containsExactly("A=# kept");
        assertThat(DotEnv.words("A=\"multi\nline\"")).containsExactly("A=multi\nline");
        assertThat(DotEnv.words("A=''")).containsExactly("A=");
        assertThat(DotEnv.words("  \n\t ")).isEmpty();
    }

    @Test
    void everyWordMustBeAnAssignment() {
        DotEnv.Parsed parsed = DotEnv.parse("GOOD=1 bad =2 ALSO_GOOD=a=b\nLAST=");

        assertThat(parsed.variables()).isEqualTo(Map.of("GOOD", "1", "ALSO_GOOD", "a=b", "LAST", ""));
        assertThat(parsed.invalid()).containsExactly("bad", "=2");
    }

    @Test
    void laterAssignmentsWin() {
        assertThat(DotEnv.parse("A=1\nA=2").variables()).containsExactly(Map.entry("A", "2"));
    }
}
