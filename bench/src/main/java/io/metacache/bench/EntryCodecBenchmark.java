package io.metacache.bench;

import io.metacache.bench.codec.CodecType;
import io.metacache.bench.codec.EntrySerializer;
import io.metacache.bench.codec.SampleEntries;
import io.metacache.codec.CacheEntry;
import java.util.concurrent.TimeUnit;
import org.agrona.ExpandableDirectByteBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode and decode of one realistic entry (about 1 KB of EXIF-like and source-symbol-like
 * metadata) by this codec (raw, zstd, zstd with a trained dictionary) beside Jackson CBOR and
 * JSON of the same fields. Encoded sizes: {@code io.metacache.bench.codec.EncodedSizes}.
 *
 * <p>Run from the repository root:
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -jar bench/target/benchmarks.jar EntryCodecBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s \
 *     -rf json -rff results/focused/codec.json
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = "@jvm.options")
public class EntryCodecBenchmark {
  @Param
  CodecType codec;

  private EntrySerializer serializer;
  private CacheEntry entry;
  private byte[] encoded;
  private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4096);

  @Setup
  public void setUp() {
    serializer = codec.create();
    entry = SampleEntries.entries(1, 1).get(0);
    encoded = serializer.encode(entry);
  }

  /** Entry to a new array. */
  @Benchmark
  public byte[] encode() {
    return serializer.encode(entry);
  }

  /** Entry into a reused off-heap buffer (Jackson: to an array, then copied in). */
  @Benchmark
  public int encodeToBuffer() {
    return serializer.encode(entry, buffer);
  }

  /** Array back to an entry (Jackson: to a map). */
  @Benchmark
  public Object decode() {
    return serializer.decode(encoded);
  }
}
