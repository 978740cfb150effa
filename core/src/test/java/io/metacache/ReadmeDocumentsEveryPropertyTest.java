package io.metacache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every configuration property appears in the README's table, so documentation cannot drift. */
class ReadmeDocumentsEveryPropertyTest {

  @Test
  void everyPropertyIsInTheReadmeTable() throws IOException {
    // Surefire runs in the module directory; the README is at the repository root.
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    java.util.List<String> properties = new java.util.ArrayList<>(CacheConfig.PROPERTIES);
    properties.addAll(CacheTiers.WRITE_BEHIND_PROPERTIES);
    properties.add(MetaCache.TIERS_PROPERTY);
    properties.add(MetaCache.REDIS_URI_PROPERTY);
    properties.add(MetaCache.SHARED_STATS_PROPERTY);
    properties.add(MetaCache.SHARED_STATS_INTERVAL_PROPERTY);
    properties.add(MetaCache.SHARED_STATS_LABEL_PROPERTY);
    properties.add(TierOpening.REQUIRED_PROPERTY);
    properties.add(io.metacache.internal.StoreQuarantine.KEEP_PROPERTY);
    for (String property : properties) {
      assertThat(text).as("README documents %s", property).contains("| `" + property + "`");
    }
  }
}
