package dev.corral.secret;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apiguardian.api.API;

/**
 * An output stream that replaces secret values by {@value Secrets#MASK} while the bytes pass. It holds back at
 * most the longest secret's length minus one byte (a value may be split across writes), never the whole output:
 * those bytes reach the underlying stream on the next writes, on {@link #finish()} or on {@link #close()}.
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
    private final int keep;
    private final boolean[] firstBytes = new boolean[256];
    private byte[] pending = new byte[256];
    private int size;
    private long masked;

    MaskedOutput(OutputStream out, Secrets secrets) {
        this.out = out;
        this.patterns = secrets.patterns();
        this.keep = Math.max(0, secrets.longest() - 1);
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
     * Writes what is settled: everything before the last {@code keep} bytes, with secrets masked. A secret starting
     * before that point lies wholly in the buffer, so it is found; one starting later waits for more bytes.
     */
    private void drain(boolean all) throws IOException {
        int limit = all ? size : size - keep;
        int from = 0;
        int i = 0;
        while (i < limit) {
            int match = firstBytes[pending[i] & 0xff] ? matchAt(i) : 0;
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
        // a match may have run past the limit: it consumed those bytes
        int consumed = Math.max(i, from);
        out.write(pending, from, consumed - from);
        System.arraycopy(pending, consumed, pending, 0, size - consumed);
        size -= consumed;
        if (size == 0 && pending.length > 1 << 16) {
            pending = new byte[256];
        }
    }

    /** The length of the (longest) secret starting at {@code i}, or 0. */
    private int matchAt(int i) {
        for (byte[] p : patterns) {   // longest first
            if (i + p.length <= size && Arrays.equals(pending, i, i + p.length, p, 0, p.length)) {
                return p.length;
            }
        }
        return 0;
    }
}
