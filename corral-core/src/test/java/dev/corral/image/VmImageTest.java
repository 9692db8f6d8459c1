package dev.corral.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.corral.Deadline;

/**
 * Builds the real VM test image (cached after the first run) and checks its layout without booting it: qcow2, MBR with
 * GRUB's boot code, core.img after the MBR, a bootable ext4 partition, and the direct-boot files beside it. Booting
 * is covered by the QEMU provisioner's tests and by {@code scripts/vm-smoke-test}.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class VmImageTest {
    private static final Duration BUILD = Duration.ofMinutes(25);
    private static final Duration TOOL = Duration.ofSeconds(60);
    private static final int SECTOR = 512;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ImageBuilder builder = ImageBuilder.create().withLog(log::add);

    @BeforeAll
    static void tools() {
        HostTools.require("debootstrap", "qemu-img", "sfdisk", "mke2fs", "flock", "sha256sum", "numfmt");
    }

    @Test
    void imageIsAPartitionedBootableQcow2(@TempDir Path tmp) throws Exception {
        Path image = builder.buildVmImage(VmImageRequest.debian12(), Deadline.after(BUILD));

        assertThat(image.getFileName().toString()).matches("debian-12-[0-9a-f]{16}\\.qcow2");
        assertThat(image).startsWith(ImageBuilder.defaultCacheDir().resolve("images"));
        String info = HostTools.check(TOOL, "qemu-img", "info", "--output=json", image.toString());
        assertThat(info).containsPattern("\"format\":\\s*\"qcow2\"")
                .containsPattern("\"virtual-size\":\\s*" + VmImageRequest.DEFAULT_SIZE + "\\b")
                .doesNotContain("backing-filename");

        Path head = tmp.resolve("head.raw");
        int sectors = 2048 + 3;
        HostTools.check(TOOL, "qemu-img", "dd", "-f", "qcow2", "-O", "raw", "bs=" + SECTOR, "count=" + sectors,
                "if=" + image, "of=" + head);
        ByteBuffer disk = ByteBuffer.wrap(Files.readAllBytes(head)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(disk.capacity()).isEqualTo(sectors * SECTOR);

        // MBR: GRUB's boot.img, signature, one bootable Linux partition from 1 MiB to the end of the disk.
        assertThat(disk.getShort(510) & 0xffff).isEqualTo(0xaa55);
        assertThat(new String(disk.array(), 0, 440, StandardCharsets.ISO_8859_1)).contains("GRUB");
        assertThat(disk.getLong(0x5c)).as("boot.img loads core.img from sector").isEqualTo(1);
        int entry = 0x1be;
        assertThat(disk.get(entry) & 0xff).as("boot flag").isEqualTo(0x80);
        assertThat(disk.get(entry + 4) & 0xff).as("partition type").isEqualTo(0x83);
        assertThat(disk.getInt(entry + 8)).as("first sector").isEqualTo(2048);
        assertThat(Integer.toUnsignedLong(disk.getInt(entry + 12))).as("sectors")
                .isEqualTo(VmImageRequest.DEFAULT_SIZE / SECTOR - 2048);
        assertThat(disk.get(entry + 16 + 4)).as("no second partition").isZero();

        // core.img right after the MBR: diskboot.img's blocklist at the end of sector 1 points at sector 2.
        int blocklist = 2 * SECTOR - 12;
        assertThat(disk.getLong(blocklist)).as("core.img continues at sector").isEqualTo(2);
        assertThat(disk.getShort(blocklist + 8)).as("core.img sectors").isPositive();

        // ext4 superblock 1024 bytes into the partition.
        int superblock = 2048 * SECTOR + 1024;
        assertThat(disk.getShort(superblock + 0x38) & 0xffff).as("ext4 magic").isEqualTo(0xef53);
        String label = new String(disk.array(), superblock + 0x78, 16, StandardCharsets.ISO_8859_1).replace("\0", "");
        assertThat(label).isEqualTo("corral-root");

        String base = image.toString().replaceFirst("\\.qcow2$", "");
        byte[] kernel = Files.readAllBytes(Path.of(base + ".vmlinuz"));
        assertThat(new String(kernel, 0x202, 4, StandardCharsets.ISO_8859_1)).as("bzImage header").isEqualTo("HdrS");
        assertThat(Files.size(Path.of(base + ".initrd"))).isGreaterThan(1 << 20);
        assertThat(Files.readString(Path.of(base + ".cmdline")))
                .containsPattern("^root=UUID=[0-9a-f-]{36} ")
                .contains("console=ttyS0");
    }

    @Test
    void secondBuildIsCached() throws InterruptedException, IOException {
        Path first = builder.buildVmImage(VmImageRequest.debian12(), Deadline.after(BUILD));
        long modified = Files.getLastModifiedTime(first).toMillis();
        log.clear();

        Path second = builder.buildVmImage(VmImageRequest.debian12(), Deadline.after(Duration.ofSeconds(60)));

        assertThat(second).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second).toMillis()).isEqualTo(modified);
        assertThat(log).anyMatch(line -> line.contains("is up to date"));
    }
}
