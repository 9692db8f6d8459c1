package dev.corral.cli;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

import org.slf4j.Logger;

/**
 * The command line's logging, quiet: warnings and errors on standard error, one line each, secret values masked
 * ({@link MaskingLayout}); Apache MINA SSHD's own warnings only as errors (its reconnect chatter is ours to
 * report). Progress reaches users through run listeners, not logs.
 *
 * <p>A logback {@link Configurator} found by the service loader rather than a {@code logback.xml}: parsing XML
 * cost every command about 25 ms of its start (measured on {@code corral run} of one test, of about 300 ms in
 * all). A file named by {@value ClassicConstants#CONFIG_FILE_PROPERTY} (for example in
 * {@code CORRAL_JAVA_OPTS}) still replaces this configuration.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfiguration extends ContextAwareBase implements Configurator {
    /** The pattern of a log line. */
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        return configure(context, System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY));
    }

    /** Configures {@code context}, or leaves it to logback's own configurators when the user named a file. */
    static ExecutionStatus configure(LoggerContext context, String userFile) {
        if (userFile != null && !userFile.isBlank()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        // logback's own status messages stay out of the user's terminal, as with the quiet file before
        context.getStatusManager().add(new NopStatusListener());
        MaskingLayout layout = new MaskingLayout();
        layout.setContext(context);
        layout.setPattern(PATTERN);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        context.getLogger("org.apache.sshd").setLevel(Level.ERROR);
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
