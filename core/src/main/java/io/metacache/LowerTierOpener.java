package io.metacache;

import io.metacache.spi.Tier;
import io.metacache.spi.TierContext;
import io.metacache.spi.TierProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Opens a cache's lower tiers by name through the {@link TierProvider}s {@link ServiceLoader}
 * finds, each in its own folder of the cache directory, and reads which tiers to open from
 * {@value MetaCache#TIERS_PROPERTY} and {@value MetaCache#REDIS_URI_PROPERTY}.
 */
final class LowerTierOpener {
  private LowerTierOpener() {}

  /** The lower tiers the properties name, in lookup order; {@link MetaCache#DEFAULT_LOWER_TIERS} when unset. */
  static List<String> namesFromProperties(Function<String, String> properties) {
    String value = properties.apply(MetaCache.TIERS_PROPERTY);
    if (value == null || value.isBlank()) {
      String redis = properties.apply(MetaCache.REDIS_URI_PROPERTY);
      if (redis != null && !redis.isBlank()) {
        List<String> withRedis = new ArrayList<>();
        withRedis.add("redis");
        withRedis.addAll(MetaCache.DEFAULT_LOWER_TIERS);
        return withRedis;
      }
      return MetaCache.DEFAULT_LOWER_TIERS;
    }
    if (value.trim().equalsIgnoreCase("none")) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String part : value.split(",")) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty() || names.contains(name) || name.equals(MetaCache.MEMORY)) {
        throw new IllegalArgumentException("Invalid value for " + MetaCache.TIERS_PROPERTY + ": '" + value
            + "'; expected distinct lower-tier names separated by commas (memory is always first), or none");
      }
      names.add(name);
    }
    return names;
  }

  /**
   * Opens the named tiers into {@code opened}, in order, creating each one's folder; the caller
   * closes what {@code opened} holds if this throws.
   */
  static void open(List<String> names, CacheConfig config, LongSupplier clock, Function<String, String> properties,
      List<Tier> opened) {
    if (names.isEmpty()) {
      return;
    }
    Map<String, TierProvider> providers = providers();
    for (String name : names) {
      TierProvider provider = providers.get(name);
      if (provider == null) {
        throw new IllegalArgumentException("Invalid value for " + MetaCache.TIERS_PROPERTY + ": '"
            + String.join(",", names) + "'; unknown tier '" + name + "', expected names from " + providers.keySet()
            + " or none");
      }
      try {
        opened.add(TierOpening.open(provider, config, clock, properties, providers.keySet()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the " + name + " tier under " + config.cacheDirectory(), e);
      }
    }
  }

  private static Map<String, TierProvider> providers() {
    Map<String, TierProvider> providers = new LinkedHashMap<>();
    for (TierProvider provider : ServiceLoader.load(TierProvider.class, MetaCache.class.getClassLoader())) {
      providers.putIfAbsent(provider.name(), provider);
    }
    return providers;
  }

  /** Closes each tier, ignoring failures: the caller is already reporting the exception that matters. */
  static void closeAll(List<Tier> tiers) {
    for (Tier tier : tiers) {
      try {
        tier.close();
      } catch (RuntimeException ignored) {
        // already failing: the original exception is the one to report
      }
    }
  }
}
