package io.metacache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan throughput main in its smoke size (200 source files and 4 images, one warm-up round,
 * two measured), in this JVM: it runs, writes its JSON and table, and the hit ratios are those of
 * the phases (none on a first scan, all on a rescan, 99% after touching 1%). Times nothing.
 */
class ScanThroughputSmokeTest {

  @Test
  void smokeRunWritesEveryPhaseWithItsHitRatio(@TempDir Path tree, @TempDir Path results) throws Exception {
    System.setProperty("metacache.results.dir", results.toString());
    try {
      ScanThroughput.main(new String[] {"--smoke", "--tree", tree.resolve("t").toString()});
    } finally {
      System.clearProperty("metacache.results.dir");
    }
    JsonNode json = new ObjectMapper().readTree(results.resolve("scan.json").toFile());
    assertThat(json.path("files").asInt()).isGreaterThanOrEqualTo(200);
    Map<String, Double> hits = new HashMap<>();
    for (JsonNode row : json.path("rows")) {
      assertThat(row.path("filesPerSecondMedian").asDouble()).as(row.toString()).isPositive();
      assertThat(row.path("failedPerRound").asLong()).as(row.toString()).isZero();
      hits.put(row.path("profile").asText() + "/" + row.path("phase").asText(), row.path("hitRatio").asDouble(-1));
    }
    assertThat(hits).hasSize(2 * ScanThroughput.PHASES.size());
    for (String profile : new String[] {"basic", "full"}) {
      assertThat(hits.get(profile + "/first scan")).isZero();
      assertThat(hits.get(profile + "/rescan")).isEqualTo(1.0);
      assertThat(hits.get(profile + "/rescan, reopened")).isEqualTo(1.0);
      assertThat(hits.get(profile + "/rescan, 1% touched")).isBetween(0.97, 0.999);
    }
    assertThat(results.resolve("scan.md")).content().contains("| full | rescan |");
  }
}
