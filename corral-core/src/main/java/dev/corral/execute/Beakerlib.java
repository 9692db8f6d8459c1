package dev.corral.execute;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads beakerlib's {@code $BEAKERLIB_DIR/TestResults} the way tmt does: {@code TESTRESULT_RESULT_STRING=} gives
 * the outcome, {@code TESTRESULT_STATE=} must be {@code complete}.
 */
final class Beakerlib {
    private static final Pattern RESULT = Pattern.compile("TESTRESULT_RESULT_STRING=(.*)");
    private static final Pattern STATE = Pattern.compile("TESTRESULT_STATE=\"?(\\w+)\"?");

    /** What the file says; a field is {@code null} when the file lacks it. */
    record TestResults(String result, String state) {
    }

    private Beakerlib() {
    }

    static TestResults parse(String content) {
        Matcher result = RESULT.matcher(content);
        Matcher state = STATE.matcher(content);
        return new TestResults(result.find() ? unquote(result.group(1).strip()) : null,
                state.find() ? state.group(1) : null);
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
