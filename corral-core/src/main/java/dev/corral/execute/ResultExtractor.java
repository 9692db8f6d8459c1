package dev.corral.execute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.corral.CorralException;
import dev.corral.results.Outcome;
import dev.corral.results.SubResult;
import dev.corral.results.TestResult;
import dev.corral.tmt.Framework;
import dev.corral.tmt.TestCase;

/**
 * Turns what a finished test left in its local directory into results, as tmt does: the shell framework reads
 * the exit code (or the results reported with {@code tmt-report-result}, reduced to the worst), the beakerlib
 * framework reads {@code TestResults}; then the test's {@code result:} key is applied. {@code result: custom}
 * reads the test's own {@code results.yaml}/{@code results.json}, {@code result: restraint} turns each reported
 * result into a result of its own.
 */
final class ResultExtractor {
    static final String OUTPUT = "output.txt";
    static final String SUBMITTED_FILES = "submitted-files";
    static final String REPORTED = "tmt-report-results.yaml";

    /**
     * The facts of a finished attempt.
     *
     * @param returnCode the test's exit code ({@value Attempt#TIMEOUT_EXIT_CODE} on timeout), {@code null} when it
     *                   never ran
     * @param problems   reasons every result is an error
     * @param notes      notes for the test's own result
     */
    record Run(Invocation invocation, String relativeDir, Path localDir, String machineId, Instant start, Instant end,
               Integer returnCode, boolean timedOut, List<String> problems, List<String> notes,
               boolean abortRequested, Map<String, Object> extra) {
    }

    private final Run run;
    private final TestCase test;
    /** Notes about the files the test wrote (bad log paths). */
    private final List<String> fileNotes = new ArrayList<>();

    ResultExtractor(Run run) {
        this.run = run;
        this.test = run.invocation().test();
    }

    List<TestResult> extract() {
        List<TestResult> results;
        if (run.returnCode() == null) {
            results = List.of(result(test.name(), Outcome.ERROR, null, List.of(), run.start(), run.end(),
                    List.of(output()), List.of(), Map.of()));
        } else {
            results = switch (test.result()) {
                case CUSTOM -> custom();
                case RESTRAINT -> restraint();
                default -> List.of(framework());
            };
        }
        return finish(results);
    }

