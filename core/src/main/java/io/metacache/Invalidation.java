package io.metacache;

import io.metacache.codec.CacheEntry;
import io.metacache.key.CacheKey;
import io.metacache.key.Fingerprint;
import io.metacache.key.KeyScope;
import io.metacache.key.Profiles;
import io.metacache.spi.PathIndexedTier;
import io.metacache.spi.Tier;
import io.metacache.spi.TierKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which keys an explicit invalidation removes (of a file, of a file under one profile, of every
 * entry a predicate picks, of everything) and their removal from every tier through the
 * {@link KeyRemover}; each removed key counts as one invalidation.
 */
final class Invalidation {
  private static final Logger LOG = LoggerFactory.getLogger(Invalidation.class);

  private final CacheParts parts;
  private final KeyRemover remover;
  private final FileIdentities identities;

  Invalidation(CacheParts parts, KeyRemover remover, FileIdentities identities) {
    this.parts = parts;
    this.remover = remover;
    this.identities = identities;
  }

  /**
   * Every entry of {@code file}: its current and last recorded fingerprints under every profile
   * seen, in every key scope (an entry shared with copies of the content goes too: the next
   * lookup of any copy extracts again), plus the keys the tiers that index paths hold for it
   * ({@link MetaCache#invalidate(Path)}). Counted as one invalidation per (fingerprint, profile)
   * and per further key a tier listed.
   */
  void file(Path file) throws IOException {
    List<Fingerprint> fingerprints = identities.fingerprintsOf(file);
    Set<CacheKey> keys = new LinkedHashSet<>();
    int counted = 0;
    for (Fingerprint fp : fingerprints) {
      for (String profile : identities.profilesSeen()) {
        for (KeyScope scope : KeyScope.values()) {
          keys.add(CacheKey.of(fp, profile, scope, absolute(file)));
        }
        counted++;
      }
    }
    int derived = keys.size();
    String path = file.toAbsolutePath().normalize().toString();
    List<Tier> lowerTiers = parts.tiers().lower;
    TierReadGuard[] guards = parts.tiers().guards;
    for (int i = 0; i < lowerTiers.size(); i++) {
      if (lowerTiers.get(i) instanceof PathIndexedTier) {
        try {
          for (TierKey k : ((PathIndexedTier) lowerTiers.get(i)).keysForPath(path)) {
            keys.add(new CacheKey(k.high(), k.low()));
          }
        } catch (RuntimeException e) {
          guards[i].failure(e, parts.clock().getAsLong());
          LOG.debug("tier {} could not list the keys of {}: {}", guards[i].name, path, e.toString());
        }
      }
    }
    for (CacheKey key : keys) {
      remover.removeEverywhere(key.high(), key.low());
    }
    identities.forget(file);
    parts.stats().recordInvalidations(counted + keys.size() - derived);
  }

  /**
   * The entry of {@code file} under {@code profile}, of its current and last recorded content, in
   * every key scope; one invalidation per fingerprint.
   */
  void file(Path file, String profile) throws IOException {
    Profiles.validate(profile);
    int n = 0;
    for (Fingerprint fp : identities.fingerprintsOf(file)) {
      for (KeyScope scope : KeyScope.values()) {
        CacheKey key = CacheKey.of(fp, profile, scope, absolute(file));
        remover.removeEverywhere(key.high(), key.low());
      }
      n++;
    }
    parts.stats().recordInvalidations(n);
  }

  private static Path absolute(Path file) {
    return file.toAbsolutePath().normalize();
  }

  /** One key, counted as an invalidation. */
  void key(long hi, long lo) {
    remover.removeEverywhere(hi, lo);
    parts.stats().recordInvalidations(1);
  }

  /** Every entry {@code predicate} picks, walking every tier that can be walked; returns how many. */
  int where(Predicate<CacheEntry> predicate) {
    CacheTiers tiers = parts.tiers();
    CacheEnumerator enumerator =
        new CacheEnumerator(tiers.memory, tiers.lower, parts.codec(), tiers::flushPending, parts.clock());
    List<long[]> keys = new ArrayList<>();
    enumerator.forEach((hi, lo, entry) -> {
      if (predicate.test(entry)) {
        keys.add(new long[] {hi, lo});
      }
    });
    for (long[] k : keys) {
      remover.removeEverywhere(k[0], k[1]);
    }
    parts.stats().recordInvalidations(keys.size());
    return keys.size();
  }

  /** Everything, in every tier; queued writes are applied first so none lands afterwards. */
  void all() {
    CacheTiers tiers = parts.tiers();
    tiers.flushPending();
    synchronized (this) {
      parts.stripes().bumpAll();
      tiers.memory.clear();
      parts.indexKeeper().cleared();
      parts.changes().publish(ChangeFeed.CLEARED, 0, 0);
      for (int i = 0; i < tiers.lower.size(); i++) {
        try {
          tiers.lower.get(i).clear();
        } catch (RuntimeException e) {
          tiers.guards[i].failure(e, parts.clock().getAsLong());
          LOG.warn("tier {} could not be cleared: {}", tiers.lower.get(i).name(), e.toString());
        }
      }
      identities.clear();
    }
  }
}
