package io.metacache.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Seed properties 7 (compression round trip) and 1 (cache consistency) over the codec. */
class EntryCodecPropertiesTest {
  private static final byte[] DICTIONARY =
      DictionaryTrainer.train(MetadataArbitraries.realisticEntries(400, 42), 8 * 1024);

  private static final List<EntryCodec> CODECS = List.of(
      new EntryCodec(),
      new EntryCodec(CodecOptions.builder().compressionThreshold(0).minSavings(0).build()),
      new EntryCodec(CodecOptions.builder().dictionary(DICTIONARY).build()),
      new EntryCodec(CodecOptions.builder().compressionThreshold(0).minSavings(0)
          .dictionary(DICTIONARY).zstdLevel(9).build()));

  @Provide
  Arbitrary<EntryCodec> codecs() {
    return Arbitraries.of(CODECS);
  }

  @Provide
  Arbitrary<CacheEntry> entries() {
    return MetadataArbitraries.entries();
  }

  /**
   * The summary a queryable tier stores (path, profile, metadata JSON), transcoded from the
   * stored body, equals what decoding the entry and writing its metadata as JSON gives.
   */
  @Property(tries = 300)
  void summaryEqualsTheDecodedEntryWrittenAsJson(@ForAll("entries") CacheEntry entry,
      @ForAll("codecs") EntryCodec codec) {
    byte[] encoded = codec.encode(entry);
    CacheEntry decoded = codec.decode(encoded);
    assertThat(codec.summarize(encoded, 0, encoded.length)).isEqualTo(
        new EntrySummary(decoded.path(), decoded.profile(), MetadataJsonReference.write(decoded.metadata())));
  }

  /** Property 7: decompress(compress(metadata)) = metadata, with and without a dictionary. */
  @Property(tries = 300)
  void property7_compressionRoundTrip(@ForAll("entries") CacheEntry entry,
      @ForAll("codecs") EntryCodec codec) {
    byte[] encoded = codec.encode(entry);
    CacheEntry decoded = codec.decode(encoded);

    // The codec records the ratio its own encoding achieved; every other field is unchanged.
    float ratio = EntryBytes.ratio(encoded);
    assertThat(decoded).isEqualTo(entry.withCompressionRatio(ratio));
    assertThat(decoded.hashCode()).isEqualTo(entry.withCompressionRatio(ratio).hashCode());
    assertThat(MetadataEquality.equals(decoded.metadata(), entry.metadata())).isTrue();

    int flags = EntryBytes.flags(encoded);
    String storage = (flags & EntryLayout.FLAG_DICTIONARY) != 0 ? "zstd+dictionary"
        : (flags & EntryLayout.FLAG_COMPRESSED) != 0 ? "zstd" : "raw";
    Statistics.label("storage").collect(storage);
    Statistics.label("storage").coverage(c -> {
      c.check("raw").percentage(p -> p > 5);
      c.check("zstd").percentage(p -> p > 5);
      c.check("zstd+dictionary").percentage(p -> p > 5);
    });
    int raw = EntryBytes.intAt(encoded, EntryLayout.RAW_BODY_LENGTH_OFFSET);
    int stored = EntryBytes.intAt(encoded, EntryLayout.STORED_BODY_LENGTH_OFFSET);
    assertThat(encoded).hasSize(EntryLayout.HEADER_LENGTH + stored);
    if ((flags & EntryLayout.FLAG_COMPRESSED) != 0) {
      assertThat(stored).isLessThan(raw);
      assertThat(ratio).isEqualTo((float) stored / raw);
      boolean dict = codec.options().dictionaryId() != 0;
      assertThat((flags & EntryLayout.FLAG_DICTIONARY) != 0).isEqualTo(dict);
      assertThat(EntryBytes.intAt(encoded, EntryLayout.DICTIONARY_ID_OFFSET))
          .isEqualTo(codec.options().dictionaryId());
    } else {
      assertThat(stored).isEqualTo(raw);
      assertThat(ratio).isEqualTo(1.0f);
    }
    // Re-encoding a decoded entry is a fixed point: exact equality, byte for byte.
    assertThat(codec.encode(decoded)).isEqualTo(encoded);
    assertThat(codec.decode(codec.encode(decoded))).isEqualTo(decoded);
  }