    /** Applies what concerns every result: problems, abort, notes, logs of submitted files. */
    private List<TestResult> finish(List<TestResult> results) {
        int main = 0;
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).name().equals(test.name())) {
                main = i;
                break;
            }
        }
        List<TestResult> finished = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            TestResult r = results.get(i);
            Outcome outcome = r.outcome();
            List<String> notes = new ArrayList<>(r.notes());
            List<String> logs = new ArrayList<>(r.logs());
            if (!run.problems().isEmpty()) {
                outcome = Outcome.ERROR;
                notes.addAll(run.problems());
            }
            if (run.abortRequested()) {
                notes.add("aborted");
            }
            if (i == main) {
                if (run.abortRequested()) {
                    outcome = Outcome.ERROR;
                }
                notes.addAll(run.notes());
                notes.addAll(fileNotes);
                for (String log : submittedLogs()) {
                    if (!logs.contains(log)) {
                        logs.add(log);
                    }
                }
            }
            finished.add(new TestResult(r.name(), r.target(), r.serialNumber(), r.attempt(), outcome,
                    r.originalOutcome(), notes, r.start(), r.end(), r.machine(), r.dataPath(), logs, r.subresults(),
                    r.context(), r.ids(), r.extra()));
        }
        return finished;
    }

    // ---- shell and beakerlib frameworks ----------------------------------------------------------------------

    private TestResult framework() {
        List<String> notes = new ArrayList<>();
        List<String> logs = new ArrayList<>();
        logs.add(output());
        Reported reported = reported();
        Outcome outcome = test.framework() == Framework.BEAKERLIB
                ? beakerlib(notes, logs)
                : shell(reported, notes, logs);
        Interpretation.Interpreted interpreted = Interpretation.apply(test.result(), outcome, notes);
        List<SubResult> subresults = reported.entries().stream().map(this::subresult).toList();
        return result(test.name(), interpreted.outcome(), interpreted.original(), interpreted.notes(), run.start(),
                run.end(), logs, subresults, Map.of());
    }

    private Outcome shell(Reported reported, List<String> notes, List<String> logs) {
        if (run.timedOut()) {
            notes.add("timeout");
            return Outcome.ERROR;
        }
        if (reported.error() != null) {
            notes.add(reported.error());
            return Outcome.ERROR;
        }
        if (reported.exists()) {
            // tmt-report-result decides alone: the worst reported outcome, the exit code does not matter
            Outcome worst = Outcome.reduce(reported.entries().stream().map(ReportedResults.Entry::outcome).toList());
            for (ReportedResults.Entry entry : reported.entries()) {
                if (entry.outcome() == worst && !entry.logs().isEmpty()) {
                    String log = dataLog(entry.logs().getFirst());
                    if (log != null) {
                        logs.add(log);
                    }
                    break;
                }
            }
            return worst;
        }
        return switch (run.returnCode()) {
            case 0 -> Outcome.PASS;
            case 1 -> Outcome.FAIL;
            case 122, 123 -> {
                notes.add("pidfile locking");
                yield Outcome.ERROR;
            }
            default -> Outcome.ERROR;
        };
    }

    private Outcome beakerlib(List<String> notes, List<String> logs) {
        for (String name : List.of("journal.txt", "journal.xml")) {
            if (Files.isRegularFile(run.localDir().resolve(name))) {
                logs.add(run.relativeDir() + "/" + name);
            }
        }
        if (run.timedOut()) {
            notes.add("timeout");
            return Outcome.ERROR;
        }
        String content = read(run.localDir().resolve("TestResults"));
        if (content == null) {
            notes.add("beakerlib: TestResults FileError");
            return Outcome.ERROR;
        }
        Beakerlib.TestResults results = Beakerlib.parse(content);
        if (results.result() == null || results.state() == null) {
            notes.add("beakerlib: Result/State missing");
            return Outcome.ERROR;
        }
        if (run.returnCode() == 122 || run.returnCode() == 123) {
            notes.add("pidfile locking");
            return Outcome.ERROR;
        }
        if (!results.state().equals("complete")) {
            notes.add("beakerlib: State '" + results.state() + "'");
            return Outcome.ERROR;
        }
        try {
            Outcome outcome = Outcome.parse(results.result());
            if (outcome != Outcome.PENDING) {
                return outcome;
            }
        } catch (CorralException e) {
            // falls through
        }
        notes.add("beakerlib: invalid result '" + results.result() + "'");
        return Outcome.ERROR;
    }

    // ---- result: custom ---------------------------------------------------------------------------------------

    private List<TestResult> custom() {
        Path yaml = data().resolve("results.yaml");
        Path json = data().resolve("results.json");
        List<ReportedResults.Entry> entries;
        try {
            if (Files.isRegularFile(yaml)) {
                entries = ReportedResults.fromYaml(readOrEmpty(yaml));
            } else if (Files.isRegularFile(json)) {
                entries = ReportedResults.fromJson(readOrEmpty(json));
            } else {
                return List.of(error("custom results file not found in '" + run.relativeDir() + "/data'"));
            }
        } catch (ReportedResults.InvalidResults e) {
            return List.of(error("invalid custom results: " + e.getMessage()));
        }
        if (entries.isEmpty()) {
            return List.of(error("custom results are empty"));
        }
        return partials(entries, false);
    }

    // ---- result: restraint ------------------------------------------------------------------------------------

    private List<TestResult> restraint() {
        Reported reported = reported();
        if (reported.error() != null) {
            return List.of(error(reported.error()));
        }
        if (reported.entries().isEmpty()) {
            TestResult own = framework();
            List<String> notes = new ArrayList<>(own.notes());
            notes.add("no results reported with tmt-report-result");
            return List.of(new TestResult(own.name(), own.target(), own.serialNumber(), own.attempt(), own.outcome(),
                    own.originalOutcome(), notes, own.start(), own.end(), own.machine(), own.dataPath(), own.logs(),
                    own.subresults(), own.context(), own.ids(), own.extra()));
        }
        return partials(reported.entries(), true);
    }

    /** Each entry as a result of its own, named {@code <test><entry>} ({@code /} means the test itself). */
    private List<TestResult> partials(List<ReportedResults.Entry> entries, boolean outputAsDefaultLog) {
        List<TestResult> results = new ArrayList<>(entries.size());
        for (ReportedResults.Entry entry : entries) {
            List<String> notes = new ArrayList<>(entry.notes());
            String name;
            if (entry.name().equals("/") || entry.name().equals(test.name())) {
                name = test.name();
            } else if (entry.name().startsWith("/")) {
                name = test.name() + entry.name();
            } else {
                notes.add("custom test result name should start with '/'");
                name = test.name() + "/" + entry.name();
            }
            List<String> logs = dataLogs(entry.logs());
            if (logs.isEmpty() && outputAsDefaultLog) {
                logs.add(output());
            }
            Instant start;
            Instant end;
            if (name.equals(test.name())) {
                start = run.start();
                end = run.end();
            } else {
                start = entry.start() != null ? entry.start() : run.start();
                end = entry.end() != null ? entry.end()
                        : entry.duration() != null ? start.plus(entry.duration())
                        : entry.start() != null ? entry.start() : run.end();
                if (end.isBefore(start)) {
                    end = start;
                }
            }
            results.add(result(name, entry.outcome(), null, notes, start, end, logs,
                    entry.subresults().stream().map(this::subresult).toList(), entry.ids()));
        }
        return results;
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** The entries of {@code tmt-report-results.yaml}. */
    private record Reported(boolean exists, List<ReportedResults.Entry> entries, String error) {
    }

    private Reported reported() {
        Path file = data().resolve(REPORTED);
        if (!Files.isRegularFile(file)) {
            return new Reported(false, List.of(), null);
        }
        try {
            List<ReportedResults.Entry> entries = ReportedResults.fromYaml(readOrEmpty(file));
            if (entries.isEmpty()) {
                return new Reported(true, List.of(), "no results found in " + REPORTED);
            }
            return new Reported(true, entries, null);
        } catch (ReportedResults.InvalidResults e) {
            return new Reported(true, List.of(), "invalid " + REPORTED + ": " + e.getMessage());
        }
    }

    private SubResult subresult(ReportedResults.Entry entry) {
        return new SubResult(entry.name(), entry.outcome(), null, entry.notes(), dataLogs(entry.logs()),
                entry.start(), entry.end() != null ? entry.end()
                        : entry.start() != null && entry.duration() != null ? entry.start().plus(entry.duration())
                        : null);
    }

    private TestResult error(String note) {
        return result(test.name(), Outcome.ERROR, null, List.of(note), run.start(), run.end(), List.of(output()),
                List.of(), Map.of());
    }

    private TestResult result(String name, Outcome outcome, Outcome original, List<String> notes, Instant start,
                              Instant end, List<String> logs, List<SubResult> subresults, Map<String, String> ids) {
        Map<String, String> allIds = new LinkedHashMap<>();
        if (test.id() != null) {
            allIds.put("id", test.id());
        }
        for (String key : List.of("extra-nitrate", "extra-task")) {
            Object value = test.extra(key);
            if (value != null) {
                allIds.put(key, value.toString());
            }
        }
        allIds.putAll(ids);
        Invocation inv = run.invocation();
        return new TestResult(name, inv.target(), inv.serialNumber(), inv.attempt(), outcome,
                original == outcome ? null : original, notes, start, end, run.machineId(),
                run.relativeDir() + "/data", logs, subresults, inv.context(), allIds, run.extra());
    }

    private String output() {
        return run.relativeDir() + "/" + OUTPUT;
    }

    private Path data() {
        return run.localDir().resolve("data");
    }

    /** Logs of files submitted with {@code tmt-file-submit}, in submission order, existing ones only. */
    private List<String> submittedLogs() {
        String content = read(run.localDir().resolve(SUBMITTED_FILES));
        if (content == null) {
            return List.of();
        }
        Set<String> logs = new LinkedHashSet<>();
        for (String line : content.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String log = dataLog(line.strip());
            if (log != null && Files.exists(run.localDir().resolve(log.substring(run.relativeDir().length() + 1)))) {
                logs.add(log);
            }
        }
        return List.copyOf(logs);
    }

    private List<String> dataLogs(List<String> paths) {
        List<String> logs = new ArrayList<>(paths.size());
        for (String path : paths) {
            String log = dataLog(path);
            if (log != null) {
                logs.add(log);
            }
        }
        return logs;
    }

    /**
     * A log path given relative to the test's data directory, as a path relative to the results directory;
     * {@code null} (and a note) when it would leave the test's directory.
     */
    private String dataLog(String path) {
        Path resolved;
        try {
            resolved = data().resolve(path).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            resolved = null;
        }
        if (resolved == null || !resolved.startsWith(run.localDir()) || resolved.equals(run.localDir())) {
            String note = "log '" + path + "' is outside the test's directory and was ignored";
            if (!fileNotes.contains(note)) {
                fileNotes.add(note);
            }
            return null;
        }
        return run.relativeDir() + "/" + run.localDir().relativize(resolved).toString().replace('\\', '/');
    }

    private static String read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        return readOrEmpty(file);
    }

    /** The file's text; invalid UTF-8 becomes replacement characters, an unreadable file is empty. */
    private static String readOrEmpty(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (IOException e) {
            return "";
        }
    }
}
