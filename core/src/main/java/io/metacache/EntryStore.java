package io.metacache;

import io.metacache.codec.CacheEntry;
import io.metacache.codec.EntryCodec;
import io.metacache.codec.EntryLayout;
import io.metacache.key.CacheKey;
import io.metacache.key.FileIdentity;
import io.metacache.key.KeyScope;
import io.metacache.key.Profiles;
import io.metacache.memory.MemoryTier;
import io.metacache.stats.StatsCounter;
import io.metacache.writebehind.PendingWrite;
import io.metacache.writebehind.WriteBehindPipeline;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The store path: a put, an extraction's result and a key/value set are encoded once, written to
 * the memory tier at once and published to the write-behind pipeline, which writes the lower tiers
 * on its own thread. Both happen under the key's stripe monitor ({@link KeyStripes}), so the
 * ring's order per key is the order in which the memory tier changed, and the lower tiers end in
 * the state the memory tier shows: two racing puts, or a promotion racing a put, cannot leave
 * memory with one value and Redis, disk and SQLite with the other.
 */
final class EntryStore {
  /** {@link #store}'s {@code generationSeen} for a put: it always writes. */
  static final long ANY_GENERATION = Long.MIN_VALUE;

  private final MemoryTier memory;
  private final WriteBehindPipeline writeBehind; // null without lower tiers
  private final KeyStripes stripes;
  private final EntryCheck check;
  private final FileIdentities identities;
  private final IndexKeeper indexKeeper;
  private final ChangeFeedLink changes;
  private final EntryCodec codec;
  private final StatsCounter stats;
  private final LongSupplier clock;

  EntryStore(CacheParts parts, EntryCheck check, FileIdentities identities) {
    this.memory = parts.tiers().memory;
    this.writeBehind = parts.tiers().writeBehind;
    this.stripes = parts.stripes();
    this.check = check;
    this.identities = identities;
    this.indexKeeper = parts.indexKeeper();
    this.changes = parts.changes();
    this.codec = parts.codec();
    this.stats = parts.stats();
    this.clock = parts.clock();
  }

  /** {@link MetaCache#put(Path, String, Map, Duration)}: checks its arguments, then stores. */
  void put(Path file, String profile, Map<String, Object> metadata, Duration ttl) throws IOException {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl: expected zero (never expire) or a positive duration, got " + ttl);
    }
    Profiles.validate(profile);
    FileIdentity identity = identities.identify(file);
    // A put's metadata is the caller's, about this file: per file, as an extractor that declares nothing.
    store(CacheKey.of(identity.fingerprint(), profile, KeyScope.FILE, identity.path()), identity, profile,
        ExtractorInputs.file(), metadata, 0, ttl, ANY_GENERATION);
  }

  /**
   * Writes the entry to memory and queues it for the lower tiers, both under the key's stripe
   * lock, so that two writers of one key reach the memory tier and the pipeline in the same
   * order. An extraction passes the generation it saw before its lookup: if the stripe changed
   * since and a newer write of the key is held, that write wins and is returned instead.
   * {@code metadata} holds no path field of {@code inputs}: they are recomputed at lookup.
   */
  CacheEntry store(CacheKey key, FileIdentity identity, String profile, ExtractorInputs inputs,
      Map<String, Object> metadata, long extractionNanos, Duration ttl, long generationSeen) {
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
        .scope(inputs.scope())
        .pathFieldBits(inputs.pathFieldBits())
        .build();
    identities.sawProfile(profile, inputs.scope());
    return write(key, identity, entry, generationSeen, start);
  }

  /** Stores a named (key/value) entry in every tier through {@link #write}, the store path of file entries. */
  CacheEntry putNamed(CacheKey key, String name, Map<String, Object> metadata, Duration ttl) {
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

  /**
   * The one store path of file entries ({@link #store}) and named entries ({@link #putNamed}):
   * encodes {@code entry}, then writes the memory tier and publishes to the pipeline under the
   * key's stripe monitor (the ring's order per key is the memory tier's order).
   * {@code identity} is null for a named entry; {@code generationSeen} is {@link #ANY_GENERATION}
   * for a put, else the generation an extraction saw before its lookup.
   */
  private CacheEntry write(CacheKey key, FileIdentity identity, CacheEntry entry, long generationSeen, long start) {
    byte[] bytes = codec.encode(entry);
    long hi = key.high();
    long lo = key.low();
    int stripe = KeyStripes.stripe(hi, lo);
    synchronized (stripes.lock(stripe)) {
      if (generationSeen != ANY_GENERATION && stripes.current(stripe) != generationSeen) {
        CacheEntry newer = newestWrite(hi, lo);
        if (newer != null && check.current(newer, identity, key)) {
          return newer;
        }
      }
      stripes.bump(stripe);
      indexKeeper.stored(hi, lo, entry); // named entries are not indexed (it skips their profile)
      if (!memory.put(hi, lo, bytes)) {
        memory.remove(hi, lo); // refused (too large): an older value must not stay behind
      }
      if (!KeyValueCache.PROFILE.equals(entry.profile())) {
        changes.publish(ChangeFeed.STORED, hi, lo); // for other processes' query indexes, which skip key/value entries
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

  /** The newest entry written for the key, from the pending view or the memory tier; under its stripe lock. */
  private CacheEntry newestWrite(long hi, long lo) {
    if (memory.isShared()) {
      // another process's put may be newer than this process's pending write: memory first
      byte[] held = memory.peek(hi, lo);
      if (held != null) {
        return Tombstone.is(held) ? null : check.decodeOrNull(held, 0, held.length);
      }
    }
    if (writeBehind != null) {
      PendingWrite pending = writeBehind.pending(hi, lo);
      if (pending != null) {
        return pending.isDelete() ? null : check.decodeOrNull(pending.value(), 0, pending.value().length);
      }
    }
    byte[] held = memory.get(hi, lo);
    return held == null || Tombstone.is(held) ? null : check.decodeOrNull(held, 0, held.length);
  }

  /** Bytes compression saved on one encoded entry: raw body length minus stored body length. */
  private static long savedBytes(byte[] stored) {
    ByteBuffer header = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN);
    long raw = Integer.toUnsignedLong(header.getInt(EntryLayout.RAW_BODY_LENGTH_OFFSET));
    long kept = Integer.toUnsignedLong(header.getInt(EntryLayout.STORED_BODY_LENGTH_OFFSET));
    return raw - kept;
  }
}
