package dev.corral.tmt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apiguardian.api.API;

/** One phase of a plan's {@code discover} step. Immutable. */
@API(status = API.Status.EXPERIMENTAL)
public sealed interface DiscoverPhase {

    /** The phase name: as written, or tmt's generated {@code default-0}, {@code default-1}, ... */
    String name();

    /** The phase order (default 50); phases run in this order, ties in the order written. */
    int order();

    /** The {@code when} rules: the phase runs when any matches the context; empty means always. */
    List<String> when();

    /**
     * {@code how: fmf}: tests from an fmf tree, this one or another.
     *
     * @param name    phase name
     * @param order   phase order
     * @param when    {@code when} rules
     * @param url     git repository to clone, or {@code null} for the plan's own tree
     * @param ref     branch, tag or commit to check out, or {@code null} for the default branch
     * @param path    the fmf tree root inside the repository (with {@code url}) or relative to the plan's tree
     *                root, or {@code null}
     * @param test    regular expressions on test names; when given, tests are listed in the order of this list
     * @param filter  fmf filters, all must match
     * @param include regular expressions on test names, any must match; the order is kept
     * @param exclude regular expressions on test names, none may match
     * @param link    {@code RELATION:TARGET} needles (regular expressions), any must match
     * @param data    the phase data as written
     */
    record Fmf(String name, int order, List<String> when, String url, String ref, String path, List<String> test,
               List<String> filter, List<String> include, List<String> exclude, List<String> link,
               Map<String, Object> data) implements DiscoverPhase {
        public Fmf {
            Objects.requireNonNull(name, "name must not be null");
            when = List.copyOf(when);
            test = List.copyOf(test);
            filter = List.copyOf(filter);
            include = List.copyOf(include);
            exclude = List.copyOf(exclude);
            link = List.copyOf(link);
            data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
        }

        /** A phase discovering every test of the plan's tree, as tmt's default plan does. */
        public static Fmf all(String name) {
            return new Fmf(name, 50, List.of(), null, null, null, List.of(), List.of(), List.of(), List.of(),
                    List.of(), Map.of("how", "fmf"));
        }
    }

    /**
     * {@code how: shell}: tests written inline in the plan ({@code tests: [{name, test, ...}]}).
     *
     * @param name  phase name
     * @param order phase order
     * @param when  {@code when} rules
     * @param url   git repository whose checkout the tests run in, or {@code null} for the plan's tree
     * @param ref   branch, tag or commit, or {@code null}
     * @param tests the test definitions, each a mapping of tmt test keys plus {@code name}
     */
    record Shell(String name, int order, List<String> when, String url, String ref,
                 List<Map<String, Object>> tests) implements DiscoverPhase {
        public Shell {
            Objects.requireNonNull(name, "name must not be null");
            when = List.copyOf(when);
            tests = tests.stream().map(t -> Collections.unmodifiableMap(new LinkedHashMap<>(t))).toList();
        }
    }
}
