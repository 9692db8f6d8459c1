package dev.corral.tmt;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apiguardian.api.API;

/**
 * Loads an fmf tree rooted at a directory and returns its nodes in climb order, {@code adjust} applied with the
 * given context (case-insensitively, as tmt does). Used by {@link Discovery} for discover phases that point to
 * another tree ({@code url}, {@code path}) or when a plan brings its own {@code context}.
 */
@API(status = API.Status.EXPERIMENTAL)
@FunctionalInterface
public interface TreeLoader {

    /**
     * @param root    the tree root (the directory holding {@code .fmf/})
     * @param context fmf context dimensions, each with its values
     * @return the nodes in climb order
     * @throws dev.corral.CorralException when the tree cannot be loaded (message names file:line)
     */
    List<FmfNode> load(Path root, Map<String, List<String>> context);
}
