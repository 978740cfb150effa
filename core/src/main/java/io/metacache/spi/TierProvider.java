package io.metacache.spi;

/**
 * Opens a tier by name. Register implementations in
 * {@code META-INF/services/io.metacache.spi.TierProvider}.
 */
public interface TierProvider {

  /** The name this provider answers to in {@code metacache.tiers} ({@code redis}, {@code disk}, {@code sqlite}). */
  String name();

  /**
   * Opens the tier. Bad tier-specific settings are an {@link IllegalArgumentException} naming the
   * property, the value and what is accepted.
   *
   * @throws TierException if the tier cannot be opened now
   */
  Tier open(TierContext context);

  /**
   * Whether the tiers this provider opens implement {@link InvalidationBroadcaster}. A tier that is
   * down when the cache opens is joined later; until then the cache holds a stand-in, which must
   * say before the tier exists whether it will broadcast (the cache uses the first broadcaster).
   */
  default boolean broadcastsInvalidations() {
    return false;
  }
}
