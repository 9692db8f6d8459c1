package dev.corral.schedule;

import dev.corral.CorralException;

import org.apiguardian.api.API;

/**
 * A run cannot be scheduled as given: a dependency cycle, a dependency on an unknown test, a selected test that
 * does not exist, a malformed {@code extra-*} value. Thrown before any machine is provisioned; the message is
 * one line naming the target, the test and the offending value.
 */
@API(status = API.Status.EXPERIMENTAL)
public class ScheduleException extends CorralException {
    public ScheduleException(String message) {
        super(message);
    }
}
