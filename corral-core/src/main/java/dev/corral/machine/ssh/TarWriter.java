package dev.corral.machine.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a local directory tree as a tar stream (GNU format: ustar headers, {@code ././@LongLink} entries for
 * names and link targets longer than 100 bytes), as {@code tar -C DIR -cf - .} would: entry names start with
 * {@code ./}, directories come before their contents, symlinks are stored (not followed), modes (with set-id and
 * sticky bits) and modification times are kept, owners are not. Hard links are stored as copies; sockets, pipes and
 * devices are skipped. Saves starting a local {@code tar} for every transfer. Stateless.
 */
final class TarWriter {
    private static final int BLOCK = 512;
    private static final int RECORD = 20 * BLOCK;
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private TarWriter() {
    }

    /** Reading the local tree failed (rather than writing the stream). */
    static final class SourceException extends IOException {
        SourceException(String message, IOException cause) {
            super(message, cause);
        }
    }

    /**
     * Writes the tree under {@code dir} and the end-of-archive blocks; does not close {@code out}.
     *
     * @throws SourceException when the local tree cannot be read
     * @throws IOException     when {@code out} fails
     */
    static void write(Path dir, OutputStream out) throws IOException {
        Counting counted = new Counting(out);
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(dir)) {
            entries = new ArrayList<>(walk.toList());
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new SourceException("cannot list " + dir + ": " + Futures.why(e), e instanceof IOException io ? io
                    : ((java.io.UncheckedIOException) e).getCause());
        }
        for (Path path : entries) {
            String rel = dir.relativize(path).toString();
            String name = rel.isEmpty() ? "./" : "./" + rel;
            BasicFileAttributes attrs;
            String link = "";
            try {
                attrs = Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
                if (attrs.isSymbolicLink()) {
                    link = Files.readSymbolicLink(path).toString();
                }
            } catch (IOException e) {
                throw new SourceException("cannot read " + path + ": " + Futures.why(e), e);
            }
            int mode = mode(path);
            long mtime = attrs.lastModifiedTime().toMillis() / 1000;
            if (attrs.isSymbolicLink()) {
                entry(counted, name, '2', mode, 0, mtime, link);
            } else if (attrs.isDirectory()) {
                entry(counted, name.endsWith("/") ? name : name + "/", '5', mode, 0, mtime, "");
            } else if (attrs.isRegularFile()) {
                long size = attrs.size();
                InputStream in;
                try {
                    in = Files.newInputStream(path);
                } catch (IOException e) {
                    throw new SourceException("cannot read " + path + ": " + Futures.why(e), e);
                }
                entry(counted, name, '0', mode, size, mtime, "");
                long copied;
                try (in) {
                    copied = copy(in, counted, size, path);
                }
                for (long missing = size - copied; missing > 0; missing -= BLOCK) {
                    counted.write(new byte[(int) Math.min(BLOCK, missing)]); // the file shrank while read: keep sizes right
                }
                pad(counted);
            }
        }
        counted.write(new byte[2 * BLOCK]);
        long partial = counted.count % RECORD;
        if (partial != 0) {
            counted.write(new byte[(int) (RECORD - partial)]);
        }
        counted.flush();
    }

    private static int mode(Path path) {
        try {
            return ((Number) Files.getAttribute(path, "unix:mode", NOFOLLOW)).intValue() & 07777;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Files.isDirectory(path, NOFOLLOW) ? 0755 : 0644;
        }
    }

    private static long copy(InputStream in, OutputStream out, long limit, Path path) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long copied = 0;
        while (copied < limit) {
            int n;
            try {
                n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied));
            } catch (IOException e) {
                throw new SourceException("cannot read " + path + ": " + Futures.why(e), e);
            }
            if (n < 0) {
                break;
            }
            out.write(buffer, 0, n);
            copied += n;
        }
        return copied;
    }

    private static void entry(Counting out, String name, char type, int mode, long size, long mtime, String link)
            throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
        if (linkBytes.length > 100) {
            longLink(out, 'K', linkBytes);
        }
        if (nameBytes.length > 100) {
            longLink(out, 'L', nameBytes);
        }
        out.write(header(nameBytes, type, mode, size, mtime, linkBytes));
    }

    /** A GNU {@code ././@LongLink} entry holding a name ({@code L}) or link target ({@code K}) too long for a header. */
    private static void longLink(Counting out, char type, byte[] value) throws IOException {
        byte[] data = new byte[value.length + 1];
        System.arraycopy(value, 0, data, 0, value.length);
        out.write(header("././@LongLink".getBytes(StandardCharsets.US_ASCII), type, 0644, data.length, 0, new byte[0]));
        out.write(data);
        pad(out);
    }

    private static byte[] header(byte[] name, char type, int mode, long size, long mtime, byte[] link) {
        byte[] h = new byte[BLOCK];
        System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        if (size < 077777777777L) {
            octal(h, 124, 12, size);
        } else { // GNU base-256 for 8 GiB and more
            h[124] = (byte) 0x80;
            for (int i = 0; i < 8; i++) {
                h[135 - i] = (byte) (size >>> (8 * i));
            }
        }
        octal(h, 136, 12, Math.max(0, Math.min(mtime, 077777777777L)));
        h[156] = (byte) type;
        System.arraycopy(link, 0, h, 157, Math.min(100, link.length));
        byte[] magic = "ustar  ".getBytes(StandardCharsets.US_ASCII); // GNU: "ustar " then " \0"
        System.arraycopy(magic, 0, h, 257, magic.length);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] digits = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, h, 148, 6);
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    /** An octal number with leading zeros, {@code length - 1} digits and a NUL. */
    private static void octal(byte[] h, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, length - 1 - digits.length())) + digits;
        byte[] bytes = padded.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, h, offset, length - 1);
        h[offset + length - 1] = 0;
    }

    private static void pad(Counting out) throws IOException {
        long partial = out.count % BLOCK;
        if (partial != 0) {
            out.write(new byte[(int) (BLOCK - partial)]);
        }
    }

    /** Counts what went through, for padding. */
    private static final class Counting extends OutputStream {
        private final OutputStream out;
        long count;

        Counting(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
