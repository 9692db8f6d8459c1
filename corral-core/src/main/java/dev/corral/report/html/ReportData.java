package dev.corral.report.html;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.corral.report.history.DurationHistory;
import dev.corral.report.timeline.MachineEvent;
import dev.corral.report.timeline.Timeline;
import dev.corral.results.OutputTail;
import dev.corral.results.RunInfo;
import dev.corral.results.RunResults;
import dev.corral.results.SubResult;
import dev.corral.results.TestResult;

/**
 * Writes the report's data, the JSON object the page's script renders. Times are epoch milliseconds, targets and
 * machines are indexes into the {@code targets} and {@code machines} arrays. Shape (version 1):
 * <pre>{@code
 * {"format":1, "generated":ms, "run":{"id","status","start","end","version","context","targets"}|null,
 *  "base":"" (prefix from the report to the results directory, for links), "dir":"run-...",
 *  "targets":[...], "machines":[...], "history":[{"id","start"}...] (earlier runs, oldest first),
 *  "tests":[{"name","target":i,"serial","tags":[],"context":{},"ids":{},"env":{}|null,
 *            "hist":[[run, ms, "pass"]...],
 *            "attempts":[{"attempt","outcome","orig","notes":[],"start","end","machine":i|-1,"lane":i|-1,"row",
 *                         "data","logs":[],"extra":{},"sub":[{"name","outcome","orig","notes","logs","start","end"}],
 *                         "out":{"size":bytes,"from":bytes,"text":"..."}|{"size":bytes}|null}]}],
 *  "timeline":{"start","end","busy","available","utilisation","lanes":[{"machine":i,"target","from","until","rows",
 *              "busy","available","utilisation","released","spans":[{"kind","start","end"|null,"label"}]}],
 *              "failures":[{"time","target","slot","detail"}]}}
 * }</pre>
 */
final class ReportData {
    static final int FORMAT = 1;
    /** {@code extra} keys read as tags, in this order. */
    static final List<String> TAG_KEYS = List.of("tag", "tags");
    /** The {@code extra} key read as the test's environment. */
    static final String ENVIRONMENT_KEY = "environment";

    private final RunResults results;
    private final RunInfo info;
    private final String dirName;
    private final String base;
    private final Timeline timeline;
    private final DurationHistory history;
    private final OutputPlan outputs;
    private final Instant generated;

    private final Map<TestResult, Integer> indexOf = new IdentityHashMap<>();
    private final Map<String, Integer> targetIndex = new LinkedHashMap<>();
    private final Map<String, Integer> machineIndex = new LinkedHashMap<>();
    private final int[] laneOf;
    private final int[] rowOf;

    ReportData(RunResults results, RunInfo info, String dirName, String base, Timeline timeline,
               DurationHistory history, OutputPlan outputs, Instant generated) {
        this.results = results;
        this.info = info;
        this.dirName = dirName;
        this.base = base;
        this.timeline = timeline;
        this.history = history;
        this.outputs = outputs;
        this.generated = generated;
        List<TestResult> attempts = results.attempts();
        for (int i = 0; i < attempts.size(); i++) {
            indexOf.put(attempts.get(i), i);
        }
        if (info != null) {
            info.targets().keySet().forEach(t -> targetIndex.putIfAbsent(t, targetIndex.size()));
        }
        results.targets().forEach(t -> targetIndex.putIfAbsent(t, targetIndex.size()));
        laneOf = new int[attempts.size()];
        rowOf = new int[attempts.size()];
        Arrays.fill(laneOf, -1);
        List<Timeline.Lane> lanes = timeline.lanes();
        for (int l = 0; l < lanes.size(); l++) {
            machineIndex.putIfAbsent(lanes.get(l).machine(), machineIndex.size());
            for (Timeline.Bar b : lanes.get(l).bars()) {
                laneOf[b.attempt()] = l;
                rowOf[b.attempt()] = b.row();
            }
        }
        for (TestResult r : attempts) {
            if (r.machine() != null) {
                machineIndex.putIfAbsent(r.machine(), machineIndex.size());
            }
        }
    }

    void write(ScriptJson j) throws IOException {
        j.beginObject();
        j.member("format", FORMAT);
        j.member("generated", generated.toEpochMilli());
        j.name("run");
        run(j);
        j.member("base", base);
        j.member("dir", dirName);
        j.name("targets").stringArray(List.copyOf(targetIndex.keySet()));
        j.name("machines").stringArray(List.copyOf(machineIndex.keySet()));
        j.name("history").beginArray();
        for (DurationHistory.Run r : history.runs()) {
            j.beginObject().member("id", r.id()).member("start", r.start().toEpochMilli()).endObject();
        }
        j.endArray();
        j.name("tests").beginArray();
        for (TestResult f : results.finals()) {
            test(j, f);
        }
        j.endArray();
        j.name("timeline");
        timeline(j);
        j.endObject();
    }

    private void run(ScriptJson j) throws IOException {
        if (info == null) {
            j.nullValue();
            return;
        }
        j.beginObject();
        j.member("id", info.id().value());
        j.member("status", info.status().jsonName());
        j.member("start", info.start().toEpochMilli());
        j.name("end").value(info.end() == null ? null : info.end().toEpochMilli());
        j.member("version", info.corralVersion());
        j.name("context");
        contextMap(j, info.context());
        j.name("targets").any(info.targets());
        j.endObject();
    }

