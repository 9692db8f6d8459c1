package dev.corral.fmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs the conformance corpus (answers of python fmf 1.7.0, see {@code fmf-conformance/README.md}): every view's
 * climbed names and data (key order included) and every filter's selected names must be the reference's, and a tree
 * the reference refuses must be refused.
 */
class FmfConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Path corpus() throws URISyntaxException {
        return Path.of(FmfConformanceTest.class.getResource("/fmf-conformance/cases").toURI());
    }

    @TestFactory
    Stream<DynamicNode> corpusCases() throws IOException, URISyntaxException {
        List<Path> cases;
        try (Stream<Path> listing = Files.list(corpus())) {
            cases = listing.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(cases).hasSizeGreaterThanOrEqualTo(26);
        return cases.stream().map(FmfConformanceTest::caseContainer);
    }

    private static DynamicContainer caseContainer(Path dir) {
        JsonNode expected;
        try {
            expected = JSON.readTree(dir.resolve("expected.json").toFile());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read " + dir, e);
        }
        Path tree = dir.resolve("tree");
        List<DynamicNode> tests = new ArrayList<>();
        int index = 0;
        for (JsonNode view : expected.get("views")) {
            JsonNode context = view.get("context");
            String label = "view " + index++ + " " + (context == null || context.isNull() ? "no context" : context);
            tests.add(DynamicTest.dynamicTest(label, () -> checkView(tree, view)));
        }
        for (JsonNode filter : expected.get("filters")) {
            tests.add(DynamicTest.dynamicTest("filter " + filter.get("filter").asString(),
                    () -> checkFilter(tree, filter)));
        }
        return DynamicContainer.dynamicContainer(dir.getFileName().toString(), tests);
    }

    static Context context(JsonNode context) {
        Map<String, Object> dimensions = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : context.properties()) {
            JsonNode value = entry.getValue();
            if (value.isArray()) {
                List<String> values = new ArrayList<>();
                value.forEach(v -> values.add(v.asString()));
                dimensions.put(entry.getKey(), values);
            } else {
                dimensions.put(entry.getKey(), value.asString());
            }
        }
        return Context.of(dimensions).caseSensitive(false);
    }

    private static List<Node> view(Path tree, JsonNode context) {
        Tree loaded = Tree.load(tree);
        if (context != null && !context.isNull()) {
            loaded = loaded.adjust(context(context));
        }
        return loaded.climb();
    }

    private static void checkView(Path tree, JsonNode view) {
        JsonNode context = view.get("context");
        if (view.has("error")) {
            assertThatThrownBy(() -> view(tree, context))
                    .as("reference refused the tree with %s: %s", view.get("error"), view.get("message"))
                    .isInstanceOf(FmfException.class);
            return;
        }
        List<Node> nodes = view(tree, context);
        JsonNode expectedNodes = view.get("nodes");
        List<String> names = nodes.stream().map(Node::name).toList();
        List<String> expectedNames = new ArrayList<>();
        expectedNodes.forEach(n -> expectedNames.add(n.get("name").asString()));
        assertThat(names).as("climbed names").containsExactlyElementsOf(expectedNames);
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode actual = JSON.readTree(FmfJson.valueToJson(nodes.get(i).data()));
            compare(expectedNodes.get(i).get("data"), actual, nodes.get(i).name());
        }
    }

    private static void checkFilter(Path tree, JsonNode filter) {
        String text = filter.get("filter").asString();
        if (filter.has("error")) {
            assertThatThrownBy(() -> Tree.load(tree).prune(List.of("test"), List.of(), List.of(text)))
                    .isInstanceOf(FmfException.class);
            return;
        }
        List<String> names = Tree.load(tree).prune(List.of("test"), List.of(), List.of(text)).stream()
                .map(Node::name).toList();
        List<String> expected = new ArrayList<>();
        filter.get("names").forEach(n -> expected.add(n.asString()));
        assertThat(names).as("selected by '%s'", text).containsExactlyElementsOf(expected);
    }

    /** Compares JSON values, key order included; {"$date": x} stands for the string x. */
    static void compare(JsonNode expected, JsonNode actual, String path) {
        if (expected.isObject() && expected.size() == 1 && expected.has("$date")) {
            expected = expected.get("$date");
        }
        if (expected.isObject()) {
            if (!actual.isObject()) {
                fail("%s: expected an object %s, got %s", path, expected, actual);
            }
            List<String> expectedKeys = new ArrayList<>(expected.propertyNames());
            List<String> actualKeys = new ArrayList<>(actual.propertyNames());
            assertThat(actualKeys).as("%s: keys", path).containsExactlyElementsOf(expectedKeys);
            for (String key : expectedKeys) {
                compare(expected.get(key), actual.get(key), path + "." + key);
            }
        } else if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                fail("%s: expected %s, got %s", path, expected, actual);
            }
            Iterator<JsonNode> a = actual.iterator();
            int i = 0;
            for (JsonNode item : expected) {
                compare(item, a.next(), path + "[" + i++ + "]");
            }
        } else if (expected.isNumber()) {
            if (!actual.isNumber() || expected.isIntegralNumber() != actual.isIntegralNumber()
                    || expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
                fail("%s: expected %s, got %s", path, expected, actual);
            }
        } else if (!expected.equals(actual)) {
            fail("%s: expected %s, got %s", path, expected, actual);
        }
    }
}
