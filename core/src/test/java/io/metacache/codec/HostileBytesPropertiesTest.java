package io.metacache.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Mutated entries, resealed so they pass the checksums and reach the body parser and zstd, either
 * decode or fail with {@link CorruptEntryException}; no other exception, no hang, no huge
 * allocation.
 */
class HostileBytesPropertiesTest {
  private static final EntryCodec RAW =
      new EntryCodec(CodecOptions.builder().compressionThreshold(Integer.MAX_VALUE).build());
  private static final EntryCodec ZSTD =
      new EntryCodec(CodecOptions.builder().compressionThreshold(0).minSavings(0).build());

  @Provide
  Arbitrary<CacheEntry> entries() {
    return MetadataArbitraries.entries();
  }

  @Property(tries = 500)
  void resealedMutationsFailOnlyAsCorruptEntries(@ForAll("entries") CacheEntry entry,
      @ForAll boolean compressed, @ForAll @IntRange(min = 1, max = 8) int mutations,
      @ForAll("seeds") long seed) {
    EntryCodec codec = compressed ? ZSTD : RAW;
    byte[] b = codec.encode(entry);
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    for (int i = 0; i < mutations; i++) {
      int bodyLength = b.length - EntryLayout.HEADER_LENGTH;
      if (bodyLength == 0) {
        break;
      }
      int at = EntryLayout.HEADER_LENGTH + r.nextInt(bodyLength);
      switch (r.nextInt(4)) {
        case 0:
          b[at] = (byte) r.nextInt(256);
          break;
        case 1:
          b[at] = (byte) (r.nextBoolean() ? 0xFF : 0x7F);
          break;
        case 2:
          b = Arrays.copyOf(b, at);
          break;
        default:
          b[at] = (byte) r.nextInt(EntryLayout.TAG_MAP + 2);
          break;
      }
    }
    // Keep the header's lengths consistent with what is left, so parsing is reached.
    java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int stored = b.length - EntryLayout.HEADER_LENGTH;
    h.putInt(EntryLayout.STORED_BODY_LENGTH_OFFSET, stored);
    if ((b[EntryLayout.FLAGS_OFFSET] & EntryLayout.FLAG_COMPRESSED) == 0) {
      h.putInt(EntryLayout.RAW_BODY_LENGTH_OFFSET, stored);
    }
    byte[] hostile = EntryBytes.reseal(b);
    try {
      CacheEntry decoded = codec.decode(hostile);
      assertThat(decoded.path()).isNotEmpty();
      Statistics.collect("decoded");
    } catch (CorruptEntryException expected) {
      Statistics.collect(expected.reason());
      assertThat(expected.reason()).isIn(CorruptEntryException.Reason.BAD_BODY,
          CorruptEntryException.Reason.BAD_COMPRESSED_BODY,
          CorruptEntryException.Reason.DECOMPRESSED_TOO_LARGE);
    }
    // The summary a queryable tier stores walks the same body: a typed refusal, never another
    // exception, and never a summary of bytes the decoder refuses for a reason other than a
    // repeated map key (which only the decoder looks for).
    try {
      EntrySummary summary = codec.summarize(hostile, 0, hostile.length);
      assertThat(summary.path()).isNotEmpty();
    } catch (CorruptEntryException expected) {
      assertThat(expected.reason()).isIn(CorruptEntryException.Reason.BAD_BODY,
          CorruptEntryException.Reason.BAD_COMPRESSED_BODY,
          CorruptEntryException.Reason.DECOMPRESSED_TOO_LARGE);
    }
  }

  @Provide
  Arbitrary<Long> seeds() {
    return Arbitraries.longs();
  }
}
