package dev.corral.fmf;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.Temporal;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A YAML timestamp value: a date ({@code 2024-01-02}) or a date and time normalized to UTC without a zone, as the
 * reference YAML loader produces them. {@link #toString()} is the ISO form the reference prints ({@code 2024-01-02},
 * {@code 2024-01-02T10:11:12}, {@code 2024-01-02T10:11:12.500000}). Immutable.
 *
 * @param value a {@link LocalDate} or a {@link LocalDateTime}, never null
 */
@API(status = API.Status.EXPERIMENTAL)
public record Timestamp(Temporal value) {

    public Timestamp {
        Objects.requireNonNull(value, "value");
        if (!(value instanceof LocalDate) && !(value instanceof LocalDateTime)) {
            throw new IllegalArgumentException("timestamp must be a LocalDate or a LocalDateTime: " + value);
        }
    }

    /** The ISO-8601 text, {@code T} between date and time, microseconds only when not zero. */
    public String iso() {
        return format('T');
    }

    /** Python's {@code str()} of the value: like {@link #iso()} with a space between date and time. */
    String pythonStr() {
        return format(' ');
    }

    /** Python's {@code repr()} of the value, e.g. {@code datetime.date(2024, 1, 2)}. */
    String pythonRepr() {
        if (value instanceof LocalDate d) {
            return "datetime.date(" + d.getYear() + ", " + d.getMonthValue() + ", " + d.getDayOfMonth() + ")";
        }
        LocalDateTime t = (LocalDateTime) value;
        StringBuilder out = new StringBuilder("datetime.datetime(").append(t.getYear()).append(", ")
                .append(t.getMonthValue()).append(", ").append(t.getDayOfMonth()).append(", ").append(t.getHour())
                .append(", ").append(t.getMinute());
        int micro = t.getNano() / 1000;
        if (t.getSecond() != 0 || micro != 0) {
            out.append(", ").append(t.getSecond());
        }
        if (micro != 0) {
            out.append(", ").append(micro);
        }
        return out.append(')').toString();
    }

    private String format(char separator) {
        if (value instanceof LocalDate d) {
            return date(d);
        }
        LocalDateTime t = (LocalDateTime) value;
        StringBuilder out = new StringBuilder(date(t.toLocalDate())).append(separator);
        pad(out, t.getHour(), 2).append(':');
        pad(out, t.getMinute(), 2).append(':');
        pad(out, t.getSecond(), 2);
        int micro = t.getNano() / 1000;
        if (micro != 0) {
            pad(out.append('.'), micro, 6);
        }
        return out.toString();
    }

    private static String date(LocalDate d) {
        StringBuilder out = new StringBuilder();
        pad(out, d.getYear(), 4).append('-');
        pad(out, d.getMonthValue(), 2).append('-');
        pad(out, d.getDayOfMonth(), 2);
        return out.toString();
    }

    private static StringBuilder pad(StringBuilder out, int number, int width) {
        String text = Integer.toString(number);
        for (int i = text.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(text);
    }

    @Override
    public String toString() {
        return iso();
    }
}
