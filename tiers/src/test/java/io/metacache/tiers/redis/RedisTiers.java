package io.metacache.tiers.redis;

import io.metacache.CacheConfig;
import io.metacache.spi.TierContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/** Opens Redis tiers for tests through the provider, as the cache does. */
final class RedisTiers {
  private RedisTiers() {}

  /** Opens a tier with these {@code metacache.redis.*} properties (alternating names and values). */
  static RedisTier open(String... properties) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < properties.length; i += 2) {
      map.put(properties[i], properties[i + 1]);
    }
    return (RedisTier) new RedisTierProvider().open(context(map));
  }

  static TierContext context(Map<String, String> properties) {
    try {
      return new TierContext(CacheConfig.defaults(), Files.createTempDirectory("redis-tier"),
          System::currentTimeMillis, properties::get);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A value whose bytes spell its index, to check that what comes back is what went in. */
  static byte[] value(int i, int size) {
    byte[] v = new byte[size];
    for (int j = 0; j < size; j++) {
      v[j] = (byte) (i * 31 + j);
    }
    return v;
  }
}