    private void test(ScriptJson j, TestResult f) throws IOException {
        j.beginObject();
        j.member("name", f.name());
        j.member("target", targetIndex.get(f.target()));
        j.member("serial", f.serialNumber());
        j.name("tags").stringArray(tags(f.extra()));
        j.name("context");
        contextMap(j, f.context());
        j.name("ids").any(f.ids());
        Object env = f.extra().get(ENVIRONMENT_KEY);
        j.name("env").any(env instanceof Map<?, ?> ? env : null);
        j.name("hist").beginArray();
        for (DurationHistory.Point p : history.points(f.target(), f.name())) {
            j.beginArray().value(p.run()).value(p.duration().toMillis()).value(p.outcome().tmtName()).endArray();
        }
        j.endArray();
        j.name("attempts").beginArray();
        for (TestResult a : results.history(f.target(), f.name())) {
            attempt(j, a);
        }
        j.endArray();
        j.endObject();
    }

    private void attempt(ScriptJson j, TestResult a) throws IOException {
        int i = indexOf.get(a);
        j.beginObject();
        j.member("attempt", a.attempt());
        j.member("outcome", a.outcome().tmtName());
        j.member("orig", a.originalOutcome() == null ? null : a.originalOutcome().tmtName());
        j.name("notes").stringArray(a.notes());
        j.member("start", a.start().toEpochMilli());
        j.member("end", a.end().toEpochMilli());
        j.member("machine", a.machine() == null ? -1 : machineIndex.get(a.machine()));
        j.member("lane", laneOf[i]);
        j.member("row", rowOf[i]);
        j.member("data", a.dataPath());
        j.name("logs").stringArray(a.logs());
        j.name("extra").beginObject();
        for (Map.Entry<String, Object> e : a.extra().entrySet()) {
            if (!TAG_KEYS.contains(e.getKey()) && !ENVIRONMENT_KEY.equals(e.getKey())) {
                j.name(e.getKey()).any(e.getValue());
            }
        }
        j.endObject();
        j.name("sub").beginArray();
        for (SubResult s : a.subresults()) {
            j.beginObject();
            j.member("name", s.name());
            j.member("outcome", s.outcome().tmtName());
            j.member("orig", s.originalOutcome() == null ? null : s.originalOutcome().tmtName());
            j.name("notes").stringArray(s.notes());
            j.name("logs").stringArray(s.logs());
            j.name("start").value(s.start() == null ? null : s.start().toEpochMilli());
            j.name("end").value(s.end() == null ? null : s.end().toEpochMilli());
            j.endObject();
        }
        j.endArray();
        j.name("out");
        output(j, i);
        j.endObject();
    }

    private void output(ScriptJson j, int i) throws IOException {
        if (outputs.file(i) == null || outputs.size(i) < 0) {
            j.nullValue();
            return;
        }
        OutputTail tail = outputs.take(i) > 0 ? OutputTail.read(outputs.file(i), outputs.take(i)) : null;
        j.beginObject();
        if (tail == null) {
            j.member("size", outputs.size(i));
        } else {
            j.member("size", tail.size());
            j.member("from", tail.from());
            j.member("text", tail.text());
        }
        j.endObject();
    }

    private void timeline(ScriptJson j) throws IOException {
        j.beginObject();
        j.member("start", timeline.start().toEpochMilli());
        j.member("end", timeline.end().toEpochMilli());
        j.member("busy", timeline.busy().toMillis());
        j.member("available", timeline.available().toMillis());
        j.name("utilisation").value(timeline.utilisation());
        j.name("lanes").beginArray();
        for (Timeline.Lane lane : timeline.lanes()) {
            j.beginObject();
            j.member("machine", machineIndex.get(lane.machine()));
            j.member("target", lane.target());
            j.member("from", lane.from().toEpochMilli());
            j.member("until", lane.until().toEpochMilli());
            j.member("rows", lane.rows());
            j.member("busy", lane.busy().toMillis());
            j.member("available", lane.available().toMillis());
            j.name("utilisation").value(lane.utilisation());
            j.member("released", lane.released());
            j.name("spans").beginArray();
            for (Timeline.Span s : lane.spans()) {
                j.beginObject();
                j.member("kind", s.kind() == Timeline.SpanKind.PROVISIONING ? "provisioning" : "reboot");
                j.member("start", s.start().toEpochMilli());
                j.name("end").value(s.end() == null ? null : s.end().toEpochMilli());
                j.member("label", s.label());
                j.endObject();
            }
            j.endArray();
            j.endObject();
        }
        j.endArray();
        j.name("failures").beginArray();
        for (MachineEvent e : timeline.failures()) {
            j.beginObject();
            j.member("time", e.time().toEpochMilli());
            j.member("target", e.target());
            j.member("slot", e.machine());
            j.member("detail", e.detail());
            j.endObject();
        }
        j.endArray();
        j.endObject();
    }

    private static void contextMap(ScriptJson j, Map<String, List<String>> context) throws IOException {
        j.beginObject();
        for (Map.Entry<String, List<String>> e : context.entrySet()) {
            j.name(e.getKey()).stringArray(e.getValue());
        }
        j.endObject();
    }

    /** Tags from {@code extra.tag} / {@code extra.tags}: a list of strings or one string; duplicates dropped. */
    static List<String> tags(Map<String, Object> extra) {
        Set<String> tags = new LinkedHashSet<>();
        for (String key : TAG_KEYS) {
            Object v = extra.get(key);
            if (v instanceof Iterable<?> it) {
                for (Object o : it) {
                    if (o != null && !o.toString().isBlank()) {
                        tags.add(o.toString().strip());
                    }
                }
            } else if (v != null && !v.toString().isBlank()) {
                tags.add(v.toString().strip());
            }
        }
        return new ArrayList<>(tags);
    }
}
