package dev.corral.tmt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.apiguardian.api.API;

/**
 * A normalized test as tmt exports it ({@code tmt tests export}): tmt's key names, defaults filled in, plain
 * values (strings, numbers, booleans, lists, maps) ready for JSON or YAML. Stateless.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class TestExport {
    private TestExport() {
    }

    /** The test's keys in tmt's order. */
    public static Map<String, Object> toMap(TestCase t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("summary", t.summary());
        m.put("description", t.description());
        m.put("contact", t.contact());
        m.put("component", t.component());
        m.put("id", t.id());
        m.put("link", t.link().stream().map(TestExport::link).toList());
        m.put("test", t.test());
        m.put("path", t.path());
        m.put("framework", t.framework().name().toLowerCase(Locale.ROOT));
        m.put("manual", t.manual());
        m.put("require", t.require().stream().map(TestExport::requirement).toList());
        m.put("recommend", t.recommend().stream().map(TestExport::requirement).toList());
        m.put("environment", t.environment());
        m.put("duration", Durations.format(t.duration()));
        m.put("enabled", t.enabled());
        m.put("order", t.order());
        m.put("result", t.result().name().toLowerCase(Locale.ROOT));
        m.put("tag", t.tag());
        m.put("tier", t.tier());
        m.put("check", t.check());
        m.put("restart-on-exit-code", t.restartOnExitCode());
        m.put("restart-max-count", t.restartMaxCount());
        m.put("restart-with-reboot", t.restartWithReboot());
        m.put("tty", t.tty());
        m.putAll(t.extra());
        return m;
    }

    private static Object link(Link link) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(link.relation(), link.target());
        if (link.note() != null) {
            m.put("note", link.note());
        }
        return m;
    }

    private static Object requirement(Requirement r) {
        return switch (r) {
            case Requirement.Package p -> p.name();
            case Requirement.Files f -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "file");
                m.put("pattern", new ArrayList<>(f.patterns()));
                yield m;
            }
            case Requirement.Library l -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "library");
                putIfSet(m, "url", l.url());
                putIfSet(m, "ref", l.ref());
                putIfSet(m, "path", l.path());
                putIfSet(m, "name", l.name());
                putIfSet(m, "nick", l.nick());
                yield m;
            }
        };
    }

    private static void putIfSet(Map<String, Object> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
