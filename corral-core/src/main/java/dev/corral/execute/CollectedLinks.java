package dev.corral.execute;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the files collected from a machine inside the results directory: a symbolic link a test left in its
 * directory that is absolute or climbs out of that directory ({@code data/x -> /etc/shadow}, {@code data/up -> ../..})
 * would, once on the host, point at the host's files for whoever reads or archives the results; such links are
 * removed (as {@code rsync --safe-links} skips them). Links that stay inside are kept.
 */
final class CollectedLinks {

    private CollectedLinks() {
    }

    /**
     * Removes the links under {@code dir} whose target leaves {@code dir}; returns them relative to {@code dir} with
     * their targets, for a note. Blocks on file I/O; a directory that cannot be walked is left as it is.
     */
    static List<String> removeEscaping(Path dir) {
        List<String> removed = new ArrayList<>();
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            return removed;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isSymbolicLink()) {
                        Path target = Files.readSymbolicLink(file);
                        if (target.isAbsolute() || !file.getParent().resolve(target).normalize().startsWith(root)) {
                            Files.delete(file);
                            removed.add(root.relativize(file) + " -> " + target);
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            removed.add("(not all links could be checked: " + e.getMessage() + ")");
        }
        return removed;
    }
}
