package io.metacache.counters;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The processes using a cache directory, as one read found them.
 *
 * @param live caches whose owners hold their lock, in file name order (pid, then instance id)
 * @param dead caches whose owners died without closing, with their last figures (their files
 *     were deleted by this read if it reaped)
 */
public record ProcessTable(List<ProcessRow> live, List<ProcessRow> dead) {

  /** Copies the lists. */
  public ProcessTable {
    live = List.copyOf(live);
    dead = List.copyOf(dead);
  }

  /** Live rows of other JVMs (the reading JVM's own caches left out). */
  public List<ProcessRow> others() {
    return live.stream().filter(r -> !r.self()).collect(Collectors.toList());
  }

  /** The sum over {@code rows} (see {@link ProcessFigures#sum}). */
  public static ProcessFigures total(List<ProcessRow> rows) {
    return ProcessFigures.sum(rows.stream().map(ProcessRow::figures).collect(Collectors.toList()));
  }
}
