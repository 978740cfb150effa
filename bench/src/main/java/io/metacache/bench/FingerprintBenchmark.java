package io.metacache.bench;

import io.metacache.key.Fingerprint;
import io.metacache.key.Fingerprinter;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.openhft.hashing.LongTupleHashFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * File fingerprints: XXH3-128 throughput on 1 MiB in memory (heap array and direct buffer, with
 * SHA-256 of the same array as the peer), and the sampled fingerprint of a large file with a warm
 * page cache beside a full XXH3-128 and a full SHA-256 of the same file.
 *
 * <p>Every operation is timed on its own ({@link Mode#SampleTime}): the median of those times is
 * what a caller sees when it has the CPU, and stays meaningful on a shared machine, where an
 * average over wall time also counts the time the thread spent descheduled. An in-memory
 * operation hashes 1 MiB, so its throughput in GB/s is {@code 1.048576 / (microseconds per op)}.
 * The file benchmarks report microseconds per file. The file (default 1 GiB, {@code fileMiB}) is
 * written with random data, not left sparse, so the page cache holds real pages, and is read once
 * before measuring.
 *
 * <p>Run from the repository root (the forks read {@code @jvm.options} relative to it):
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -jar bench/target/benchmarks.jar FingerprintBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s
 * </pre>
 * {@code results/focused/fingerprint.json} holds this benchmark and {@code StatFastPathBenchmark} from one
 * run: {@code ... benchmarks.jar 'FingerprintBenchmark|StatFastPathBenchmark' -f 1 -wi 3 -w 2s
 * -i 5 -r 2s -rf json -rff results/focused/fingerprint.json}.
 * A smoke run: {@code ... FingerprintBenchmark -p fileMiB=16 -f 1 -wi 1 -w 1s -i 1 -r 1s}.
 *
 * <p>Not final: JMH generates subclasses of benchmark and state classes.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = "@jvm.options")
public class FingerprintBenchmark {

  private static final int MEMORY_BYTES = 1 << 20;
  private static final LongTupleHashFunction XXH3 = LongTupleHashFunction.xx128();

  /** 1 MiB of random bytes, on the heap and in a direct buffer. */
  @State(Scope.Thread)
  public static class Memory {
    final byte[] heap = new byte[MEMORY_BYTES];
    final ByteBuffer direct = ByteBuffer.allocateDirect(MEMORY_BYTES);
    final long[] result = new long[2];
    MessageDigest sha256;

    @Setup(Level.Trial)
    public void fill() throws NoSuchAlgorithmException {
      new SplittableRandom(1).nextBytes(heap);
      direct.put(heap).clear();
      sha256 = MessageDigest.getInstance("SHA-256");
    }
  }

  /** A large file of random data, written once per trial and deleted after it. */
  @State(Scope.Benchmark)
  public static class BigFile {
    /** File size in MiB. */
    @Param({"1024"})
    public int fileMiB;

    Path dir;
    Path file;
    final Fingerprinter fingerprinter = new Fingerprinter();
    final long[] result = new long[2];
    final ByteBuffer readBuffer = ByteBuffer.allocate(1 << 20);
    MessageDigest sha256;

    @Setup(Level.Trial)
    public void write() throws IOException, NoSuchAlgorithmException {
      dir = Files.createTempDirectory("metacache-fingerprint-bench");
      file = dir.resolve("big.bin");
      ByteBuffer block = ByteBuffer.allocateDirect(4 << 20);
      SplittableRandom random = new SplittableRandom(42);
      try (FileChannel channel = FileChannel.open(file,
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        for (long written = 0; written < (long) fileMiB << 20; ) {
          block.clear();
          while (block.hasRemaining()) {
            block.putLong(random.nextLong());
          }
          block.flip();
          while (block.hasRemaining()) {
            written += channel.write(block);
          }
        }
      }
      sha256 = MessageDigest.getInstance("SHA-256");
      readWhole(); // warm the page cache
      Fingerprint sampled = fingerprinter.fingerprint(file);
      if (!sampled.sampled()) {
        throw new IllegalStateException("expected a sampled fingerprint for " + fileMiB + " MiB");
      }
    }

    long readWhole() throws IOException {
      long total = 0;
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        for (int n; (n = channel.read(readBuffer.clear(), total)) > 0; ) {
          total += n;
        }
      }
      return total;
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
  }

  // ---------------------------------------------------------------- in memory, 1 MiB per op

  /** XXH3-128 of a 1 MiB heap array. */
  @Benchmark
  public long xxh3HeapArray(Memory m) {
    XXH3.hashBytes(m.heap, m.result);
    return m.result[0];
  }

  /** XXH3-128 of a 1 MiB direct buffer, as the fingerprinter hashes file content. */
  @Benchmark
  public long xxh3DirectBuffer(Memory m) {
    XXH3.hashBytes(m.direct, 0, MEMORY_BYTES, m.result);
    return m.result[0];
  }

  /** Peer: JDK SHA-256 of the same 1 MiB heap array. */
  @Benchmark
  public byte[] sha256HeapArray(Memory m) {
    return m.sha256.digest(m.heap);
  }

  // ---------------------------------------------------------------- a large file, us per file

  /** The fingerprint as metacache takes it: two stats, three 64 KiB positional reads, one hash. */
  @Benchmark
  public Fingerprint sampledFingerprint(BigFile f) throws IOException {
    return f.fingerprinter.fingerprint(f.file);
  }

  /** Full XXH3-128: map the whole file, hash it in one pass, unmap. */
  @Benchmark
  public long fullXxh3(BigFile f) throws IOException {
    try (FileChannel channel = FileChannel.open(f.file, StandardOpenOption.READ)) {
      MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
      try {
        XXH3.hashBytes(mapped, 0, mapped.capacity(), f.result);
      } finally {
        Unmapper.unmap(mapped);
      }
    }
    return f.result[0];
  }

  /** Peer: JDK SHA-256 of the file, read in 1 MiB positional reads. */
  @Benchmark
  public byte[] fullSha256(BigFile f) throws IOException {
    MessageDigest digest = f.sha256;
    ByteBuffer buffer = f.readBuffer;
    try (FileChannel channel = FileChannel.open(f.file, StandardOpenOption.READ)) {
      long position = 0;
      for (int n; (n = channel.read(buffer.clear(), position)) > 0; ) {
        digest.update(buffer.array(), 0, n);
        position += n;
      }
    }
    return digest.digest();
  }

  /**
   * Unmaps a mapping at once rather than at a later GC, so that a gigabyte mapping per operation
   * does not pile up; {@code sun.misc.Unsafe.invokeCleaner} is in {@code jdk.unsupported}.
   */
  static final class Unmapper {
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
      try {
        Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
        Field field = unsafeClass.getDeclaredField("theUnsafe");
        field.setAccessible(true);
        UNSAFE = field.get(null);
        INVOKE_CLEANER = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private Unmapper() {}

    static void unmap(MappedByteBuffer buffer) {
      try {
        INVOKE_CLEANER.invoke(UNSAFE, buffer);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot unmap", e);
      }
    }
  }
}
