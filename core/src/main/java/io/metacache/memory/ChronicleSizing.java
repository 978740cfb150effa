package io.metacache.memory;

import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * Chronicle Map geometry derived from a tier's bounds, so that no sequence of bounded operations
 * can reach Chronicle's two failure modes: "Entry is too large" (an entry needs more chunks than
 * {@code maxChunksPerEntry}) and "Attempt to allocate #N extra segment tier" (a segment
 * overflowed its tiers and the pool of extra tiers is used up).
 *
 * <p>The argument, in three parts:
 *
 * <ol>
 *   <li>The tier refuses entries above {@code maxEntryBytes}; {@code maxChunksPerEntry} is set to
 *       the chunk count of exactly that size and every segment tier holds several such entries,
 *       so the largest admissible entry always fits in an empty tier.
 *   <li>The eviction policy bounds the map to {@code maxEntries} and {@code maxBytes} (counted in
 *       whole chunks, as Chronicle allocates them) once its write events are applied; at most
 *       {@link #writePermits} writes, together weighing at most {@link #permitChunks} chunks, are
 *       ever unapplied, so the map never holds more than {@code maxEntries + writePermits} entries
 *       and {@code maxBytes + permitChunks * chunkSize} bytes.
 *   <li>The base tiers hold that peak with 15% plus four largest entries of headroom per segment
 *       (segments average at least 1,024 entries, whose hash skew is a few percent, under a
 *       fifth of that headroom; a byte bound that leaves few large entries per segment skews
 *       more, which the extra tiers absorb); overflow from skew, transient
 *       peaks and chunk fragmentation goes to extra tiers, and the pool of extra tiers
 *       ({@code maxBloatFactor}) is large enough to hold the whole peak a second time. Extra tiers
 *       are mapped lazily, so the pool costs address space, not memory, until used.
 * </ol>
 *
 * <p>Should the statistics ever be beaten regardless, the tier catches the exception, refuses the
 * put and counts it; tests assert that count stays zero.
 */
final class ChronicleSizing {

  /** Key bytes: the two longs of a cache key. */
  static final int KEY_BYTES = 16;
  /** Per-entry checksum Chronicle keeps for persisted maps (counted for in-memory maps too). */
  static final int CHECKSUM_BYTES = 4;
  /**
   * Most segments. Segments of 1-2 thousand entries (Chronicle's own choice for 1 KB values) keep
   * each segment's free-chunk bit set small: a put into a full tier evicts one entry and allocates
   * another, and with 16 segments of a million-entry tier, Chronicle's search for contiguous clear
   * chunks in bit sets of over a million bits churned by eviction was the top frame of such puts.
   */
  static final int MAX_SEGMENTS = 1024;
  /** Fewest entries per segment before another segment is worth its fixed cost. */
  static final long ENTRIES_PER_SEGMENT_TARGET = 1024;

  final int segments;
  final int chunkSize;
  final int maxEntryChunks;
  /** Most user writes unapplied to the policy at once. */
  final int writePermits;
  /** Most chunks the unapplied user writes may weigh together (so small entries get many permits). */
  final long permitChunks;
  final long entriesPerSegment;
  final long chunksPerSegmentTier;
  final double maxBloatFactor;
  final double averageValueSize;

  private ChronicleSizing(long maxEntries, long maxBytes, int maxEntryBytes, int averageEntryBytes) {
    this.averageValueSize = averageEntryBytes;
    long averageStored = storedLength(averageEntryBytes);
    // Chunks of about 1/16 of the average entry: under 3% lost to rounding, few chunks per entry.
    this.chunkSize = (int) Math.max(16, Math.min(256, Long.highestOneBit(Math.max(1, averageStored / 16))));
    this.maxEntryChunks = chunks(maxEntryBytes);

    // Unapplied writes: small beside both bounds, so the transient overshoot is small too. The
    // byte overshoot is bounded by the actual weight of the pending writes, not by a count of
    // largest-possible entries, so a tier of small entries is not starved of permits; the budget
    // always admits four of the largest entries.
    this.writePermits = (int) Math.max(4, Math.min(256, maxEntries / 16));
    long boundChunks = ceilDiv(maxBytes, chunkSize);
    this.permitChunks = Math.max(4L * maxEntryChunks, Math.min(boundChunks / 8, (long) writePermits * maxEntryChunks));

    long peakEntries = maxEntries + writePermits;
    long peakChunks = boundChunks + permitChunks;

    this.segments = (int) Math.max(1, Math.min(MAX_SEGMENTS,
        Long.highestOneBit(Math.max(1, maxEntries / ENTRIES_PER_SEGMENT_TARGET))));

    long perSegmentEntries = ceilDiv(peakEntries, segments);
    this.entriesPerSegment = perSegmentEntries + (long) Math.ceil(4 * Math.sqrt(perSegmentEntries)) + 8;

    long perSegmentChunks = ceilDiv(peakChunks, segments);
    this.chunksPerSegmentTier = Math.max(
        (long) Math.ceil(perSegmentChunks * 1.15) + 4L * maxEntryChunks,
        // enough room for the declared number of average entries, whatever the byte bound says
        entriesPerSegment * chunks(averageEntryBytes));

    long extraTiers = segments
        + ceilDiv(peakEntries, entriesPerSegment)
        + ceilDiv(peakChunks, chunksPerSegmentTier);
    // Chronicle's pool of extra tiers is round((maxBloatFactor - 1) * segments) + segments.
    this.maxBloatFactor = Math.min(1000.0, 1.0 + (double) extraTiers / segments);
  }

  static ChronicleSizing of(long maxEntries, long maxBytes, int maxEntryBytes, int averageEntryBytes) {
    return new ChronicleSizing(maxEntries, maxBytes, maxEntryBytes, averageEntryBytes);
  }

  /** A map builder with the tier's key and value marshalling and this geometry. */
  ChronicleMapBuilder<Key128, ValueSink> builder() {
    return ChronicleMapBuilder.of(Key128.class, ValueSink.class)
        .keyReaderAndDataAccess(new Key128Reader(), new Key128DataAccess())
        .valueReaderAndDataAccess(new ValueSinkReader(), new ValueSinkDataAccess())
        .constantKeySizeBySample(new Key128())
        .averageValueSize(averageValueSize)
        .actualSegments(segments)
        .entriesPerSegment(entriesPerSegment)
        .entries(entriesPerSegment * segments)
        .actualChunkSize(chunkSize)
        .actualChunksPerSegmentTier(chunksPerSegmentTier)
        .maxChunksPerEntry(maxEntryChunks)
        .maxBloatFactor(maxBloatFactor)
        .sparseFile(true);
  }

  /** Whether a recovered map was created with this geometry (else its sizing argument is void). */
  boolean matches(ChronicleMap<?, ?> map) {
    if (!(map instanceof VanillaChronicleHash)) {
      return false;
    }
    VanillaChronicleHash<?, ?, ?, ?> hash = (VanillaChronicleHash<?, ?, ?, ?>) map;
    return map.segments() == segments
        && hash.chunkSize == chunkSize
        && hash.maxChunksPerEntry == maxEntryChunks
        && hash.actualChunksPerSegmentTier == chunksPerSegmentTier;
  }

  /** A fingerprint of the geometry, which processes sharing one map file must agree on. */
  long geometry() {
    long h = 1125899906842597L;
    for (long v : new long[] {segments, chunkSize, maxEntryChunks, writePermits, permitChunks,
        entriesPerSegment, chunksPerSegmentTier, Double.doubleToLongBits(maxBloatFactor)}) {
      h = 31 * h + v;
    }
    return h;
  }

  /** Bytes an entry with a value of this length occupies in the map, rounded to whole chunks. */
  int weight(int valueLength) {
    return chunks(valueLength) * chunkSize;
  }

  int chunks(int valueLength) {
    return (int) ceilDiv(storedLength(valueLength), chunkSize);
  }

  /** Key, value size prefix (stop-bit encoded), value and checksum. */
  static long storedLength(int valueLength) {
    return KEY_BYTES + stopBitLength(valueLength) + (long) valueLength + CHECKSUM_BYTES;
  }

  static int stopBitLength(int value) {
    int bits = 32 - Integer.numberOfLeadingZeros(value);
    return Math.max(1, (bits + 6) / 7);
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  @Override
  public String toString() {
    return "ChronicleSizing{segments=" + segments + ", chunkSize=" + chunkSize
        + ", maxEntryChunks=" + maxEntryChunks + ", writePermits=" + writePermits
        + ", permitChunks=" + permitChunks
        + ", entriesPerSegment=" + entriesPerSegment + ", chunksPerSegmentTier=" + chunksPerSegmentTier
        + ", maxBloatFactor=" + maxBloatFactor + '}';
  }
}
