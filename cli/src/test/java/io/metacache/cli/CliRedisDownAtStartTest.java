package io.metacache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.testkit.RedisServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scan DIR --redis URI} with Redis down at start used to exit 1 with "cannot connect"; the
 * scan now runs on the disk and SQLite tiers, returns every file's metadata, names Redis as the
 * tier whose writes failed and exits 3 ({@link TierFailures}), and {@code health} shows Redis DOWN
 * (exit 2) until a real redis-server answers on that port, then UP (exit 0).
 */
class CliRedisDownAtStartTest {
  @TempDir Path work;

  @AfterEach
  void clearProperties() {
    // the CLI passes its options as system properties; leave none to the next test
    System.clearProperty(MetaCache.REDIS_URI_PROPERTY);
    System.clearProperty(CacheConfig.CACHE_DIR);
    System.clearProperty(MetaCache.TIERS_PROPERTY);
  }

  @Test
  void aScanRunsWithRedisDownAndHealthShowsItUntilItAnswers() throws Exception {
    Path tree = Files.createDirectories(work.resolve("tree"));
    for (int i = 0; i < 5; i++) {
      Files.writeString(tree.resolve("f" + i + ".txt"), "file " + i);
    }
    String cacheDir = work.resolve("cache").toString();
    try (RedisServerProcess redis = RedisServerProcess.launch()) {
      redis.stop();
      CliEndToEndTest.Run scan = CliEndToEndTest.cli("scan", tree.toString(), "--no-progress", "--redis", redis.uri(),
          "--cache-dir", cacheDir);
      // every file's metadata returned, and Redis named as the tier whose writes failed
      assertThat(scan.status()).as(scan.out() + scan.err()).isEqualTo(TierFailures.EXIT_STATUS);
      assertThat(scan.out()).contains("scanned 5 files").contains("5 extracted")
          .contains("tier redis failed writes").doesNotContain("tier disk failed").doesNotContain("tier sqlite failed");

      CliEndToEndTest.Run down = CliEndToEndTest.cli("health", "--json", "--redis", redis.uri(), "--cache-dir", cacheDir);
      assertThat(down.status()).as(down.out() + down.err()).isEqualTo(2);
      assertThat(down.out()).contains("\"tier\":\"redis\",\"status\":\"DOWN\"")
          .contains("\"tier\":\"disk\",\"status\":\"UP\"");

      redis.start();
      CliEndToEndTest.Run up = CliEndToEndTest.cli("health", "--json", "--redis", redis.uri(), "--cache-dir", cacheDir);
      assertThat(up.status()).as(up.out() + up.err()).isZero();
      assertThat(up.out()).contains("\"tier\":\"redis\",\"status\":\"UP\"");
    }
  }
}
