package io.metacache.codec;

import io.metacache.key.KeyScope;
import java.util.Collections;
import java.util.Map;

/**
 * One cached extraction result: which file (path, fingerprint, size, mtime), under which
 * extraction profile, the metadata extracted, and bookkeeping (timings, expiry, access, storage).
 *
 * <p>The {@link #scope()} says which files the entry is shared by and how it is checked against
 * a file ({@link KeyScope}); {@link #pathFieldBits()} names the metadata fields that are not
 * stored but recomputed for each file at lookup ({@code io.metacache.PathField}). For an entry
 * shared by several files, path, size and mtime are those of the file it was extracted from.
 *
 * <p>Immutable. Metadata is an unmodifiable deep copy checked by {@link MetadataValidator};
 * {@code byte[]} values inside it are shared with every reader and must not be modified.
 * Equality covers every field, comparing metadata with {@link MetadataEquality}.
 */
public final class CacheEntry {
  /** Every path-field bit defined (six fields). */
  static final int MAX_PATH_FIELD_BITS = 0x3F;
  private final String path;
  private final long fingerprintHigh;
  private final long fingerprintLow;
  private final long size;
  private final long mtimeNanos;
  private final Map<String, Object> metadata;
  private final String profile;
  private final long extractionTimeNanos;
  private final long cachedAtMillis;
  private final long expiresAtMillis;
  private final long accessCount;
  private final long lastAccessMillis;
  private final float compressionRatio;
  private final KeyScope scope;
  private final int pathFieldBits;

  private CacheEntry(Builder b, Map<String, Object> checkedMetadata) {
    this.path = b.path;
    this.fingerprintHigh = b.fingerprintHigh;
    this.fingerprintLow = b.fingerprintLow;
    this.size = b.size;
    this.mtimeNanos = b.mtimeNanos;
    this.metadata = checkedMetadata;
    this.profile = b.profile;
    this.extractionTimeNanos = b.extractionTimeNanos;
    this.cachedAtMillis = b.cachedAtMillis;
    this.expiresAtMillis = b.expiresAtMillis;
    this.accessCount = b.accessCount;
    this.lastAccessMillis = b.lastAccessMillis;
    this.compressionRatio = b.compressionRatio;
    this.scope = b.scope;
    this.pathFieldBits = b.pathFieldBits;
  }

  /** A builder with every field unset (metadata empty, compression ratio 1.0). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this entry's fields. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The file path as the caller named it. */
  public String path() {
    return path;
  }

  /** High 64 bits of the 128-bit content fingerprint. */
  public long fingerprintHigh() {
    return fingerprintHigh;
  }

  /** Low 64 bits of the 128-bit content fingerprint. */
  public long fingerprintLow() {
    return fingerprintLow;
  }

  /** File size in bytes when extracted. */
  public long size() {
    return size;
  }

  /** File modification time in nanoseconds since the epoch when extracted. */
  public long mtimeNanos() {
    return mtimeNanos;
  }

  /** The extracted metadata: unmodifiable, JSON-like, in insertion order. */
  public Map<String, Object> metadata() {
    return metadata;
  }

  /** The extraction profile (e.g. {@code basic}, {@code full}). */
  public String profile() {
    return profile;
  }

  /** Nanoseconds the extraction took. */
  public long extractionTimeNanos() {
    return extractionTimeNanos;
  }

  /** When the entry was cached, milliseconds since the epoch. */
  public long cachedAtMillis() {
    return cachedAtMillis;
  }

  /** When the entry expires, milliseconds since the epoch; 0 means never. */
  public long expiresAtMillis() {
    return expiresAtMillis;
  }

  /** Reads recorded so far. */
  public long accessCount() {
    return accessCount;
  }

  /** Last read, milliseconds since the epoch; 0 if never read. */
  public long lastAccessMillis() {
    return lastAccessMillis;
  }

  /** Stored body length / raw body length of the last encoding; 1.0 when stored raw. */
  public float compressionRatio() {
    return compressionRatio;
  }

  /** Which files share this entry and how it is checked; {@link KeyScope#FILE} unless set. */
  public KeyScope scope() {
    return scope;
  }

  /**
   * Bits of the path fields ({@code io.metacache.PathField#bit()}) recomputed per file at lookup
   * and not held in {@link #metadata()}; 0 for an entry of scope {@link KeyScope#FILE}.
   */
  public int pathFieldBits() {
    return pathFieldBits;
  }

  /** True if the entry has an expiry and {@code nowMillis} has reached it. */
  public boolean isExpired(long nowMillis) {
    return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
  }

