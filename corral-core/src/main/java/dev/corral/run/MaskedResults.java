package dev.corral.run;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.corral.results.RunResults;
import dev.corral.results.SubResult;
import dev.corral.results.TestResult;
import dev.corral.schedule.RunListener;
import dev.corral.secret.Secrets;
import dev.corral.tmt.TestCase;

/**
 * Masks secret values in what leaves the executor: results (notes, names, subresults, extra values) and the
 * messages listeners receive. Stateless apart from the secrets; thread-safe.
 */
final class MaskedResults {
    private final Secrets secrets;

    MaskedResults(Secrets secrets) {
        this.secrets = secrets;
    }

    TestResult mask(TestResult r) {
        if (r == null || secrets.isEmpty()) {
            return r;
        }
        List<SubResult> subs = r.subresults().stream()
                .map(s -> new SubResult(secrets.mask(s.name()), s.outcome(), s.originalOutcome(), strings(s.notes()),
                        strings(s.logs()), s.start(), s.end()))
                .toList();
        Map<String, String> ids = new LinkedHashMap<>();
        r.ids().forEach((k, v) -> ids.put(k, secrets.mask(v)));
        return new TestResult(r.name(), r.target(), r.serialNumber(), r.attempt(), r.outcome(), r.originalOutcome(),
                strings(r.notes()), r.start(), r.end(), r.machine(), r.dataPath(), strings(r.logs()), subs,
                r.context(), ids, extra(r.extra()));
    }

    private List<String> strings(List<String> values) {
        return values.stream().map(secrets::mask).toList();
    }

    private Map<String, Object> extra(Map<String, Object> values) {
        Map<String, Object> masked = new LinkedHashMap<>();
        values.forEach((k, v) -> masked.put(k, value(v)));
        return masked;
    }

    private Object value(Object v) {
        return switch (v) {
            case String s -> secrets.mask(s);
            case List<?> list -> list.stream().map(this::value).toList();
            case Map<?, ?> map -> {
                Map<Object, Object> m = new LinkedHashMap<>();
                map.forEach((k, x) -> m.put(k, value(x)));
                yield m;
            }
            case null -> null;
            default -> v;
        };
    }

    /** A listener passing masked results and messages to {@code delegate}. */
    RunListener listener(RunListener delegate) {
        if (secrets.isEmpty()) {
            return delegate;
        }
        return new RunListener() {
            @Override
            public void runResumed(RunResults earlier) {
                // the journal's results, masked when they were written
                delegate.runResumed(earlier);
            }

            @Override
            public void runStarted(int tests) {
                delegate.runStarted(tests);
            }

            @Override
            public void provisioningStarted(String target, String slot) {
                delegate.provisioningStarted(target, slot);
            }

            @Override
            public void machineReady(String target, String machineId, Duration took) {
                delegate.machineReady(target, machineId, took);
            }

            @Override
            public void provisioningFailed(String target, String slot, String message, int attempt) {
                delegate.provisioningFailed(target, slot, secrets.mask(message), attempt);
            }

            @Override
            public void machineReleased(String target, String machineId, String reason) {
                delegate.machineReleased(target, machineId, secrets.mask(reason));
            }

            @Override
            public void testStarted(String target, TestCase test, String machineId, int attempt, Duration expected) {
                delegate.testStarted(target, test, machineId, attempt, expected);
            }

            @Override
            public void testFinished(TestResult result) {
                delegate.testFinished(mask(result));
            }

            @Override
            public void machineRebooting(String target, String machineId, String test) {
                delegate.machineRebooting(target, machineId, test);
            }

            @Override
            public void machineRebooted(String target, String machineId, String test, Duration took) {
                delegate.machineRebooted(target, machineId, test, took);
            }

            @Override
            public void runFinished(boolean interrupted) {
                delegate.runFinished(interrupted);
            }
        };
    }
}
