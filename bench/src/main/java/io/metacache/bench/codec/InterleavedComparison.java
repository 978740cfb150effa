package io.metacache.bench.codec;

import io.metacache.codec.CacheEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * A cross-check of {@code EntryCodecBenchmark} for a shared, loaded machine: every competitor and
 * operation is timed in short batches, interleaved in shuffled order round after round, so all of
 * them see the same background load; prints the median and minimum batch time per operation.
 * Not a substitute for JMH (no per-competitor fork), a guard against load drifting between
 * JMH's sequential runs. Run from the repository root:
 * {@code java @jvm.options -cp bench/target/benchmarks.jar io.metacache.bench.codec.InterleavedComparison [rounds]}
 */
public final class InterleavedComparison {
  private static final int BATCH = 2000;
  private static final String[] OPS = {"encode", "encodeToBuffer", "decode"};

  private InterleavedComparison() {}

  /** Runs the comparison; the optional argument is the number of measured rounds (default 60). */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int warmupRounds = 15;
    CodecType[] types = CodecType.values();
    CacheEntry entry = SampleEntries.entries(1, 1).get(0);
    EntrySerializer[] s = new EntrySerializer[types.length];
    byte[][] encoded = new byte[types.length][];
    for (int i = 0; i < types.length; i++) {
      s[i] = types[i].create();
      encoded[i] = s[i].encode(entry);
    }
    ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4096);
    double[][][] samples = new double[types.length][OPS.length][rounds];
    List<int[]> cells = new ArrayList<>();
    for (int i = 0; i < types.length; i++) {
      for (int op = 0; op < OPS.length; op++) {
        cells.add(new int[] {i, op});
      }
    }
    Random shuffle = new Random(1);
    long sink = 0;
    for (int round = 0; round < warmupRounds + rounds; round++) {
      Collections.shuffle(cells, shuffle);
      for (int[] cell : cells) {
        int i = cell[0];
        int op = cell[1];
        long t0 = System.nanoTime();
        for (int k = 0; k < BATCH; k++) {
          if (op == 0) {
            sink += s[i].encode(entry).length;
          } else if (op == 1) {
            sink += s[i].encode(entry, buffer);
          } else {
            sink += s[i].decode(encoded[i]) == null ? 1 : 0;
          }
        }
        double nsPerOp = (System.nanoTime() - t0) / (double) BATCH;
        if (round >= warmupRounds) {
          samples[i][op][round - warmupRounds] = nsPerOp;
        }
      }
    }
    System.out.printf("%-16s %-20s %12s %12s %8s%n", "operation", "codec", "median ns", "min ns",
        "bytes");
    for (int op = 0; op < OPS.length; op++) {
      for (int i = 0; i < types.length; i++) {
        double[] x = samples[i][op].clone();
        Arrays.sort(x);
        System.out.printf("%-16s %-20s %12.0f %12.0f %8d%n", OPS[op], types[i], x[x.length / 2],
            x[0], encoded[i].length);
      }
    }
    System.out.println("(checksum " + sink + ")");
  }
}
