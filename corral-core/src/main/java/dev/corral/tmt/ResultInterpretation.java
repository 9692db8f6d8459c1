package dev.corral.tmt;

import org.apiguardian.api.API;

/** The tmt {@code result} key: how the outcome a test produced is turned into its reported result. */
@API(status = API.Status.EXPERIMENTAL)
public enum ResultInterpretation {
    /** Keep the outcome (the default). */
    RESPECT,
    /** Expected failure: fail becomes pass, pass becomes fail, errors stay. */
    XFAIL,
    PASS, INFO, WARN, ERROR, FAIL,
    /** The test writes its own {@code results.yaml} or {@code results.json} into {@code $TMT_TEST_DATA}. */
    CUSTOM,
    /** Restraint-style: each reported result is a separate result. */
    RESTRAINT
}
