package io.metacache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.cli.CliEndToEndTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan whose disk tier fails every write (its shard directories are files: a damaged store that
 * opens but cannot be written) still returns every file's metadata, names the tier in its summary
 * with the failed batches and the first reason, exits {@value TierFailures#EXIT_STATUS}, and
 * {@code health --json} shows the tier's failed writes.
 */
class ScanTierFailureTest {
  @TempDir Path work;

  @Test
  void aTierThatFailsWritesIsNamedInTheSummaryAndTheScanExits3() throws Exception {
    Path src = Files.createDirectories(work.resolve("src"));
    for (int i = 0; i < 40; i++) {
      Files.writeString(src.resolve("file" + i + ".txt"), "content of file " + i + "\n");
    }
    Path cache = work.resolve("cache");
    Path disk = Files.createDirectories(cache.resolve("disk"));
    for (int shard = 0; shard < 256; shard++) {
      Files.writeString(disk.resolve(String.format("%02x", shard)), "not a directory");
    }
    // the writes that never land are given up at close after this, not the default 30 s
    String closeTimeout = "metacache.writebehind.close-timeout";
    System.setProperty(closeTimeout, "1s");
    Run scan;
    Run health;
    try {
      scan = CliEndToEndTest.cli("scan", src.toString(), "--no-progress", "--tiers", "disk",
          "--cache-dir", cache.toString());
      health = CliEndToEndTest.cli("health", "--json", "--tiers", "disk", "--cache-dir", cache.toString());
    } finally {
      System.clearProperty(closeTimeout);
    }
    assertThat(scan.out()).as(scan.err()).contains("scanned 40 files").contains("0 unreadable")
        .containsPattern("tier disk failed writes: [1-9][0-9]* failed write batch\\(es\\).*; first: .+");
    assertThat(scan.status()).isEqualTo(TierFailures.EXIT_STATUS);
    assertThat(health.out()).as(health.err()).containsPattern(
        "\"tier\":\"disk\",\"status\":\"(DEGRADED|DOWN)\"[^}]*\"writeFailures\":[1-9]");
  }

  @Test
  void aScanWhoseTiersAllWriteExits0AndNamesNoTier() throws Exception {
    Path src = Files.createDirectories(work.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "a");
    Run scan = CliEndToEndTest.cli("scan", src.toString(), "--no-progress", "--tiers", "disk",
        "--cache-dir", work.resolve("cache").toString());
    assertThat(scan.out()).as(scan.err()).doesNotContain("failed writes");
    assertThat(scan.status()).isZero();
  }
}
