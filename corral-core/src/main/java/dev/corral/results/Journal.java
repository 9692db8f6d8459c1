package dev.corral.results;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * The run's journal, {@code results.jsonl}: one line per finished test attempt, appended by one writer and made
 * durable (written and fsynced) before {@link #append} returns, so a result counts only once it survives a
 * crash. Every report is regenerated from it.
 *
 * <h2>Line format (version 1)</h2>
 * Each line is one UTF-8 JSON object terminated by {@code \n}; the field names are stable:
 * <pre>{@code
 * {"v":1, "name":"/tests/login", "target":"default", "serial-number":3, "attempt":1,
 *  "result":"fail", "original-result":null, "note":["timeout"],
 *  "start-time":"2026-11-23T18:35:33.123456Z", "end-time":"2026-11-23T18:36:01.5Z",
 *  "machine":"local-1", "data-path":"tests/tests/login-3", "log":["tests/tests/login-3/output.txt"],
 *  "subresult":[{"name":"/setup", "result":"pass", "original-result":null, "note":[], "log":[],
 *                "start-time":null, "end-time":null}],
 *  "context":{"distro":["fedora-40"]}, "ids":{"id":"a1b2..."}, "extra":{"reboot-count":0}}
 * }</pre>
 * Outcomes use tmt's names; timestamps are ISO-8601 UTC with up to nanosecond precision; {@code null} marks an
 * absent optional value; unknown fields are ignored when reading, so later versions may add fields. Values in
 * {@code extra} should be strings, numbers, booleans, lists or maps.
 *
 * <h2>Crash tolerance</h2>
 * {@link #read} accepts a torn last line (a crash mid-write) and drops it, but rejects any other malformed line
 * with an error naming the file and line. {@link #open} on an existing journal drops such a torn tail before
 * appending, so the journal never gets a broken line in the middle.
 *
 * <p>Example:
 * <pre>{@code
 * try (Journal journal = Journal.open(dir.journalFile())) {
 *     journal.append(result);          // durable when this returns
 * }
 * List<TestResult> attempts = Journal.read(dir.journalFile());
 * }</pre>
 *
 * <p>Thread-safe: appends from several threads are serialized by a lock. Blocking: {@link #append} waits for one
 * write and one fsync. It uses {@code java.io}, which an interrupt does not close, so a worker whose interrupt flag
 * is set (a cancelled run) can still journal its result; the flag is left as it was.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class Journal implements AutoCloseable {
    private static final String WHAT = "journal";

    private final DurableLines lines;
    /** What this object appended, in the file's order, as {@link #read} returns it; guarded by itself. */
    private final List<TestResult> appended = new ArrayList<>();

    private Journal(DurableLines lines) {
        this.lines = lines;
    }

    /**
     * Opens a journal for appending, creating the file when missing. A torn last line left by a crash is
     * completed when it is a whole record, dropped otherwise.
     *
     * @throws ResultsException when the file cannot be opened or repaired
     */
    public static Journal open(Path file) {
        return new Journal(DurableLines.open(file, WHAT, Journal::isRecord));
    }

    /** The journal file. */
    public Path file() {
        return lines.file();
    }

    /**
     * Appends one attempt as one line and fsyncs it. Returns only once the line is durable.
     *
     * @throws ResultsException when the result cannot be serialized or written; the journal is then left as it was
     *                          before the call (a partial line is cut off) and stays usable
     */
    public void append(TestResult result) {
        Objects.requireNonNull(result, "result must not be null");
        byte[] json;
        TestResult asRead;
        try {
            json = ResultJson.line(result);
            asRead = ResultJson.readsBackEqual(result) ? result
                    : ResultJson.testResult(ResultJson.parse(json, 0, json.length));
        } catch (ResultJson.BadJson e) {
            throw new ResultsException("cannot journal " + result.name() + ": " + e.getMessage(), e);
        }
        // one lock for the line and the list, so that both keep the same order
        synchronized (appended) {
            lines.append(json, "the result of " + result.name());
            appended.add(asRead);
        }
    }

    /**
     * The attempts this object appended, in journal order, as {@link #read} returns them: a run's reports are made
     * from them and the earlier lines it resumed, instead of parsing the whole file again at its end.
     */
    public List<TestResult> appended() {
        synchronized (appended) {
            return List.copyOf(appended);
        }
    }

    /** Closes the file; safe to call twice. Appending afterwards fails. */
    @Override
    public void close() {
        lines.close();
    }

    /**
     * Reads every attempt in journal order. A torn last line (no final newline and not a whole record) is
     * dropped; blank lines are skipped.
     *
     * @throws ResultsException when the file is missing or unreadable, or naming {@code file:line} when a line
     *                          other than a torn last one is not a valid record
     */
    public static List<TestResult> read(Path file) {
        return DurableLines.read(file, WHAT, (bytes, offset, length) -> {
            try {
                return ResultJson.testResult(ResultJson.parse(bytes, offset, length));
            } catch (ResultJson.BadJson e) {
                throw new DurableLines.BadLine(e.getMessage(), e);
            }
        });
    }

    private static boolean isRecord(byte[] line) {
        try {
            ResultJson.testResult(ResultJson.parse(line, 0, line.length));
            return true;
        } catch (ResultJson.BadJson e) {
            return false;
        }
    }
}
