package io.metacache.key;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileStat#read} says what NIO says of real files (nanosecond mtimes, symbolic links,
 * missing files, directories) in this JVM and, through core's classes packed as a multi-release
 * jar, in child JVMs: Java 17 keeps NIO, Java 22+ takes the {@code statx} path when native access
 * is enabled and NIO when it is not.
 */
class NativeStatTest {
  /** The JDK whose javac compiled {@code src/main/java22}, from the build (surefire passes it). */
  private static final Path JDK22 = Path.of(System.getProperty("metacache.jdk22.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));

  @TempDir static Path shared;
  private static Path multiReleaseJar;

  @TempDir Path dir;

  @BeforeAll
  static void packCoreAsAMultiReleaseJar() throws Exception {
    Path classes = Path.of(FileStat.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertThat(classes.resolve("META-INF/versions/22/io/metacache/key/NativeStat.class"))
        .as("the build compiled the Java 22 classes into %s", classes).exists();
    multiReleaseJar = shared.resolve("metacache-core-mr.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MULTI_RELEASE, "true");
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(multiReleaseJar), manifest);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        String name = classes.relativize(f).toString().replace('\\', '/');
        if (name.equals("META-INF/MANIFEST.MF")) {
          continue;
        }
        jar.putNextEntry(new JarEntry(name));
        Files.copy(f, jar);
        jar.closeEntry();
      }
    }
  }

  @Test
  void statEqualsNiosViewInThisJvm() throws IOException {
    assertThat(StatChecks.run(dir)).isEmpty();
    if (Runtime.version().feature() < 22) {
      assertThat(FileStat.implementation()).startsWith("nio");
    }
  }

  @Test
  void java17RuntimeIgnoresTheJava22ClassesAndUsesNio() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> out = probe(java, "--enable-native-access=ALL-UNNAMED");
    if (Runtime.version().feature() < 22) {
      assertThat(out).contains("available=false").doesNotContain("key=DeviceInode")
          .anyMatch(l -> l.startsWith("implementation=nio (Java " + Runtime.version().feature()));
    }
  }

  @Test
  void java22PlusTakesTheStatxPathWithNativeAccess() throws Exception {
    List<String> out = probe(jdk22Java(), "--enable-native-access=ALL-UNNAMED");
    assertThat(out).contains("available=true", "key=DeviceInode")
        .anyMatch(l -> l.startsWith("implementation=statx (FFM, Java "));
  }

  @Test
  void java22PlusUsesNioWithoutNativeAccessOrWhenTurnedOff() throws Exception {
    assertThat(probe(jdk22Java()))
        .contains("available=false").doesNotContain("key=DeviceInode")
        .anyMatch(l -> l.startsWith("implementation=nio (Java ") && l.contains("native access is not enabled"));
    assertThat(probe(jdk22Java(), "--enable-native-access=ALL-UNNAMED", "-D" + "metacache.stat.native=false"))
        .contains("available=false").doesNotContain("key=DeviceInode")
        .anyMatch(l -> l.contains("metacache.stat.native is false"));
  }

  private static Path jdk22Java() {
    Path java = JDK22.resolve("bin/java");
    assertThat(java).as("the JDK 22+ that builds core's Java 22 classes (metacache.jdk22.home)").isExecutable();
    return java;
  }

  /** Runs {@link NativeStatProbe} on the multi-release jar; returns its output after it passed every check. */
  private List<String> probe(Path java, String... options) throws Exception {
    Path testClasses = Path.of(NativeStatProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(List.of(options));
    command.add("-cp");
    command.add(multiReleaseJar + File.pathSeparator + testClasses);
    command.add(NativeStatProbe.class.getName());
    command.add(dir.toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        lines.add(line);
      }
    }
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("the probe ended (hang guard)").isTrue();
    assertThat(lines).as("output of %s", command).contains("checked").noneMatch(l -> l.startsWith("failure="));
    assertThat(p.exitValue()).as("exit status; output %s", lines).isZero();
    return lines;
  }
}
