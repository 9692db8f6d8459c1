package dev.corral.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small FMF trees for command-line tests. */
final class TreeFixture {
    private final Path root;

    TreeFixture(Path root) {
        this.root = root;
        write(".fmf/version", "1\n");
    }

    Path root() {
        return root;
    }

    TreeFixture write(String relative, String content) {
        try {
            Path file = root.resolve(relative);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
