package dev.corral.cli;

import dev.corral.secret.ActiveSecrets;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The log layout of the command line: logback's pattern layout with the values of the running runs' secrets
 * masked as {@code ***} in the whole line (message, arguments, exception and its causes). Thread-safe as
 * {@link PatternLayout} is.
 *
 * <p>The pattern is compiled when the first event arrives, not when the layout starts: compiling it cost every
 * command about 10 ms of its start, and most commands log nothing.
 */
public final class MaskingLayout extends PatternLayout {
    private volatile boolean compiled;

    /** Starts the layout; the pattern is compiled by the first {@link #doLayout}. */
    @Override
    public void start() {
        started = true;
    }

    @Override
    public void stop() {
        super.stop();
        compiled = false;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        if (!compiled && isStarted()) {
            compile();
        }
        return ActiveSecrets.mask(super.doLayout(event));
    }

    /** Whether the pattern is compiled (the layout has laid out an event since it started). */
    boolean compiled() {
        return compiled;
    }

    private synchronized void compile() {
        if (!compiled) {
            super.start();
            compiled = true;
        }
    }
}