  /** True if the file still has the size and mtime this entry was extracted from. */
  public boolean matchesFile(long currentSize, long currentMtimeNanos) {
    return size == currentSize && mtimeNanos == currentMtimeNanos;
  }

  /** This entry with another expiry (0 = never). */
  public CacheEntry withExpiresAt(long newExpiresAtMillis) {
    return toBuilder().expiresAtMillis(newExpiresAtMillis).build();
  }

  /** This entry with one more access recorded at {@code nowMillis}. */
  public CacheEntry withAccess(long nowMillis) {
    return toBuilder().accessCount(accessCount + 1).lastAccessMillis(nowMillis).build();
  }

  /** This entry with another compression ratio. */
  public CacheEntry withCompressionRatio(float ratio) {
    return toBuilder().compressionRatio(ratio).build();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CacheEntry)) {
      return false;
    }
    CacheEntry e = (CacheEntry) o;
    return fingerprintHigh == e.fingerprintHigh
        && fingerprintLow == e.fingerprintLow
        && size == e.size
        && mtimeNanos == e.mtimeNanos
        && extractionTimeNanos == e.extractionTimeNanos
        && cachedAtMillis == e.cachedAtMillis
        && expiresAtMillis == e.expiresAtMillis
        && accessCount == e.accessCount
        && lastAccessMillis == e.lastAccessMillis
        && Float.floatToIntBits(compressionRatio) == Float.floatToIntBits(e.compressionRatio)
        && scope == e.scope
        && pathFieldBits == e.pathFieldBits
        && path.equals(e.path)
        && profile.equals(e.profile)
        && MetadataEquality.equals(metadata, e.metadata);
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(fingerprintHigh);
    h = 31 * h + Long.hashCode(fingerprintLow);
    h = 31 * h + Long.hashCode(size);
    h = 31 * h + Long.hashCode(mtimeNanos);
    h = 31 * h + Long.hashCode(extractionTimeNanos);
    h = 31 * h + Long.hashCode(cachedAtMillis);
    h = 31 * h + Long.hashCode(expiresAtMillis);
    h = 31 * h + Long.hashCode(accessCount);
    h = 31 * h + Long.hashCode(lastAccessMillis);
    h = 31 * h + Float.floatToIntBits(compressionRatio);
    h = 31 * h + scope.hashCode();
    h = 31 * h + pathFieldBits;
    h = 31 * h + path.hashCode();
    h = 31 * h + profile.hashCode();
    return 31 * h + MetadataEquality.hashCode(metadata);
  }

  @Override
  public String toString() {
    return "CacheEntry{path=" + path + ", profile=" + profile
        + ", fingerprint=" + String.format("%016x%016x", fingerprintHigh, fingerprintLow)
        + ", size=" + size + ", mtimeNanos=" + mtimeNanos
        + ", metadataKeys=" + metadata.keySet()
        + ", extractionTimeNanos=" + extractionTimeNanos + ", cachedAtMillis=" + cachedAtMillis
        + ", expiresAtMillis=" + expiresAtMillis + ", accessCount=" + accessCount
        + ", lastAccessMillis=" + lastAccessMillis + ", compressionRatio=" + compressionRatio
        + ", scope=" + scope + ", pathFieldBits=" + pathFieldBits + '}';
  }

  /** Builds a {@link CacheEntry}; each setter checks its argument. Not thread-safe. */
  public static final class Builder {
    private String path;
    private long fingerprintHigh;
    private long fingerprintLow;
    private long size;
    private long mtimeNanos;
    private Map<?, ?> metadata = Collections.emptyMap();
    private boolean metadataChecked = true;
    private String profile;
    private long extractionTimeNanos;
    private long cachedAtMillis;
    private long expiresAtMillis;
    private long accessCount;
    private long lastAccessMillis;
    private float compressionRatio = 1.0f;
    private KeyScope scope = KeyScope.FILE;
    private int pathFieldBits;

    private Builder() {}

    private Builder(CacheEntry e) {
      path = e.path;
      fingerprintHigh = e.fingerprintHigh;
      fingerprintLow = e.fingerprintLow;
      size = e.size;
      mtimeNanos = e.mtimeNanos;
      metadata = e.metadata;
      profile = e.profile;
      extractionTimeNanos = e.extractionTimeNanos;
      cachedAtMillis = e.cachedAtMillis;
      expiresAtMillis = e.expiresAtMillis;
      accessCount = e.accessCount;
      lastAccessMillis = e.lastAccessMillis;
      compressionRatio = e.compressionRatio;
      scope = e.scope;
      pathFieldBits = e.pathFieldBits;
    }

    /** The file path (required, non-empty). */
    public Builder path(String value) {
      this.path = requireNonEmpty("path", value);
      return this;
    }

    /** The 128-bit content fingerprint as two longs. */
    public Builder fingerprint(long high, long low) {
      this.fingerprintHigh = high;
      this.fingerprintLow = low;
      return this;
    }

    /** File size in bytes, {@code >= 0}. */
    public Builder size(long value) {
      this.size = requireNonNegative("size", value);
      return this;
    }

    /** File mtime in nanoseconds since the epoch (may be negative for pre-1970 files). */
    public Builder mtimeNanos(long value) {
      this.mtimeNanos = value;
      return this;
    }

    /** The metadata; copied and checked when {@link #build()} runs. */
    public Builder metadata(Map<?, ?> value) {
      if (value == null) {
        throw new IllegalArgumentException("metadata must not be null (use an empty map)");
      }
      this.metadata = value;
      this.metadataChecked = false;
      return this;
    }

    /** The extraction profile (required, non-empty). */
    public Builder profile(String value) {
      this.profile = requireNonEmpty("profile", value);
      return this;
    }

    /** Nanoseconds the extraction took, {@code >= 0}. */
    public Builder extractionTimeNanos(long value) {
      this.extractionTimeNanos = requireNonNegative("extractionTimeNanos", value);
      return this;
    }

    /** When cached, epoch milliseconds, {@code >= 0}. */
    public Builder cachedAtMillis(long value) {
      this.cachedAtMillis = requireNonNegative("cachedAtMillis", value);
      return this;
    }

    /** Expiry, epoch milliseconds, {@code >= 0}; 0 means never. */
    public Builder expiresAtMillis(long value) {
      this.expiresAtMillis = requireNonNegative("expiresAtMillis", value);
      return this;
    }

    /** Reads recorded, {@code >= 0}. */
    public Builder accessCount(long value) {
      this.accessCount = requireNonNegative("accessCount", value);
      return this;
    }

    /** Last read, epoch milliseconds, {@code >= 0}. */
    public Builder lastAccessMillis(long value) {
      this.lastAccessMillis = requireNonNegative("lastAccessMillis", value);
      return this;
    }

    /** Stored/raw body length ratio, finite and {@code >= 0}. */
    public Builder compressionRatio(float value) {
      if (!Float.isFinite(value) || value < 0) {
        throw new IllegalArgumentException("compressionRatio must be finite and >= 0, got " + value);
      }
      this.compressionRatio = value;
      return this;
    }

    /** Which files share the entry ({@link KeyScope#FILE} by default). */
    public Builder scope(KeyScope value) {
      if (value == null) {
        throw new IllegalArgumentException("scope must not be null");
      }
      this.scope = value;
      return this;
    }

    /** Bits of the path fields recomputed at lookup: bits 0-5 only ({@code docs/format.md}). */
    public Builder pathFieldBits(int value) {
      if ((value & ~MAX_PATH_FIELD_BITS) != 0) {
        throw new IllegalArgumentException("pathFieldBits: only bits 0-5 are defined, got 0x"
            + Integer.toHexString(value));
      }
      this.pathFieldBits = value;
      return this;
    }

    /**
     * Builds the entry.
     *
     * @throws IllegalArgumentException if path or profile is missing, metadata is not JSON-like,
     *     or a {@link KeyScope#FILE} entry names path fields
     */
    public CacheEntry build() {
      if (path == null) {
        throw new IllegalArgumentException("path is required");
      }
      if (profile == null) {
        throw new IllegalArgumentException("profile is required");
      }
      if (scope == KeyScope.FILE && pathFieldBits != 0) {
        throw new IllegalArgumentException("an entry of scope FILE has no path fields (its metadata is the"
            + " file's own); got pathFieldBits 0x" + Integer.toHexString(pathFieldBits));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> checked = metadataChecked
          ? (Map<String, Object>) metadata : MetadataValidator.copyOf(metadata);
      return new CacheEntry(this, checked);
    }

    // Decoded metadata is built unmodifiable from checked bytes; skip the second copy.
    Builder trustedMetadata(Map<String, Object> value) {
      this.metadata = value;
      this.metadataChecked = true;
      return this;
    }

    private static String requireNonEmpty(String name, String value) {
      if (value == null || value.isEmpty()) {
        throw new IllegalArgumentException(name + " must be a non-empty string, got "
            + (value == null ? "null" : "\"\""));
      }
      if (!MetadataValidator.isWellFormed(value)) {
        throw new IllegalArgumentException(name + " has an unpaired surrogate (not representable"
            + " in UTF-8)");
      }
      return value;
    }

    private static long requireNonNegative(String name, long value) {
      if (value < 0) {
        throw new IllegalArgumentException(name + " must be >= 0, got " + value);
      }
      return value;
    }
  }
}
