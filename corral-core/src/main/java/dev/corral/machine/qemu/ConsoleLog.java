package dev.corral.machine.qemu;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The VM's serial console as QEMU writes it to a file: its last lines for error messages, and the SSH host keys
 * cloud-init prints between {@code -----BEGIN SSH HOST KEY KEYS-----} and {@code -----END SSH HOST KEY KEYS-----}.
 *
 * <p>Reads the file afresh on each call (it grows while the VM runs); thread-safe.
 */
final class ConsoleLog {
    static final String BEGIN_KEYS = "-----BEGIN SSH HOST KEY KEYS-----";
    static final String END_KEYS = "-----END SSH HOST KEY KEYS-----";
    private static final Pattern ESCAPES = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]|\u001B[()][A-Za-z0-9]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]");
    private static final Pattern KEY = Pattern.compile(
            "(ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)|ssh-rsa|sk-ssh-ed25519@openssh\\.com) ([A-Za-z0-9+/]+={0,3})(?:\\s.*)?");
    private static final int TAIL_BYTES = 64 * 1024;

    private final Path file;

    ConsoleLog(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** The host keys of the first complete key block, as {@code TYPE BASE64}; empty until one was printed. */
    List<String> hostKeys() {
        return hostKeys(read(0));
    }

    static List<String> hostKeys(String console) {
        int begin = console.indexOf(BEGIN_KEYS);
        if (begin < 0) {
            return List.of();
        }
        int end = console.indexOf(END_KEYS, begin);
        if (end < 0) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        for (String raw : console.substring(begin + BEGIN_KEYS.length(), end).split("\r?\n|\r")) {
            String line = clean(raw).strip();
            var m = KEY.matcher(line);
            if (m.matches()) {
                keys.add(m.group(1) + " " + m.group(2));
            }
        }
        return List.copyOf(keys);
    }

    /** Whether the console shows {@code text} (escape sequences removed). */
    boolean contains(String text) {
        return clean(read(0)).contains(text);
    }

    /** The last {@code n} non-blank lines, without terminal escape sequences; empty when nothing was printed. */
    List<String> tail(int n) {
        String text = read(TAIL_BYTES);
        List<String> lines = new ArrayList<>();
        for (String raw : text.split("\r?\n|\r")) {
            String line = clean(raw).stripTrailing();
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        return List.copyOf(lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** The tail as text for messages: the lines joined, or a note that the console stayed silent. */
    String describeTail(int n) {
        List<String> lines = tail(n);
        if (lines.isEmpty()) {
            return "the serial console (" + file + ") is empty";
        }
        return "last lines of the serial console (" + file + "):\n  " + String.join("\n  ", lines);
    }

    static String clean(String line) {
        return ESCAPES.matcher(line).replaceAll("");
    }

    /** The file's content, or only its last {@code lastBytes} bytes when positive; empty when missing. */
    private String read(int lastBytes) {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            long from = lastBytes > 0 ? Math.max(0, length - lastBytes) : 0;
            byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, length - from)];
            f.seek(from);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
