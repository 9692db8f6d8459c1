package dev.corral.fmf;

import java.util.ArrayList;
import java.util.List;

/**
 * One context value split into a name and version parts on {@code :}, {@code -} and {@code .}, compared as fmf's
 * {@code ContextValue.version_cmp} does. Immutable.
 */
final class ContextValue {

    /** fmf's CannotDecide, internal control flow only. */
    static final class CannotDecide extends Exception {
        static final CannotDecide INSTANCE = new CannotDecide();

        private CannotDecide() {
            super("cannot decide", null, false, false);
        }
    }

    final String raw;
    final String[] parts;
    private volatile String[] folded;
    private volatile java.math.BigInteger[] numbers;

    ContextValue(String raw) {
        this.raw = raw;
        this.parts = split(raw);
    }

    /** The parts case-folded, computed once. */
    private String[] folded() {
        String[] result = folded;
        if (result == null) {
            result = new String[parts.length];
            for (int i = 0; i < parts.length; i++) {
                result[i] = PyObjects.casefold(parts[i]);
            }
            folded = result;
        }
        return result;
    }

    /** The parts as Python ints (null where not an int), computed once. */
    private java.math.BigInteger[] numbers() {
        java.math.BigInteger[] result = numbers;
        if (result == null) {
            result = new java.math.BigInteger[parts.length];
            for (int i = 0; i < parts.length; i++) {
                result[i] = PyObjects.parseInt(parts[i]);
            }
            numbers = result;
        }
        return result;
    }

    private static String[] split(String text) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ':' || c == '-' || c == '.') {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts.toArray(String[]::new);
    }

    /**
     * Compares this (left, from the context) with {@code other} (right, from the rule), which defines the precision.
     * Unordered: 0 when equal, 1 otherwise. Ordered: -1, 0, 1 or CannotDecide when names differ.
     */
    int versionCompare(ContextValue other, boolean minorMode, boolean ordered, boolean caseSensitive)
            throws CannotDecide {
        String[] left = caseSensitive ? parts : folded();
        String[] right = caseSensitive ? other.parts : other.folded();
        if (left.length == 0 || right.length == 0) {
            throw CannotDecide.INSTANCE;
        }
        if (!left[0].equals(right[0])) {
            if (ordered) {
                throw CannotDecide.INSTANCE;
            }
            return 1;
        }
        if (minorMode && right.length > 1) {
            if (left.length < 2) {
                throw CannotDecide.INSTANCE;
            }
            if (!left[1].equals(right[1])) {
                if (ordered) {
                    if (right.length > 2) {
                        throw CannotDecide.INSTANCE;
                    }
                } else {
                    return 1;
                }
            }
        }
        int common = Math.min(left.length, right.length);
        java.math.BigInteger[] leftNumbers = numbers();
        java.math.BigInteger[] rightNumbers = other.numbers();
        for (int i = 1; i < common; i++) {
            int compared;
            if (leftNumbers[i] != null && rightNumbers[i] != null) {
                compared = Integer.signum(leftNumbers[i].compareTo(rightNumbers[i]));
            } else {
                compared = Integer.signum(PyObjects.compareCodePoints(left[i], right[i]));
            }
            if (compared != 0) {
                return compared;
            }
        }
        int leftover = right.length - left.length;
        if (leftover <= 0) {
            return 0;
        } else if (minorMode) {
            throw CannotDecide.INSTANCE;
        } else if (!ordered) {
            return 1;
        } else if (left.length == 1) {
            throw CannotDecide.INSTANCE;
        }
        return -1;
    }
}
