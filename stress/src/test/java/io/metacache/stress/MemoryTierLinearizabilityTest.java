package io.metacache.stress;

import io.metacache.memory.MemoryTier;
import io.metacache.policy.PolicyKind;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Property 4 for the memory tier's per-key operations: every concurrent history of {@code get},
 * {@code put}, {@code remove} and {@code contains} over three keys is linearizable against a
 * {@link HashMap}.
 *
 * <p>Stress mode only. Lincheck's model checker explores interleavings by switching threads at
 * the shared-memory accesses and synchronization events it sees through bytecode
 * instrumentation. The memory tier's data and its segment locks live in Chronicle Map's off-heap
 * memory: the locks are CAS loops on native addresses through {@code Unsafe}, invisible as
 * synchronization to the model checker, so it can suspend a thread holding a segment lock and
 * spin the other forever (or report a spurious obstruction), and it cannot replay an interleaving
 * deterministically because off-heap state outlives the invocation. Stress mode runs the same
 * scenarios on real threads. The model checker covers the cache's own orchestration instead, with
 * the memory tier's methods treated as atomic ({@link MetaCacheLinearizabilityTest}), and the
 * memory tier's atomicity itself is checked by jcstress ({@code MemoryTierStress}).
 *
 * <p>All invocations share one tier (a Chronicle Map per invocation would cost milliseconds and
 * off-heap memory each); every test instance draws fresh keys, so invocations never see each
 * other's entries. Large enough that nothing is evicted.
 */
class MemoryTierLinearizabilityTest {

  static final MemoryTier TIER = MemoryTier.builder()
      .maxEntries(1 << 18)
      .maxBytes(256L << 20)
      .maxEntryBytes(1024)
      .averageEntryBytes(128)
      .policy(PolicyKind.WTINYLFU)
      .persistTo(null)
      .expirySweepInterval(Duration.ZERO)
      .build();
  private static final AtomicLong NEXT_BASE = new AtomicLong(1);

  /** Operations on the tier; the instance's keys are {@code base + 0..2}. */
  @Param(name = "key", gen = IntGen.class, conf = "0:2")
  @Param(name = "version", gen = IntGen.class, conf = "1:3")
  public static class Operations {
    private final long base = NEXT_BASE.getAndAdd(4) << 8;

    @Operation
    public int get(@Param(name = "key") int key) {
      byte[] bytes = TIER.get(base + key, ~base);
      return bytes == null ? 0 : versionOf(bytes);
    }

    @Operation
    public boolean put(@Param(name = "key") int key, @Param(name = "version") int version) {
      return TIER.put(base + key, ~base, value(version));
    }

    @Operation
    public boolean remove(@Param(name = "key") int key) {
      return TIER.remove(base + key, ~base);
    }

    @Operation
    public boolean contains(@Param(name = "key") int key) {
      return TIER.contains(base + key, ~base);
    }
  }

  /** The sequential specification: a map from key to version. */
  public static class Model {
    private final Map<Integer, Integer> map = new HashMap<>();

    public int get(int key) {
      return map.getOrDefault(key, 0);
    }

    public boolean put(int key, int version) {
      map.put(key, version);
      return true;
    }

    public boolean remove(int key) {
      return map.remove(key) != null;
    }

    public boolean contains(int key) {
      return map.containsKey(key);
    }
  }

  /** {@code 40 * version} bytes, each equal to the version. */
  static byte[] value(int version) {
    byte[] bytes = new byte[40 * version];
    Arrays.fill(bytes, (byte) version);
    return bytes;
  }

  /** The version of a whole value; -1 (never a model answer) for a torn one. */
  static int versionOf(byte[] bytes) {
    int version = bytes[0];
    if (bytes.length != 40 * version) {
      return -1;
    }
    for (byte b : bytes) {
      if (b != version) {
        return -1;
      }
    }
    return version;
  }

  @Test
  void property4_threadSafety_memoryTierPerKeyOperationsAreLinearizable() {
    LincheckRuns.stress().sequentialSpecification(Model.class).check(Operations.class);
  }
}
