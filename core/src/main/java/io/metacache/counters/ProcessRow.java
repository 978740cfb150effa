package io.metacache.counters;

import java.nio.file.Path;

/**
 * One cache's row in a counters directory, as a reader found it.
 *
 * @param pid the owner's process id
 * @param instanceId the owning cache's random id (one process may have several caches open)
 * @param label the owner's command line or {@code metacache.stats.label}
 * @param startedAtMillis when the owner opened its cache, epoch ms
 * @param heartbeatAtMillis when the owner last published, epoch ms
 * @param intervalMillis how often the owner publishes
 * @param publications how many snapshots the owner has published
 * @param self whether the owner is a cache of the reading JVM
 * @param file the counters file
 * @param figures the last published figures
 */
public record ProcessRow(
    long pid,
    long instanceId,
    String label,
    long startedAtMillis,
    long heartbeatAtMillis,
    int intervalMillis,
    long publications,
    boolean self,
    Path file,
    ProcessFigures figures) {

  /** Milliseconds since the last publication at {@code nowMillis}, 0 if the clocks disagree. */
  public long heartbeatAgeMillis(long nowMillis) {
    return Math.max(0, nowMillis - heartbeatAtMillis);
  }
}
