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

    /** The tail as text, malformed UTF-8 replaced; {@code null} when the file does not exist or is unreadable. */
    static String read(Path file, int maxBytes) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long from = Math.max(0, length - maxBytes);
            byte[] bytes = new byte[(int) (length - from)];
            raf.seek(from);
            raf.readFully(bytes);
            if (from == 0) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
            int start = 0;
            for (int i = 0; i < Math.min(bytes.length, LINE_SEARCH); i++) {
                if (bytes[i] == '\n') {
                    start = i + 1;
                    break;
                }
            }
            while (start < bytes.length && (bytes[start] & 0xC0) == 0x80) {
                start++; // never begin inside a UTF-8 sequence
            }
            return "[... " + (from + start) + " bytes omitted ...]\n"
                    + new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
        } catch (FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            return "[cannot read " + file.getFileName() + ": " + e.getMessage() + "]";
        }
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
