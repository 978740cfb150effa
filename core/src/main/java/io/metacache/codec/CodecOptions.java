package io.metacache.codec;

import com.github.luben.zstd.Zstd;
import java.util.Arrays;

/**
 * Immutable {@link EntryCodec} settings: when to compress, how hard, the decode cap, and an
 * optional trained zstd dictionary.
 */
public final class CodecOptions {
  /** Default raw body length from which compression is tried: 512 bytes. */
  public static final int DEFAULT_COMPRESSION_THRESHOLD = 512;
  /** Default least fraction of the raw body compression must save: 0.10. */
  public static final double DEFAULT_MIN_SAVINGS = 0.10;
  /** Default zstd level: 3. */
  public static final int DEFAULT_ZSTD_LEVEL = 3;
  /** Default cap on a raw (decompressed) body: 16 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 16 << 20;

  private static final CodecOptions DEFAULTS = builder().build();

  private final int compressionThreshold;
  private final double minSavings;
  private final int zstdLevel;
  private final int maxBodyBytes;
  private final byte[] dictionary;
  private final int dictionaryId;

  private CodecOptions(Builder b) {
    this.compressionThreshold = b.compressionThreshold;
    this.minSavings = b.minSavings;
    this.zstdLevel = b.zstdLevel;
    this.maxBodyBytes = b.maxBodyBytes;
    this.dictionary = b.dictionary;
    this.dictionaryId = b.dictionaryId;
  }

  /** The defaults: threshold 512 B, savings 10%, level 3, cap 16 MiB, no dictionary. */
  public static CodecOptions defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Raw body length from which compression is tried. */
  public int compressionThreshold() {
    return compressionThreshold;
  }

  /** Least fraction of the raw body that compression must save to be kept. */
  public double minSavings() {
    return minSavings;
  }

  /** zstd compression level. */
  public int zstdLevel() {
    return zstdLevel;
  }

  /** Largest raw body this codec writes or decompresses. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** A copy of the dictionary, or {@code null} if none. */
  public byte[] dictionary() {
    return dictionary == null ? null : dictionary.clone();
  }

  /** The dictionary's zstd id, 0 if none. */
  public int dictionaryId() {
    return dictionaryId;
  }

  byte[] dictionaryNoCopy() {
    return dictionary;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CodecOptions)) {
      return false;
    }
    CodecOptions c = (CodecOptions) o;
    return compressionThreshold == c.compressionThreshold && minSavings == c.minSavings
        && zstdLevel == c.zstdLevel && maxBodyBytes == c.maxBodyBytes
        && Arrays.equals(dictionary, c.dictionary);
  }

  @Override
  public int hashCode() {
    return ((compressionThreshold * 31 + Double.hashCode(minSavings)) * 31 + zstdLevel) * 31
        + maxBodyBytes * 17 + Arrays.hashCode(dictionary);
  }

  @Override
  public String toString() {
    return "CodecOptions{compressionThreshold=" + compressionThreshold + ", minSavings="
        + minSavings + ", zstdLevel=" + zstdLevel + ", maxBodyBytes=" + maxBodyBytes
        + ", dictionaryId=" + Integer.toUnsignedString(dictionaryId) + '}';
  }

  /** Builds {@link CodecOptions}; each setter checks its argument. Not thread-safe. */
  public static final class Builder {
    private int compressionThreshold = DEFAULT_COMPRESSION_THRESHOLD;
    private double minSavings = DEFAULT_MIN_SAVINGS;
    private int zstdLevel = DEFAULT_ZSTD_LEVEL;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private byte[] dictionary;
    private int dictionaryId;

    private Builder() {}

    /** Try compression for raw bodies of at least this many bytes; {@code >= 0}. */
    public Builder compressionThreshold(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("compressionThreshold must be >= 0, got " + bytes);
      }
      this.compressionThreshold = bytes;
      return this;
    }

    /** Keep a compressed body only if it saves at least this fraction, in [0, 1). */
    public Builder minSavings(double fraction) {
      if (!(fraction >= 0 && fraction < 1)) {
        throw new IllegalArgumentException("minSavings must be in [0, 1), got " + fraction);
      }
      this.minSavings = fraction;
      return this;
    }

    /** zstd level, between {@link Zstd#minCompressionLevel()} and {@link Zstd#maxCompressionLevel()}. */
    public Builder zstdLevel(int level) {
      int min = Zstd.minCompressionLevel();
      int max = Zstd.maxCompressionLevel();
      if (level < min || level > max) {
        throw new IllegalArgumentException("zstdLevel must be in [" + min + ", " + max + "], got "
            + level);
      }
      this.zstdLevel = level;
      return this;
    }

    /** Cap on a raw body, 1 byte to 1 GiB; larger entries are refused on both sides. */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1 || bytes > (1 << 30)) {
        throw new IllegalArgumentException("maxBodyBytes must be in [1, 1073741824], got " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * A trained zstd dictionary (see {@link DictionaryTrainer}), or {@code null} for none.
     *
     * @throws IllegalArgumentException if the bytes are not a zstd dictionary with an id
     */
    public Builder dictionary(byte[] trained) {
      if (trained == null) {
        this.dictionary = null;
        this.dictionaryId = 0;
        return this;
      }
      long id = trained.length < 8 ? 0 : Zstd.getDictIdFromDict(trained);
      if (id == 0) {
        throw new IllegalArgumentException("dictionary of " + trained.length
            + " bytes is not a trained zstd dictionary (no dictionary id)");
      }
      this.dictionary = trained.clone();
      this.dictionaryId = (int) id;
      return this;
    }

    /** The options. */
    public CodecOptions build() {
      return new CodecOptions(this);
    }
  }
}
