package dev.corral.secret;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apiguardian.api.API;

/**
 * An output stream that replaces secret values by {@value Secrets#MASK} while the bytes pass. It holds back only
 * a tail that may be the start of a secret split across writes (at most the longest secret's length minus one
 * byte), never the whole output: those bytes reach the underlying stream on the next writes, on {@link #finish()}
 * or on {@link #close()}.
 * {@link #flush()} passes only what cannot be the start of a secret.
 *
 * <p>Values are matched as UTF-8 bytes; where two values overlap, the one starting first wins, and among those
 * the longest. Thread-safe: writes from several threads (stdout and stderr merged) are serialized.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class MaskedOutput extends OutputStream {
    private static final byte[] MASK = Secrets.MASK.getBytes(StandardCharsets.UTF_8);

    private final OutputStream out;
    private final List<byte[]> patterns;
    private final boolean[] firstBytes = new boolean[256];
    private byte[] pending = new byte[256];
    private int size;
    private long masked;

    MaskedOutput(OutputStream out, Secrets secrets) {
        this.out = out;
        this.patterns = secrets.patterns();
        for (byte[] p : patterns) {
            firstBytes[p[0] & 0xff] = true;
        }
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (patterns.isEmpty()) {
            out.write(b, off, len);
            return;
        }
        if (size + len > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, size + len));
        }
        System.arraycopy(b, off, pending, size, len);
        size += len;
        drain(false);
    }

    /** Flushes the underlying stream; bytes that may start a secret stay held back. */
    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    /** Passes every held-back byte (masked): the output ends here. The underlying stream stays open. */
    public synchronized void finish() throws IOException {
        drain(true);
        out.flush();
    }

    /** How many secret values were masked so far. */
    public synchronized long masked() {
        return masked;
    }

    /** {@link #finish()}, then closes the underlying stream. */
    @Override
    public synchronized void close() throws IOException {
        try {
            finish();
        } finally {
            out.close();
        }
    }

    /**
     * Writes what is settled, with secrets masked: every byte up to the first position where the rest of the
     * buffer could still grow into a secret (at most the longest secret's length minus one byte stays). With
     * {@code all}, the output ends here: everything is written.
     */
    private void drain(boolean all) throws IOException {
        int from = 0;
        int i = 0;
        while (i < size) {
            int match = 0;
            if (firstBytes[pending[i] & 0xff]) {
                match = matchAt(i, all);
                if (match < 0) {
                    break;      // may be the start of a secret that has not fully arrived
                }
            }
            if (match > 0) {
                out.write(pending, from, i - from);
                out.write(MASK);
                masked++;
                i += match;
                from = i;
            } else {
                i++;
            }
        }
        out.write(pending, from, i - from);
        System.arraycopy(pending, i, pending, 0, size - i);
        size -= i;
        if (size == 0 && pending.length > 1 << 16) {
            pending = new byte[256];
        }
    }

    /**
     * The length of the longest secret starting at {@code i}; 0 for none; -1 when a secret may start there but
     * has not fully arrived (never when {@code ending}).
     */
    private int matchAt(int i, boolean ending) {
        int available = size - i;
        int full = 0;
        for (byte[] p : patterns) {   // longest first
            if (p.length <= available) {
                if (full == 0 && Arrays.equals(pending, i, i + p.length, p, 0, p.length)) {
                    full = p.length;
                }
            } else if (!ending && Arrays.equals(pending, i, size, p, 0, available)) {
                return -1;
            }
        }
        return full;
    }
}
