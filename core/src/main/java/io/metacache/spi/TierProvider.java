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
}