  /**
   * Property 1: what is stored is what comes back, every field, through every encode/decode
   * entry point (array, array slice, heap and off-heap Agrona buffers) and the header peeks.
   */
  @Property(tries = 200)
  void property1_cacheConsistency(@ForAll("entries") CacheEntry entry,
      @ForAll("codecs") EntryCodec codec, @ForAll @IntRange(max = 64) int offset) {
    byte[] encoded = codec.encode(entry);

    ExpandableDirectByteBuffer offHeap = new ExpandableDirectByteBuffer(16);
    int written = codec.encode(entry, offHeap, offset);
    assertThat(written).isEqualTo(encoded.length);
    byte[] copied = new byte[written];
    offHeap.getBytes(offset, copied);
    assertThat(copied).isEqualTo(encoded);

    byte[] padded = new byte[offset + encoded.length + 7];
    System.arraycopy(encoded, 0, padded, offset, encoded.length);

    List<CacheEntry> decodedAll = List.of(
        codec.decode(encoded),
        codec.decode(padded, offset, encoded.length + 7),
        codec.decode(new UnsafeBuffer(padded), offset, encoded.length),
        codec.decode(offHeap, offset, written));
    for (CacheEntry d : decodedAll) {
      assertThat(d.path()).isEqualTo(entry.path());
      assertThat(d.profile()).isEqualTo(entry.profile());
      assertThat(d.fingerprintHigh()).isEqualTo(entry.fingerprintHigh());
      assertThat(d.fingerprintLow()).isEqualTo(entry.fingerprintLow());
      assertThat(d.size()).isEqualTo(entry.size());
      assertThat(d.mtimeNanos()).isEqualTo(entry.mtimeNanos());
      assertThat(d.extractionTimeNanos()).isEqualTo(entry.extractionTimeNanos());
      assertThat(d.cachedAtMillis()).isEqualTo(entry.cachedAtMillis());
      assertThat(d.expiresAtMillis()).isEqualTo(entry.expiresAtMillis());
      assertThat(d.accessCount()).isEqualTo(entry.accessCount());
      assertThat(d.lastAccessMillis()).isEqualTo(entry.lastAccessMillis());
      assertThat(d.compressionRatio()).isEqualTo(EntryBytes.ratio(encoded));
      assertThat(MetadataEquality.equals(d.metadata(), entry.metadata())).isTrue();
      assertThat(List.copyOf(d.metadata().keySet()))
          .isEqualTo(List.copyOf(entry.metadata().keySet()));
    }

    assertThat(EntryCodec.validateHeader(offHeap, offset, written)).isEqualTo(written);
    assertThat(EntryCodec.expiresAt(offHeap, offset)).isEqualTo(entry.expiresAtMillis());
    assertThat(EntryCodec.fingerprintHigh(offHeap, offset)).isEqualTo(entry.fingerprintHigh());
    assertThat(EntryCodec.fingerprintLow(offHeap, offset)).isEqualTo(entry.fingerprintLow());
    assertThat(EntryCodec.fileSize(offHeap, offset)).isEqualTo(entry.size());
    assertThat(EntryCodec.fileMtimeNanos(offHeap, offset)).isEqualTo(entry.mtimeNanos());
    assertThat(EntryCodec.encodedLength(offHeap, offset)).isEqualTo(written);
    assertThat(EntryCodec.storedBodyLength(offHeap, offset))
        .isEqualTo(written - EntryLayout.HEADER_LENGTH);
    assertThat(EntryCodec.rawBodyLength(offHeap, offset))
        .isEqualTo(EntryCodec.rawBody(entry).length);
  }
}
