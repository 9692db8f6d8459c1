package dev.corral.machine.qemu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs QEMU tests where QEMU and the tools the provisioner needs exist. Under {@code CI=true} they always run, so a
 * missing qemu or genisoimage fails them; on a developer's machine without the tools they are skipped with a visible
 * reason.
 */
final class QemuTools implements ExecutionCondition {
    static final List<String> TOOLS = List.of("qemu-system-x86_64", "qemu-img", "genisoimage", "ssh-keygen");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            return ConditionEvaluationResult.enabled("CI=true: QEMU tests always run");
        }
        List<String> missing = missing();
        if (!missing.isEmpty()) {
            return ConditionEvaluationResult.disabled("SKIPPED: " + String.join(", ", missing) + " not installed (run"
                    + " scripts/install-deps; under CI=true this fails)");
        }
        return ConditionEvaluationResult.enabled("QEMU tools are installed");
    }

    static List<String> missing() {
        List<String> missing = new ArrayList<>();
        for (String tool : TOOLS) {
            boolean found = false;
            for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                missing.add(tool);
            }
        }
        return missing;
    }
}
