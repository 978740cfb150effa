package io.metacache.tiers.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.CacheConfig;
import io.metacache.spi.Tier;
import io.metacache.spi.TierContext;
import io.metacache.spi.TierOperation;
import io.metacache.spi.TierProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskTierProviderTest {
  @TempDir Path dir;

  private TierContext context(Map<String, String> properties) {
    return new TierContext(CacheConfig.defaults(), dir.resolve("disk"), System::currentTimeMillis, properties::get);
  }

  private static TierProvider disk() {
    return ServiceLoader.load(TierProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("disk"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void serviceLoaderFindsTheProviderByName() {
    TierProvider provider = disk();
    assertThat(provider).isInstanceOf(DiskTierProvider.class);
    try (Tier tier = provider.open(context(Map.of()))) {
      assertThat(tier.name()).isEqualTo("disk");
      tier.apply(List.of(TierOperation.put(1, 2, new byte[] {4, 5}, 0)));
      assertThat(tier.get(1, 2)).containsExactly(4, 5);
      assertThat(((DiskTier) tier).stats().maxBytes()).isEqualTo(1L << 30);
      assertThat(tier.toString()).contains("fsync=NONE"); // a cache: no fsync per entry unless asked
    }
  }

  @Test
  void settingsAreRead() {
    try (Tier tier = disk().open(context(Map.of("metacache.disk.max-bytes", "64KiB", "metacache.disk.fsync", "Full")))) {
      assertThat(((DiskTier) tier).stats().maxBytes()).isEqualTo(64L << 10);
      assertThat(tier.toString()).contains("fsync=FULL");
    }
  }

  @Test
  void badMaxBytesNamesPropertyValueAndWhatIsAccepted() {
    assertThatThrownBy(() -> disk().open(context(Map.of("metacache.disk.max-bytes", "lots"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metacache.disk.max-bytes")
        .hasMessageContaining("'lots'")
        .hasMessageContaining("expected");
    assertThatThrownBy(() -> disk().open(context(Map.of("metacache.disk.max-bytes", "100"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metacache.disk.max-bytes")
        .hasMessageContaining("'100'")
        .hasMessageContaining("at least 1KiB");
  }

  @Test
  void badFsyncNamesPropertyValueAndWhatIsAccepted() {
    assertThatThrownBy(() -> disk().open(context(Map.of("metacache.disk.fsync", "always"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metacache.disk.fsync")
        .hasMessageContaining("'always'")
        .hasMessageContaining("none, file or full");
  }
}
