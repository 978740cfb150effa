package io.metacache;

import io.metacache.codec.CacheEntry;
import io.metacache.codec.CorruptEntryException;
import io.metacache.codec.EntryCodec;
import io.metacache.memory.MemoryTier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache's end of its directory's {@link ChangeFeed}: it publishes this process's changes for the
 * other processes' query indexes, and loads the entries the others stored for this one's. Without
 * a shared memory tier, or when the feed cannot be opened (logged), publishing does nothing and
 * the query index learns of other processes' changes only through a rebuild.
 */
final class ChangeFeedLink implements IndexKeeper.StoredEntries {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFeedLink.class);

  private final ChangeFeed feed; // null: no shared memory tier, or the feed could not be opened
  private final MemoryTier memory;
  private final EntryCodec codec;

  private ChangeFeedLink(ChangeFeed feed, MemoryTier memory, EntryCodec codec) {
    this.feed = feed;
    this.memory = memory;
    this.codec = codec;
  }

  /** Opens {@code changes.feed} beside the shared memory tier's file when the memory tier is shared. */
  static ChangeFeedLink open(CacheConfig config, MemoryTier memory, EntryCodec codec) {
    ChangeFeed feed = null;
    if (memory.isShared()) {
      Path file = config.sharedMemoryFile();
      try {
        feed = ChangeFeed.open(file.resolveSibling("changes.feed"), ThreadLocalRandom.current().nextInt());
      } catch (IOException | RuntimeException e) {
        LOG.warn("no change feed in {}: other processes' changes reach this process's query index"
            + " only through a rebuild", file.getParent(), e);
      }
    }
    return new ChangeFeedLink(feed, memory, codec);
  }

  /** Has {@code keeper} apply the other processes' changes, if there is a feed. */
  void follow(IndexKeeper keeper) {
    if (feed != null) {
      keeper.followChanges(feed, this);
    }
  }

  /** Tells the other processes of a change ({@link ChangeFeed#STORED} and the others). */
  void publish(int type, long hi, long lo) {
    ChangeFeed f = feed;
    if (f != null) {
      f.publish(type, hi, lo);
    }
  }

  /** The entry another process stored under a key, for this process's query index; null if gone. */
  @Override
  public CacheEntry load(long hi, long lo) {
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

  void close() {
    if (feed != null) {
      feed.close();
    }
  }
}
