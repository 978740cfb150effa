package io.metacache;

import io.metacache.codec.CacheEntry;
import io.metacache.codec.CorruptEntryException;
import io.metacache.codec.EntryCodec;
import io.metacache.key.CacheKey;
import io.metacache.key.FileIdentity;
import io.metacache.stats.StatsCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two checks every entry found in any tier passes before it is served: its bytes decode
 * (corrupt bytes are a counted miss and never reach the caller), and it still describes the file
 * as it is now, else its key leaves every tier: the fingerprint and size always, and the mtime too
 * for an entry of {@link io.metacache.key.KeyScope#FILE} (one file's result, which may hold its
 * times). An entry shared by copies of a content ({@code NAME}, {@code CONTENT}) holds only what
 * the bytes (and the name, which is in its key) give, so any file with that fingerprint is
 * described by it.
 */
final class EntryCheck {
  private static final Logger LOG = LoggerFactory.getLogger(EntryCheck.class);

  private final EntryCodec codec;
  private final KeyRemover remover;
  private final StatsCounter stats;

  EntryCheck(CacheParts parts, KeyRemover remover) {
    this.codec = parts.codec();
    this.remover = remover;
    this.stats = parts.stats();
  }

  /** The decoded entry, or null (counted as a corruption) if the bytes are corrupt. */
  CacheEntry decodeOrNull(byte[] bytes, int offset, int length) {
    try {
      return codec.decode(bytes, offset, length);
    } catch (CorruptEntryException e) {
      stats.recordCorruption();
      LOG.debug("corrupt entry: {}", e.getMessage());
      return null;
    }
  }

  /**
   * Whether a found entry still describes the file; if not, the key leaves every tier (counted as
   * an invalidation). A named (key/value) entry, {@code identity} null, describes no file.
   */
  boolean current(CacheEntry entry, FileIdentity identity, CacheKey key) {
    if (identity == null) {
      return true;
    }
    if (entry.scope().perFile()
        ? identity.matches(entry.size(), entry.mtimeNanos(), entry.fingerprintHigh(), entry.fingerprintLow())
        : identity.matchesContent(entry.size(), entry.fingerprintHigh(), entry.fingerprintLow())) {
      return true;
    }
    remover.removeEverywhere(key.high(), key.low());
    stats.recordInvalidations(1);
    return false;
  }
}
