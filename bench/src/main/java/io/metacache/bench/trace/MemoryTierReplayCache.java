package io.metacache.bench.trace;

import io.metacache.bench.scan.ScanTree;
import io.metacache.codec.EntryLayout;
import io.metacache.memory.MemoryTier;
import io.metacache.policy.PolicyKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A whole memory tier under replay, bounded by the trace's cache size in entries: a hit is a
 * {@code get} that finds the key, a miss is followed by a {@code put} of a small entry. Three
 * modes of the same policy:
 *
 * <ul>
 *   <li>{@link Mode#PRIVATE}: a tier of this process alone;
 *   <li>{@link Mode#SHARED}: a shared tier (a map file in a temporary directory) read and written
 *       through the instance that holds the eviction owner's lock, as the first process of a cache
 *       directory does: its reads and writes reach its own policy;
 *   <li>{@link Mode#FORWARDED}: the same file opened by a second instance, which is not the
 *       owner, as every later process is: the replay reads through it, so its reads reach the
 *       policy only as forwarded through the control file's ring, and writes a miss through the
 *       owner once the reads before it are forwarded (the order one process sees);
 *   <li>{@link Mode#WORKER}: reads and writes both through the second instance: its writes too
 *       are applied and evicted by the owner, after the fact (within
 *       its next maintenance tick, every 2 ms), so until then the map holds the new entry beyond its
 *       bound.
 * </ul>
 *
 * The byte bound is set far above what the entries weigh, so only the entry bound evicts, as in
 * {@link PolicyReplayCache}.
 */
final class MemoryTierReplayCache implements ReplayCache {

  /** How the replay reaches the tier. */
  enum Mode {
    PRIVATE("private"),
    SHARED("shared"),
    FORWARDED("forwarded"),
    WORKER("worker");

    final String label;

    Mode(String label) {
      this.label = label;
    }
  }

  /** Bytes of the entry put on a miss: a header and a few bytes of body. */
  private static final int ENTRY_BYTES = EntryLayout.HEADER_LENGTH + 24;
  private static final byte[] ENTRY = entry();

  private final MemoryTier tier;
  /** The owner instance beside a worker; null otherwise. */
  private final MemoryTier owner;
  private final Path directory;
  /** The instance a miss is written through. */
  private final MemoryTier writer;
  private final UnsafeBuffer destination = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));

  MemoryTierReplayCache(PolicyKind policy, int size, Mode mode) {
    try {
      directory = mode == Mode.PRIVATE ? null : Files.createTempDirectory("metacache-replay-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path file = directory == null ? null : directory.resolve("memory.cmap");
    switch (mode) {
      case PRIVATE, SHARED -> {
        owner = null;
        tier = tier(policy, size, file);
      }
      case FORWARDED, WORKER -> {
        owner = tier(policy, size, file);
        tier = tier(policy, size, file);
        if (tier.isEvictionOwner()) {
          throw new IllegalStateException("the worker instance must not own eviction");
        }
      }
      default -> throw new IllegalArgumentException("mode " + mode);
    }
    writer = mode == Mode.FORWARDED ? owner : tier;
  }

  private static MemoryTier tier(PolicyKind policy, int size, Path file) {
    return MemoryTier.builder()
        .maxEntries(size)
        .maxBytes(size * 1024L)
        .maxEntryBytes(1024)
        .averageEntryBytes(ENTRY_BYTES)
        .policy(policy)
        .expirySweepInterval(Duration.ZERO)
        .persistTo(file)
        .shared(file != null)
        .sharedStatRecords(1)
        .build();
  }

  @Override
  public boolean access(long key) {
    long high = key * 0x9E3779B97F4A7C15L;
    if (tier.get(high, key, destination, 0) >= 0) {
      return true;
    }
    if (writer != tier) {
      tier.cleanUp(); // forwards the reads made so far, so that the owner replays them before the write
    }
    if (!writer.put(high, key, ENTRY)) {
      throw new IllegalStateException("the tier refused a put: " + tier.stats());
    }
    return false;
  }

  @Override
  public void finish() {
    tier.close();
    if (owner != null) {
      owner.close();
    }
    if (directory != null) {
      try {
        ScanTree.deleteTree(directory);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static byte[] entry() {
    byte[] bytes = new byte[ENTRY_BYTES];
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(EntryLayout.MAGIC_OFFSET, EntryLayout.MAGIC);
    b.put(EntryLayout.VERSION_OFFSET, EntryLayout.VERSION);
    b.putLong(EntryLayout.EXPIRES_AT_OFFSET, 0);
    b.putInt(EntryLayout.STORED_BODY_LENGTH_OFFSET, ENTRY_BYTES - EntryLayout.HEADER_LENGTH);
    return bytes;
  }
}
