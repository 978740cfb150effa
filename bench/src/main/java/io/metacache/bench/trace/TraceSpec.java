package io.metacache.bench.trace;

import java.util.List;

/**
 * One trace of the catalog: its name, file (relative to the traces folder), format and the two
 * cache sizes it is measured at.
 */
record TraceSpec(String name, String file, TraceFormat format, int[] sizes) {

  /**
   * Every trace in {@code shared/traces}. Sizes follow the published charts where there are some
   * (OLTP 1,000 and 2,000 as on Caffeine's efficiency page) and otherwise sit where the policies
   * differ: between a tenth and a half of the trace's distinct keys, below the size at which
   * every policy holds the whole working set.
   */
  static List<TraceSpec> catalog() {
    return List.of(
        new TraceSpec("lirs/2_pools", "lirs/2_pools.trace.gz", TraceFormat.LIRS, sizes(500, 1000)),
        new TraceSpec("lirs/cpp", "lirs/cpp.trace.gz", TraceFormat.LIRS, sizes(100, 200)),
        new TraceSpec("lirs/cs", "lirs/cs.trace.gz", TraceFormat.LIRS, sizes(200, 400)),
        new TraceSpec("lirs/gli", "lirs/gli.trace.gz", TraceFormat.LIRS, sizes(500, 1000)),
        new TraceSpec("lirs/loop", "lirs/loop.trace.gz", TraceFormat.LIRS, sizes(256, 512)),
        new TraceSpec("lirs/multi1", "lirs/multi1.trace.gz", TraceFormat.LIRS, sizes(500, 1000)),
        new TraceSpec("lirs/multi2", "lirs/multi2.trace.gz", TraceFormat.LIRS, sizes(500, 1000)),
        new TraceSpec("lirs/multi3", "lirs/multi3.trace.gz", TraceFormat.LIRS, sizes(500, 1000)),
        new TraceSpec("lirs/ps", "lirs/ps.trace.gz", TraceFormat.LIRS, sizes(500, 1000)),
        new TraceSpec("lirs/scan", "lirs/scan.trace.gz", TraceFormat.LIRS, sizes(500, 1000)),
        new TraceSpec("lirs/sprite", "lirs/sprite.trace.gz", TraceFormat.LIRS, sizes(250, 500)),
        new TraceSpec("lirs/zigzag", "lirs/zigzag.trace.gz", TraceFormat.LIRS, sizes(500, 1000)),
        new TraceSpec("address/gcc", "address/gcc.trace.gz", TraceFormat.ADDRESS,
            sizes(1000, 5000)),
        new TraceSpec("cache2k/web07", "cache2k/web07.trace.xz", TraceFormat.CACHE2K,
            sizes(1000, 4000)),
        new TraceSpec("arc/OLTP", "arc/OLTP.lis.zst", TraceFormat.ARC, sizes(1000, 2000)));
  }

  private static int[] sizes(int... sizes) {
    return sizes;
  }
}
