package dev.corral.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** A small FMF tree of numbered tests {@code /t01 ... /tNN} written for one fault scenario. */
final class FaultTree {
    private final Path root;
    private final List<String> names;

    private FaultTree(Path root, List<String> names) {
        this.root = root;
        this.names = List.copyOf(names);
    }

    /**
     * Writes {@code count} tests under {@code root}; {@code body} gives the fmf lines (indented by two spaces) of
     * test number {@code i} (1-based), at least its {@code test:} key.
     */
    static FaultTree write(Path root, int count, IntFunction<String> body) {
        List<String> names = new ArrayList<>();
        StringBuilder fmf = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            String name = String.format("/t%02d", i);
            names.add(name);
            fmf.append(name).append(":\n").append(body.apply(i).indent(2));
        }
        try {
            Files.createDirectories(root.resolve(".fmf"));
            Files.writeString(root.resolve(".fmf/version"), "1\n");
            Files.writeString(root.resolve("main.fmf"), fmf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new FaultTree(root, names);
    }

    Path root() {
        return root;
    }

    /** Every test name of the tree, in order. */
    List<String> names() {
        return names;
    }
}
