package io.metacache;

import io.metacache.key.CacheKey;
import io.metacache.key.FileIdentity;
import io.metacache.key.Fingerprint;
import io.metacache.key.Fingerprinter;
import io.metacache.key.KeyScope;
import io.metacache.key.PathIndex;
import io.metacache.stats.StatsCounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files' identities through the stat fast path ({@link PathIndex}: an unchanged file's fingerprint
 * from one {@code stat}; a file written in the same timestamp tick as its last record is
 * re-hashed), shared with the other processes through the memory tier's stat records when it is
 * shared, and the profiles (with the key scopes) this cache has stored, from which the keys of a
 * file's entries are derived (keys are content-addressed: fingerprint plus profile, plus the path
 * or the file name for the scopes that have them: {@link KeyScope}).
 */
final class FileIdentities {
  private final PathIndex pathIndex;
  /** Profile to the bits (1 << {@link KeyScope#code()}) of the scopes stored under it. */
  private final ConcurrentHashMap<String, Integer> profilesSeen = new ConcurrentHashMap<>();
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
   * The file's identity; if its content changed since the cache last saw it, the per-file entries
   * ({@link KeyScope#FILE}) of the old content (every profile seen) leave every tier now. They
   * could never be served (keys are content-addressed), but they would linger in Redis, disk and
   * SQLite until their TTL. Entries shared by copies of the old content ({@code NAME},
   * {@code CONTENT}) stay: other files may have that content, and they are never stale.
   */
  FileIdentity identify(Path file) throws IOException {
    FileIdentity before = pathIndex.recorded(file).orElse(null);
    FileIdentity now = pathIndex.lookup(file);
    if (before != null && before != now && !before.fingerprint().equals(now.fingerprint())) {
      int n = 0;
      for (Map.Entry<String, Integer> seen : profilesSeen.entrySet()) {
        if ((seen.getValue() & bit(KeyScope.FILE)) != 0) {
          CacheKey old = CacheKey.of(before.fingerprint(), seen.getKey(), KeyScope.FILE, before.path());
          remover.removeEverywhere(old.high(), old.low());
          n++;
        }
      }
      stats.recordInvalidations(n);
    }
    return now;
  }

  /** Notes a profile and scope stored under, so that invalidating a file finds its entry of that profile. */
  void sawProfile(String profile, KeyScope scope) {
    Integer bits = profilesSeen.get(profile);
    if (bits == null || (bits & bit(scope)) == 0) {
      profilesSeen.merge(profile, bit(scope), (a, b) -> a | b);
    }
    if (sharedProfiles != null) {
      sharedProfiles.register(profile); // before the memory tier: see SharedProfiles
    }
  }

  /**
   * The profiles this cache has stored under and, with a shared memory tier, those any other
   * process of the directory has (their entries may not be in SQLite yet).
   */
  Set<String> profilesSeen() {
    if (sharedProfiles == null) {
      return profilesSeen.keySet();
    }
    Set<String> all = new java.util.LinkedHashSet<>(profilesSeen.keySet());
    all.addAll(sharedProfiles.all());
    return all;
  }

  /**
   * Every scope, those this cache has stored under for {@code profile} first: the order in which a
   * lookup without an extractor (which does not say its scope) tries the keys of a file.
   */
  KeyScope[] lookupOrder(String profile) {
    int bits = profilesSeen.getOrDefault(profile, 0);
    KeyScope[] all = KeyScope.values();
    KeyScope[] order = new KeyScope[all.length];
    int n = 0;
    for (KeyScope s : all) {
      if ((bits & bit(s)) != 0) {
        order[n++] = s;
      }
    }
    for (KeyScope s : all) {
      if ((bits & bit(s)) == 0) {
        order[n++] = s;
      }
    }
    return order;
  }

  private static int bit(KeyScope scope) {
    return 1 << scope.code();
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
