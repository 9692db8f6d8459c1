package dev.corral.report.junit;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads the end of a test's output file without reading the whole file: at most {@code maxBytes} from the end,
 * starting at a line boundary when one is near, prefixed with a marker saying how much was left out. Uses
 * {@link RandomAccessFile}, which an interrupt does not close.
 */
final class OutputTail {
    private static final int LINE_SEARCH = 1024;

    private OutputTail() {
    }

    /** The tail as text with an omission marker, or {@code null} when the file is missing or unreadable. */
    static String read(Path file, int maxBytes) {
        dev.corral.results.OutputTail tail = dev.corral.results.OutputTail.read(file, maxBytes);
        return tail == null ? null : tail.marked();
    }

    /** The last {@code maxChars} of a text, starting at a line boundary when one is near. */
    static String lastChars(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int from = text.length() - maxChars;
        if (Character.isLowSurrogate(text.charAt(from))) {
            from++;
        }
        int nl = text.indexOf('\n', from);
        if (nl >= 0 && nl - from < LINE_SEARCH && nl + 1 < text.length()) {
            from = nl + 1;
        }
        return "[...]\n" + text.substring(from);
    }
}
