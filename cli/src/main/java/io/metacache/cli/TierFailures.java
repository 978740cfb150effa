package io.metacache.cli;

import io.metacache.MetaCache;
import io.metacache.writebehind.TierWriteStats;
import io.metacache.writebehind.WriteBehindStats;
import java.util.ArrayList;
import java.util.List;

/**
 * What a command says about lower tiers that failed writes while it ran: one line per tier, with
 * how many write batches failed, how many writes were dropped or still wait, and the first reason.
 * A command that returned every file's metadata while a tier failed exits with
 * {@value #EXIT_STATUS}.
 */
final class TierFailures {
  /** Exit status of a command that did all its work while a tier failed writes. */
  static final int EXIT_STATUS = 3;

  private TierFailures() {}

  /** One line per tier that failed writes, or none. Call after {@code flush()}. */
  static List<String> describe(MetaCache cache) {
    List<String> lines = new ArrayList<>();
    WriteBehindStats stats = cache.writeBehindStats().orElse(null);
    if (stats == null) {
      return lines;
    }
    for (TierWriteStats t : stats.tiers()) {
      if (t.failures() == 0 && t.drops() == 0) {
        continue;
      }
      StringBuilder line = new StringBuilder("tier ").append(t.tier()).append(" failed writes: ")
          .append(t.failures()).append(" failed write batch(es)");
      if (t.drops() > 0) {
        line.append(", ").append(t.drops()).append(" write(s) dropped");
      }
      if (t.backlog() > 0) {
        line.append(", ").append(t.backlog()).append(" write(s) still waiting");
      }
      String first = t.firstError() == null ? t.lastError() : t.firstError();
      if (first != null) {
        line.append("; first: ").append(oneLine(first));
      }
      lines.add(line.toString());
    }
    return lines;
  }

  static String oneLine(String text) {
    String flat = text.replaceAll("\\s+", " ").strip();
    return flat.length() > 300 ? flat.substring(0, 297) + "..." : flat;
  }
}
