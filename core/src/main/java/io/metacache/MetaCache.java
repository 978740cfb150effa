package io.metacache;

import io.metacache.codec.CacheEntry;
import io.metacache.codec.EntryCodec;
import io.metacache.counters.CountersPublisher;
import io.metacache.memory.MemoryTierStats;
import io.metacache.query.IndexedEntry;
import io.metacache.query.MetadataQuery;
import io.metacache.spi.Tier;
import io.metacache.stats.CacheStats;
import io.metacache.stats.StatsCounter;
import io.metacache.writebehind.WriteBehindReport;
import io.metacache.writebehind.WriteBehindStats;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * A tiered, content-addressed cache of extracted file metadata.
 *
 * <p>A file's key is its content fingerprint (XXH3-128, sampled for large files) plus the
 * extraction profile; the stat fast path answers an unchanged file's fingerprint from one
 * {@code stat}. A lookup asks the write-behind pipeline's pending view (a process always sees its
 * own writes and invalidations), the off-heap memory tier, then each lower tier; every entry found
 * is checked against the file as it is now, a stale one leaves every tier, corrupt bytes are a
 * counted miss, and a lower-tier hit is promoted upward without ever overwriting a newer write. A
 * {@code put} writes the memory tier at once and the lower tiers through the pipeline, which
 * batches, coalesces and retries on its own thread: a lower tier's latency or failure never
 * reaches the caller. A failing lower tier is skipped for a while, probed every
 * {@value #HEALTH_PROBE_INTERVAL_PROPERTY} and shown in {@link #health()}. While open, a cache
 * whose directory exists publishes its figures every {@value #SHARED_STATS_INTERVAL_PROPERTY} to
 * {@code <dir>/procs/} for {@code metacache stats} ({@code docs/process-counters.md}).
 *
 * <p>This class is a facade over package-private machinery, each part with its design notes: the
 * read path, promotion races and single flight in {@code TieredLookup}; the store path in
 * {@code EntryStore}; the key stripes and generations that order every write of a key in
 * {@code KeyStripes}; the stat fast path in {@code FileIdentities}; invalidation in
 * {@code Invalidation} and {@code KeyRemover}; a shared directory's change feed in
 * {@code ChangeFeedLink}; health in {@code CacheHealth}; opening the tiers in {@code CacheTiers}
 * and {@code LowerTierOpener}.
 */
public final class MetaCache implements AutoCloseable {
  /** Ordered names of the lower tiers to open; {@code none} for the memory tier alone. */
  public static final String TIERS_PROPERTY = "metacache.tiers";
  /** The Redis URI; when set and {@value #TIERS_PROPERTY} is not, Redis is the first lower tier. */
  public static final String REDIS_URI_PROPERTY = "metacache.redis.uri";
  /** Lower tiers opened when {@value #TIERS_PROPERTY} is unset. */
  public static final List<String> DEFAULT_LOWER_TIERS = List.of("disk", "sqlite");
  static final String MEMORY = "memory";
  /** How often each lower tier is pinged for {@link #health()}; {@code 0} turns probing off. */
  public static final String HEALTH_PROBE_INTERVAL_PROPERTY = "metacache.health.probe-interval";
  /**
   * {@code false} stops this cache publishing its live figures to {@code <cache dir>/procs/} for
   * {@code metacache stats} (default {@code true}; see {@code docs/process-counters.md}).
   */
  public static final String SHARED_STATS_PROPERTY = "metacache.stats.shared";
  /** How often the shared figures are published (default 100ms). */
  public static final String SHARED_STATS_INTERVAL_PROPERTY = "metacache.stats.shared.interval";
  /** What {@code metacache stats} shows for this process (default: the JVM's main class and arguments). */
  public static final String SHARED_STATS_LABEL_PROPERTY = "metacache.stats.label";

  private final CacheConfig config;
  private final CacheTiers tiers;
  private final StatsCounter stats;
  private final KeyRemover remover;
  private final TieredLookup lookup;
  private final EntryStore store;
  private final Invalidation invalidation;
  private final IndexKeeper indexKeeper;
  private final ChangeFeedLink changes;
  private final CacheHealth health;
  private final ExpirySweeper expirySweeper;
  private final KeyValueCache keyValue;
  private final CountersPublisher sharedStats; // null when off or not possible
  private final CacheDiagnostics diagnostics;
  private volatile boolean closed;
  private volatile WriteBehindReport closeReport;

  private MetaCache(Builder b, CacheConfig config, List<Tier> lowerTiers, EntryCodec codec) {
    IndexKeeper.Mode indexMode = IndexKeeper.mode(b.properties.apply(IndexKeeper.PROPERTY));
    SharedStats.Settings shared = SharedStats.settings(b.properties); // validated before anything opens
    CacheDiagnostics.Settings doctor = CacheDiagnostics.settings(config, b.properties);
    this.config = config;
    LongSupplier clock = b.clock;
    this.tiers = CacheTiers.open(config, lowerTiers, clock, b.properties, this::memoryEvicted);
    this.stats = new StatsCounter(tiers.names());
    KeyStripes stripes = new KeyStripes(tiers.memory);
    OperationTtls operationTtls = new OperationTtls(b.properties, config.ttl());
    this.indexKeeper = new IndexKeeper(indexMode,
        new CacheEnumerator(tiers.memory, tiers.lower, codec, tiers::flushPending, clock), clock, stripes);
    this.changes = ChangeFeedLink.open(config, tiers.memory, codec);
    changes.follow(indexKeeper);
    CacheParts parts = new CacheParts(tiers, stripes, indexKeeper, changes, codec, stats, clock);
    this.remover = new KeyRemover(parts);
    remover.listenForRemoteInvalidations();
    FileIdentities identities = new FileIdentities(config, parts, remover);
    EntryCheck check = new EntryCheck(parts, remover);
    this.store = new EntryStore(parts, check, identities);
    this.lookup = new TieredLookup(parts, check, identities, store, config.ttl());
    this.invalidation = new Invalidation(parts, remover, identities);
    this.keyValue = new KeyValueCache(new NamedEntries(this, lookup, store, invalidation, operationTtls, clock));
    indexKeeper.start();
    tiers.describeEntriesWith(codec);
    this.health = new CacheHealth(tiers, stats, clock, b.properties);
    this.expirySweeper = new ExpirySweeper(tiers, clock, config.expirySweepInterval());
    this.diagnostics = CacheDiagnostics.of(this, doctor);
    this.sharedStats = SharedStats.start(this, shared); // last: its thread reads the whole cache
  }

  /** A builder; with no settings it reads system properties, like {@link #fromSystemProperties()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A cache configured from {@code metacache.*} system properties and {@code METACACHE_*} variables. */
  public static MetaCache fromSystemProperties() {
    return builder().build();
  }

  // ---------------------------------------------------------------- reads and writes

  /** The metadata cached for {@code file} under {@code profile}, if any tier holds a current entry. */
  public Optional<Map<String, Object>> get(Path file, String profile) throws IOException {
    return getEntry(file, profile).map(CacheEntry::metadata);
  }

  /** The whole entry cached for {@code file} under {@code profile}, if any tier holds a current one. */
  public Optional<CacheEntry> getEntry(Path file, String profile) throws IOException {
    checkOpen();
    return Optional.ofNullable(lookup.getEntry(file, profile));
  }

  /**
   * The metadata of {@code file} under {@code profile}: from the cache if a tier holds a current
   * entry, else extracted once and stored in every tier. Concurrent misses on one key share a
   * single extraction; an extractor's exception reaches every waiter and nothing is cached.
   */
  public Map<String, Object> get(Path file, String profile, Extractor extractor) throws IOException {
    checkOpen();
    return lookup.getOrExtract(file, profile, extractor);
  }

  /** Stores {@code metadata} for {@code file} under {@code profile} with the configured time to live. */
  public void put(Path file, String profile, Map<String, Object> metadata) throws IOException {
    put(file, profile, metadata, config.ttl());
  }

  /** Stores {@code metadata} for {@code file} under {@code profile}; a zero {@code ttl} never expires. */
  public void put(Path file, String profile, Map<String, Object> metadata, Duration ttl) throws IOException {
    checkOpen();
    store.put(file, profile, metadata, ttl);
  }

  // ---------------------------------------------------------------- invalidation

  /**
   * Removes every entry of {@code file} from every tier. Works for a deleted file too. The keys
   * are the file's current and last recorded fingerprints under every profile this cache has seen,
   * plus those the tiers that index paths (SQLite) hold for it; entries other processes stored
   * under other profiles stay, without such a tier, until their TTL, and are never served for a
   * changed file anyway, since every hit is checked against the file.
   */
  public void invalidate(Path file) throws IOException {
    checkOpen();
    invalidation.file(file);
  }

  /** Removes the entry of {@code file} under {@code profile} from every tier. */
  public void invalidate(Path file, String profile) throws IOException {
    checkOpen();
    invalidation.file(file, profile);
  }

  /** Removes every entry from every tier. Waits for queued writes first so none lands afterwards. */
  public void invalidateAll() {
    checkOpen();
    invalidation.all();
  }

  /**
   * Removes from every tier each entry whose path (a file's path, or a key/value key) matches
   * {@code glob} ({@code *} any characters, {@code /} included; {@code ?} one; {@code \} escapes);
   * returns how many it removed. Walks the memory tier and every lower tier that can be walked
   * after flushing pending writes: O(entries cached).
   */
  public int invalidatePattern(String glob) {
    Pattern pattern = Glob.compile(glob);
    checkOpen();
    return invalidation.where(e -> pattern.matcher(e.path()).matches());
  }

  // ---------------------------------------------------------------- stats, health, lifecycle

  /** A snapshot of the cache's statistics; evictions and expirations are the memory tier's. */
  public CacheStats stats() {
    CacheStats s = stats.snapshot();
    MemoryTierStats m = tiers.memory.stats();
    return new CacheStats(s.requests(), s.hitsByTier(), s.misses(), s.puts(),
        m.evictionsBySize() + m.evictionsByBytes(), m.expirations(), s.invalidations(), s.corruptions(),
        s.compressionSavedBytes(), s.getLatency(), s.putLatency());
  }

  /**
   * What the cache doctor finds in this cache's live figures: alerts on the thresholds of
   * {@link io.metacache.doctor.DoctorThresholds} and advice with the figures behind it. Rates and
   * drops cover the time since a sample at least {@code metacache.doctor.window} old (default 10s);
   * the first call judges states and totals only.
   */
  public io.metacache.doctor.Diagnosis diagnose() {
    return diagnostics.diagnose();
  }

  /** The memory tier's shadow policies' hits ({@link io.metacache.policy.ShadowPolicies}), for the doctor. */
  io.metacache.policy.ShadowHitRates shadowHitRates() {
    return tiers.memory.shadowHitRates();
  }

  /** The memory tier's own statistics: entries, off-heap bytes, evictions by cause. */
  public MemoryTierStats memoryStats() {
    return tiers.memory.stats();
  }

  /** The write-behind pipeline's statistics, if there are lower tiers. */
  public Optional<WriteBehindStats> writeBehindStats() {
    return tiers.writeBehind == null ? Optional.empty() : Optional.of(tiers.writeBehind.stats());
  }

  /**
   * Health of every tier, in lookup order. A lower tier is DOWN when its last probe failed, its
   * reads are being skipped after consecutive failures, or its write circuit is open; DEGRADED when
   * it answers but recent reads failed, its circuit is half-open or writes wait parked after
   * failures; UP otherwise. Safe to call at any time, also after {@link #close()}.
   */
  public List<TierHealth> health() {
    return health.health(closed);
  }

  /** The health of the named tier. */
  public TierHealth health(String tier) {
    return health.health(tier, closed);
  }

  /** Entries held by each tier, in lookup order; -1 where a tier cannot count cheaply or is down. */
  public Map<String, Long> entriesByTier() {
    return health.entriesByTier();
  }

  /** Names of the tiers in lookup order, memory first. */
  public List<String> tierNames() {
    return stats.snapshot().tiers();
  }

  /** The configuration this cache runs with. */
  public CacheConfig config() {
    return config;
  }

  /**
   * Removes every entry whose time to live has run out, now, from the memory tier and every lower
   * tier (Redis expires its keys itself); returns how many entries left. The cache runs this on
   * its own every {@code metacache.expiry.sweep-interval}: the memory tier through its sweeper,
   * the lower tiers through the cache's. A lower tier that fails is skipped until the next sweep.
   * An expired entry is never served before it is swept: every tier's read checks expires-at.
   */
  public long removeExpired() {
    checkOpen();
    return tiers.memory.runExpiry() + expirySweeper.sweepLowerTiers();
  }

  /** Returns when every write queued before the call has been applied or has failed in every lower tier. */
  public void flush() {
    checkOpen();
    tiers.flushPending();
  }

  /** Drains queued writes (up to the configured timeout) and closes every tier. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    health.close();
    expirySweeper.stop();
    closeReport = tiers.closeLowerTiers();
    if (sharedStats != null) {
      sharedStats.close(); // the final figures, while the memory tier can still report them
    }
    tiers.memory.close();
    changes.close();
  }

  /**
   * What {@link #close()} achieved for the lower tiers: per tier, writes applied, failed, dropped
   * and never written. Empty before {@code close()} and for a cache with the memory tier alone.
   */
  public Optional<WriteBehindReport> closeReport() {
    return Optional.ofNullable(closeReport);
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("cache is closed");
    }
  }

  // ---------------------------------------------------------------- queries, key/value

  /**
   * The cached entries matching {@code query}, sorted by path then profile. Answers over every
   * entry cached in any tier (indexes rebuilt from the tiers on first use, then kept in step with
   * puts, invalidations, expiry and memory-only evictions); a file changed since it was cached is
   * listed until it is read or invalidated. See {@code IndexKeeper} for the rules.
   *
   * @throws IllegalStateException if the query index is off ({@code metacache.query.index=off})
   */
  public List<IndexedEntry> query(MetadataQuery query) {
    checkOpen();
    Objects.requireNonNull(query, "query");
    return indexKeeper.query(query);
  }

  /** The generic key/value API over the same tiers. */
  public KeyValueCache keyValue() {
    return keyValue;
  }

  /** Memory-only caches: an eviction is the entry leaving the cache. Runs under the memory tier's lock. */
  private void memoryEvicted(long hi, long lo) {
    KeyRemover r = remover; // null while the memory tier replays a persisted file at start
    if (r != null) {
      r.evicted(hi, lo);
    }
  }

  // ---------------------------------------------------------------- builder

  /** Builds a {@link MetaCache}: configuration, lower tiers by name or instance, clock. */
  public static final class Builder {
    private CacheConfig config;
    private Function<String, String> properties = name -> {
      String value = System.getProperty(name);
      return value != null ? value : System.getenv(CacheConfig.environmentName(name));
    };
    private List<String> tierNames;
    private final List<Tier> tierInstances = new ArrayList<>();
    private LongSupplier clock = System::currentTimeMillis;

    private Builder() {}

    /** The configuration; by default read from the property source. */
    public Builder config(CacheConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Where tier and write-behind settings are read (default: system properties, then environment). */
    public Builder properties(Function<String, String> properties) {
      this.properties = Objects.requireNonNull(properties, "properties");
      return this;
    }

    /** Lower tiers to open by provider name, in lookup order ({@code redis}, {@code disk}, {@code sqlite}). */
    public Builder tiers(List<String> names) {
      this.tierNames = List.copyOf(names);
      return this;
    }

    /** Only the memory tier (plus any tier given with {@link #tier(Tier)}). */
    public Builder memoryOnly() {
      this.tierNames = List.of();
      return this;
    }

    /** Adds an already opened lower tier after those opened by name; the cache closes it. */
    public Builder tier(Tier tier) {
      tierInstances.add(Objects.requireNonNull(tier, "tier"));
      return this;
    }

    /** The clock in epoch milliseconds (for tests). */
    public Builder clock(LongSupplier clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Opens the tiers and builds the cache; on failure everything opened so far is closed. */
    public MetaCache build() {
      CacheConfig c = config != null ? config : CacheConfig.from(properties, name -> null);
      List<String> names = tierNames != null ? tierNames : LowerTierOpener.namesFromProperties(properties);
      EntryCodec codec = EntryCodecs.fromConfig(c);
      List<Tier> opened = new ArrayList<>();
      try {
        LowerTierOpener.open(names, c, clock, properties, opened);
        opened.addAll(tierInstances);
        return new MetaCache(this, c, opened, codec);
      } catch (RuntimeException e) {
        LowerTierOpener.closeAll(opened);
        throw e;
      }
    }
  }
}
