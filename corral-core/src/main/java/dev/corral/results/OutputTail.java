package dev.corral.results;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.apiguardian.api.API;

/**
 * The end of a test's output file, read without reading the whole file: at most {@code maxBytes} from the end,
 * starting at a line boundary when one is near and never inside a UTF-8 sequence. Uses {@link RandomAccessFile},
 * which an interrupt does not close.
 *
 * @param text the text, malformed UTF-8 replaced
 * @param from the file offset of the first byte of {@code text} (the number of bytes left out)
 * @param size the file's size
 */
@API(status = API.Status.EXPERIMENTAL)
public record OutputTail(String text, long from, long size) {
    private static final int LINE_SEARCH = 1024;

    /** The tail, or {@code null} when the file does not exist or cannot be read. */
    public static OutputTail read(Path file, int maxBytes) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long from = Math.max(0, length - maxBytes);
            byte[] bytes = new byte[(int) (length - from)];
            raf.seek(from);
            raf.readFully(bytes);
            int start = 0;
            if (from > 0) {
                for (int i = 0; i < Math.min(bytes.length, LINE_SEARCH); i++) {
                    if (bytes[i] == '\n') {
                        start = i + 1;
                        break;
                    }
                }
                while (start < bytes.length && (bytes[start] & 0xC0) == 0x80) {
                    start++;
                }
            }
            return new OutputTail(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8),
                    from + start, length);
        } catch (IOException e) {
            return null; // missing or unreadable: reports link to the file instead
        }
    }

    /** The text, prefixed with a marker saying how many bytes were left out when some were. */
    public String marked() {
        return from == 0 ? text : "[... " + from + " bytes omitted ...]\n" + text;
    }
}
