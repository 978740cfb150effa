package io.metacache.tiers.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.TierHealth;
import io.metacache.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health tells the truth about writes: a disk tier whose store opens and answers its probe but
 * cannot take a write (its shard directories are files) is DEGRADED, not UP, with its reason on
 * one line; once the store is repaired, the parked writes land and it is UP again.
 */
class MetaCacheHealthTruthTest {
  @TempDir Path dir;

  @Test
  void aTierFailingWritesIsDegradedWithItsReasonAndUpOnceAWriteLands() throws Exception {
    Path cacheDir = dir.resolve("cache");
    Path disk = Files.createDirectories(cacheDir.resolve("disk"));
    for (int shard = 0; shard < 256; shard++) {
      Files.writeString(disk.resolve(String.format("%02x", shard)), "not a directory");
    }
    CacheConfig config = CacheConfig.builder().cacheDirectory(cacheDir).build();
    // The write keeps being retried, neither parked nor behind an open circuit: only the failing
    // writes themselves can tell health that the tier is not UP.
    Map<String, String> props = Map.of("metacache.writebehind.retry.attempts", "100",
        "metacache.writebehind.retry.backoff-base", "200ms", "metacache.writebehind.retry.backoff-max", "400ms",
        "metacache.writebehind.breaker.window", "1000", "metacache.writebehind.close-timeout", "5s");
    try (MetaCache cache = MetaCache.builder().config(config).properties(props::get).tiers(List.of("disk")).build()) {
      Path file = Files.writeString(dir.resolve("a.txt"), "a");
      cache.put(file, "basic", Map.of("k", "v"));
      Await.until("the disk tier to report failing writes", () -> disk(cache).status() != TierHealth.Status.UP);
      TierHealth failing = disk(cache);
      assertThat(failing.status()).isEqualTo(TierHealth.Status.DEGRADED);
      assertThat(cache.writeBehindStats().orElseThrow().tier("disk").parked()).as("retrying, not parked").isZero();
      // the shard directory is a file: creating it, or a file in it, fails
      assertThat(failing.lastError()).contains("disk: cannot write entry")
          .containsPattern("Not a directory|FileAlreadyExistsException").doesNotContain("\n");

      try (Stream<Path> shards = Files.list(disk)) {
        for (Path shard : shards.filter(Files::isRegularFile).toList()) {
          Files.delete(shard);
        }
      }
      Await.until("the parked write to land and the tier to be UP", () -> disk(cache).status() == TierHealth.Status.UP,
          () -> disk(cache).toString());
      cache.flush();
      assertThat(cache.writeBehindStats().orElseThrow().tier("disk").opsApplied()).isPositive();
    }
  }

  private static TierHealth disk(MetaCache cache) {
    return cache.health("disk");
  }
}
