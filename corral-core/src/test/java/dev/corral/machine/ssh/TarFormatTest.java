package dev.corral.machine.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TarWriter} and {@link TarExtractor} against the real GNU tar, both ways: what one writes the other
 * unpacks identically (contents, modes, symlinks, long names, times), and hostile archives cannot write outside
 * the target.
 */
class TarFormatTest {
    @TempDir
    Path tmp;

    private static final String LONG = "a-directory-name-that-is-long/".repeat(5) + "and-a-file-name-" + "x".repeat(60);

    private Path sampleTree() throws IOException {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Files.createDirectories(tree.resolve("sub/deeper"));
        Files.createDirectories(tree.resolve("empty"));
        Files.writeString(tree.resolve("plain.txt"), "plain ✓\n");
        Path script = Files.writeString(tree.resolve("sub/run.sh"), "#!/bin/sh\necho ran\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        byte[] blob = new byte[70_000];
        new Random(42).nextBytes(blob);
        Files.write(tree.resolve("sub/deeper/blob.bin"), blob);
        Files.writeString(tree.resolve("name with spaces and ünïcödé.txt"), "spaces\n");
        Files.createSymbolicLink(tree.resolve("link"), Path.of("sub/run.sh"));
        Files.createSymbolicLink(tree.resolve("dangling"), Path.of("../../nowhere/" + "y".repeat(120)));
        Path longFile = tree.resolve(LONG);
        Files.createDirectories(longFile.getParent());
        Files.writeString(longFile, "long\n");
        Files.setLastModifiedTime(tree.resolve("plain.txt"), FileTime.fromMillis(1_500_000_000_000L));
        Files.setPosixFilePermissions(tree.resolve("sub/deeper"), PosixFilePermissions.fromString("r-xr-xr-x"));
        return tree;
    }

    private static List<String> describe(Path root) throws IOException {
        List<String> lines = new ArrayList<>();
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted().toList()) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    lines.add(rel + " -> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    lines.add(rel + "/ " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
                } else {
                    lines.add(rel + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + " "
                            + Files.size(p) + " " + java.util.Arrays.hashCode(Files.readAllBytes(p)));
                }
            }
        }
        return lines;
    }

    @Test
    void whatTheWriterWritesGnuTarUnpacksIdentically() throws Exception {
        Path tree = sampleTree();
        Path archive = tmp.resolve("out.tar");
        try (OutputStream out = Files.newOutputStream(archive)) {
            TarWriter.write(tree, out);
        }
        assertThat(Files.size(archive) % 10240).isZero();
        Path unpacked = Files.createDirectories(tmp.resolve("unpacked"));
        Host.run("tar", "-C", unpacked.toString(), "--no-same-owner", "-xf", archive.toString());

        assertThat(describe(unpacked)).isEqualTo(describe(tree));
        assertThat(Files.getLastModifiedTime(unpacked.resolve("plain.txt")).toMillis()).isEqualTo(1_500_000_000_000L);
        assertThat(Host.run("tar", "-tvf", archive.toString())).contains("./" + LONG);
    }

    @Test
    void whatGnuTarWritesTheExtractorUnpacksIdenticallyInEveryFormat() throws Exception {
        Path tree = sampleTree();
        Files.createLink(tree.resolve("hardlink.txt"), tree.resolve("plain.txt"));
        for (String format : List.of("gnu", "posix", "ustar-compatible")) {
            Path archive = tmp.resolve(format + ".tar");
            List<String> argv = new ArrayList<>(List.of("tar", "-C", tree.toString(), "-cf", archive.toString()));
            if (!format.equals("ustar-compatible")) {
                argv.add("--format=" + format);
            }
            argv.add(".");
            Host.run(argv.toArray(String[]::new));
            Path unpacked = tmp.resolve("unpacked-" + format);
            TarExtractor extractor = new TarExtractor(unpacked);
            byte[] bytes = Files.readAllBytes(archive);
            // in odd slices, as the pump delivers them
            for (int i = 0; i < bytes.length; i += 777) {
                extractor.write(bytes, i, Math.min(777, bytes.length - i));
            }
            extractor.finish();

            assertThat(describe(unpacked)).as(format).isEqualTo(describe(tree));
            assertThat(Files.readString(unpacked.resolve("hardlink.txt"))).isEqualTo("plain ✓\n");
            assertThat(Files.getLastModifiedTime(unpacked.resolve("plain.txt")).toMillis()).isEqualTo(1_500_000_000_000L);
        }
    }

    @Test
    void hostileEntriesCannotWriteOutsideTheTarget() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path evil = Files.createDirectories(tmp.resolve("evil"));
        Path archive = tmp.resolve("evil.tar");
        // a symlink to outside, then a file "through" it
        Files.createSymbolicLink(evil.resolve("escape"), outside);
        Host.run("tar", "-C", evil.toString(), "-cf", archive.toString(), "escape");
        Files.delete(evil.resolve("escape"));
        Files.createDirectories(evil.resolve("escape"));
        Files.writeString(evil.resolve("escape/pwned"), "pwned\n");
        Host.run("tar", "-C", evil.toString(), "-rf", archive.toString(), "escape/pwned");
        // a ../ entry and an absolute one
        Files.writeString(evil.resolve("dotdot-pwned"), "pwned\n");
        Host.run("tar", "-C", evil.toString(), "-rf", archive.toString(), "-P", "--transform", "s,^,../,", "dotdot-pwned");
        Path absolute = Files.writeString(evil.resolve("absolute-pwned"), "pwned\n");
        Host.run("tar", "-rf", archive.toString(), "-P", absolute.toString());
        Files.delete(absolute);
        assertThat(Host.run("tar", "-tPf", archive.toString()).lines())
                .containsExactly("escape", "escape/pwned", "../dotdot-pwned", absolute.toString());

        Path target = tmp.resolve("target");
        TarExtractor extractor = new TarExtractor(target);
        extractor.write(Files.readAllBytes(archive));
        extractor.finish();

        assertThat(outside).isEmptyDirectory();
        assertThat(tmp.resolve("dotdot-pwned")).doesNotExist();
        assertThat(absolute).doesNotExist();
        assertThat(Files.readSymbolicLink(target.resolve("escape"))).isEqualTo(outside);
    }

    @Test
    void garbageAndTruncatedStreamsFailClearly() throws Exception {
        TarExtractor garbage = new TarExtractor(tmp.resolve("g"));
        assertThatThrownBy(() -> garbage.write("this is not a tar stream".repeat(40).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageContaining("not a tar stream");

        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        TarWriter.write(sampleTree(), whole);
        TarExtractor truncated = new TarExtractor(tmp.resolve("t"));
        truncated.write(whole.toByteArray(), 0, 2048 + 100);
        assertThatThrownBy(truncated::finish).isInstanceOf(IOException.class).hasMessageContaining("ended inside");
    }

    @Test
    void aMissingSourceIsASourceFailure() {
        assertThatThrownBy(() -> TarWriter.write(tmp.resolve("missing"), new ByteArrayOutputStream()))
                .isInstanceOf(TarWriter.SourceException.class).hasMessageContaining("missing");
    }
}
