package io.metacache.counters;

/**
 * The counters a process publishes, by Agrona type id. Process-wide counters have an empty key;
 * per-tier counters ({@link #perTier()}) carry the tier in their key: an {@code int} tier index
 * (memory is 0, then the lower tiers in lookup order), an {@code int} name length and the name in
 * UTF-8. Labels are for people (AeronStat shows them); readers go by type id and key.
 *
 * <p>Latency summaries take seven counters each: count, p50, p90, p99, p99.9 and max in
 * nanoseconds, and the mean as the raw bits of a {@code double}.
 */
public enum CounterType {
  /** Lookups made (hits + misses). */
  REQUESTS(1, "requests"),
  /** Lookups no tier could serve. */
  MISSES(2, "misses"),
  /** Entries written. */
  PUTS(3, "puts"),
  /** Entries the memory tier evicted for size or bytes. */
  EVICTIONS(4, "evictions"),
  /** Entries removed because their time to live passed. */
  EXPIRATIONS(5, "expirations"),
  /** Entries removed by invalidation or a changed file. */
  INVALIDATIONS(6, "invalidations"),
  /** Stored entries found corrupt. */
  CORRUPTIONS(7, "corruptions"),
  /** Bytes saved by compression over all writes. */
  COMPRESSION_SAVED_BYTES(8, "compression saved bytes"),

  /** Lookups timed. */
  GET_LATENCY_COUNT(10, "get latency count"),
  /** Lookup latency, median, ns. */
  GET_LATENCY_P50(11, "get latency p50 ns"),
  /** Lookup latency, 90th percentile, ns. */
  GET_LATENCY_P90(12, "get latency p90 ns"),
  /** Lookup latency, 99th percentile, ns. */
  GET_LATENCY_P99(13, "get latency p99 ns"),
  /** Lookup latency, 99.9th percentile, ns. */
  GET_LATENCY_P999(14, "get latency p99.9 ns"),
  /** Lookup latency, maximum, ns. */
  GET_LATENCY_MAX(15, "get latency max ns"),
  /** Lookup latency, mean in ns as {@code Double.doubleToRawLongBits}. */
  GET_LATENCY_MEAN_BITS(16, "get latency mean (double bits)"),
  /** Writes timed. */
  PUT_LATENCY_COUNT(20, "put latency count"),
  /** Write latency, median, ns. */
  PUT_LATENCY_P50(21, "put latency p50 ns"),
  /** Write latency, 90th percentile, ns. */
  PUT_LATENCY_P90(22, "put latency p90 ns"),
  /** Write latency, 99th percentile, ns. */
  PUT_LATENCY_P99(23, "put latency p99 ns"),
  /** Write latency, 99.9th percentile, ns. */
  PUT_LATENCY_P999(24, "put latency p99.9 ns"),
  /** Write latency, maximum, ns. */
  PUT_LATENCY_MAX(25, "put latency max ns"),
  /** Write latency, mean in ns as {@code Double.doubleToRawLongBits}. */
  PUT_LATENCY_MEAN_BITS(26, "put latency mean (double bits)"),

  /** Entries the memory tier holds. */
  MEMORY_ENTRIES(30, "memory entries"),
  /** Off-heap bytes the memory tier's entries use. */
  MEMORY_OFF_HEAP_BYTES(31, "memory off-heap bytes"),

  /** Writes not yet settled in the lower tiers. */
  WRITE_BEHIND_DEPTH(40, "write-behind depth"),
  /** Age of the oldest pending write, ms. */
  WRITE_BEHIND_LAG_MILLIS(41, "write-behind lag ms"),
  /** Writes dropped because the ring was full. */
  WRITE_BEHIND_RING_DROPS(42, "write-behind ring drops"),

  /** One key in this many is sampled by the memory tier's shadow policies (0: none run). */
  SHADOW_SAMPLE_RATE(50, "shadow sample rate"),
  /** Sampled requests the shadow policies ran. */
  SHADOW_REQUESTS(51, "shadow requests"),
  /** Hits of the LRU shadow over those requests. */
  SHADOW_LRU_HITS(52, "shadow lru hits"),
  /** Hits of the LFU shadow over those requests. */
  SHADOW_LFU_HITS(53, "shadow lfu hits"),
  /** Hits of the W-TinyLFU shadow over those requests. */
  SHADOW_WTINYLFU_HITS(54, "shadow wtinylfu hits"),
  /** Every request the memory tier's policy saw, sampled or not. */
  SHADOW_ALL_REQUESTS(55, "shadow all requests"),

  /** Lookups this tier served. */
  TIER_HITS(100, "hits"),
  /** Health: 0 UP, 1 DEGRADED, 2 DOWN (the ordinal of {@code TierHealth.Status}). */
  TIER_STATUS(101, "status (0 up, 1 degraded, 2 down)"),
  /** Write circuit: 0 CLOSED, 1 OPEN, 2 HALF_OPEN (the ordinal of {@code CircuitState}). */
  TIER_CIRCUIT(102, "circuit (0 closed, 1 open, 2 half-open)"),
  /** When the tier last failed (epoch ms, 0 never); the label holds the error after {@code "last error: "}. */
  TIER_LAST_ERROR(103, "last error"),
  /** Read latency of the tier, 99th percentile, ns. */
  TIER_READ_P99(104, "read p99 ns"),
  /** Writes waiting for the tier. */
  TIER_WRITE_BACKLOG(110, "write backlog"),
  /** Failed write batches. */
  TIER_WRITE_FAILURES(111, "write failures"),
  /** Retried write batches. */
  TIER_WRITE_RETRIES(112, "write retries"),
  /** Writes dropped over the backlog bound. */
  TIER_WRITE_DROPS(113, "write drops"),
  /** Stores of the tier found unusable and moved aside, the tier starting empty ({@code StoreQuarantine}). */
  TIER_STORES_QUARANTINED(114, "stores quarantined");

  /** Type ids from this value up are per-tier counters. */
  static final int FIRST_PER_TIER_TYPE_ID = 100;

  private static final CounterType[] BY_TYPE_ID = new CounterType[128];

  static {
    for (CounterType t : values()) {
      BY_TYPE_ID[t.typeId] = t;
    }
  }

  private final int typeId;
  private final String description;

  CounterType(int typeId, String description) {
    this.typeId = typeId;
    this.description = description;
  }

  /** The Agrona type id. */
  public int typeId() {
    return typeId;
  }

  /** Whether the counter exists once per tier, with the tier in its key. */
  public boolean perTier() {
    return typeId >= FIRST_PER_TIER_TYPE_ID;
  }

  /** The label written with the counter (per-tier labels are prefixed with the tier name). */
  public String description() {
    return description;
  }

  /** The type with this id, or null for an id this version does not know. */
  public static CounterType ofTypeId(int typeId) {
    return typeId >= 0 && typeId < BY_TYPE_ID.length ? BY_TYPE_ID[typeId] : null;
  }

  /** Number of process-wide counter types. */
  static int processWideCount() {
    int n = 0;
    for (CounterType t : values()) {
      n += t.perTier() ? 0 : 1;
    }
    return n;
  }

  /** Number of per-tier counter types. */
  static int perTierCount() {
    return values().length - processWideCount();
  }
}
