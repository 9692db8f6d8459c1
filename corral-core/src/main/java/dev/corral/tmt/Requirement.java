package dev.corral.tmt;

import java.util.List;
import java.util.Objects;

import org.apiguardian.api.API;

/** One entry of a test's {@code require} or {@code recommend}: a package, a library, or files. */
@API(status = API.Status.EXPERIMENTAL)
public sealed interface Requirement {

    /** A package name as given ({@code require: [httpd]}). */
    record Package(String name) implements Requirement {
        public Package {
            Objects.requireNonNull(name, "name must not be null");
        }
    }

    /**
     * A beakerlib library or fmf id ({@code {url, ref, path, name, nick, type: library}}).
     *
     * @param url  repository URL, or {@code null} for a library of this tree
     * @param ref  branch, tag or commit, or {@code null}
     * @param path path of the tree inside the repository, or {@code null}
     * @param name library name such as {@code /file}
     * @param nick nickname, or {@code null}
     */
    record Library(String url, String ref, String path, String name, String nick) implements Requirement {
    }

    /** Files of the tree to copy ({@code {type: file, pattern: [...]}}). */
    record Files(List<String> patterns) implements Requirement {
        public Files {
            patterns = List.copyOf(patterns);
        }
    }
}
