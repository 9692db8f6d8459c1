package dev.corral.fmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loads the whole tmt metadata tree (527 nodes) and adjusts it; a quick smoke check of speed. */
class TmtTreeLoadTest {

    @Test
    void loadsAndAdjustsTheTmtTreeQuickly() throws URISyntaxException {
        Path tree = FmfConformanceTest.corpus().resolve("tmt-tree/tree");
        long start = System.nanoTime();
        Tree loaded = Tree.load(tree);
        Tree adjusted = loaded.adjust(Context.parse("distro=fedora-41", "arch=x86_64"));
        String json = FmfJson.toJson(adjusted.climb());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(loaded.climb()).hasSize(527);
        assertThat(adjusted.prune(List.of("test"), List.of(), List.of("tier: 1"))).isNotEmpty();
        assertThat(json).startsWith("{\"nodes\":[");
        assertThat(millis).as("cold load + adjust + JSON of the tmt tree, ms").isLessThan(20_000);
    }
}
