package io.metacache;

import static io.metacache.config.ConfigValues.checkRange;
import static io.metacache.config.ConfigValues.invalid;

import io.metacache.config.ConfigValues;
import io.metacache.policy.PolicyKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Immutable configuration of a cache. Build one in code with {@link #builder()}, or read it from
 * system properties ({@code metacache.*}) with environment-variable fallback through
 * {@link #fromSystemProperties()}: property {@code metacache.memory.max-entries} falls back to
 * variable {@code METACACHE_MEMORY_MAX_ENTRIES}. Every wrong value fails fast with an
 * {@link IllegalArgumentException} that names the property, the value and what is accepted. The
 * README lists every property with its default.
 */
public final class CacheConfig {

  // ---------------------------------------------------------------- property names

  /** Directory under which the disk, SQLite and memory-file tiers keep their files. */
  public static final String CACHE_DIR = "metacache.dir";
  /** Files up to this size are fingerprinted by hashing all their content. */
  public static final String FULL_HASH_THRESHOLD = "metacache.fingerprint.full-hash-threshold";
  /** Size of each of the three chunks sampled from larger files. */
  public static final String SAMPLE_CHUNK_SIZE = "metacache.fingerprint.sample-chunk-size";
  /** Maximum number of paths the stat fast path remembers. */
  public static final String STAT_INDEX_MAX_ENTRIES = "metacache.stat-index.max-entries";
  /** Filesystem timestamp granularity: a stat recorded this close to the mtime is racily clean. */
  public static final String TIMESTAMP_GRANULARITY = "metacache.stat-index.timestamp-granularity";
  /** Maximum number of entries in the memory tier. */
  public static final String MEMORY_MAX_ENTRIES = "metacache.memory.max-entries";
  /** Maximum off-heap bytes of the memory tier. */
  public static final String MEMORY_MAX_BYTES = "metacache.memory.max-bytes";
  /** Largest encoded entry the memory tier keeps; larger ones go to lower tiers only. */
  public static final String MEMORY_MAX_ENTRY_BYTES = "metacache.memory.max-entry-bytes";
  /** Eviction policy of the memory tier: lru, lfu or wtinylfu. */
  public static final String MEMORY_POLICY = "metacache.memory.policy";
  /** File the memory tier persists to, so a restart starts warm; unset means memory only. */
  public static final String MEMORY_FILE = "metacache.memory.file";
  /**
   * {@code shared} (one map file in the cache directory, mapped by every process) or
   * {@code private} (this process alone); unset: shared when the cache has lower tiers. See
   * {@link MemoryMode}.
   */
  public static final String MEMORY_MODE = "metacache.memory.mode";
  /** Time to live of an entry; 0 means entries never expire. */
  public static final String TTL = "metacache.ttl";
  /** How often expired entries are swept. */
  public static final String EXPIRY_SWEEP_INTERVAL = "metacache.expiry.sweep-interval";
  /** Whether entry bodies are compressed with zstd. */
  public static final String COMPRESSION_ENABLED = "metacache.compression.enabled";
  /** zstd level, 1 (fastest) to 22. */
  public static final String COMPRESSION_LEVEL = "metacache.compression.level";
  /** Bodies smaller than this are stored raw. */
  public static final String COMPRESSION_THRESHOLD = "metacache.compression.threshold";
  /** A body is stored compressed only if that saves at least this fraction of its size. */
  public static final String COMPRESSION_MIN_SAVINGS = "metacache.compression.min-savings";
  /** Path of a trained zstd dictionary; unset means none. */
  public static final String COMPRESSION_DICTIONARY = "metacache.compression.dictionary";
  /** Largest body a stored entry may decompress to; anything claiming more is corrupt. */
  public static final String MAX_DECOMPRESSED_BYTES = "metacache.compression.max-decompressed-bytes";

  // ---------------------------------------------------------------- defaults

  static final long DEFAULT_FULL_HASH_THRESHOLD = 1L << 20;
  static final long DEFAULT_SAMPLE_CHUNK_SIZE = 64L << 10;
  static final long DEFAULT_STAT_INDEX_MAX_ENTRIES = 1_000_000;
  static final Duration DEFAULT_TIMESTAMP_GRANULARITY = Duration.ofSeconds(2);
  static final long DEFAULT_MEMORY_MAX_ENTRIES = 100_000;
  static final long DEFAULT_MEMORY_MAX_BYTES = 256L << 20;
  static final long DEFAULT_MEMORY_MAX_ENTRY_BYTES = 1L << 20;
  static final PolicyKind DEFAULT_MEMORY_POLICY = PolicyKind.WTINYLFU;
  static final Duration DEFAULT_TTL = Duration.ofHours(24);
  static final Duration DEFAULT_EXPIRY_SWEEP_INTERVAL = Duration.ofSeconds(1);
  static final int DEFAULT_COMPRESSION_LEVEL = 3;
  // Measured: zstd costs ~6.5 us to save ~20% of a 1 KB body (results/focused/codec.md); below 4 KiB it
  // is worth it only with a trained dictionary, which users opt into.
  static final long DEFAULT_COMPRESSION_THRESHOLD = 4096;
  static final double DEFAULT_COMPRESSION_MIN_SAVINGS = 0.10;
  static final long DEFAULT_MAX_DECOMPRESSED_BYTES = 16L << 20;

  private final Path cacheDirectory;
  private final long fullHashThreshold;
  private final int sampleChunkSize;
  private final long statIndexMaxEntries;
  private final Duration timestampGranularity;
  private final long memoryMaxEntries;
  private final long memoryMaxBytes;
  private final int memoryMaxEntryBytes;
  private final PolicyKind memoryPolicy;
  private final Path memoryFile;
  private final MemoryMode memoryMode;
  private final Duration ttl;
  private final Duration expirySweepInterval;
  private final boolean compressionEnabled;
  private final int compressionLevel;
  private final int compressionThreshold;
  private final double compressionMinSavings;
  private final Path compressionDictionary;
  private final int maxDecompressedBytes;

  private CacheConfig(Builder b) {
    this.cacheDirectory = b.cacheDirectory != null ? b.cacheDirectory : defaultCacheDirectory(System::getenv);
    this.fullHashThreshold = b.fullHashThreshold;
    this.sampleChunkSize = (int) b.sampleChunkSize;
    this.statIndexMaxEntries = b.statIndexMaxEntries;
    this.timestampGranularity = b.timestampGranularity;
    this.memoryMaxEntries = b.memoryMaxEntries;
    this.memoryMaxBytes = b.memoryMaxBytes;
    this.memoryMaxEntryBytes = (int) b.memoryMaxEntryBytes;
    this.memoryPolicy = b.memoryPolicy;
    this.memoryFile = b.memoryFile;
    this.memoryMode = b.memoryMode;
    this.ttl = b.ttl;
    this.expirySweepInterval = b.expirySweepInterval;
    this.compressionEnabled = b.compressionEnabled;
    this.compressionLevel = b.compressionLevel;
    this.compressionThreshold = (int) b.compressionThreshold;
    this.compressionMinSavings = b.compressionMinSavings;
    this.compressionDictionary = b.compressionDictionary;
    this.maxDecompressedBytes = (int) b.maxDecompressedBytes;
  }

  /** A builder with every default set. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults, with no property or environment variable consulted. */
  public static CacheConfig defaults() {
    return builder().build();
  }

  /** Reads {@code metacache.*} system properties, falling back to {@code METACACHE_*} variables. */
  public static CacheConfig fromSystemProperties() {
    return from(System::getProperty, System::getenv);
  }

  /**
   * Reads configuration from the given sources: {@code properties} by property name, then
   * {@code environment} by the upper-cased name with dots and dashes as underscores.
   */
  public static CacheConfig from(Function<String, String> properties, Function<String, String> environment) {
    Objects.requireNonNull(properties, "properties");
    Objects.requireNonNull(environment, "environment");
    Function<String, String> lookup = name -> {
      String value = properties.apply(name);
      return value != null ? value : environment.apply(environmentName(name));
    };
    Builder b = builder();
    b.cacheDirectory = defaultCacheDirectory(environment);
    for (String property : PROPERTIES) {
      String raw = lookup.apply(property);
      if (raw != null) {
        apply(b, property, raw);
      }
    }
    return b.build();
  }

  /** Every property {@link #from} reads. */
  static final java.util.List<String> PROPERTIES = java.util.List.of(
      CACHE_DIR,
      FULL_HASH_THRESHOLD,
      SAMPLE_CHUNK_SIZE,
      STAT_INDEX_MAX_ENTRIES,
      TIMESTAMP_GRANULARITY,
      MEMORY_MAX_ENTRIES,
      MEMORY_MAX_BYTES,
      MEMORY_MAX_ENTRY_BYTES,
      MEMORY_POLICY,
      MEMORY_FILE,
      MEMORY_MODE,
      TTL,
      EXPIRY_SWEEP_INTERVAL,
      COMPRESSION_ENABLED,
      COMPRESSION_LEVEL,
      COMPRESSION_THRESHOLD,
      COMPRESSION_MIN_SAVINGS,
      COMPRESSION_DICTIONARY,
      MAX_DECOMPRESSED_BYTES);

  /**
   * Applies one raw value. Range checks in the builder see the parsed value; their error is
   * re-raised naming the raw text the user wrote.
   */
  private static void apply(Builder b, String property, String raw) {
    try {
      switch (property) {
        case CACHE_DIR: b.cacheDirectory(path(CACHE_DIR, raw)); break;
        case FULL_HASH_THRESHOLD: b.fullHashThreshold(ConfigValues.parseSize(FULL_HASH_THRESHOLD, raw)); break;
        case SAMPLE_CHUNK_SIZE: b.sampleChunkSize(ConfigValues.parseSize(SAMPLE_CHUNK_SIZE, raw)); break;
        case STAT_INDEX_MAX_ENTRIES: b.statIndexMaxEntries(ConfigValues.parseLong(STAT_INDEX_MAX_ENTRIES, raw, 1, Integer.MAX_VALUE)); break;
        case TIMESTAMP_GRANULARITY: b.timestampGranularity(ConfigValues.parseDuration(TIMESTAMP_GRANULARITY, raw)); break;
        case MEMORY_MAX_ENTRIES: b.memoryMaxEntries(ConfigValues.parseLong(MEMORY_MAX_ENTRIES, raw, 1, MAX_MEMORY_ENTRIES)); break;
        case MEMORY_MAX_BYTES: b.memoryMaxBytes(ConfigValues.parseSize(MEMORY_MAX_BYTES, raw)); break;
        case MEMORY_MAX_ENTRY_BYTES: b.memoryMaxEntryBytes(ConfigValues.parseSize(MEMORY_MAX_ENTRY_BYTES, raw)); break;
        case MEMORY_POLICY: b.memoryPolicy(policy(raw)); break;
        case MEMORY_FILE: if (!raw.isBlank()) { b.memoryFile(path(MEMORY_FILE, raw)); } break;
        case MEMORY_MODE: if (!raw.isBlank()) { b.memoryMode(MemoryMode.ofConfigName(raw)
            .orElseThrow(() -> invalid(MEMORY_MODE, raw, "shared or private"))); } break;
        case TTL: b.ttl(ConfigValues.parseDuration(TTL, raw)); break;
        case EXPIRY_SWEEP_INTERVAL: b.expirySweepInterval(ConfigValues.parseDuration(EXPIRY_SWEEP_INTERVAL, raw)); break;
        case COMPRESSION_ENABLED: b.compressionEnabled(ConfigValues.parseBoolean(COMPRESSION_ENABLED, raw)); break;
        case COMPRESSION_LEVEL: b.compressionLevel((int) ConfigValues.parseLong(COMPRESSION_LEVEL, raw, 1, 22)); break;
        case COMPRESSION_THRESHOLD: b.compressionThreshold(ConfigValues.parseSize(COMPRESSION_THRESHOLD, raw)); break;
        case COMPRESSION_MIN_SAVINGS: b.compressionMinSavings(ConfigValues.parseDouble(COMPRESSION_MIN_SAVINGS, raw, 0.0, 1.0)); break;
        case COMPRESSION_DICTIONARY: if (!raw.isBlank()) { b.compressionDictionary(path(COMPRESSION_DICTIONARY, raw)); } break;
        case MAX_DECOMPRESSED_BYTES: b.maxDecompressedBytes(ConfigValues.parseSize(MAX_DECOMPRESSED_BYTES, raw)); break;
        default: throw new IllegalStateException("unhandled property " + property);
      }
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("'" + raw + "'")) {
        throw e;
      }
      int expected = message.indexOf("; expected ");
      throw invalid(property, raw, expected < 0 ? message : message.substring(expected + "; expected ".length()));
    }
  }

  /** The environment variable a property falls back to. */
  public static String environmentName(String property) {
    return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  static Path defaultCacheDirectory(Function<String, String> environment) {
    String xdg = environment.apply("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "metacache");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "metacache");
  }

  private static Path path(String property, String value) {
    try {
      return Path.of(value.trim());
    } catch (RuntimeException e) {
      throw invalid(property, value, "a file system path");
    }
  }

  private static PolicyKind policy(String value) {
    return PolicyKind.ofConfigName(value)
        .orElseThrow(() -> invalid(MEMORY_POLICY, value, "one of lru, lfu, wtinylfu"));
  }

  static final long MAX_MEMORY_ENTRIES = 1L << 27;

  // ---------------------------------------------------------------- accessors

  /** Directory for the disk, SQLite and memory-file tiers. */
  public Path cacheDirectory() { return cacheDirectory; }
  /** Files up to this many bytes are hashed whole. */
  public long fullHashThreshold() { return fullHashThreshold; }
  /** Bytes in each sampled chunk of a larger file. */
  public int sampleChunkSize() { return sampleChunkSize; }
  /** Paths remembered by the stat fast path. */
  public long statIndexMaxEntries() { return statIndexMaxEntries; }
  /** Filesystem timestamp granularity used for racy-clean detection. */
  public Duration timestampGranularity() { return timestampGranularity; }
  /** Maximum entries in the memory tier. */
  public long memoryMaxEntries() { return memoryMaxEntries; }
  /** Maximum off-heap bytes of the memory tier. */
  public long memoryMaxBytes() { return memoryMaxBytes; }
  /** Largest encoded entry kept by the memory tier. */
  public int memoryMaxEntryBytes() { return memoryMaxEntryBytes; }
  /** Eviction policy of the memory tier. */
  public PolicyKind memoryPolicy() { return memoryPolicy; }
  /** File the memory tier persists to, if any. */
  public Optional<Path> memoryFile() { return Optional.ofNullable(memoryFile); }

  /** The memory mode set, if any; unset means shared when the cache has lower tiers. */
  public Optional<MemoryMode> memoryMode() { return Optional.ofNullable(memoryMode); }

  /** The map file a shared memory tier uses: the memory file if set, else {@code memory/memory.cmap} in the cache directory. */
  public Path sharedMemoryFile() {
    return memoryFile != null ? memoryFile : cacheDirectory.resolve("memory").resolve("memory.cmap");
  }
  /** Time to live of entries; zero means they never expire. */
  public Duration ttl() { return ttl; }
  /** Interval of the expiry sweeper. */
  public Duration expirySweepInterval() { return expirySweepInterval; }
  /** Whether bodies are compressed. */
  public boolean compressionEnabled() { return compressionEnabled; }
  /** zstd level. */
  public int compressionLevel() { return compressionLevel; }
  /** Smallest body that is considered for compression. */
  public int compressionThreshold() { return compressionThreshold; }
  /** Fraction of a body compression must save for the compressed form to be kept. */
  public double compressionMinSavings() { return compressionMinSavings; }
  /** Trained zstd dictionary file, if any. */
  public Optional<Path> compressionDictionary() { return Optional.ofNullable(compressionDictionary); }
  /** Cap on the decompressed size of a stored body. */
  public int maxDecompressedBytes() { return maxDecompressedBytes; }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.cacheDirectory = cacheDirectory;
    b.fullHashThreshold = fullHashThreshold;
    b.sampleChunkSize = sampleChunkSize;
    b.statIndexMaxEntries = statIndexMaxEntries;
    b.timestampGranularity = timestampGranularity;
    b.memoryMaxEntries = memoryMaxEntries;
    b.memoryMaxBytes = memoryMaxBytes;
    b.memoryMaxEntryBytes = memoryMaxEntryBytes;
    b.memoryPolicy = memoryPolicy;
    b.memoryFile = memoryFile;
    b.memoryMode = memoryMode;
    b.ttl = ttl;
    b.expirySweepInterval = expirySweepInterval;
    b.compressionEnabled = compressionEnabled;
    b.compressionLevel = compressionLevel;
    b.compressionThreshold = compressionThreshold;
    b.compressionMinSavings = compressionMinSavings;
    b.compressionDictionary = compressionDictionary;
    b.maxDecompressedBytes = maxDecompressedBytes;
    return b;
  }

  @Override
  public String toString() {
    return "CacheConfig{dir=" + cacheDirectory + ", fullHashThreshold=" + fullHashThreshold
        + ", sampleChunkSize=" + sampleChunkSize + ", statIndexMaxEntries=" + statIndexMaxEntries
        + ", timestampGranularity=" + timestampGranularity + ", memoryMaxEntries=" + memoryMaxEntries
        + ", memoryMaxBytes=" + memoryMaxBytes + ", memoryMaxEntryBytes=" + memoryMaxEntryBytes
        + ", memoryPolicy=" + memoryPolicy.configName() + ", memoryFile=" + memoryFile + ", memoryMode=" + memoryMode + ", ttl=" + ttl
        + ", expirySweepInterval=" + expirySweepInterval + ", compressionEnabled=" + compressionEnabled
        + ", compressionLevel=" + compressionLevel + ", compressionThreshold=" + compressionThreshold
        + ", compressionMinSavings=" + compressionMinSavings + ", compressionDictionary=" + compressionDictionary
        + ", maxDecompressedBytes=" + maxDecompressedBytes + '}';
  }

  // ---------------------------------------------------------------- builder

  /** Validating builder; each setter refuses a bad value at once, {@link #build()} refuses conflicts. */
  public static final class Builder {
    private Path cacheDirectory;
    private long fullHashThreshold = DEFAULT_FULL_HASH_THRESHOLD;
    private long sampleChunkSize = DEFAULT_SAMPLE_CHUNK_SIZE;
    private long statIndexMaxEntries = DEFAULT_STAT_INDEX_MAX_ENTRIES;
    private Duration timestampGranularity = DEFAULT_TIMESTAMP_GRANULARITY;
    private long memoryMaxEntries = DEFAULT_MEMORY_MAX_ENTRIES;
    private long memoryMaxBytes = DEFAULT_MEMORY_MAX_BYTES;
    private long memoryMaxEntryBytes = DEFAULT_MEMORY_MAX_ENTRY_BYTES;
    private PolicyKind memoryPolicy = DEFAULT_MEMORY_POLICY;
    private Path memoryFile;
    private MemoryMode memoryMode;
    private Duration ttl = DEFAULT_TTL;
    private Duration expirySweepInterval = DEFAULT_EXPIRY_SWEEP_INTERVAL;
    private boolean compressionEnabled = true;
    private int compressionLevel = DEFAULT_COMPRESSION_LEVEL;
    private long compressionThreshold = DEFAULT_COMPRESSION_THRESHOLD;
    private double compressionMinSavings = DEFAULT_COMPRESSION_MIN_SAVINGS;
    private Path compressionDictionary;
    private long maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES;

    private Builder() {}

    /** See {@link CacheConfig#CACHE_DIR}. */
    public Builder cacheDirectory(Path dir) {
      this.cacheDirectory = Objects.requireNonNull(dir, CACHE_DIR);
      return this;
    }

    /** See {@link CacheConfig#FULL_HASH_THRESHOLD}; 1 byte to 1 GiB. */
    public Builder fullHashThreshold(long bytes) {
      this.fullHashThreshold = checkRange(FULL_HASH_THRESHOLD, bytes, 1, 1L << 30);
      return this;
    }

    /** See {@link CacheConfig#SAMPLE_CHUNK_SIZE}; 1 KiB to 16 MiB. */
    public Builder sampleChunkSize(long bytes) {
      this.sampleChunkSize = checkRange(SAMPLE_CHUNK_SIZE, bytes, 1L << 10, 16L << 20);
      return this;
    }

    /** See {@link CacheConfig#STAT_INDEX_MAX_ENTRIES}. */
    public Builder statIndexMaxEntries(long entries) {
      this.statIndexMaxEntries = checkRange(STAT_INDEX_MAX_ENTRIES, entries, 1, Integer.MAX_VALUE);
      return this;
    }

    /** See {@link CacheConfig#TIMESTAMP_GRANULARITY}; up to one minute. */
    public Builder timestampGranularity(Duration granularity) {
      this.timestampGranularity = checkDuration(TIMESTAMP_GRANULARITY, granularity, Duration.ZERO, Duration.ofMinutes(1));
      return this;
    }

    /** See {@link CacheConfig#MEMORY_MAX_ENTRIES}; 1 to 2^27. */
    public Builder memoryMaxEntries(long entries) {
      this.memoryMaxEntries = checkRange(MEMORY_MAX_ENTRIES, entries, 1, MAX_MEMORY_ENTRIES);
      return this;
    }

    /** See {@link CacheConfig#MEMORY_MAX_BYTES}; 1 MiB to 1 TiB. */
    public Builder memoryMaxBytes(long bytes) {
      this.memoryMaxBytes = checkRange(MEMORY_MAX_BYTES, bytes, 1L << 20, 1L << 40);
      return this;
    }

    /** See {@link CacheConfig#MEMORY_MAX_ENTRY_BYTES}; 256 bytes to 64 MiB. */
    public Builder memoryMaxEntryBytes(long bytes) {
      this.memoryMaxEntryBytes = checkRange(MEMORY_MAX_ENTRY_BYTES, bytes, 256, 64L << 20);
      return this;
    }

    /** See {@link CacheConfig#MEMORY_POLICY}. */
    public Builder memoryPolicy(PolicyKind policy) {
      this.memoryPolicy = Objects.requireNonNull(policy, MEMORY_POLICY);
      return this;
    }

    /** See {@link CacheConfig#MEMORY_MODE}; {@code null} for the default. */
    public Builder memoryMode(MemoryMode mode) {
      this.memoryMode = mode;
      return this;
    }

    /** See {@link CacheConfig#MEMORY_FILE}; {@code null} keeps the tier in memory only. */
    public Builder memoryFile(Path file) {
      this.memoryFile = file;
      return this;
    }

    /** See {@link CacheConfig#TTL}; zero means never expire, at most 100 years. */
    public Builder ttl(Duration ttl) {
      this.ttl = checkDuration(TTL, ttl, Duration.ZERO, Duration.ofDays(36_500));
      return this;
    }

    /** See {@link CacheConfig#EXPIRY_SWEEP_INTERVAL}; 10 ms to 1 day. */
    public Builder expirySweepInterval(Duration interval) {
      this.expirySweepInterval = checkDuration(EXPIRY_SWEEP_INTERVAL, interval, Duration.ofMillis(10), Duration.ofDays(1));
      return this;
    }

    /** See {@link CacheConfig#COMPRESSION_ENABLED}. */
    public Builder compressionEnabled(boolean enabled) {
      this.compressionEnabled = enabled;
      return this;
    }

    /** See {@link CacheConfig#COMPRESSION_LEVEL}; 1 to 22. */
    public Builder compressionLevel(int level) {
      this.compressionLevel = (int) checkRange(COMPRESSION_LEVEL, level, 1, 22);
      return this;
    }

    /** See {@link CacheConfig#COMPRESSION_THRESHOLD}; 0 to 64 MiB. */
    public Builder compressionThreshold(long bytes) {
      this.compressionThreshold = checkRange(COMPRESSION_THRESHOLD, bytes, 0, 64L << 20);
      return this;
    }

    /** See {@link CacheConfig#COMPRESSION_MIN_SAVINGS}; 0.0 to 1.0. */
    public Builder compressionMinSavings(double fraction) {
      if (!(fraction >= 0.0 && fraction <= 1.0)) {
        throw invalid(COMPRESSION_MIN_SAVINGS, Double.toString(fraction), "a number from 0.0 to 1.0");
      }
      this.compressionMinSavings = fraction;
      return this;
    }

    /** See {@link CacheConfig#COMPRESSION_DICTIONARY}; {@code null} for none. */
    public Builder compressionDictionary(Path dictionary) {
      this.compressionDictionary = dictionary;
      return this;
    }

    /** See {@link CacheConfig#MAX_DECOMPRESSED_BYTES}; 4 KiB to 1 GiB. */
    public Builder maxDecompressedBytes(long bytes) {
      this.maxDecompressedBytes = checkRange(MAX_DECOMPRESSED_BYTES, bytes, 4L << 10, 1L << 30);
      return this;
    }

    /** Builds the configuration, refusing values that conflict with each other. */
    public CacheConfig build() {
      if (sampleChunkSize > fullHashThreshold) {
        throw new IllegalArgumentException("Conflicting values: " + SAMPLE_CHUNK_SIZE + "=" + sampleChunkSize
            + " exceeds " + FULL_HASH_THRESHOLD + "=" + fullHashThreshold
            + "; expected the sampled chunk to be no larger than the full-hash threshold");
      }
      if (memoryMaxEntryBytes > memoryMaxBytes) {
        throw new IllegalArgumentException("Conflicting values: " + MEMORY_MAX_ENTRY_BYTES + "=" + memoryMaxEntryBytes
            + " exceeds " + MEMORY_MAX_BYTES + "=" + memoryMaxBytes
            + "; expected the per-entry limit to be no larger than the tier");
      }
      if (memoryMaxEntryBytes > maxDecompressedBytes + 64L * 1024) {
        // An entry the memory tier keeps must also be one the codec will decode.
        throw new IllegalArgumentException("Conflicting values: " + MEMORY_MAX_ENTRY_BYTES + "=" + memoryMaxEntryBytes
            + " exceeds " + MAX_DECOMPRESSED_BYTES + "=" + maxDecompressedBytes
            + "; expected the per-entry limit to be no larger than the decompression cap");
      }
      return new CacheConfig(this);
    }

    private static Duration checkDuration(String property, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, property);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw invalid(property, value.toString(), "a duration from " + min + " to " + max);
      }
      return value;
    }
  }
}
