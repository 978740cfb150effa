package io.metacache;

import io.metacache.internal.PrivateFiles;
import io.metacache.internal.StoreQuarantine;
import io.metacache.internal.UnsafeDirectoryException;
import io.metacache.spi.Tier;
import io.metacache.spi.TierContext;
import io.metacache.spi.TierException;
import io.metacache.spi.TierProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens one lower tier by name for {@link MetaCache.Builder}: its directory, private and checked
 * ({@link PrivateFiles}), then the provider. A tier that cannot be opened now (Redis down, a
 * directory that cannot be created or opened) does not stop the cache unless it is listed in
 * {@value #REQUIRED_PROPERTY}: the cache opens with a {@link LateTier} in its place, which shows
 * DOWN in health and opens the real tier in the background once it answers.
 *
 * <p>What is never deferred: bad settings ({@code IllegalArgumentException} naming the property)
 * and a cache directory that others can write ({@link UnsafeDirectoryException}); they are
 * mistakes to fix, not faults to ride out.
 */
final class TierOpening {
  private static final Logger LOG = LoggerFactory.getLogger(TierOpening.class);

  /**
   * Lower tiers that must open at start or the cache fails to open: tier names separated by
   * commas, {@code all}, or {@code none} (the default).
   */
  static final String REQUIRED_PROPERTY = "metacache.tiers.required";

  private TierOpening() {}

  /**
   * Opens the tier of {@code provider}, or a stand-in that joins it later.
   *
   * @throws IOException if the cache directory cannot be created and the tier is required
   * @throws TierException if the tier cannot be opened and is required
   */
  static Tier open(TierProvider provider, CacheConfig config, LongSupplier clock, Function<String, String> properties,
      Collection<String> known) throws IOException {
    StoreQuarantine.keep(properties); // validated at start, not at the first corrupt store
    boolean required = required(properties, known).contains(provider.name());
    Path dir = config.cacheDirectory().resolve(provider.name());
    TierContext context = new TierContext(config, dir, clock, properties);
    try {
      return openNow(provider, context);
    } catch (TierException | IOException | UncheckedIOException e) {
      if (required) {
        throw e;
      }
      String reason = e instanceof TierException ? e.getMessage() : e.toString();
      LOG.warn("tier {} is down at start ({}); the cache opens without it and joins it when it answers"
          + " (list it in {} to fail instead)", provider.name(), reason, REQUIRED_PROPERTY);
      return provider.broadcastsInvalidations()
          ? new LateTier.Broadcasting(provider.name(), () -> openNow(provider, context), reason)
          : new LateTier(provider.name(), () -> openNow(provider, context), reason);
    }
  }

  private static Tier openNow(TierProvider provider, TierContext context) throws IOException {
    PrivateFiles.directory(context.config().cacheDirectory());
    PrivateFiles.subdirectory(context.directory());
    return provider.open(context);
  }

  /**
   * {@value #REQUIRED_PROPERTY}: the names listed, every known name for {@code all}, none for
   * {@code none} or unset.
   *
   * @throws IllegalArgumentException naming the property, the value and what is accepted
   */
  static Set<String> required(Function<String, String> properties, Collection<String> known) {
    String raw = properties.apply(REQUIRED_PROPERTY);
    if (raw == null || raw.isBlank() || raw.trim().equalsIgnoreCase("none")) {
      return Set.of();
    }
    if (raw.trim().equalsIgnoreCase("all")) {
      return Set.copyOf(known);
    }
    Set<String> names = new LinkedHashSet<>();
    for (String part : raw.split(",")) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      if (!known.contains(name)) {
        throw new IllegalArgumentException("Invalid value for " + REQUIRED_PROPERTY + ": '" + raw + "'; '" + name
            + "' is not a lower tier; expected names from " + known + " separated by commas, all, or none");
      }
      names.add(name);
    }
    return names;
  }

  /** Opens a tier; what {@link LateTier} calls until it succeeds. */
  @FunctionalInterface
  interface Opener {
    Tier open() throws IOException;
  }
}
