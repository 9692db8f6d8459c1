package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.corral.secret.ActiveSecrets;
import dev.corral.secret.Secrets;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;

/** The command line's logging: quiet, one line per warning on standard error, secrets masked. */
class LogConfigurationTest {

    @Test
    void theServiceLoaderFindsItAndLogbackUsesIt() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        Appender<?> stderr = root.getAppender("STDERR");
        assertThat(stderr).isNotNull();
        assertThat(context.getLogger("org.apache.sshd").getLevel()).isEqualTo(Level.ERROR);
    }

    @Test
    void warningsAreOneMaskedLineOnStandardErrorAndInfoIsQuiet() {
        String secret = "s3cr3t-" + Long.toHexString(System.nanoTime());
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // SLF4J gives the real context one
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream err = System.err;
        ActiveSecrets.Activation active = ActiveSecrets.activate(Secrets.of(Map.of("TOKEN", secret)));
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            assertThat(LogConfiguration.configure(context, null)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
            context.getLogger("dev.corral.machine.Example").info("progress {}", 1);
            context.getLogger("dev.corral.machine.Example").warn("cannot reach {}", "host with " + secret);
            context.getLogger("org.apache.sshd.client.Session").warn("reconnecting");
            context.getLogger("org.apache.sshd.client.Session").error("broken");
        } finally {
            System.setErr(err);
            active.close();
            context.stop();
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertThat(text.lines().toList()).hasSize(2);
        assertThat(text.lines().toList().get(0)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  Example: cannot reach host with \\*\\*\\*");
        assertThat(text.lines().toList().get(1)).endsWith("ERROR Session: broken");
        assertThat(text).doesNotContain(secret).doesNotContain("progress").doesNotContain("reconnecting");
    }

    @Test
    void thePatternIsCompiledByTheFirstEventNotAtStart() {
        LoggerContext context = new LoggerContext();
        LogConfiguration.configure(context, "");
        Appender<?> stderr = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        Object encoder = ((ch.qos.logback.core.ConsoleAppender<?>) stderr).getEncoder();
        MaskingLayout layout = (MaskingLayout) ((LayoutWrappingEncoder<?>) encoder).getLayout();
        assertThat(layout.isStarted()).isTrue();
        assertThat(layout.compiled()).isFalse();

        ch.qos.logback.classic.Logger logger = context.getLogger("dev.corral.test");
        String line = layout.doLayout(new ch.qos.logback.classic.spi.LoggingEvent(getClass().getName(), logger,
                ch.qos.logback.classic.Level.WARN, "disk {} full", null, new Object[] {"/var"}));

        assertThat(layout.compiled()).isTrue();
        assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  test: disk /var full\\R");
        context.stop();
    }

    @Test
    void aFileTheUserNamesReplacesIt() {
        LoggerContext context = new LoggerContext();
        assertThat(LogConfiguration.configure(context, "/etc/corral/logback.xml"))
                .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
    }

    @Test
    void itsEncoderUsesTheMaskingLayout() {
        LoggerContext context = new LoggerContext();
        LogConfiguration.configure(context, "");
        Appender<?> stderr = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        assertThat(stderr).isInstanceOf(ch.qos.logback.core.ConsoleAppender.class);
        Object encoder = ((ch.qos.logback.core.ConsoleAppender<?>) stderr).getEncoder();
        assertThat(((LayoutWrappingEncoder<?>) encoder).getLayout()).isInstanceOf(MaskingLayout.class);
        context.stop();
    }
}
