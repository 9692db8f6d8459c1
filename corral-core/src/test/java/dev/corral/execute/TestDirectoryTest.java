package dev.corral.execute;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Test directory names never leave the results directory and stay unique through serial numbers. */
class TestDirectoryTest {

    @Test
    void slugsAreSafeFileNames() {
        assertThat(TestDirectory.slug("/tests/login")).isEqualTo("tests-login");
        assertThat(TestDirectory.slug("/with space/and..dots")).isEqualTo("with_space-and_dots");
        assertThat(TestDirectory.slug("/../../etc/passwd")).isEqualTo("etc-passwd");
        assertThat(TestDirectory.slug("..")).isEqualTo("test");
        assertThat(TestDirectory.slug("/")).isEqualTo("test");
        assertThat(TestDirectory.slug("")).isEqualTo("test");
        assertThat(TestDirectory.slug("/Ünïcödé/naïve")).isEqualTo("Unicode-naive");
        assertThat(TestDirectory.slug("/日本語")).isEqualTo("test");
        assertThat(TestDirectory.slug("/a\u0000b\nc\u001b[31m")).isEqualTo("a_b_c_31m");
        assertThat(TestDirectory.slug("/" + "x".repeat(1000))).hasSize(TestDirectory.MAX_SLUG);
    }

    @Test
    void directoriesCarrySerialAttemptAndTarget() {
        assertThat(TestDirectory.relative("default", "/tests/login", 3, 1)).isEqualTo("tests/tests-login-3");
        assertThat(TestDirectory.relative("default", "/tests/login", 3, 2)).isEqualTo("tests/tests-login-3.2");
        assertThat(TestDirectory.relative("fedora", "/a", 1, 1)).isEqualTo("targets/fedora/tests/a-1");
        assertThat(TestDirectory.relative("../x", "/a", 1, 1)).matches("targets/x-[0-9a-f]{8}/tests/a-1");
        assertThat(TestDirectory.targetSlug("a b")).isNotEqualTo(TestDirectory.targetSlug("a_b"));
    }
}
