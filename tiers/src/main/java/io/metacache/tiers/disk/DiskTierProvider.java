package io.metacache.tiers.disk;

import io.metacache.internal.StoreQuarantine;
import io.metacache.spi.Tier;
import io.metacache.spi.TierContext;
import io.metacache.spi.TierProvider;

/**
 * Opens the disk tier, named {@code disk}, in {@link TierContext#directory()}. Settings:
 * {@code metacache.disk.max-bytes} (a byte size of at least 1KiB; default 1GiB) and
 * {@code metacache.disk.fsync} ({@code none} (default), {@code file} or {@code full}).
 */
public final class DiskTierProvider implements TierProvider {

  /** For {@link java.util.ServiceLoader}. */
  public DiskTierProvider() {}

  @Override
  public String name() {
    return DiskTier.NAME;
  }

  @Override
  public Tier open(TierContext context) {
    DiskSettings settings = DiskSettings.from(context.property());
    return DiskTier.open(context.directory(), settings, context.clockMillis(),
        StoreQuarantine.keep(context.property()));
  }
}
