package io.metacache;

import io.metacache.codec.CacheEntry;
import io.metacache.codec.CodecOptions;
import io.metacache.codec.CorruptEntryException;
import io.metacache.codec.EntryCodec;
import io.metacache.key.CacheKey;
import io.metacache.key.FileIdentity;
import io.metacache.key.Fingerprint;
import io.metacache.key.Fingerprinter;
import io.metacache.key.PathIndex;
import io.metacache.key.Profiles;
import io.metacache.memory.MemoryTier;
import io.metacache.memory.MemoryTierStats;
import io.metacache.config.ConfigValues;
import io.metacache.spi.DescribedTier;
import io.metacache.spi.EntryDescription;
import io.metacache.query.IndexedEntry;
import io.metacache.query.MetadataQuery;
import io.metacache.spi.InvalidationBroadcaster;
import io.metacache.spi.PathIndexedTier;
import io.metacache.spi.Tier;
import io.metacache.spi.TierContext;
import io.metacache.spi.TierException;
import io.metacache.spi.TierKey;
import io.metacache.spi.TierOperation;
import io.metacache.spi.TierProvider;
import io.metacache.stats.CacheStats;
import io.metacache.stats.StatsCounter;
import io.metacache.writebehind.CircuitState;
import io.metacache.writebehind.PendingWrite;
import io.metacache.writebehind.WriteBehindPipeline;
import io.metacache.writebehind.WriteBehindReport;
import io.metacache.writebehind.WriteBehindStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.agrona.ExpandableDirectByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tiered, content-addressed cache of extracted file metadata.
 *
 * <h2>Keys</h2>
 * A file's key is its content fingerprint (XXH3-128, sampled for large files) plus the extraction
 * profile. The stat fast path ({@link PathIndex}) answers the fingerprint of an unchanged file
 * from one {@code stat}; a file written in the same timestamp tick as its last record is re-hashed.
 *
 * <h2>Reads</h2>
 * A lookup asks, in order: the write-behind pipeline's pending view (so a process always sees its
 * own writes and invalidations, even before lower tiers have them), the off-heap memory tier, then
 * each lower tier. Every entry found is checked against the file as it is now (size, mtime,
 * fingerprint); a mismatch removes the key from every tier and is a miss. A hit in a lower tier is
 * promoted to the memory tier and, through the pipeline, to the tiers above it. Corrupt bytes in
 * any tier are a counted miss and are deleted from that tier; they never reach the caller.
 *
 * <h2>Writes</h2>
 * {@code put} encodes once, writes the memory tier at once and publishes to the write-behind
 * pipeline, which batches, coalesces and retries writes to the lower tiers on its own thread. A
 * lower tier's latency or failure never reaches the caller.
 *
 * <h2>Promotion races</h2>
 * A reader that found an entry in a lower tier must not overwrite a newer put or resurrect an
 * invalidation made while it was reading. Keys hash to one of {@value #STRIPES} stripes, each with
 * a generation counter; writers bump it under the stripe's monitor before touching the memory
 * tier, and a promotion only goes ahead, under the same monitor, if the generation is the one it
 * saw before reading. Memory-tier hits take no lock.
 *
 * <p>Every write to one key (put, key/value set, invalidation, promotion) also publishes to the
 * write-behind pipeline while it holds the stripe's monitor; puts and sets share one store path
 * ({@code write}). The ring's order per key is then the order in
 * which the memory tier changed, so the lower tiers end in the state the memory tier shows: two
 * racing puts, or a promotion racing a put, cannot leave memory with one value and Redis, disk
 * and SQLite with the other. A promotion from lower tier {@code i} reaches only the tiers above
 * it ({@link PromotionFilter}); the tier that answered is not rewritten.
 *
 * <h2>Failure</h2>
 * A lower tier that fails reads is skipped for a short while and then tried again; its writes are
 * retried behind a circuit breaker. A probe pings each lower tier every
 * {@value #HEALTH_PROBE_INTERVAL_PROPERTY} (default one second), so a dead tier shows DOWN within
 * about that long even when idle, and a tier that answers again is read again at once.
 * {@link #health()} shows each tier as UP, DEGRADED or DOWN with its circuit, last error and read
 * latency percentiles.
 *
 * <h2>Shared statistics</h2>
 * While open, a cache whose directory exists publishes its figures (stats, health, write-behind)
 * into {@code <dir>/procs/<pid>-<id>.counters}, a mapped file of Agrona counters, so that
 * {@code metacache stats} shows every process using the directory. A daemon thread copies them
 * every {@value #SHARED_STATS_INTERVAL_PROPERTY} (100 ms); the request path is unchanged. See
 * {@code io.metacache.counters} and {@code docs/process-counters.md}.
 *
 * <h2>Queryable tiers</h2>
 * A tier that stores queryable columns ({@link DescribedTier}, SQLite) gets a describer that
 * transcodes each entry's metadata to JSON ({@link EntryCodec#summarize}); a tier that indexes
 * paths ({@link PathIndexedTier}) lets {@link #invalidate(Path)} find entries of profiles this
 * process never used.
 */
public final class MetaCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetaCache.class);

  /** Ordered names of the lower tiers to open; {@code none} for the memory tier alone. */
  public static final String TIERS_PROPERTY = "metacache.tiers";
  /** The Redis URI; when set and {@value #TIERS_PROPERTY} is not, Redis is the first lower tier. */
  public static final String REDIS_URI_PROPERTY = "metacache.redis.uri";
  /** Lower tiers opened when {@value #TIERS_PROPERTY} is unset. */
  public static final List<String> DEFAULT_LOWER_TIERS = List.of("disk", "sqlite");
  static final String MEMORY = "memory";
  static final int STRIPES = 1024;
  static final long READ_RETRY_AFTER_MILLIS = 1000;
  /** How often each lower tier is pinged for {@link #health()}; {@code 0} turns probing off. */
  public static final String HEALTH_PROBE_INTERVAL_PROPERTY = "metacache.health.probe-interval";
  static final Duration DEFAULT_HEALTH_PROBE_INTERVAL = Duration.ofSeconds(1);
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
  private final LongSupplier clock;
  private final PathIndex pathIndex;
  private final EntryCodec codec;
  private final MemoryTier memory;
  private final List<Tier> lowerTiers;
  private final TierReadGuard[] guards;
  private final WriteBehindPipeline writeBehind;
  private final StatsCounter stats;
  private final InvalidationBroadcaster broadcaster;
  private final PromotionFilter promotions = new PromotionFilter();
  private final TierProbe[] probes;
  private final ScheduledExecutorService prober;
  private final ScheduledExecutorService expirySweeper;
  private volatile WriteBehindReport closeReport;
  private final Object[] stripeLocks = new Object[STRIPES];
  private final long[] generations = new long[STRIPES];
  private final ConcurrentHashMap<CacheKey, CompletableFuture<CacheEntry>> inFlight = new ConcurrentHashMap<>();
  private final Set<String> profilesSeen = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<ExpandableDirectByteBuffer> readBuffers =
      ThreadLocal.withInitial(() -> new ExpandableDirectByteBuffer(4096));
  private volatile boolean closed;
  private final IndexKeeper indexKeeper;
  private final OperationTtls operationTtls;
  private final KeyValueCache keyValue;
  /** The directory's change feed when the memory tier is shared, else null. */
  private final ChangeFeed changes;
  private final io.metacache.counters.CountersPublisher sharedStats; // null when off or not possible

  private MetaCache(Builder b, CacheConfig config, List<Tier> lowerTiers, EntryCodec codec) {
    IndexKeeper.Mode indexMode = IndexKeeper.mode(b.properties.apply(IndexKeeper.PROPERTY));
    SharedStats.Settings shared = SharedStats.settings(b.properties); // validated before anything opens
    this.config = config;
    this.clock = b.clock;
    this.codec = codec;
    this.pathIndex = new PathIndex(new Fingerprinter(config.fullHashThreshold(), config.sampleChunkSize()),
        (int) config.statIndexMaxEntries(), config.timestampGranularity());
    this.lowerTiers = List.copyOf(lowerTiers);
    for (int i = 0; i < STRIPES; i++) {
      stripeLocks[i] = new Object();
    }
    this.guards = new TierReadGuard[lowerTiers.size()];
    List<String> names = new ArrayList<>();
    names.add(MEMORY);
    for (int i = 0; i < lowerTiers.size(); i++) {
      String name = lowerTiers.get(i).name();
      names.add(name);
      guards[i] = new TierReadGuard(name, READ_RETRY_AFTER_MILLIS);
    }
    this.stats = new StatsCounter(names);
    MemoryTier opened = null;
    WriteBehindPipeline pipeline = null;
    boolean sharedMemory = config.memoryMode()
        .map(mode -> mode == MemoryMode.SHARED)
        .orElse(!lowerTiers.isEmpty());
    try {
      opened = MemoryTier.builder()
          .maxEntries(config.memoryMaxEntries())
          .maxBytes(config.memoryMaxBytes())
          .maxEntryBytes(config.memoryMaxEntryBytes())
          .policy(config.memoryPolicy())
          .clock(clock)
          .persistTo(sharedMemory ? config.sharedMemoryFile() : config.memoryFile().orElse(null))
          .shared(sharedMemory)
          .sharedStatRecords(config.statIndexMaxEntries())
          .expirySweepInterval(config.expirySweepInterval())
          .evictionListener(lowerTiers.isEmpty() ? this::memoryEvicted : null)
          .build();
      if (!lowerTiers.isEmpty()) {
        List<Tier> views = new ArrayList<>(lowerTiers.size());
        for (int i = 0; i < lowerTiers.size(); i++) {
          views.add(promotions.view(lowerTiers.get(i), i));
        }
        WriteBehindPipeline.Builder wb = WriteBehindPipeline.builder().tiers(views);
        for (String property : WRITE_BEHIND_PROPERTIES) {
          String value = b.properties.apply(property);
          if (value != null) {
            wb.set(property, value);
          }
        }
        pipeline = wb.build();
      }
    } catch (RuntimeException e) {
      if (opened != null) {
        opened.close();
      }
      throw e;
    }
    this.memory = opened;
    opened.sharedStatRecords().ifPresent(pathIndex::share);
    this.writeBehind = pipeline;
    InvalidationBroadcaster found = null;
    for (Tier tier : lowerTiers) {
      if (tier instanceof InvalidationBroadcaster) {
        found = (InvalidationBroadcaster) tier;
        found.onRemoteInvalidation(this::dropFromMemory);
        break;
      }
    }
    this.broadcaster = found;
    this.operationTtls = new OperationTtls(b.properties, config.ttl());
    this.keyValue = new KeyValueCache(this);
    this.indexKeeper = new IndexKeeper(indexMode,
        new CacheEnumerator(memory, this.lowerTiers, codec, this::flushPending, clock), clock, this::dropIfAbsent);
    ChangeFeed feed = null;
    if (memory.isShared()) {
      try {
        feed = ChangeFeed.open(config.sharedMemoryFile().resolveSibling("changes.feed"),
            java.util.concurrent.ThreadLocalRandom.current().nextInt());
      } catch (IOException | RuntimeException e) {
        LOG.warn("no change feed in {}: other processes' changes reach this process's query index"
            + " only through a rebuild", config.sharedMemoryFile().getParent(), e);
      }
    }
    this.changes = feed;
    if (feed != null) {
      indexKeeper.followChanges(feed, this::storedEntry);
    }
    indexKeeper.start();
    for (Tier tier : lowerTiers) {
      if (tier instanceof DescribedTier) {
        ((DescribedTier) tier).describeEntriesWith(this::describe);
      }
    }
    this.probes = new TierProbe[lowerTiers.size()];
    Duration interval = probeInterval(b.properties);
    if (lowerTiers.isEmpty() || interval.isZero()) {
      this.prober = null;
    } else {
      this.prober = Executors.newScheduledThreadPool(lowerTiers.size(), runnable -> {
        Thread t = new Thread(runnable, "metacache-health-probe");
        t.setDaemon(true);
        return t;
      });
      for (int i = 0; i < lowerTiers.size(); i++) {
        TierReadGuard guard = guards[i];
        probes[i] = new TierProbe(lowerTiers.get(i), clock, nanos -> {
          if (guard.consecutiveFailures() > 0) {
            guard.success(nanos); // the tier answers again: reads need not wait out the back-off
          }
        });
        prober.scheduleWithFixedDelay(probes[i], 0, interval.toNanos(), TimeUnit.NANOSECONDS);
      }
    }
    if (lowerTiers.isEmpty()) {
      this.expirySweeper = null; // the memory tier sweeps itself
    } else {
      this.expirySweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread t = new Thread(runnable, "metacache-expiry-sweep");
        t.setDaemon(true);
        return t;
      });
      long sweepNanos = config.expirySweepInterval().toNanos();
      expirySweeper.scheduleWithFixedDelay(this::sweepLowerTiers, sweepNanos, sweepNanos, TimeUnit.NANOSECONDS);
    }
    this.sharedStats = SharedStats.start(this, shared); // last: its thread reads the whole cache
  }

  private static Duration probeInterval(Function<String, String> properties) {
    String raw = properties.apply(HEALTH_PROBE_INTERVAL_PROPERTY);
    if (raw == null || raw.isBlank()) {
      return DEFAULT_HEALTH_PROBE_INTERVAL;
    }
    Duration d = ConfigValues.parseDuration(HEALTH_PROBE_INTERVAL_PROPERTY, raw);
    if (d.isNegative() || d.compareTo(Duration.ofHours(1)) > 0) {
      throw ConfigValues.invalid(HEALTH_PROBE_INTERVAL_PROPERTY, raw, "a duration from 0 (off) to 1h");
    }
    return d;
  }

  /** The queryable description of an encoded entry, for {@link DescribedTier}s; null if corrupt. */
  private EntryDescription describe(byte[] encoded) {
    io.metacache.codec.EntrySummary summary;
    try {
      summary = codec.summarize(encoded, 0, encoded.length);
    } catch (CorruptEntryException e) {
      return null;
    }
    return new EntryDescription(summary.path(), summary.profile(), summary.metadataJson());
  }

  static final List<String> WRITE_BEHIND_PROPERTIES = List.of(
      WriteBehindPipeline.Builder.RING_SIZE, WriteBehindPipeline.Builder.BATCH_SIZE,
      WriteBehindPipeline.Builder.FULL_POLICY, WriteBehindPipeline.Builder.RETRY_ATTEMPTS,
      WriteBehindPipeline.Builder.BACKOFF_BASE, WriteBehindPipeline.Builder.BACKOFF_MAX,
      WriteBehindPipeline.Builder.BREAKER_FAILURE_RATE, WriteBehindPipeline.Builder.BREAKER_WAIT,
      WriteBehindPipeline.Builder.BREAKER_WINDOW, WriteBehindPipeline.Builder.BACKLOG_MAX,
      WriteBehindPipeline.Builder.CLOSE_TIMEOUT, WriteBehindPipeline.Builder.LINGER,
      WriteBehindPipeline.Builder.NICE);

  /** A builder; with no settings it reads system properties, like {@link #fromSystemProperties()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A cache configured from {@code metacache.*} system properties and {@code METACACHE_*} variables. */
  public static MetaCache fromSystemProperties() {
    return builder().build();
  }

  // ---------------------------------------------------------------- reads

  /** The metadata cached for {@code file} under {@code profile}, if any tier holds a current entry. */
  public Optional<Map<String, Object>> get(Path file, String profile) throws IOException {
    return getEntry(file, profile).map(CacheEntry::metadata);
  }

  /** The whole entry cached for {@code file} under {@code profile}, if any tier holds a current one. */
  public Optional<CacheEntry> getEntry(Path file, String profile) throws IOException {
    checkOpen();
    long start = System.nanoTime();
    Profiles.validate(profile);
    FileIdentity identity = identify(file);
    CacheEntry entry = lookup(CacheKey.of(identity.fingerprint(), profile), identity);
    if (entry == null) {
      stats.recordMiss();
    }
    stats.recordGetLatency(System.nanoTime() - start);
    return Optional.ofNullable(entry);
  }

  /**
   * The metadata of {@code file} under {@code profile}: from the cache if a tier holds a current
   * entry, else extracted once and stored in every tier. Concurrent misses on one key share a
   * single extraction; an extractor's exception reaches every waiter and nothing is cached.
   */
  public Map<String, Object> get(Path file, String profile, Extractor extractor) throws IOException {
    checkOpen();
    Objects.requireNonNull(extractor, "extractor");
    long start = System.nanoTime();
    Profiles.validate(profile);
    FileIdentity identity = identify(file);
    CacheKey key = CacheKey.of(identity.fingerprint(), profile);
    // Read before the lookup: a put or invalidation after it bumps the generation, and the
    // extraction's store then yields to a put made meanwhile instead of overwriting it.
    long generationSeen = generation(stripe(key.high(), key.low()));
    CacheEntry entry = lookup(key, identity);
    if (entry != null) {
      stats.recordGetLatency(System.nanoTime() - start);
      return entry.metadata();
    }
    stats.recordMiss();
    CompletableFuture<CacheEntry> mine = new CompletableFuture<>();
    CompletableFuture<CacheEntry> shared = inFlight.putIfAbsent(key, mine);
    if (shared == null) {
      try {
        long extractStart = System.nanoTime();
        Map<String, Object> metadata = extractor.extract(identity.path());
        if (metadata == null) {
          throw new IllegalStateException("extractor returned null for " + identity.path());
        }
        CacheEntry stored = store(key, identity, profile, metadata, System.nanoTime() - extractStart, config.ttl(),
            generationSeen);
        mine.complete(stored);
        return stored.metadata();
      } catch (IOException | RuntimeException | Error e) {
        mine.completeExceptionally(e);
        throw e;
      } finally {
        inFlight.remove(key, mine);
        stats.recordGetLatency(System.nanoTime() - start);
      }
    }
    try {
      return shared.get().metadata();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the extraction of " + identity.path(), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IOException(cause);
    } finally {
      stats.recordGetLatency(System.nanoTime() - start);
    }
  }

  /**
   * The file's identity; if its content changed since the cache last saw it, the entries of the
   * old content (every profile seen) leave every tier now. They could never be served (keys are
   * content-addressed), but they would linger in Redis, disk and SQLite until their TTL.
   */
  private FileIdentity identify(Path file) throws IOException {
    FileIdentity before = pathIndex.recorded(file).orElse(null);
    FileIdentity now = pathIndex.lookup(file);
    if (before != null && before != now && !before.fingerprint().equals(now.fingerprint())) {
      int n = 0;
      for (String profile : profilesSeen) {
        CacheKey old = CacheKey.of(before.fingerprint(), profile);
        removeEverywhere(old.high(), old.low());
        n++;
      }
      stats.recordInvalidations(n);
    }
    return now;
  }

  /** One request: records a hit of the tier that answers; the caller records the miss on null. */
  private CacheEntry lookup(CacheKey key, FileIdentity identity) {
    stats.recordRequest();
    long hi = key.high();
    long lo = key.low();
    // With lower tiers, a hit there is promoted. The generation must be read before the pending
    // view and the memory tier are asked: a put landing after that read bumps it and the
    // promotion of the older lower-tier entry is abandoned; read any later, a put landing between
    // the memory miss and the read would be overwritten by the promotion (a lost put).
    long generationSeen = writeBehind != null ? generation(stripe(hi, lo)) : 0;
    // A private memory tier never holds anything newer than this process's pending writes, so they
    // are asked first. A shared one may hold another process's newer put: it is asked first, and
    // the pending view only on a miss (an entry too large for memory, or evicted while pending).
    boolean shared = memory.isShared();
    if (writeBehind != null && !shared) {
      PendingWrite pending = writeBehind.pending(hi, lo);
      if (pending != null) {
        return pendingEntry(pending, identity, key);
      }
    }
    ExpandableDirectByteBuffer buffer = readBuffers.get();
    int length = memory.get(hi, lo, buffer, 0);
    if (length >= 0) {
      if (Tombstone.is(buffer, 0, length)) {
        return null; // invalidated by some process; lower tiers may not have applied it yet
      }
      CacheEntry entry;
      try {
        entry = codec.decode(buffer, 0, length);
      } catch (CorruptEntryException e) {
        stats.recordCorruption();
        memory.remove(hi, lo);
        entry = null;
      }
      if (entry != null) {
        if (current(entry, identity, key)) {
          stats.recordHit(0);
          return entry;
        }
        return null;
      }
    }
    if (writeBehind != null && shared) {
      PendingWrite pending = writeBehind.pending(hi, lo);
      if (pending != null) {
        return pendingEntry(pending, identity, key);
      }
    }
    return lowerTiers.isEmpty() ? null : lookupLowerTiers(key, identity, generationSeen);
  }

  /** What this process's pending write of a key answers: its value if current, else a miss. */
  private CacheEntry pendingEntry(PendingWrite pending, FileIdentity identity, CacheKey key) {
    if (pending.isDelete()) {
      return null;
    }
    CacheEntry entry = decodeOrNull(pending.value(), 0, pending.value().length);
    if (entry != null && !entry.isExpired(clock.getAsLong()) && current(entry, identity, key)) {
      stats.recordHit(0);
      return entry;
    }
    return null;
  }

  private CacheEntry lookupLowerTiers(CacheKey key, FileIdentity identity, long generation) {
    long hi = key.high();
    long lo = key.low();
    int stripe = stripe(hi, lo);
    for (int i = 0; i < lowerTiers.size(); i++) {
      TierReadGuard guard = guards[i];
      long now = clock.getAsLong();
      if (!guard.allowRead(now)) {
        continue;
      }
      byte[] bytes;
      long start = System.nanoTime();
      try {
        bytes = lowerTiers.get(i).get(hi, lo);
        guard.success(System.nanoTime() - start);
      } catch (RuntimeException e) {
        guard.failure(e, now);
        LOG.debug("tier {} read failed: {}", guard.name, e.toString());
        continue;
      }
      if (bytes == null) {
        continue;
      }
      CacheEntry entry = decodeOrNull(bytes, 0, bytes.length);
      if (entry == null) {
        deleteFromTier(i, hi, lo);
        continue;
      }
      if (entry.isExpired(now)) {
        continue;
      }
      if (!current(entry, identity, key)) {
        return null;
      }
      stats.recordHit(i + 1);
      promote(hi, lo, bytes, entry.expiresAtMillis(), stripe, generation, i);
      return entry;
    }
    return null;
  }

  /** Whether a found entry still describes the file; if not, the key leaves every tier. */
  private boolean current(CacheEntry entry, FileIdentity identity, CacheKey key) {
    if (identity == null) {
      return true; // a named (key/value) entry describes no file
    }
    if (identity.matches(entry.size(), entry.mtimeNanos(),
        new Fingerprint(entry.fingerprintHigh(), entry.fingerprintLow()))) {
      return true;
    }
    removeEverywhere(key.high(), key.low());
    stats.recordInvalidations(1);
    return false;
  }

  private CacheEntry decodeOrNull(byte[] bytes, int offset, int length) {
    try {
      return codec.decode(bytes, offset, length);
    } catch (CorruptEntryException e) {
      stats.recordCorruption();
      LOG.debug("corrupt entry: {}", e.getMessage());
      return null;
    }
  }

  private void promote(long hi, long lo, byte[] bytes, long expiresAt, int stripe, long generationSeen,
      int answeringTier) {
    synchronized (stripeLocks[stripe]) {
      if (generations[stripe] != generationSeen) {
        return; // a put or invalidation happened meanwhile: it wins
      }
      if (memory.isShared()) {
        // another process may have put or invalidated (a tombstone) the key since we read it:
        // its write wins, as a put in this process does through the generation check above
        if (!memory.putIfAbsent(hi, lo, bytes)) {
          return;
        }
      } else {
        memory.put(hi, lo, bytes);
      }
      // Lower tiers above the one that answered get it through the pipeline; the filter keeps it
      // from the answering tier and those below. Published under the monitor: see the essay.
      if (writeBehind != null && answeringTier > 0) {
        promotions.mark(bytes, answeringTier);
        writeBehind.put(hi, lo, bytes, expiresAt);
      }
    }
  }

  private long generation(int stripe) {
    synchronized (stripeLocks[stripe]) {
      return generations[stripe];
    }
  }

  /** The newest entry written for the key, from the pending view or the memory tier; under its stripe lock. */
  private CacheEntry newestWrite(long hi, long lo) {
    if (memory.isShared()) {
      // another process's put may be newer than this process's pending write: memory first
      byte[] held = memory.peek(hi, lo);
      if (held != null) {
        return Tombstone.is(held) ? null : decodeOrNull(held, 0, held.length);
      }
    }
    if (writeBehind != null) {
      PendingWrite pending = writeBehind.pending(hi, lo);
      if (pending != null) {
        return pending.isDelete() ? null : decodeOrNull(pending.value(), 0, pending.value().length);
      }
    }
    byte[] held = memory.get(hi, lo);
    return held == null || Tombstone.is(held) ? null : decodeOrNull(held, 0, held.length);
  }

  private void deleteFromTier(int tierIndex, long hi, long lo) {
    try {
      lowerTiers.get(tierIndex).apply(List.of(TierOperation.delete(hi, lo)));
    } catch (RuntimeException e) {
      guards[tierIndex].failure(e, clock.getAsLong());
    }
  }

  // ---------------------------------------------------------------- writes

  /** Stores {@code metadata} for {@code file} under {@code profile} with the configured time to live. */
  public void put(Path file, String profile, Map<String, Object> metadata) throws IOException {
    put(file, profile, metadata, config.ttl());
  }

  /** Stores {@code metadata} for {@code file} under {@code profile}; a zero {@code ttl} never expires. */
  public void put(Path file, String profile, Map<String, Object> metadata, Duration ttl) throws IOException {
    checkOpen();
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl: expected zero (never expire) or a positive duration, got " + ttl);
    }
    Profiles.validate(profile);
    FileIdentity identity = identify(file);
    store(CacheKey.of(identity.fingerprint(), profile), identity, profile, metadata, 0, ttl, ANY_GENERATION);
  }

  /** {@link #store}'s {@code generationSeen} for a put: it always writes. */
  private static final long ANY_GENERATION = Long.MIN_VALUE;

  /**
   * Writes the entry to memory and queues it for the lower tiers, both under the key's stripe
   * lock, so that two writers of one key reach the memory tier and the pipeline in the same
   * order. An extraction passes the generation it saw before its lookup: if the stripe changed
   * since and a newer write of the key is held, that write wins and is returned instead.
   */
  private CacheEntry store(CacheKey key, FileIdentity identity, String profile, Map<String, Object> metadata,
      long extractionNanos, Duration ttl, long generationSeen) {
    long start = System.nanoTime();
    long now = clock.getAsLong();
    long expiresAt = ttl.isZero() ? 0 : now + ttl.toMillis();
    CacheEntry entry = CacheEntry.builder()
        .path(identity.path().toString())
        .fingerprint(identity.fingerprint().high(), identity.fingerprint().low())
        .size(identity.stat().size())
        .mtimeNanos(identity.stat().mtimeNanos())
        .metadata(metadata)
        .profile(profile)
        .extractionTimeNanos(extractionNanos)
        .cachedAtMillis(now)
        .expiresAtMillis(expiresAt)
        .lastAccessMillis(now)
        .build();
    profilesSeen.add(profile);
    return write(key, identity, entry, generationSeen, start);
  }

  /**
   * The one store path of file entries ({@link #store}) and named entries ({@link #putNamed}):
   * encodes {@code entry}, then writes the memory tier and publishes to the pipeline under the
   * key's stripe monitor (see the essay: the ring's order per key is the memory tier's order).
   * {@code identity} is null for a named entry; {@code generationSeen} is {@link #ANY_GENERATION}
   * for a put, else the generation an extraction saw before its lookup.
   */
  private CacheEntry write(CacheKey key, FileIdentity identity, CacheEntry entry, long generationSeen, long start) {
    byte[] bytes = codec.encode(entry);
    long hi = key.high();
    long lo = key.low();
    int stripe = stripe(hi, lo);
    synchronized (stripeLocks[stripe]) {
      if (generationSeen != ANY_GENERATION && generations[stripe] != generationSeen) {
        CacheEntry newer = newestWrite(hi, lo);
        if (newer != null && current(newer, identity, key)) {
          return newer;
        }
      }
      generations[stripe]++;
      indexKeeper.stored(hi, lo, entry); // named entries are not indexed (it skips their profile)
      if (!memory.put(hi, lo, bytes)) {
        memory.remove(hi, lo); // refused (too large): an older value must not stay behind
      }
      if (!KeyValueCache.PROFILE.equals(entry.profile())) {
        changed(ChangeFeed.STORED, hi, lo); // for other processes' query indexes, which skip key/value entries
      }
      if (writeBehind != null) {
        // Under the monitor: ring order = memory order. While the ring has room this costs a slot
        // claim and a pending-view update. With full-policy=block and a full ring the thread parks
        // here holding the monitor; that holds back only other writers and lower-tier readers of
        // this one stripe of 1024, who would wait for the ring (writers) or the write (readers)
        // anyway, while memory-tier hits take no lock. A full ring means the tiers are not keeping
        // up, and then every producer waits whatever the locking.
        writeBehind.put(hi, lo, bytes, entry.expiresAtMillis());
      }
    }
    indexKeeper.drainEvictionsIfMany();
    stats.recordPut();
    stats.recordCompressionSavings(savedBytes(bytes));
    stats.recordPutLatency(System.nanoTime() - start);
    return entry;
  }

  /** Bytes compression saved on one encoded entry: raw body length minus stored body length. */
  private static long savedBytes(byte[] stored) {
    java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(stored).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    long raw = Integer.toUnsignedLong(header.getInt(io.metacache.codec.EntryLayout.RAW_BODY_LENGTH_OFFSET));
    long kept = Integer.toUnsignedLong(header.getInt(io.metacache.codec.EntryLayout.STORED_BODY_LENGTH_OFFSET));
    return raw - kept;
  }

  // ---------------------------------------------------------------- invalidation

  /**
   * Removes every entry of {@code file} from every tier. Works for a deleted file too.
   *
   * <p>Keys are content-addressed, so the cache derives them from the file's current and last
   * recorded fingerprints combined with every profile this cache has seen. Entries that other
   * processes (or this one before a restart) stored under other profiles or older contents are
   * found through the tiers that index paths ({@link PathIndexedTier}: SQLite); without such a
   * tier they stay until their TTL, and are never served for a changed file anyway, since every
   * hit is checked against the file.
   */
  public void invalidate(Path file) throws IOException {
    checkOpen();
    List<Fingerprint> fingerprints = fingerprintsOf(file);
    java.util.Set<CacheKey> keys = new java.util.LinkedHashSet<>();
    for (Fingerprint fp : fingerprints) {
      for (String profile : profilesSeen) {
        keys.add(CacheKey.of(fp, profile));
      }
    }
    String path = file.toAbsolutePath().normalize().toString();
    for (int i = 0; i < lowerTiers.size(); i++) {
      if (lowerTiers.get(i) instanceof PathIndexedTier) {
        try {
          for (TierKey k : ((PathIndexedTier) lowerTiers.get(i)).keysForPath(path)) {
            keys.add(new CacheKey(k.high(), k.low()));
          }
        } catch (RuntimeException e) {
          guards[i].failure(e, clock.getAsLong());
          LOG.debug("tier {} could not list the keys of {}: {}", guards[i].name, path, e.toString());
        }
      }
    }
    for (CacheKey key : keys) {
      removeEverywhere(key.high(), key.low());
    }
    pathIndex.invalidate(file);
    stats.recordInvalidations(keys.size());
  }

  /** Removes the entry of {@code file} under {@code profile} from every tier. */
  public void invalidate(Path file, String profile) throws IOException {
    checkOpen();
    Profiles.validate(profile);
    int n = 0;
    for (Fingerprint fp : fingerprintsOf(file)) {
      CacheKey key = CacheKey.of(fp, profile);
      removeEverywhere(key.high(), key.low());
      n++;
    }
    stats.recordInvalidations(n);
  }

  /** Removes every entry from every tier. Waits for queued writes first so none lands afterwards. */
  public void invalidateAll() {
    checkOpen();
    if (writeBehind != null) {
      writeBehind.flush();
    }
    synchronized (this) {
      for (int s = 0; s < STRIPES; s++) {
        synchronized (stripeLocks[s]) {
          generations[s]++;
        }
      }
      memory.clear();
      indexKeeper.cleared();
      changed(ChangeFeed.CLEARED, 0, 0);
      for (int i = 0; i < lowerTiers.size(); i++) {
        try {
          lowerTiers.get(i).clear();
        } catch (RuntimeException e) {
          guards[i].failure(e, clock.getAsLong());
          LOG.warn("tier {} could not be cleared: {}", lowerTiers.get(i).name(), e.toString());
        }
      }
      pathIndex.clear();
    }
  }

  private List<Fingerprint> fingerprintsOf(Path file) throws IOException {
    List<Fingerprint> fingerprints = new ArrayList<>(2);
    pathIndex.recorded(file).ifPresent(id -> fingerprints.add(id.fingerprint()));
    if (Files.isRegularFile(file)) {
      Fingerprint now = pathIndex.lookup(file).fingerprint();
      if (!fingerprints.contains(now)) {
        fingerprints.add(now);
      }
    }
    return fingerprints;
  }

  private void removeEverywhere(long hi, long lo) {
    int stripe = stripe(hi, lo);
    synchronized (stripeLocks[stripe]) {
      generations[stripe]++;
      // Tombstones only matter to other processes (this one sees its pending deletes), so a
      // process alone in the directory removes the entry and its memory accounting stays exact.
      if (!memory.hasOtherUsers() || lowerTiers.isEmpty() || !memory.put(hi, lo, Tombstone.bytes(clock.getAsLong()))) {
        memory.remove(hi, lo);
      }
      indexKeeper.removed(hi, lo);
      changed(ChangeFeed.REMOVED, hi, lo);
      if (writeBehind != null) {
        writeBehind.delete(hi, lo); // under the monitor: ring order = memory order
      }
    }
    if (broadcaster != null) {
      try {
        broadcaster.publishInvalidations(new long[] {hi}, new long[] {lo}, 1);
      } catch (RuntimeException e) {
        LOG.debug("invalidation broadcast failed: {}", e.toString());
      }
    }
  }

  private void dropFromMemory(long hi, long lo) {
    int stripe = stripe(hi, lo);
    synchronized (stripeLocks[stripe]) {
      generations[stripe]++;
      memory.remove(hi, lo);
      indexKeeper.removed(hi, lo);
    }
  }

  private static int stripe(long hi, long lo) {
    long h = hi ^ lo;
    return (int) (h ^ (h >>> 32)) & (STRIPES - 1);
  }

  // ---------------------------------------------------------------- stats, health, lifecycle

  /** A snapshot of the cache's statistics; evictions and expirations are the memory tier's. */
  public CacheStats stats() {
    CacheStats s = stats.snapshot();
    MemoryTierStats m = memory.stats();
    return new CacheStats(s.requests(), s.hitsByTier(), s.misses(), s.puts(),
        m.evictionsBySize() + m.evictionsByBytes(), m.expirations(), s.invalidations(), s.corruptions(),
        s.compressionSavedBytes(), s.getLatency(), s.putLatency());
  }

  /** The memory tier's own statistics: entries, off-heap bytes, evictions by cause. */
  public MemoryTierStats memoryStats() {
    return memory.stats();
  }

  /** The write-behind pipeline's statistics, if there are lower tiers. */
  public Optional<WriteBehindStats> writeBehindStats() {
    return writeBehind == null ? Optional.empty() : Optional.of(writeBehind.stats());
  }

  /**
   * Health of every tier, in lookup order. A lower tier is DOWN when its last probe failed, its
   * reads are being skipped after consecutive failures, or its write circuit is open; DEGRADED when
   * it answers but recent reads failed, its circuit is half-open or writes wait parked after
   * failures; UP otherwise. Safe to call at any time, also after {@link #close()}.
   */
  public List<TierHealth> health() {
    List<TierHealth> health = new ArrayList<>();
    health.add(new TierHealth(MEMORY, closed ? TierHealth.Status.DOWN : TierHealth.Status.UP,
        CircuitState.CLOSED.name(), null, 0, stats.snapshot().getLatency()));
    long now = clock.getAsLong();
    WriteBehindStats pipelineStats = writeBehind == null ? null : writeBehind.stats();
    for (int i = 0; i < lowerTiers.size(); i++) {
      TierReadGuard guard = guards[i];
      TierProbe probe = probes[i];
      io.metacache.writebehind.TierWriteStats writeStats = pipelineStats == null ? null : pipelineStats.tier(guard.name);
      CircuitState circuit = writeStats == null ? CircuitState.CLOSED : writeStats.circuitState();
      TierHealth.Status status;
      if (closed || (probe != null && probe.failing()) || guard.skipping(now) || circuit == CircuitState.OPEN) {
        status = TierHealth.Status.DOWN;
      } else if (guard.consecutiveFailures() > 0 || circuit == CircuitState.HALF_OPEN
          || (writeStats != null && writeStats.parked() > 0)) {
        status = TierHealth.Status.DEGRADED;
      } else {
        status = TierHealth.Status.UP;
      }
      String lastError = guard.lastError();
      long lastErrorAt = guard.lastErrorAtMillis();
      if (writeStats != null && writeStats.lastErrorAtMillis() > lastErrorAt) {
        lastError = writeStats.lastError();
        lastErrorAt = writeStats.lastErrorAtMillis();
      }
      if (probe != null && probe.lastErrorAtMillis() > lastErrorAt) {
        lastError = probe.lastError();
        lastErrorAt = probe.lastErrorAtMillis();
      }
      health.add(new TierHealth(guard.name, status, circuit.name(), lastError, lastErrorAt, guard.latency.summary()));
    }
    return health;
  }

  /** The health of the named tier. */
  public TierHealth health(String tier) {
    for (TierHealth h : health()) {
      if (h.tier().equals(tier)) {
        return h;
      }
    }
    throw new IllegalArgumentException("no tier named '" + tier + "', expected one of " + tierNames());
  }

  /** Entries held by each tier, in lookup order; -1 where a tier cannot count cheaply or is down. */
  public Map<String, Long> entriesByTier() {
    Map<String, Long> sizes = new LinkedHashMap<>();
    sizes.put(MEMORY, memory.size());
    for (Tier tier : lowerTiers) {
      long size;
      try {
        size = tier.size();
      } catch (RuntimeException e) {
        size = -1;
      }
      sizes.put(tier.name(), size);
    }
    return sizes;
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
    return memory.runExpiry() + sweepLowerTiers();
  }

  /** The lower tiers' part of {@link #removeExpired()}; the expiry sweeper's task. */
  private long sweepLowerTiers() {
    long removed = 0;
    for (int i = 0; i < lowerTiers.size() && !closed; i++) {
      long now = clock.getAsLong();
      try {
        removed += lowerTiers.get(i).removeExpired(now);
      } catch (RuntimeException e) {
        LOG.debug("tier {} expiry sweep failed; the next sweep retries: {}", guards[i].name, e.toString());
      }
    }
    return removed;
  }

  /** Returns when every write queued before the call has been applied or has failed in every lower tier. */
  public void flush() {
    checkOpen();
    if (writeBehind != null) {
      writeBehind.flush();
    }
  }

  /** Drains queued writes (up to the configured timeout) and closes every tier. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (prober != null) {
      prober.shutdownNow();
    }
    if (expirySweeper != null) {
      expirySweeper.shutdownNow();
    }
    if (writeBehind != null) {
      WriteBehindReport report = writeBehind.close();
      closeReport = report;
      if (!report.complete()) {
        LOG.warn("closed with writes not applied: {}", report);
      }
    }
    for (Tier tier : lowerTiers) {
      try {
        tier.close();
      } catch (RuntimeException e) {
        LOG.warn("tier {} failed to close: {}", tier.name(), e.toString());
      }
    }
    if (sharedStats != null) {
      sharedStats.close(); // the final figures, while the memory tier can still report them
    }
    memory.close();
    if (changes != null) {
      changes.close();
    }
  }

  /**
   * What {@link #close()} achieved for the lower tiers: per tier, writes applied, failed, dropped
   * and never written. Empty before {@code close()} and for a cache with the memory tier alone.
   */
  public Optional<WriteBehindReport> closeReport() {
    return Optional.ofNullable(closeReport);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("cache is closed");
    }
  }

  // ---------------------------------------------------------------- queries, patterns, key/value

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

  /**
   * Removes from every tier each entry whose path (a file's path, or a key/value key) matches
   * {@code glob} ({@code *} any characters, {@code /} included; {@code ?} one; {@code \} escapes);
   * returns how many it removed. Walks the memory tier and every lower tier that can be walked
   * after flushing pending writes: O(entries cached).
   */
  public int invalidatePattern(String glob) {
    Pattern pattern = Glob.compile(glob);
    return invalidateWhere(e -> pattern.matcher(e.path()).matches());
  }

  int invalidateWhere(Predicate<CacheEntry> predicate) {
    checkOpen();
    List<long[]> keys = new ArrayList<>();
    new CacheEnumerator(memory, lowerTiers, codec, this::flushPending, clock).forEach((hi, lo, entry) -> {
      if (predicate.test(entry)) {
        keys.add(new long[] {hi, lo});
      }
    });
    for (long[] k : keys) {
      removeEverywhere(k[0], k[1]);
    }
    stats.recordInvalidations(keys.size());
    return keys.size();
  }

  /** The entry under a named key, or null; records a hit or a miss. */
  CacheEntry getNamed(CacheKey key) {
    checkOpen();
    long start = System.nanoTime();
    CacheEntry entry = lookup(key, null);
    if (entry == null) {
      stats.recordMiss();
    }
    stats.recordGetLatency(System.nanoTime() - start);
    return entry;
  }

  /** Stores a named entry in every tier through {@link #write}, the store path of file entries. */
  CacheEntry putNamed(CacheKey key, String name, Map<String, Object> metadata, Duration ttl) {
    checkOpen();
    long start = System.nanoTime();
    long now = clock.getAsLong();
    long expiresAt = ttl.isZero() ? 0 : now + ttl.toMillis();
    CacheEntry entry = CacheEntry.builder()
        .path(name)
        .profile(KeyValueCache.PROFILE)
        .metadata(metadata)
        .cachedAtMillis(now)
        .expiresAtMillis(expiresAt)
        .lastAccessMillis(now)
        .build();
    return write(key, null, entry, ANY_GENERATION, start);
  }

  /** Removes one key from every tier, counted as an invalidation. */
  void removeKey(long hi, long lo) {
    checkOpen();
    removeEverywhere(hi, lo);
    stats.recordInvalidations(1);
  }

  OperationTtls operationTtls() {
    return operationTtls;
  }

  long nowMillis() {
    return clock.getAsLong();
  }

  private void flushPending() {
    if (writeBehind != null) {
      writeBehind.flush();
    }
  }

  /** Memory-only caches: an eviction is the entry leaving the cache. Runs under the memory tier's lock. */
  private void memoryEvicted(long hi, long lo) {
    IndexKeeper keeper = indexKeeper; // null while the memory tier replays a persisted file at start
    if (keeper != null) {
      keeper.evicted(hi, lo);
      changed(ChangeFeed.EVICTED, hi, lo);
    }
  }

  /** Tells the other processes of a shared directory of a change (see {@link ChangeFeed}). */
  private void changed(int type, long hi, long lo) {
    ChangeFeed feed = changes;
    if (feed != null) {
      feed.publish(type, hi, lo);
    }
  }

  /** The entry another process stored under a key, for this process's query index; null if gone. */
  private CacheEntry storedEntry(long hi, long lo) {
    byte[] bytes = memory.peek(hi, lo);
    if (bytes == null || Tombstone.is(bytes)) {
      return null; // evicted or removed since; a later rebuild reads the lower tiers
    }
    try {
      return codec.decode(bytes, 0, bytes.length);
    } catch (CorruptEntryException e) {
      return null;
    }
  }

  private void dropIfAbsent(long hi, long lo, Runnable drop) {
    synchronized (stripeLocks[stripe(hi, lo)]) {
      if (!memory.contains(hi, lo)) {
        drop.run();
      }
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
      List<String> names = tierNames != null ? tierNames : namesFromProperties();
      EntryCodec codec = new EntryCodec(codecOptions(c));
      List<Tier> opened = new ArrayList<>();
      try {
        if (!names.isEmpty()) {
          Map<String, TierProvider> providers = providers();
          for (String name : names) {
            TierProvider provider = providers.get(name);
            if (provider == null) {
              throw new IllegalArgumentException("Invalid value for " + TIERS_PROPERTY + ": '" + String.join(",", names)
                  + "'; unknown tier '" + name + "', expected names from " + providers.keySet() + " or none");
            }
            opened.add(TierOpening.open(provider, c, clock, properties, providers.keySet()));
          }
        }
        opened.addAll(tierInstances);
        return new MetaCache(this, c, opened, codec);
      } catch (IOException e) {
        closeAll(opened);
        throw new UncheckedIOException("cannot create the cache directory under " + c.cacheDirectory(), e);
      } catch (RuntimeException e) {
        closeAll(opened);
        throw e;
      }
    }

    private List<String> namesFromProperties() {
      String value = properties.apply(TIERS_PROPERTY);
      if (value == null || value.isBlank()) {
        String redis = properties.apply(REDIS_URI_PROPERTY);
        if (redis != null && !redis.isBlank()) {
          List<String> withRedis = new ArrayList<>();
          withRedis.add("redis");
          withRedis.addAll(DEFAULT_LOWER_TIERS);
          return withRedis;
        }
        return DEFAULT_LOWER_TIERS;
      }
      if (value.trim().equalsIgnoreCase("none")) {
        return List.of();
      }
      List<String> names = new ArrayList<>();
      for (String part : value.split(",")) {
        String name = part.trim().toLowerCase(Locale.ROOT);
        if (name.isEmpty() || names.contains(name) || name.equals(MEMORY)) {
          throw new IllegalArgumentException("Invalid value for " + TIERS_PROPERTY + ": '" + value
              + "'; expected distinct lower-tier names separated by commas (memory is always first), or none");
        }
        names.add(name);
      }
      return names;
    }

    private static Map<String, TierProvider> providers() {
      Map<String, TierProvider> providers = new LinkedHashMap<>();
      for (TierProvider provider : ServiceLoader.load(TierProvider.class, MetaCache.class.getClassLoader())) {
        providers.putIfAbsent(provider.name(), provider);
      }
      return providers;
    }

    private static void closeAll(List<Tier> tiers) {
      for (Tier tier : tiers) {
        try {
          tier.close();
        } catch (RuntimeException ignored) {
          // already failing: the original exception is the one to report
        }
      }
    }

    private static CodecOptions codecOptions(CacheConfig c) {
      CodecOptions.Builder b = CodecOptions.builder()
          .compressionThreshold(c.compressionEnabled() ? c.compressionThreshold() : Integer.MAX_VALUE)
          .minSavings(c.compressionMinSavings())
          .zstdLevel(c.compressionLevel())
          .maxBodyBytes(c.maxDecompressedBytes());
      if (c.compressionDictionary().isPresent()) {
        Path dictionary = c.compressionDictionary().get();
        try {
          b.dictionary(Files.readAllBytes(dictionary));
        } catch (IOException e) {
          throw new IllegalArgumentException("Invalid value for " + CacheConfig.COMPRESSION_DICTIONARY + ": '"
              + dictionary + "'; expected a readable zstd dictionary file (" + e + ")", e);
        }
      }
      return b.build();
    }
  }
}
