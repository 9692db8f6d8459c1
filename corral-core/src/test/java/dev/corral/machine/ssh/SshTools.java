package dev.corral.machine.ssh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs SSH tests only where a real sshd, ssh-keygen and ip exist. Under {@code CI=true} the tests always run, so
 * a missing tool fails them instead of skipping them; on a developer machine without the tools they are skipped
 * with a visible reason.
 */
public final class SshTools implements ExecutionCondition {
    static final List<String> TOOLS = List.of("/usr/sbin/sshd", "/usr/bin/ssh-keygen", "/usr/sbin/ip", "/usr/bin/tar");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            return ConditionEvaluationResult.enabled("CI=true: SSH tests always run");
        }
        for (String tool : TOOLS) {
            if (!Files.isExecutable(Path.of(tool))) {
                return ConditionEvaluationResult.disabled("SKIPPED: " + tool + " is not installed (install openssh-server"
                        + " and iproute2; under CI=true this fails)");
            }
        }
        return ConditionEvaluationResult.enabled("sshd, ssh-keygen and ip are installed");
    }
}
