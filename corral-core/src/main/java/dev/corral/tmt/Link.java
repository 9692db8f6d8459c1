package dev.corral.tmt;

import java.util.Objects;

import org.apiguardian.api.API;

/**
 * A tmt {@code link}: a relation to a target (URL or fmf id), with an optional note.
 *
 * @param relation {@code relates}, {@code verifies}, {@code blocked-by}, ...
 * @param target   the URL, path or fmf id (as written)
 * @param note     an optional note, or {@code null}
 */
@API(status = API.Status.EXPERIMENTAL)
public record Link(String relation, Object target, String note) {
    public Link {
        Objects.requireNonNull(relation, "relation must not be null");
        Objects.requireNonNull(target, "target must not be null");
    }
}
