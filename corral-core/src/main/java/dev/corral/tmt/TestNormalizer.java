package dev.corral.tmt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.corral.CorralException;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an fmf node into a {@link TestCase}, normalizing every tmt test key and applying tmt's defaults
 * ({@code tmt/base/core.py} {@code Test} and the {@code normalize_*} helpers it uses).
 *
 * <p>Wrong types are {@link DiscoveryException}s naming the test, the key and, with a {@link KeyLocator},
 * {@code file:line}. Unknown keys are warnings, never errors. Immutable and thread-safe; {@code with*} methods
 * return copies.
 *
 * <pre>{@code
 * TestCase test = TestNormalizer.create()
 *         .withLocator(tree::locate)
 *         .normalize(new FmfNode("/tests/login", data, "tests/login"), warnings::add);
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class TestNormalizer {

    /** tmt's default duration of tests discovered from fmf metadata ({@code DEFAULT_TEST_DURATION_L1}). */
    public static final String DEFAULT_DURATION = "5m";
    /** tmt's default duration of tests defined in plans ({@code DEFAULT_TEST_DURATION_L2}). */
    public static final String DEFAULT_PLAN_TEST_DURATION = "1h";
    /** tmt's default {@code restart-max-count}. */
    public static final int DEFAULT_RESTART_MAX_COUNT = 1;

    /** Link relations tmt accepts. */
    static final List<String> LINK_RELATIONS = List.of("verifies", "verified-by", "implements", "implemented-by",
            "documents", "documented-by", "blocks", "blocked-by", "duplicates", "duplicated-by", "parent", "child",
            "relates", "test-script");

    private static final Pattern STRING_LINK =
            Pattern.compile("(?:(?<relation>" + String.join("|", LINK_RELATIONS) + "):)?(?<target>.+)");
    private static final List<String> FMF_ID_KEYS = List.of("url", "ref", "path", "name");
    private static final Set<String> KNOWN_KEYS = Set.of(
            // core keys of every tmt object
            "summary", "description", "author", "contact", "enabled", "order", "link", "id", "tag", "tier", "adjust",
            // test keys
            "component", "test", "path", "framework", "manual", "tty", "require", "recommend", "environment",
            "duration", "result", "where", "check", "restart-on-exit-code", "restart-max-count",
            "restart-with-reboot");
    private static final Map<String, String> OBSOLETE_KEYS =
            Map.of("relevancy", "obsoleted by 'adjust'", "coverage", "obsoleted by 'link'");
    private static final Set<String> CHECK_RESULTS = Set.of("respect", "xfail", "info");
    private static final Logger LOG = LoggerFactory.getLogger(TestNormalizer.class);

    private final KeyLocator locator;
    private final String defaultDuration;

    private TestNormalizer(KeyLocator locator, String defaultDuration) {
        this.locator = locator;
        this.defaultDuration = defaultDuration;
    }

    /** A normalizer with tmt's defaults and no locator. */
    public static TestNormalizer create() {
        return new TestNormalizer(KeyLocator.NONE, DEFAULT_DURATION);
    }

    /** A copy that asks {@code locator} where keys were written, for error messages. */
    public TestNormalizer withLocator(KeyLocator locator) {
        return new TestNormalizer(Objects.requireNonNull(locator, "locator must not be null"), defaultDuration);
    }

    /**
     * A copy with another default duration, a tmt duration such as {@link #DEFAULT_PLAN_TEST_DURATION}.
     *
     * @throws CorralException when {@code duration} is not a tmt duration
     */
    public TestNormalizer withDefaultDuration(String duration) {
        Durations.parse(duration);
        return new TestNormalizer(locator, duration);
    }

    /** Normalizes a test node, logging warnings (unknown keys) through SLF4J. */
    public TestCase normalize(FmfNode node) {
        return normalize(node, warning -> LOG.warn("{}", warning));
    }

    /**
     * Normalizes a test node.
     *
     * @param node     the node; it is a test if it has a {@code test} key
     * @param warnings receives one line per unknown or obsolete key
     * @throws DiscoveryException when a key has the wrong type or value
     */
    public TestCase normalize(FmfNode node, Consumer<String> warnings) {
        Objects.requireNonNull(node, "node must not be null");
        Objects.requireNonNull(warnings, "warnings must not be null");
        NodeReader r = new NodeReader("test", node.name(), node.data(), locator);

        for (String key : node.data().keySet()) {
            if (OBSOLETE_KEYS.containsKey(key)) {
                warnings.accept("test " + node.name() + ": key '" + key + "' is " + OBSOLETE_KEYS.get(key)
                        + " and ignored");
            } else if (!KNOWN_KEYS.contains(key) && !key.startsWith("extra-")) {
                warnings.accept("test " + node.name() + ": unknown key '" + key
                        + "' ignored (use an 'extra-' prefix for custom keys)");
            }
        }

        String test = r.strictText("test");
        if (test == null) {
            throw r.error("test", "must be defined (the command to run)");
        }
        String path = r.has("path") && r.raw("path") != null
                ? Coerce.rootedPath(r.strictText("path")) : node.rootedDirectory();
        Framework framework = framework(r);
        ResultInterpretation result = result(r);
        String durationText = durationText(r);
        Duration duration;
        try {
            duration = Durations.parse(durationText, defaultDuration);
        } catch (CorralException e) {
            throw r.error("duration", e.getMessage());
        }
        List<Link> links = links(r);
        List<Requirement> require = requirements(r, "require");
        List<Requirement> recommend = requirements(r, "recommend");
        List<Map<String, Object>> check = checks(r);
        Map<String, Object> extra = new LinkedHashMap<>();
        node.data().forEach((k, v) -> {
            if (k.startsWith("extra-")) {
                extra.put(k, v);
            }
        });
        Object rawTier = r.raw("tier");
        if (rawTier instanceof List || rawTier instanceof Map) {
            throw r.wrongType("tier", rawTier, "a string or an integer");
        }
        String tier = rawTier == null ? null : Coerce.str(rawTier);
        int restartMaxCount = r.integer("restart-max-count", DEFAULT_RESTART_MAX_COUNT);
        if (restartMaxCount < 0) {
            throw r.error("restart-max-count", "must not be negative, got " + restartMaxCount);
        }

        TestCase draft = new TestCase(node.name(), r.text("summary"), r.text("description"), r.stringList("contact"),
                r.stringList("component"), r.text("id"), links, test, path, framework, r.bool("manual", false),
                require, recommend, r.environment("environment"), duration, r.bool("enabled", true),
                r.integer("order", TestCase.DEFAULT_ORDER), result, r.stringList("tag"), tier, check,
                r.integerList("restart-on-exit-code"),
                restartMaxCount, r.bool("restart-with-reboot", false),
                r.bool("tty", false), extra, Map.of());
        Map<String, Object> metadata = metadata(node, r, draft, durationText);
        return new TestCase(draft.name(), draft.summary(), draft.description(), draft.contact(), draft.component(),
                draft.id(), draft.link(), draft.test(), draft.path(), draft.framework(), draft.manual(),
                draft.require(), draft.recommend(), draft.environment(), draft.duration(), draft.enabled(),
                draft.order(), draft.result(), draft.tag(), draft.tier(), draft.check(), draft.restartOnExitCode(),
                draft.restartMaxCount(), draft.restartWithReboot(), draft.tty(), draft.extra(), metadata);
    }

    private static Framework framework(NodeReader r) {
        String framework = r.text("framework");
        if (framework == null || framework.equals("shell")) {
            return Framework.SHELL;
        }
        if (framework.equals("beakerlib")) {
            return Framework.BEAKERLIB;
        }
        throw r.error("framework", "unknown framework '" + framework + "': expected shell or beakerlib");
    }

    private static ResultInterpretation result(NodeReader r) {
        String result = r.strictText("result");
        if (result == null) {
            return ResultInterpretation.RESPECT;
        }
        for (ResultInterpretation value : ResultInterpretation.values()) {
            if (value.name().toLowerCase(Locale.ROOT).equals(result)) {
                return value;
            }
        }
        throw r.error("result", "invalid result interpretation '" + result
                + "': expected respect, xfail, pass, info, warn, error, fail, custom or restraint");
    }

    private String durationText(NodeReader r) {
        Object raw = r.raw("duration");
        if (raw == null) {
            return defaultDuration;
        }
        if (raw instanceof List || raw instanceof Map || raw instanceof Boolean) {
            throw r.wrongType("duration", raw, "a string such as 5m or 1h 30m");
        }
        return Coerce.str(raw);
    }

    // --- link -------------------------------------------------------------------------------------------------

    private static List<Link> links(NodeReader r) {
        Object raw = r.raw("link");
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof String || raw instanceof Map || raw instanceof List)) {
            throw r.wrongType("link", raw, "a string, a mapping or a list of them");
        }
        List<?> specs = raw instanceof List<?> list ? list : List.of(raw);
        List<Link> out = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            String address = raw instanceof List ? "link[" + i + "]" : "link";
            out.add(link(r, address, specs.get(i)));
        }
        return out;
    }

    private static Link link(NodeReader r, String address, Object spec) {
        if (spec instanceof String s) {
            Matcher m = STRING_LINK.matcher(s);
            if (!m.lookingAt()) {
                throw r.error(address, "invalid link '" + s + "': expected [RELATION:]TARGET");
            }
            String relation = m.group("relation");
            return new Link(relation == null ? "relates" : relation, m.group("target"), null);
        }
        if (!(spec instanceof Map<?, ?> rawMap)) {
            throw r.wrongType(address, spec, "a string or a mapping");
        }
        Map<String, Object> map = NodeReader.stringKeys(rawMap);
        String note = map.get("note") == null ? null : Coerce.str(map.get("note"));
        List<String> relations = new ArrayList<>();
        for (String key : map.keySet()) {
            if (!FMF_ID_KEYS.contains(key) && !key.equals("note")) {
                relations.add(key);
            }
        }
        if (relations.isEmpty()) {
            return new Link("relates", fmfId(r, address, map), note);
        }
        if (relations.size() > 1) {
            throw r.error(address, "multiple relations in one link " + relations + ": use one mapping per relation");
        }
        String relation = relations.getFirst();
        if (!LINK_RELATIONS.contains(relation)) {
            throw r.error(address, "invalid link relation '" + relation + "': expected one of "
                    + String.join(", ", LINK_RELATIONS));
        }
        Object target = map.get(relation);
        if (target instanceof String s) {
            return new Link(relation, s, note);
        }
        if (target instanceof Map<?, ?> targetMap) {
            return new Link(relation, fmfId(r, address + "." + relation, NodeReader.stringKeys(targetMap)), note);
        }
        throw r.wrongType(address + "." + relation, target, "a string or an fmf id");
    }

    private static Map<String, Object> fmfId(NodeReader r, String address, Map<String, Object> spec) {
        Object ref = spec.get("ref");
        if (ref != null && !(ref instanceof String)) {
            throw r.wrongType(address + ".ref", ref, "a string");
        }
        Map<String, Object> id = new LinkedHashMap<>();
        for (String key : FMF_ID_KEYS) {
            if (spec.get(key) != null) {
                id.put(key, Coerce.str(spec.get(key)));
            }
        }
        return Collections.unmodifiableMap(id);
    }

    private static List<Map<String, Object>> linkSpecs(List<Link> links) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Link link : links) {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put(link.relation(), link.target());
            if (link.note() != null) {
                spec.put("note", link.note());
            }
            out.add(spec);
        }
        return out;
    }

    // --- require / recommend ----------------------------------------------------------------------------------

    private static List<Requirement> requirements(NodeReader r, String key) {
        Object raw = r.raw(key);
        if (raw == null) {
            return List.of();
        }
        if (raw instanceof String || raw instanceof Map) {
            return List.of(requirement(r, key, raw));
        }
        if (!(raw instanceof List<?> list)) {
            throw r.wrongType(key, raw, "a package, a library, a file pattern or a list of them");
        }
        List<Requirement> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(requirement(r, key + "[" + i + "]", list.get(i)));
        }
        return out;
    }

    private static Requirement requirement(NodeReader r, String address, Object raw) {
        if (raw instanceof String s) {
            return new Requirement.Package(s);
        }
        if (!(raw instanceof Map<?, ?> rawMap)) {
            throw r.wrongType(address, raw, "a package name or a mapping (library or file)");
        }
        Map<String, Object> map = NodeReader.stringKeys(rawMap);
        Object type = map.getOrDefault("type", "library");
        if ("library".equals(type)) {
            Object ref = map.get("ref");
            if (ref != null && !(ref instanceof String)) {
                throw r.wrongType(address + ".ref", ref, "a string");
            }
            return new Requirement.Library(optionalStr(map, "url"), optionalStr(map, "ref"),
                    optionalStr(map, "path"), optionalStr(map, "name"), optionalStr(map, "nick"));
        }
        if ("file".equals(type)) {
            Object pattern = map.get("pattern");
            if (pattern == null || pattern.equals("") || pattern instanceof List<?> l && l.isEmpty()) {
                throw r.error(address, "a file requirement needs a 'pattern'");
            }
            List<String> patterns = new ArrayList<>();
            if (pattern instanceof List<?> list) {
                list.forEach(p -> patterns.add(Coerce.str(p)));
            } else {
                patterns.add(Coerce.str(pattern));
            }
            return new Requirement.Files(patterns);
        }
        throw r.error(address + ".type", "unknown requirement type " + Coerce.show(type)
                + ": expected library or file");
    }

    private static String optionalStr(Map<String, Object> map, String key) {
        Object value = map.get(key);
        return value == null ? null : Coerce.str(value);
    }

    private static List<Object> requirementSpecs(List<Requirement> requirements) {
        List<Object> out = new ArrayList<>();
        for (Requirement requirement : requirements) {
            switch (requirement) {
                case Requirement.Package p -> out.add(p.name());
                case Requirement.Library l -> {
                    Map<String, Object> spec = new LinkedHashMap<>();
                    putIfSet(spec, "url", l.url());
                    putIfSet(spec, "ref", l.ref());
                    putIfSet(spec, "path", l.path());
                    putIfSet(spec, "name", l.name());
                    putIfSet(spec, "nick", l.nick());
                    spec.put("type", "library");
                    out.add(spec);
                }
                case Requirement.Files f -> {
                    Map<String, Object> spec = new LinkedHashMap<>();
                    spec.put("type", "file");
                    spec.put("pattern", f.patterns());
                    out.add(spec);
                }
            }
        }
        return out;
    }

    private static void putIfSet(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    // --- check ------------------------------------------------------------------------------------------------

    private static List<Map<String, Object>> checks(NodeReader r) {
        Object raw = r.raw("check");
        if (raw == null) {
            return List.of();
        }
        if (raw instanceof String || raw instanceof Map) {
            return List.of(check(r, "check", raw));
        }
        if (!(raw instanceof List<?> list)) {
            throw r.wrongType("check", raw, "a string, a mapping or a list of them");
        }
        List<Map<String, Object>> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(check(r, "check[" + i + "]", list.get(i)));
        }
        return out;
    }

    private static Map<String, Object> check(NodeReader r, String address, Object raw) {
        Map<String, Object> check = new LinkedHashMap<>();
        if (raw instanceof String s) {
            check.put("how", s);
            check.put("enabled", true);
            check.put("result", "respect");
            return Collections.unmodifiableMap(check);
        }
        if (!(raw instanceof Map<?, ?> rawMap)) {
            throw r.wrongType(address, raw, "a check name or a mapping with 'how'");
        }
        Map<String, Object> map = NodeReader.stringKeys(rawMap);
        if (!(map.get("how") instanceof String how)) {
            throw r.wrongType(address + ".how", map.get("how"), "a check name such as avc or dmesg");
        }
        Object enabled = map.getOrDefault("enabled", true);
        if (!(enabled instanceof Boolean)) {
            throw r.wrongType(address + ".enabled", enabled, "true or false");
        }
        Object result = map.getOrDefault("result", "respect");
        if (!(result instanceof String s) || !CHECK_RESULTS.contains(s)) {
            throw r.error(address + ".result", "invalid check result interpretation " + Coerce.show(result)
                    + ": expected respect, xfail or info");
        }
        check.put("how", how);
        check.put("enabled", enabled);
        check.put("result", result);
        map.forEach(check::putIfAbsent);
        return Collections.unmodifiableMap(check);
    }

    // --- metadata ---------------------------------------------------------------------------------------------

    /** tmt's {@code Test._metadata}: the node data overlaid with every normalized key as tmt exports it. */
    private static Map<String, Object> metadata(FmfNode node, NodeReader r, TestCase t, String durationText) {
        Map<String, Object> m = new LinkedHashMap<>(node.data());
        m.remove("adjust");
        m.put("name", t.name());
        m.put("summary", t.summary());
        m.put("description", t.description());
        m.put("author", r.stringList("author"));
        m.put("contact", t.contact());
        m.put("enabled", t.enabled());
        m.put("order", t.order());
        m.put("link", linkSpecs(t.link()));
        m.put("id", t.id());
        m.put("tag", t.tag());
        m.put("tier", t.tier());
        m.put("component", t.component());
        m.put("test", t.test());
        m.put("path", t.path());
        m.put("framework", t.framework().name().toLowerCase(Locale.ROOT));
        m.put("manual", t.manual());
        m.put("tty", t.tty());
        m.put("require", requirementSpecs(t.require()));
        m.put("recommend", requirementSpecs(t.recommend()));
        m.put("environment", t.environment());
        m.put("duration", durationText);
        m.put("result", t.result().name().toLowerCase(Locale.ROOT));
        m.put("where", r.stringList("where"));
        m.put("check", t.check());
        m.put("restart-on-exit-code", t.restartOnExitCode());
        m.put("restart-max-count", t.restartMaxCount());
        m.put("restart-with-reboot", t.restartWithReboot());
        return m;
    }
}
