package io.metacache.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's program runs as the README says (a first run misses, a second run in a new cache
 * over the same directory hits both lookups), and the README shows exactly its code.
 */
class CacheFileMetadataTest {
  @TempDir Path dir;

  @Test
  void theFirstRunMissesAndTheSecondHitsBothLookups() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.txt"), "one\ntwo\nthree\n");
    Path cache = dir.resolve("cache");
    assertThat(run(file, cache)).containsExactly("{lines=3} text/plain", "0 hit(s), 2 miss(es)");
    assertThat(run(file, cache)).containsExactly("{lines=3} text/plain", "2 hit(s), 0 miss(es)");
  }

  @Test
  void theReadmeShowsTheProgramsCode() throws Exception {
    String source = Files.readString(Path.of("src/main/java/io/metacache/examples/CacheFileMetadata.java"));
    String code = source.substring(source.indexOf("// README:begin") + "// README:begin".length(),
        source.indexOf("// README:end"));
    String readme = Files.readString(Path.of("..", "README.md"));
    assertThat(normalize(readme)).contains(normalize(code));
  }

  /** Each line stripped of its indentation, blank lines dropped. */
  private static String normalize(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
  }

  private static List<String> run(Path file, Path cache) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      CacheFileMetadata.main(new String[] {file.toString(), cache.toString()});
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
