package io.metacache;

import io.metacache.key.CacheKey;
import io.metacache.key.FileIdentity;
import io.metacache.key.Fingerprint;
import io.metacache.key.Fingerprinter;
import io.metacache.key.PathIndex;
import io.metacache.stats.StatsCounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files' identities through the stat fast path ({@link PathIndex}: an unchanged file's fingerprint
 * from one {@code stat}; a file written in the same timestamp tick as its last record is
 * re-hashed), shared with the other processes through the memory tier's stat records when it is
 * shared, and the profiles this cache has stored, from which the keys of a file's entries are
 * derived (keys are content-addressed: fingerprint plus profile).
 */
final class FileIdentities {
  private final PathIndex pathIndex;
  private final Set<String> profilesSeen = ConcurrentHashMap.newKeySet();
  /** Profiles stored under by any process of the directory when the memory tier is shared, else null. */
  private final SharedProfiles sharedProfiles;
  private final KeyRemover remover;
  private final StatsCounter stats;

  FileIdentities(CacheConfig config, CacheParts parts, KeyRemover remover) {
    this.pathIndex = new PathIndex(new Fingerprinter(config.fullHashThreshold(), config.sampleChunkSize()),
        (int) config.statIndexMaxEntries(), config.timestampGranularity());
    parts.tiers().memory.sharedStatRecords().ifPresent(pathIndex::share);
    this.sharedProfiles = parts.tiers().memory.isShared()
        ? new SharedProfiles(config.sharedMemoryFile().resolveSibling("profiles")) : null;
    this.remover = remover;
    this.stats = parts.stats();
  }

  /**
   * The file's identity; if its content changed since the cache last saw it, the entries of the
   * old content (every profile seen) leave every tier now. They could never be served (keys are
   * content-addressed), but they would linger in Redis, disk and SQLite until their TTL.
   */
  FileIdentity identify(Path file) throws IOException {
    FileIdentity before = pathIndex.recorded(file).orElse(null);
    FileIdentity now = pathIndex.lookup(file);
    if (before != null && before != now && !before.fingerprint().equals(now.fingerprint())) {
      int n = 0;
      for (String profile : profilesSeen) {
        CacheKey old = CacheKey.of(before.fingerprint(), profile);
        remover.removeEverywhere(old.high(), old.low());
        n++;
      }
      stats.recordInvalidations(n);
    }
    return now;
  }

  /** Notes a profile stored under, so that invalidating a file finds its entry of that profile. */
  void sawProfile(String profile) {
    profilesSeen.add(profile);
    if (sharedProfiles != null) {
      sharedProfiles.register(profile); // before the memory tier: see SharedProfiles
    }
  }

  /**
   * The profiles this cache has stored under and, with a shared memory tier, those any other
   * process of the directory has (their entries may not be in SQLite yet).
   */
  Set<String> profilesSeen() {
    if (sharedProfiles != null) {
      profilesSeen.addAll(sharedProfiles.all());
    }
    return profilesSeen;
  }

  /** The file's last recorded fingerprint and, if it exists, its current one (when different). */
  List<Fingerprint> fingerprintsOf(Path file) throws IOException {
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

  /** Drops the file's stat record: its next lookup hashes it. */
  void forget(Path file) {
    pathIndex.invalidate(file);
  }

  /** Drops every stat record. */
  void clear() {
    pathIndex.clear();
  }
}
