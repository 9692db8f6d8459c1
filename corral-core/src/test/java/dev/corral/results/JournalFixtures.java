package dev.corral.results;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** Writes journals for large test fixtures quickly: the same lines as {@link Journal#append}, without an fsync each. */
public final class JournalFixtures {
    private JournalFixtures() {
    }

    /** Writes (replaces) the journal of {@code dir} with {@code attempts}, in order. */
    public static void write(ResultsDir dir, List<TestResult> attempts) throws IOException {
        try (OutputStream out = new BufferedOutputStream(new FileOutputStream(dir.journalFile().toFile()), 1 << 16)) {
            for (TestResult r : attempts) {
                out.write(ResultJson.line(r));
                out.write('\n');
            }
        }
    }
}
