package dev.corral.report.tmt;

import java.util.List;
import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * The YAML 1.2 core schema for dumping, plus the implicit types of YAML 1.1 (booleans such as {@code no} and
 * {@code on}, sexagesimal and hex numbers, timestamps, {@code <<}). A string that a YAML 1.1 reader (PyYAML and
 * most tools around tmt) would take for another type therefore resolves to that type here, which makes the
 * emitter quote it: {@code note: ['no']}, {@code start-time: '2026-...'}. The document reads the same in both
 * YAML versions.
 */
final class PortableSchema extends CoreSchema {
    private static final Tag TIMESTAMP = new Tag(Tag.PREFIX + "timestamp");
    private static final Tag MERGE = new Tag(Tag.PREFIX + "merge");

    /** YAML 1.1 implicit types (yaml.org/type), in the order a 1.1 resolver tries them. */
    private static final List<Rule> YAML_11 = List.of(
            new Rule(Tag.BOOL, "y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"),
            new Rule(Tag.FLOAT, "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
                    + "|\\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?"
                    + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
                    + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)"),
            new Rule(Tag.INT, "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
                    + "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"),
            new Rule(MERGE, "<<"),
            new Rule(Tag.NULL, "~|null|Null|NULL|"),
            new Rule(TIMESTAMP, "[0-9]{4}-[0-9]{2}-[0-9]{2}"
                    + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]*)?"
                    + "(?:[ \\t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?"),
            new Rule(new Tag(Tag.PREFIX + "value"), "="));

    /** Every value a rule above matches is empty or starts with one of these. */
    private static final String FIRST_CHARACTERS = "yYnNtTfFoO0123456789+-.<~=";

    private record Rule(Tag tag, Pattern pattern) {
        Rule(Tag tag, String regex) {
            this(tag, Pattern.compile(regex));
        }
    }

    /** Built once: the emitter asks for the resolver at every scalar, and the core one is built on each call. */
    private final ScalarResolver resolver = portable(super.getScalarResolver());

    @Override
    public ScalarResolver getScalarResolver() {
        return resolver;
    }

    private static ScalarResolver portable(ScalarResolver core) {
        return (value, implicit) -> {
            Tag tag = core.resolve(value, implicit);
            if (!Boolean.TRUE.equals(implicit) || !Tag.STR.equals(tag)
                    || !value.isEmpty() && FIRST_CHARACTERS.indexOf(value.charAt(0)) < 0) {
                return tag;
            }
            for (Rule rule : YAML_11) {
                if (rule.pattern().matcher(value).matches()) {
                    return rule.tag();
                }
            }
            return tag;
        };
    }
}
