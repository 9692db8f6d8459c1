package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/**
 * The build recompiles picocli for Java 21 (see corral-cli/pom.xml): the JVM's AOT cache cannot hold its published
 * Java 5 class files, and loading them again cost every command about 30 ms.
 */
class PicocliBuildTest {

    @Test
    void picocliOnTheClasspathIsCompiledForJava21() throws IOException {
        try (InputStream in = CommandLine.class.getResourceAsStream("CommandLine.class")) {
            assertThat(in).as("picocli's class file").isNotNull();
            DataInputStream data = new DataInputStream(in);
            assertThat(data.readInt()).isEqualTo(0xCAFEBABE);
            data.readUnsignedShort(); // minor version
            assertThat(data.readUnsignedShort()).as("class file major version").isGreaterThanOrEqualTo(65);
        }
    }
}
