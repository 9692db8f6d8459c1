package dev.corral.cli;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command line in the plain form that {@code fmf} and {@code run} read without picocli, whose model of a command
 * (built by reflection) costs tens of milliseconds at every start: operands, flags, and options with one value each,
 * separate or {@code =}-joined to a long name. {@link #read} gives null for whatever picocli might read differently
 * (help, {@code --}, {@code @}files, clustered or unknown options, {@code -c=V}, a missing value, values starting with
 * {@code -} or {@code @}), so that picocli parses it.
 *
 * @param operands the arguments that are not options, in order
 * @param flags    the flags given
 * @param options  the options given, in order, as name and value
 */
record PlainCommandLine(List<String> operands, Set<String> flags, List<Map.Entry<String, String>> options) {

    /**
     * Reads {@code args}, a command line of {@code command} that may hold only these flags and options; null when it
     * is not plain.
     */
    static PlainCommandLine read(String[] args, String command, Set<String> flags, Set<String> options) {
        if (args.length == 0 || !args[0].equals(command)) {
            return null;
        }
        List<String> operands = new ArrayList<>();
        Set<String> given = new LinkedHashSet<>();
        List<Map.Entry<String, String>> values = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("@")) {
                return null;
            }
            if (!arg.startsWith("-")) {
                operands.add(arg);
                continue;
            }
            if (flags.contains(arg)) {
                given.add(arg);
                continue;
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            if (!options.contains(name) || (equals >= 0 && !name.startsWith("--"))) {
                return null;
            }
            String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                return null;
            }
            if (value.startsWith("-") || value.startsWith("@")) {
                return null;
            }
            values.add(new SimpleImmutableEntry<>(name, value));
        }
        return new PlainCommandLine(operands, given, values);
    }
}
