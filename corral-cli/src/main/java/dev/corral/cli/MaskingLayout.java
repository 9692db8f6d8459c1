package dev.corral.cli;

import dev.corral.secret.ActiveSecrets;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The log layout of the command line: logback's pattern layout with the values of the running runs' secrets
 * masked as {@code ***} in the whole line (message, arguments, exception and its causes). Thread-safe as
 * {@link PatternLayout} is.
 */
public final class MaskingLayout extends PatternLayout {
    @Override
    public String doLayout(ILoggingEvent event) {
        return ActiveSecrets.mask(super.doLayout(event));
    }
}
