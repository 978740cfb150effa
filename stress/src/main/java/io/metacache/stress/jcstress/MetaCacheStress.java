package io.metacache.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.codec.EntryCodec;
import io.metacache.key.CacheKey;
import io.metacache.key.Fingerprinter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The cache facade with a lower tier behind its write-behind pipeline: concurrent writers of one
 * key, through {@code put} or {@code keyValue().set}, leave the memory tier and the lower tier
 * holding the same entry, the last one written. Each state uses a fresh key (a profile of its own
 * on one shared file, or a fresh key/value name) on one cache per fork.
 *
 * <p>Outcomes: the value the cache answers once the pipeline is flushed (served by the memory
 * tier), then the value the lower tier holds; 2 and 3 name the two writers, 0 a miss.
 */
public final class MetaCacheStress {

  private MetaCacheStress() {}

  /** One cache per fork: memory tier plus an in-memory lower tier. */
  static final class Shared {
    static final InMemoryTier TIER = new InMemoryTier();
    static final Path FILE;
    static final MetaCache CACHE;
    static final long FINGERPRINT_HIGH;
    static final long FINGERPRINT_LOW;
    static final EntryCodec CODEC = new EntryCodec();
    static final AtomicLong NEXT = new AtomicLong();

    static {
      try {
        Path dir = Files.createTempDirectory("metacache-jcstress-cache-");
        FILE = Files.writeString(dir.resolve("file.txt"), "one file, many profiles");
        var fp = new Fingerprinter().fingerprint(FILE);
        FINGERPRINT_HIGH = fp.high();
        FINGERPRINT_LOW = fp.low();
        CacheConfig config = CacheConfig.builder()
            .cacheDirectory(dir.resolve("cache"))
            .memoryMaxEntries(1 << 16)
            .memoryMaxBytes(128L << 20)
            .timestampGranularity(Duration.ZERO) // the file never changes
            .ttl(Duration.ZERO)
            .build();
        CACHE = MetaCache.builder().config(config).properties(name -> null).memoryOnly().tier(TIER).build();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private Shared() {}
  }

  /** A fresh profile, hence a fresh key, per state. */
  @State
  public static class FreshKey {
    final String profile = "s" + Shared.NEXT.incrementAndGet();

    void put(int version) {
      try {
        Shared.CACHE.put(Shared.FILE, profile, Map.of("v", (long) version));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void judge(II_Result r) {
      try {
        Shared.CACHE.flush();
        r.r1 = Shared.CACHE.get(Shared.FILE, profile).map(m -> ((Long) m.get("v")).intValue()).orElse(0);
        CacheKey key = CacheKey.of(new io.metacache.key.Fingerprint(Shared.FINGERPRINT_HIGH, Shared.FINGERPRINT_LOW), profile,
            io.metacache.key.KeyScope.FILE, Shared.FILE.toAbsolutePath().normalize());
        byte[] stored = Shared.TIER.get(key.high(), key.low());
        r.r2 = stored == null ? 0 : ((Long) Shared.CODEC.decode(stored).metadata().get("v")).intValue();
        Shared.CACHE.invalidate(Shared.FILE, profile);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A fresh key/value key per state. */
  @State
  public static class FreshName {
    final String name = "kv-race-" + Shared.NEXT.incrementAndGet();

    void set(int version) {
      Shared.CACHE.keyValue().set(name, (long) version, Duration.ZERO);
    }

    void judge(II_Result r) {
      Shared.CACHE.flush();
      r.r1 = Shared.CACHE.keyValue().get(name, Long.class).map(Long::intValue).orElse(0);
      CacheKey key = CacheKey.ofName(name);
      byte[] stored = Shared.TIER.get(key.high(), key.low());
      r.r2 = stored == null ? 0 : ((Long) Shared.CODEC.decode(stored).metadata().get("value")).intValue();
      Shared.CACHE.keyValue().delete(name);
    }
  }

  /** Two puts of one key: the memory tier and the lower tier end with the same entry. */
  @JCStressTest
  @State
  @Outcome(id = "2, 2", expect = ACCEPTABLE, desc = "writer 2 was last; both tiers hold its entry")
  @Outcome(id = "3, 3", expect = ACCEPTABLE, desc = "writer 3 was last; both tiers hold its entry")
  @Outcome(id = {"2, 3", "3, 2"}, expect = FORBIDDEN, desc = "memory and the lower tier hold different writes")
  @Outcome(expect = FORBIDDEN, desc = "a write was lost")
  public static class PutRacingPut extends FreshKey {
    @Actor
    public void writer2() {
      put(2);
    }

    @Actor
    public void writer3() {
      put(3);
    }

    @Arbiter
    public void tiers(II_Result r) {
      judge(r);
    }
  }

  /**
   * Two {@code keyValue().set} calls on one key: the memory tier and the lower tier end with the
   * same value. The key/value store path must publish to the pipeline under the stripe's monitor,
   * as a file put does; published after leaving it, the second writer to reach memory can reach
   * the ring first, and memory keeps one value while the lower tier keeps the other.
   */
  @JCStressTest
  @State
  @Outcome(id = "2, 2", expect = ACCEPTABLE, desc = "writer 2 was last; both tiers hold its value")
  @Outcome(id = "3, 3", expect = ACCEPTABLE, desc = "writer 3 was last; both tiers hold its value")
  @Outcome(id = {"2, 3", "3, 2"}, expect = FORBIDDEN, desc = "memory and the lower tier hold different writes")
  @Outcome(expect = FORBIDDEN, desc = "a write was lost")
  public static class KeyValueSetRacingSet extends FreshName {
    @Actor
    public void writer2() {
      set(2);
    }

    @Actor
    public void writer3() {
      set(3);
    }

    @Arbiter
    public void tiers(II_Result r) {
      judge(r);
    }
  }
}
