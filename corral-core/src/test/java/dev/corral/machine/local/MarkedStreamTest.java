package dev.corral.machine.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@link MarkedStream}: each command's bytes up to its marker, whatever the pipe's reads cut. */
class MarkedStreamTest {
    private static final byte[] MARKER = "corral-0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final long WAIT = TimeUnit.SECONDS.toNanos(10);

    @Test
    void everyCommandGetsItsOwnBytesAndStatusWhereverTheReadsCut() throws Exception {
        Random random = new Random(7);
        String[] pieces = {"", "x", "\n", "corral-", "corral-0123", "corral-0123456789abcdef0123456789abcde",
            "corral-0123456789abcdef0123456789abcdeX 0\n", "c", "co", "ü", "\0", " 0\n", "plain output line\n"};
        for (int round = 0; round < 200; round++) {
            ChunkedInput input = new ChunkedInput(random);
            MarkedStream stream = new MarkedStream(input, MARKER, LoggerFactory.getLogger(MarkedStreamTest.class));
            stream.start("test-" + round);
            for (int command = 0; command < 5; command++) {
                StringBuilder output = new StringBuilder();
                for (int i = random.nextInt(6); i > 0; i--) {
                    output.append(pieces[random.nextInt(pieces.length)]);
                }
                int status = random.nextInt(256);
                ByteArrayOutputStream sink = new ByteArrayOutputStream();
                stream.sendTo(sink);
                input.add(concat(output.toString().getBytes(StandardCharsets.UTF_8), marker(" " + status)));

                assertThat(stream.awaitEnd(WAIT)).isEqualTo(status);
                assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo(output.toString());
            }
            input.close();
            assertThat(stream.awaitEnd(WAIT)).isEqualTo(MarkedStream.CLOSED);
        }
    }

    @Test
    void aMarkerWithoutStatusEndsTooAndBytesBetweenCommandsAreNobodys() throws Exception {
        ChunkedInput input = new ChunkedInput(new Random(1));
        MarkedStream stream = new MarkedStream(input, MARKER, LoggerFactory.getLogger(MarkedStreamTest.class));
        stream.start("test");
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        stream.sendTo(first);
        input.add(concat("err\n".getBytes(StandardCharsets.UTF_8), marker("")));
        assertThat(stream.awaitEnd(WAIT)).isEqualTo(MarkedStream.NO_STATUS);

        input.add("stray".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        input.awaitConsumed();
        stream.sendTo(second);
        input.add(concat("two".getBytes(StandardCharsets.UTF_8), marker(" 3")));

        assertThat(stream.awaitEnd(WAIT)).isEqualTo(3);
        assertThat(first.toString(StandardCharsets.UTF_8)).isEqualTo("err\n");
        assertThat(second.toString(StandardCharsets.UTF_8)).isEqualTo("two");
    }

    @Test
    void aFailingSinkIsDroppedUntilTheNextCommand() throws Exception {
        ChunkedInput input = new ChunkedInput(new Random(2));
        MarkedStream stream = new MarkedStream(input, MARKER, LoggerFactory.getLogger(MarkedStreamTest.class));
        stream.start("test");
        stream.sendTo(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }
        });
        input.add(concat("lost".getBytes(StandardCharsets.UTF_8), marker(" 0")));
        assertThat(stream.awaitEnd(WAIT)).isZero();

        ByteArrayOutputStream next = new ByteArrayOutputStream();
        stream.sendTo(next);
        input.add(concat("kept".getBytes(StandardCharsets.UTF_8), marker(" 1")));

        assertThat(stream.awaitEnd(WAIT)).isEqualTo(1);
        assertThat(next.toString(StandardCharsets.UTF_8)).isEqualTo("kept");
    }

    private static byte[] marker(String status) {
        return concat(MARKER, (status + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** A pipe whose reads return what was added in pieces of random sizes, and block when it is empty. */
    private static final class ChunkedInput extends InputStream {
        private static final byte[] END = new byte[0];
        private final LinkedBlockingQueue<byte[]> added = new LinkedBlockingQueue<>();
        /** Pieces added, and the reader's calls for a next piece (once it handled everything before it). */
        private final AtomicInteger adds = new AtomicInteger();
        private volatile int takes;
        private final Random random;
        private byte[] current = new byte[0];
        private int at;

        ChunkedInput(Random random) {
            this.random = random;
        }

        void add(byte[] bytes) {
            adds.incrementAndGet();
            added.add(bytes);
        }

        @Override
        public void close() {
            added.add(END);
        }

        /** Waits until every byte added so far was read and handled (the reader asks for more). */
        void awaitConsumed() throws InterruptedException {
            while (takes <= adds.get()) {
                Thread.sleep(1);
            }
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public synchronized int read(byte[] buffer, int offset, int length) throws IOException {
            while (at == current.length) {
                try {
                    takes++;
                    current = added.take();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                at = 0;
                if (current == END) {
                    return -1;
                }
            }
            int n = Math.min(length, 1 + random.nextInt(Math.min(current.length - at, 50)));
            System.arraycopy(current, at, buffer, offset, n);
            at += n;
            return n;
        }
    }
}
