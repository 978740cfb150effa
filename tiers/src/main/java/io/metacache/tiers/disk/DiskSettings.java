package io.metacache.tiers.disk;

import io.metacache.config.ConfigValues;
import java.util.Locale;
import java.util.function.Function;

/**
 * The disk tier's settings, read from tier properties.
 *
 * @param maxBytes the cap on the total length of entry files ({@value #MAX_BYTES})
 * @param fsync what is forced to stable storage on write ({@value #FSYNC})
 */
record DiskSettings(long maxBytes, FsyncPolicy fsync) {
  static final String MAX_BYTES = "metacache.disk.max-bytes";
  static final String FSYNC = "metacache.disk.fsync";

  static final long DEFAULT_MAX_BYTES = 1L << 30;
  static final long MIN_MAX_BYTES = 1L << 10;

  /** Reads the settings; unset properties take their defaults, bad ones are rejected. */
  static DiskSettings from(Function<String, String> property) {
    long maxBytes = DEFAULT_MAX_BYTES;
    String rawMax = property.apply(MAX_BYTES);
    if (rawMax != null) {
      maxBytes = ConfigValues.parseSize(MAX_BYTES, rawMax);
      if (maxBytes < MIN_MAX_BYTES) {
        throw ConfigValues.invalid(MAX_BYTES, rawMax, "a byte size of at least 1KiB, such as 64MiB or 1GiB");
      }
    }
    FsyncPolicy fsync = FsyncPolicy.NONE;
    String rawFsync = property.apply(FSYNC);
    if (rawFsync != null) {
      try {
        fsync = FsyncPolicy.valueOf(rawFsync.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ConfigValues.invalid(FSYNC, rawFsync, "none, file or full");
      }
    }
    return new DiskSettings(maxBytes, fsync);
  }
}
