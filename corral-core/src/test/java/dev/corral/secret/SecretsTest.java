package dev.corral.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
    private static final Secrets TWO = Secrets.of(Map.of("TOKEN", "s3cr3t-Tok3n", "PASS", "hunter22"));

    @TempDir
    Path tmp;

    @Test
    void masksEveryOccurrenceInText() {
        assertThat(TWO.mask("a s3cr3t-Tok3n b hunter22 c s3cr3t-Tok3ns3cr3t-Tok3n"))
                .isEqualTo("a *** b *** c ******");
        assertThat(TWO.mask(null)).isNull();
        assertThat(Secrets.none().mask("hunter22")).isEqualTo("hunter22");
        assertThat(TWO.toString()).doesNotContain("hunter22").contains("TOKEN", "PASS");
    }

    @Test
    void refusesShortValuesNamingTheVariableOnly() {
        assertThatThrownBy(() -> Secrets.of(Map.of("PIN", "123")))
                .isInstanceOf(SecretException.class)
                .hasMessageContaining("PIN").hasMessageContaining("shorter than 4").hasMessageNotContaining("123");
        assertThatThrownBy(() -> Secrets.of(Map.of("", "long enough"))).isInstanceOf(SecretException.class);
        assertThatThrownBy(() -> TWO.withValue("PASS", "ab")).isInstanceOf(SecretException.class);
    }

    @Test
    void longerSecretContainingAShorterOneIsMaskedWhole() throws IOException {
        Secrets nested = Secrets.of(Map.of("A", "abcd", "B", "xxabcdxx"));
        assertThat(nested.mask("1xxabcdxx2abcd3")).isEqualTo("1***2***3");
        assertThat(stream(nested, "1xxabcdxx2abcd3".getBytes(StandardCharsets.UTF_8), 1)).isEqualTo("1***2***3");
    }

    @Test
    void streamingMasksValuesSplitAcrossWritesOfAnySize() throws IOException {
        Random random = new Random(42);
        String[] words = {"s3cr3t-Tok3n", "hunter22", "s3cr3t", "hunter", "x", "\n", "é", "s3cr3t-Tok3hunter22n"};
        for (int round = 0; round < 200; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 60; i++) {
                text.append(words[random.nextInt(words.length)]);
            }
            String expected = TWO.mask(text.toString());
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            assertThat(stream(TWO, bytes, 1 + random.nextInt(20))).isEqualTo(expected);
        }
    }

    @Test
    void holdsBackOnlyLessThanTheLongestSecret() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        MaskedOutput out = TWO.masking(sink);
        out.write("plain text then s3cr3t-".getBytes(StandardCharsets.UTF_8));
        // "s3cr3t-" may start the secret: held back; everything before it passed at once
        assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("plain text then ");
        out.write("Tok3n!".getBytes(StandardCharsets.UTF_8));
        out.finish();
        assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("plain text then ***!");
        assertThat(out.masked()).isEqualTo(1);
        byte[] big = new byte[8 << 20];
        java.util.Arrays.fill(big, (byte) 'a');
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        try (MaskedOutput o = TWO.masking(second)) {
            o.write(big);
            assertThat(second.size()).isGreaterThanOrEqualTo(big.length - "s3cr3t-Tok3n".length());
        }
    }

    @Test
    void masksCollectedFilesInPlaceAndLeavesOthersAlone() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("t/data/sub"));
        Path leaky = Files.writeString(dir.resolve("leak.log"), "token=s3cr3t-Tok3n\n");
        Path clean = Files.writeString(tmp.resolve("t/clean.txt"), "nothing here\n");
        long cleanModified = Files.getLastModifiedTime(clean).toMillis();
        Files.createSymbolicLink(tmp.resolve("t/link"), leaky);
        assertThat(TWO.maskTree(tmp.resolve("t"))).isEqualTo(1);
        assertThat(Files.readString(leaky)).isEqualTo("token=***\n");
        assertThat(Files.getLastModifiedTime(clean).toMillis()).isEqualTo(cleanModified);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(leaky);
        }
    }

    @Test
    void activeSecretsMaskUntilClosed() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("ACTIVE_ONE", "only-while-active");
        ActiveSecrets.Activation activation = ActiveSecrets.activate(Secrets.of(values));
        assertThat(ActiveSecrets.mask("x only-while-active y")).isEqualTo("x *** y");
        activation.close();
        activation.close();
        assertThat(ActiveSecrets.mask("x only-while-active y")).isEqualTo("x only-while-active y");
    }

    private static String stream(Secrets secrets, byte[] bytes, int chunk) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (MaskedOutput out = secrets.masking(sink)) {
            for (int i = 0; i < bytes.length; i += chunk) {
                out.write(bytes, i, Math.min(chunk, bytes.length - i));
            }
        }
        return sink.toString(StandardCharsets.UTF_8);
    }
}
