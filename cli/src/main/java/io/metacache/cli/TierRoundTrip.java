package io.metacache.cli;

import io.metacache.MetaCache;
import java.time.Duration;

/** A write and a delete through every tier, so a fresh process has health and latency to report. */
final class TierRoundTrip {
  private TierRoundTrip() {}

  static void run(MetaCache cache, String command) {
    String probe = "cli:" + command + ":" + ProcessHandle.current().pid();
    cache.keyValue().set(probe, System.currentTimeMillis(), Duration.ofMinutes(1));
    cache.flush();
    cache.keyValue().delete(probe);
    cache.flush();
  }
}
