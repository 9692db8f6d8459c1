package dev.corral.execute;

import java.time.Duration;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code tmt-reboot} asked for ({@code data/reboot-request}, JSON): an optional reboot command (a hint the
 * machine may not be able to use) and an optional timeout in seconds.
 *
 * @param command the requested reboot command, or {@code null}
 * @param timeout how long the reboot may take, or {@code null}
 */
record RebootRequest(String command, Duration timeout) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static RebootRequest parse(String content) {
        Map<?, ?> data;
        try {
            data = JSON.readValue(content, Map.class);
        } catch (JacksonException | IllegalArgumentException e) {
            return new RebootRequest(null, null);
        }
        Object command = data == null ? null : data.get("command");
        Object timeout = data == null ? null : data.get("timeout");
        Duration limit = null;
        if (timeout != null) {
            try {
                long seconds = Long.parseLong(timeout.toString().strip());
                limit = seconds > 0 ? Duration.ofSeconds(seconds) : null;
            } catch (NumberFormatException e) {
                limit = null;
            }
        }
        String text = command == null || command.toString().isBlank() ? null : command.toString();
        return new RebootRequest(text, limit);
    }
}
