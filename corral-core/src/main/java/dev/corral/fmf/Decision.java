package dev.corral.fmf;

import org.apiguardian.api.API;

/** The three-valued outcome of a context rule: fmf's {@code True}, {@code False} and {@code CannotDecide}. */
@API(status = API.Status.EXPERIMENTAL)
public enum Decision {
    TRUE,
    FALSE,
    /** The context does not say enough (a dimension is missing or values cannot be compared). */
    CANNOT_DECIDE
}
