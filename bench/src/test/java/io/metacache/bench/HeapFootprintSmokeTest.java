package io.metacache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heap-footprint main in its smoke size, in this JVM: it runs and writes its JSON. */
class HeapFootprintSmokeTest {

  @Test
  void smokeRunWritesBothPeers(@TempDir Path results) throws Exception {
    System.setProperty("metacache.results.dir", results.toString());
    try {
      HeapFootprint.main(new String[] {"--smoke", "--in-process"});
    } finally {
      System.clearProperty("metacache.results.dir");
    }
    String json = Files.readString(results.resolve("heap-footprint.json"));
    assertThat(json).contains("\"entries\": 20000", "\"cache\": \"MemoryTier\"", "\"cache\": \"Caffeine\"");
  }
}
