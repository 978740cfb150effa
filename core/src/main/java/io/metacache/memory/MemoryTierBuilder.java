package io.metacache.memory;

import io.metacache.policy.PolicyKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Configures and opens a {@link MemoryTier}; obtained from {@link MemoryTier#builder()}. Each
 * setter validates its argument; {@link #build()} checks the settings against each other.
 *
 * <p>Defaults: 100,000 entries, 256 MiB, 64 KiB per entry, 1 KiB average entry, the policy named
 * by the system property {@value #POLICY_PROPERTY} (default {@code wtinylfu}), the file named by
 * {@value #FILE_PROPERTY} (default none: in memory only), the system clock, and an expiry sweep
 * every second.
 */
public final class MemoryTierBuilder {
  boolean shared;
  long sharedStatRecords = 100_000;

  /** System property naming the default eviction policy: {@code lru}, {@code lfu}, {@code wtinylfu}. */
  public static final String POLICY_PROPERTY = "metacache.memory.policy";
  /** System property naming the default persistence file; unset means in memory only. */
  public static final String FILE_PROPERTY = "metacache.memory.file";

  static final long MAX_ENTRIES_LIMIT = 1L << 27;
  static final int MAX_ENTRY_BYTES_LIMIT = 1 << 28;
  static final long MAX_BYTES_LIMIT = 1L << 44;

  private static final String DEFAULT_POLICY = System.getProperty(POLICY_PROPERTY, "wtinylfu");
  private static final String DEFAULT_FILE = System.getProperty(FILE_PROPERTY);

  long maxEntries = 100_000;
  long maxBytes = 256L << 20;
  int maxEntryBytes = 64 << 10;
  int averageEntryBytes = 1 << 10;
  PolicyKind policy;
  LongSupplier clock = System::currentTimeMillis;
  Path file;
  boolean fileSet;
  Duration expirySweepInterval = Duration.ofSeconds(1);
  EvictionListener evictionListener;

  MemoryTierBuilder() {}

  /** The most entries the tier holds, 1 to 2^27. */
  public MemoryTierBuilder maxEntries(long maxEntries) {
    if (maxEntries < 1 || maxEntries > MAX_ENTRIES_LIMIT) {
      throw new IllegalArgumentException(
          "maxEntries must be between 1 and " + MAX_ENTRIES_LIMIT + ", was " + maxEntries);
    }
    this.maxEntries = maxEntries;
    return this;
  }

  /**
   * The off-heap byte budget for entries, 1 to 2^44: the sum over held entries of key, value and
   * per-entry overhead rounded up to Chronicle's allocation chunk.
   */
  public MemoryTierBuilder maxBytes(long maxBytes) {
    if (maxBytes < 1 || maxBytes > MAX_BYTES_LIMIT) {
      throw new IllegalArgumentException(
          "maxBytes must be between 1 and " + MAX_BYTES_LIMIT + ", was " + maxBytes);
    }
    this.maxBytes = maxBytes;
    return this;
  }

  /** The largest encoded entry this tier accepts, 1 to 2^28 bytes; larger puts are refused. */
  public MemoryTierBuilder maxEntryBytes(int maxEntryBytes) {
    if (maxEntryBytes < 1 || maxEntryBytes > MAX_ENTRY_BYTES_LIMIT) {
      throw new IllegalArgumentException(
          "maxEntryBytes must be between 1 and " + MAX_ENTRY_BYTES_LIMIT + ", was " + maxEntryBytes);
    }
    this.maxEntryBytes = maxEntryBytes;
    return this;
  }

  /** The expected average encoded entry size, used to size the map; 1 to maxEntryBytes. */
  public MemoryTierBuilder averageEntryBytes(int averageEntryBytes) {
    if (averageEntryBytes < 1 || averageEntryBytes > MAX_ENTRY_BYTES_LIMIT) {
      throw new IllegalArgumentException("averageEntryBytes must be between 1 and "
          + MAX_ENTRY_BYTES_LIMIT + ", was " + averageEntryBytes);
    }
    this.averageEntryBytes = averageEntryBytes;
    return this;
  }

  /** The eviction policy; overrides {@value #POLICY_PROPERTY}. */
  public MemoryTierBuilder policy(PolicyKind policy) {
    this.policy = Objects.requireNonNull(policy, "policy must not be null (lru, lfu or wtinylfu)");
    return this;
  }

  /** The clock expiry is judged by, in milliseconds since the epoch; for tests. */
  public MemoryTierBuilder clock(LongSupplier millisClock) {
    this.clock = Objects.requireNonNull(millisClock, "clock must not be null");
    return this;
  }

  /**
   * Persists the map to this file, recovering it if it exists so a restart starts warm; null keeps
   * the tier in memory only. Overrides {@value #FILE_PROPERTY}.
   */
  public MemoryTierBuilder persistTo(Path file) {
    this.file = file;
    this.fileSet = true;
    return this;
  }

  /**
   * Shares the map with every process that opens the same file ({@link #persistTo} is then
   * required): one eviction owner at a time runs the policy, fed by every process's reads and
   * writes through a ring in {@code <file>.ctl}. See {@link MemoryTier}'s design notes.
   */
  public MemoryTierBuilder shared(boolean shared) {
    this.shared = shared;
    return this;
  }

  /** Most stat-fast-path records a shared tier keeps for its directory (default 100,000). */
  public MemoryTierBuilder sharedStatRecords(long maxRecords) {
    if (maxRecords < 1 || maxRecords > (1L << 27)) {
      throw new IllegalArgumentException("sharedStatRecords must be 1 to 2^27, was " + maxRecords);
    }
    this.sharedStatRecords = maxRecords;
    return this;
  }

  /**
   * How often the background sweeper removes expired entries; {@link Duration#ZERO} disables the
   * sweeper (expired entries are then removed on read and by {@link MemoryTier#runExpiry()}).
   */
  public MemoryTierBuilder expirySweepInterval(Duration interval) {
    Objects.requireNonNull(interval, "expirySweepInterval must not be null");
    if (interval.isNegative() || (!interval.isZero() && interval.toMillis() < 1)) {
      throw new IllegalArgumentException(
          "expirySweepInterval must be zero (disabled) or at least 1 ms, was " + interval);
    }
    this.expirySweepInterval = interval;
    return this;
  }

  /**
   * Told of every entry the policy evicts, after it left the map; {@code null} for none. It runs
   * on the draining thread under the tier's policy lock: it must be quick and must not call back
   * into the tier (queue the key and act later).
   */
  public MemoryTierBuilder evictionListener(EvictionListener listener) {
    this.evictionListener = listener;
    return this;
  }

  /**
   * Opens the tier.
   *
   * @throws IllegalArgumentException if the settings conflict
   * @throws java.io.UncheckedIOException if the persistence file cannot be created or recovered
   */
  public MemoryTier build() {
    if (averageEntryBytes > maxEntryBytes) {
      throw new IllegalArgumentException("averageEntryBytes (" + averageEntryBytes
          + ") must not exceed maxEntryBytes (" + maxEntryBytes + ")");
    }
    ChronicleSizing sizing = ChronicleSizing.of(maxEntries, maxBytes, maxEntryBytes, averageEntryBytes);
    long largestWeight = sizing.weight(maxEntryBytes);
    if (largestWeight > maxBytes) {
      throw new IllegalArgumentException("maxBytes (" + maxBytes + ") must hold at least one entry of"
          + " maxEntryBytes (" + maxEntryBytes + "), which occupies " + largestWeight + " bytes");
    }
    PolicyKind kind = policy != null ? policy : parsePolicy(DEFAULT_POLICY);
    Path path = fileSet ? file : (DEFAULT_FILE == null || DEFAULT_FILE.isBlank() ? null : Path.of(DEFAULT_FILE));
    if (shared && path == null) {
      throw new IllegalArgumentException("a shared memory tier needs a file: set persistTo or "
          + FILE_PROPERTY);
    }
    return new MemoryTier(this, sizing, kind, path);
  }

  static PolicyKind parsePolicy(String name) {
    return PolicyKind.ofConfigName(name).orElseThrow(() -> new IllegalArgumentException(
        POLICY_PROPERTY + " must be one of lru, lfu, wtinylfu, was '" + name + "'"));
  }
}
