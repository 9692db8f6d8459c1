package dev.corral.report.tmt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.databind.json.JsonMapper;

/**
 * tmt's JSON schema for {@code results.yaml} ({@code src/test/resources/schemas}, copied from the shared
 * schemas): the YAML schema files are loaded with snakeyaml-engine, converted to JSON and served to the validator
 * from memory under one base IRI, so the {@code /schemas/common} references resolve without network.
 */
public final class TmtSchema {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BASE = "https://corral.invalid/schemas/";
    private static final Schema SCHEMA = load();

    private TmtSchema() {
    }

    /** The violations of a {@code results.yaml} document; empty when it is valid. */
    public static List<Error> validate(String yaml) {
        Object data = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        return SCHEMA.validate(JSON.writeValueAsString(data), InputFormat.JSON);
    }

    private static Schema load() {
        Map<String, String> schemas = Map.of(
                BASE + "results", yamlResourceAsJson("/schemas/tmt-results.yaml"),
                BASE + "common", yamlResourceAsJson("/schemas/tmt-common.yaml"));
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7,
                builder -> builder.schemas(schemas));
        return registry.getSchema(SchemaLocation.of(BASE + "results"));
    }

    private static String yamlResourceAsJson(String resource) {
        try (InputStream in = TmtSchema.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            Object data = new Load(LoadSettings.builder().build()).loadFromInputStream(in);
            return JSON.writeValueAsString(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
