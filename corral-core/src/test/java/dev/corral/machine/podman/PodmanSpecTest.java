package dev.corral.machine.podman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class PodmanSpecTest {

    @Test
    void defaultsArePullMissingNoSystemdNoLimits() {
        PodmanSpec spec = PodmanSpec.of("localhost/x:1");
        assertThat(spec).isEqualTo(new PodmanSpec("localhost/x:1", PodmanSpec.Pull.MISSING, false, List.of(), null, null, null));
    }

    @Test
    void invalidValuesAreNamed() {
        assertThatThrownBy(() -> PodmanSpec.builder("x").memory("lots").build()).hasMessageContaining("'lots'");
        assertThatThrownBy(() -> PodmanSpec.builder("x").cpus("-1").build()).hasMessageContaining("'-1'");
        assertThatThrownBy(() -> PodmanSpec.of("--privileged")).hasMessageContaining("'--privileged'");
        assertThatThrownBy(() -> PodmanSpec.builder("x").user("-u").build()).hasMessageContaining("'-u'");
        assertThatThrownBy(() -> PodmanSpec.Pull.parse("sometimes")).hasMessageContaining("'sometimes'")
                .hasMessageContaining("never, missing or always");
    }

    @Test
    void pullPoliciesAreParsedAndSpelledAsPodmanDoes() {
        assertThat(PodmanSpec.Pull.parse(" Never ")).isEqualTo(PodmanSpec.Pull.NEVER);
        assertThat(PodmanSpec.Pull.MISSING.option()).isEqualTo("missing");
    }
}
