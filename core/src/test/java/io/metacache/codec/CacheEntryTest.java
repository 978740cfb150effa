package io.metacache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class CacheEntryTest {
  private final CacheEntry base = CacheEntry.builder().path("/p").profile("basic")
      .metadata(Map.of("thumb", new byte[] {1, 2, 3}, "n", 1)).cachedAtMillis(1000).build();

  @Test
  void equalityComparesByteArraysByContent() {
    CacheEntry same = base.toBuilder().metadata(Map.of("thumb", new byte[] {1, 2, 3}, "n", 1L)).build();
    assertThat(same).isEqualTo(base).hasSameHashCodeAs(base);
    CacheEntry other = base.toBuilder().metadata(Map.of("thumb", new byte[] {1, 2, 4}, "n", 1L)).build();
    assertThat(other).isNotEqualTo(base);
  }

  @Test
  void everyFieldTakesPartInEquality() {
    List<CacheEntry> variants = List.of(
        base.toBuilder().path("/q").build(),
        base.toBuilder().profile("full").build(),
        base.toBuilder().fingerprint(1, 0).build(),
        base.toBuilder().fingerprint(0, 1).build(),
        base.toBuilder().size(1).build(),
        base.toBuilder().mtimeNanos(1).build(),
        base.toBuilder().metadata(Map.of()).build(),
        base.toBuilder().extractionTimeNanos(1).build(),
        base.toBuilder().cachedAtMillis(1).build(),
        base.withExpiresAt(5),
        base.toBuilder().accessCount(1).build(),
        base.toBuilder().lastAccessMillis(1).build(),
        base.withCompressionRatio(0.5f));
    for (CacheEntry v : variants) {
      assertThat(v).isNotEqualTo(base);
    }
  }

  @Test
  void expiryAndAccess() {
    assertThat(base.isExpired(Long.MAX_VALUE)).isFalse();
    CacheEntry e = base.withExpiresAt(2000);
    assertThat(e.isExpired(1999)).isFalse();
    assertThat(e.isExpired(2000)).isTrue();
    CacheEntry touched = e.withAccess(1500).withAccess(1600);
    assertThat(touched.accessCount()).isEqualTo(2);
    assertThat(touched.lastAccessMillis()).isEqualTo(1600);
    assertThat(e.matchesFile(0, 0)).isTrue();
    assertThat(e.matchesFile(1, 0)).isFalse();

    byte[] encoded = new EntryCodec().encode(e);
    assertThat(EntryCodec.isExpired(new UnsafeBuffer(encoded), 0, 2000)).isTrue();
    assertThat(EntryCodec.isExpired(new UnsafeBuffer(encoded), 0, 1999)).isFalse();
  }

  @Test
  void builderRefusesMissingAndNegativeFields() {
    assertThatThrownBy(() -> CacheEntry.builder().profile("p").build()).hasMessageContaining("path");
    assertThatThrownBy(() -> CacheEntry.builder().path("/p").build()).hasMessageContaining("profile");
    assertThatThrownBy(() -> CacheEntry.builder().path("")).hasMessageContaining("path");
    assertThatThrownBy(() -> CacheEntry.builder().size(-1)).hasMessageContaining("size");
    assertThatThrownBy(() -> CacheEntry.builder().expiresAtMillis(-1)).hasMessageContaining("expiresAtMillis");
    assertThatThrownBy(() -> CacheEntry.builder().compressionRatio(Float.NaN))
        .hasMessageContaining("compressionRatio");
    assertThatThrownBy(() -> CacheEntry.builder().metadata(null)).hasMessageContaining("metadata");
  }

  @Test
  void oneCodecIsSafeAcrossThreads() throws Exception {
    byte[] dict = DictionaryTrainer.train(MetadataArbitraries.realisticEntries(200, 5), 4096);
    EntryCodec codec = new EntryCodec(CodecOptions.builder().dictionary(dict).build());
    List<CacheEntry> entries = MetadataArbitraries.realisticEntries(64, 6);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          for (int round = 0; round < 50; round++) {
            for (CacheEntry e : entries) {
              byte[] b = codec.encode(e);
              if (!codec.decode(b).equals(e.withCompressionRatio(EntryBytes.ratio(b)))) {
                return false;
              }
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
