package dev.corral.machine.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.corral.RunId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spec defaults and validation, the QEMU command line, names found by the clean-up, the KVM verdict cache. */
class QemuSpecTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsAreOneCpuOneGibibyteFiveMinutesAutoRoot() {
        QemuSpec spec = QemuSpec.of(Path.of("img.qcow2"));
        assertThat(spec.memoryMiB()).isEqualTo(1024);
        assertThat(spec.cpus()).isEqualTo(1);
        assertThat(spec.bootTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(spec.accelerator()).isEqualTo(QemuSpec.Accelerator.AUTO);
        assertThat(spec.user()).isEqualTo("root");
        assertThat(spec.directKernelBoot()).isFalse();
        assertThat(QemuSpec.Accelerator.parse(" KVM ")).isEqualTo(QemuSpec.Accelerator.KVM);
    }

    @Test
    void invalidValuesAreNamed() {
        Path image = Path.of("img.qcow2");
        assertThatThrownBy(() -> QemuSpec.builder(image).memoryMiB(64).build()).hasMessage("invalid memory 64 MiB: expected at least 128");
        assertThatThrownBy(() -> QemuSpec.builder(image).cpus(0).build()).hasMessage("invalid cpus 0: expected 1..255");
        assertThatThrownBy(() -> QemuSpec.builder(image).bootTimeout(Duration.ZERO).build()).hasMessageContaining("invalid boot timeout");
        assertThatThrownBy(() -> QemuSpec.builder(image).user("root; rm").build()).hasMessage("invalid user 'root; rm'");
        assertThatThrownBy(() -> QemuSpec.Accelerator.parse("hvf")).hasMessage("invalid accelerator 'hvf': expected auto, kvm or tcg");
    }

    @Test
    void commandLineForwardsSshFromLoopbackAndEscapesCommas() {
        VmFiles files = new VmFiles(tmp.resolve("corral-r-qemu-1"), tmp.resolve("logs,odd"));
        QemuSpec spec = QemuSpec.builder(Path.of("/images/base.qcow2")).memoryMiB(2048).cpus(2)
                .extraArgs(List.of("-device", "virtio-balloon")).build();

        List<String> argv = new QemuArgs("corral-r-qemu-1", files, false, 40022).argv(spec);

        assertThat(argv.getFirst()).isEqualTo("qemu-system-x86_64");
        assertThat(String.join(" ", argv))
                .contains("-name guest=corral-r-qemu-1,process=corral-r-qemu-1")
                .contains("-accel tcg -m 2048 -smp 2")
                .contains("-nic user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:40022-:22")
                .contains("-qmp unix:" + files.qmpSocket() + ",server=on,wait=off")
                .contains("path=" + tmp.resolve("logs,,odd").resolve("console.log"))
                .doesNotContain("-kernel")
                .endsWith("-device virtio-balloon");
        assertThat(new QemuArgs("n", files, true, 1).argv(spec)).containsSequence("-accel", "kvm", "-cpu", "host");
    }

    @Test
    void cleanupReadsTheVmNameFromQemuCommandLinesOnly() throws Exception {
        Path qemu = Files.write(tmp.resolve("qemu"), "/usr/bin/qemu-system-x86_64\0-name\0guest=corral-r1-qemu-3,process=x\0-m\0512\0".getBytes());
        Path bare = Files.write(tmp.resolve("bare"), "qemu-system-aarch64\0-name\0corral-r1-qemu-4\0".getBytes());
        Path other = Files.write(tmp.resolve("other"), "bash\0-name\0corral-r1-qemu-5\0".getBytes());

        assertThat(QemuCleanup.vmName(qemu)).contains("corral-r1-qemu-3");
        assertThat(QemuCleanup.vmName(bare)).contains("corral-r1-qemu-4");
        assertThat(QemuCleanup.vmName(other)).isEmpty();
        assertThat(QemuCleanup.vmName(tmp.resolve("gone"))).isEmpty();
        assertThat(new QemuLeftover(new RunId("20261123-1-ab"), "qemu-2", -1, null).name()).isEqualTo("corral-20261123-1-ab-qemu-2");
    }

    @Test
    void kvmVerdictsAreCachedPerHostKernelAndQemuVersion() {
        Path cache = tmp.resolve("cache/kvm-probe");
        assertThat(KvmProbe.readCache(cache, "k1")).isNull();

        KvmProbe.writeCache(cache, "k1", new KvmProbe.Verdict(false, "no kernel panic\twithin 15 s"));

        assertThat(KvmProbe.readCache(cache, "k1")).isEqualTo(new KvmProbe.Verdict(false, "no kernel panic within 15 s"));
        assertThat(KvmProbe.readCache(cache, "k2")).isNull();
        KvmProbe.writeCache(cache, "k2", new KvmProbe.Verdict(true, "panic in 900 ms"));
        assertThat(KvmProbe.readCache(cache, "k2")).isEqualTo(new KvmProbe.Verdict(true, "panic in 900 ms"));
    }
}
