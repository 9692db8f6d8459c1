package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** {@link RunCommand#plain}: the command lines it reads give the command picocli gives; it leaves the rest alone. */
class PlainRunTest {

    @TempDir
    Path tmp;

    /** Pieces of command lines that {@link RunCommand#plain} reads. */
    private static final List<List<String>> PIECES = List.of(
            List.of("tree"), List.of("/a dir/with space"), List.of("ü/tree"), List.of("."),
            List.of("--how", "local"), List.of("--how=podman"), List.of("--how", "connect"), List.of("--how="),
            List.of("-w", "3"), List.of("--workers=12"), List.of("--workers", "0"), List.of("-w", "999999999"),
            List.of("--results", "out/r1"), List.of("--results=/tmp/x y"),
            List.of("-c", "distro=fedora"), List.of("--context=arch=x86_64,aarch64"), List.of("-c", "a=b=c"),
            List.of("-F", "tag: smoke & tier: 1"), List.of("--filter=tier:1"), List.of("-t", "^/a"),
            List.of("--test", "/b$"), List.of("-p", "plan"), List.of("--plan=/plans/x"), List.of("-e", "A=1"),
            List.of("--environment=B=x y"), List.of("-e", "C="));

    @Test
    void plainCommandLinesGiveTheCommandPicocliGives() throws Exception {
        Random random = new Random(20261124);
        int read = 0;
        for (int n = 0; n < 3000; n++) {
            List<String> args = new ArrayList<>(List.of("run"));
            int pieces = random.nextInt(7);
            for (int i = 0; i < pieces; i++) {
                args.addAll(PIECES.get(random.nextInt(PIECES.size())));
            }
            String[] argv = args.toArray(String[]::new);
            RunCommand plain = RunCommand.plain(argv);
            RunCommand parsed = parse(argv);
            if (plain == null) {
                continue;
            }
            read++;
            assertThat(parsed).as(String.join(" ", args)).isNotNull();
            assertThat(fields(plain)).as(String.join(" ", args)).isEqualTo(fields(parsed));
            assertThat(fields(plain.select)).as(String.join(" ", args)).isEqualTo(fields(parsed.select));
        }
        assertThat(read).as("command lines read without picocli").isGreaterThan(1000);
    }

    @Test
    void theRestIsLeftToPicocli() {
        String[][] others = {
            {"run", "--help"}, {"run", "-h"}, {"run", "--version"}, {"run", "--", "tree"}, {"run", "@args"},
            {"run", "a", "b"}, {"run", "--how"}, {"run", "--how", "-x"}, {"run", "--how", "a", "--how", "b"},
            {"run", "-w", "2", "--workers", "3"}, {"run", "-w", "010"}, {"run", "-w", "-1"}, {"run", "-w", "+3"},
            {"run", "-w", "0x10"}, {"run", "-w", "1234567890"}, {"run", "-w2"}, {"run", "-c=a=b"}, {"run", "-cx=1"},
            {"run", "--image", "x"}, {"run", "--max-attempts", "3"}, {"run", "--resume", "d"}, {"run", "--secret", "S"},
            {"run", "--results", "a", "--results", "b"}, {"run", "--results", "a\0b"}, {"fmf", "tree"}, {},
        };
        for (String[] args : others) {
            assertThat(RunCommand.plain(args)).as(String.join(" ", args)).isNull();
        }
    }

    @Test
    void aPlainRunWritesWhatAParsedRunWrites() {
        TreeFixture t = new TreeFixture(tmp.resolve("tree"))
                .write("main.fmf", "/a:\n  test: 'true'\n/b:\n  test: 'false'\n");
        String root = t.root().toString();
        String[] plainArgs = {"run", root, "--how", "local", "-w", "1", "-c", "distro=fedora",
                "--results", tmp.resolve("plain").toString()};
        // --max-attempts (at its default) sends the command line to picocli
        String[] parsedArgs = {"run", root, "--how", "local", "-w", "1", "-c", "distro=fedora",
                "--results", tmp.resolve("parsed").toString(), "--max-attempts", "2"};
        assertThat(RunCommand.plain(plainArgs)).isNotNull();
        assertThat(RunCommand.plain(parsedArgs)).isNull();

        Cli plain = Cli.run(plainArgs);
        Cli parsed = Cli.run(parsedArgs);

        assertThat(plain.exit()).isEqualTo(parsed.exit()).isEqualTo(1);
        assertThat(plain.err()).isEqualTo(parsed.err());
        assertThat(plain.out().replace("plain", "parsed").replaceAll("[0-9.]+s\\b", "Ts"))
                .isEqualTo(parsed.out().replaceAll("[0-9.]+s\\b", "Ts")).contains("fail /b");
        assertThat(Cli.run("run", tmp.resolve("missing").toString(), "--how", "local").err())
                .isEqualTo(Cli.run("run", tmp.resolve("missing").toString(), "--how", "local", "--max-attempts", "2")
                        .err()).startsWith("error: ");
    }

    /** What picocli makes of the command line, as {@code corral} would parse it; null when it refuses it. */
    private static RunCommand parse(String... args) {
        CommandLine cli = CorralCommand.commandLine(args);
        try {
            return (RunCommand) cli.parseArgs(args).subcommand().commandSpec().userObject();
        } catch (CommandLine.ParameterException e) {
            return null;
        }
    }

    /** The values of an object's own fields that picocli sets (not the ones it injects or plain() keeps aside). */
    private static Map<String, Object> fields(Object object) throws IllegalAccessException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field field : object.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) || field.getName().equals("spec")
                    || field.getName().startsWith("plain") || field.getName().equals("select")) {
                continue;
            }
            field.setAccessible(true);
            values.put(field.getName(), field.get(object));
        }
        return values;
    }
}
