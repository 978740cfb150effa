package io.metacache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.metacache.codec.CorruptEntryException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.agrona.ExpandableDirectByteBuffer;
import org.junit.jupiter.api.Test;

/** Every corrupt or hostile input fails fast with a typed {@link CorruptEntryException}. */
class CorruptEntryTest {
  private final EntryCodec codec = new EntryCodec();
  private final CacheEntry small = CacheEntry.builder().path("/a.txt").profile("basic")
      .fingerprint(1, 2).size(3).mtimeNanos(4).metadata(Map.of("k", "v")).build();
  private final CacheEntry large = MetadataArbitraries.realisticEntry("/img.jpg",
      new SplittableRandom(7)).toBuilder()
      .metadata(Map.of("text", "compressible text ".repeat(200))).build();

  /** Asserts the reason, through both the array and the off-heap buffer entry points. */
  private void assertCorrupt(EntryCodec c, byte[] bytes, Reason reason) {
    // A hang guard, not a deadline: hostile bytes must end in an exception, never a hang.
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      assertThatThrownBy(() -> c.decode(bytes))
          .isInstanceOfSatisfying(CorruptEntryException.class,
              e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
      ExpandableDirectByteBuffer offHeap = new ExpandableDirectByteBuffer(Math.max(1, bytes.length));
      offHeap.putBytes(0, bytes);
      assertThatThrownBy(() -> c.decode(offHeap, 0, bytes.length))
          .isInstanceOfSatisfying(CorruptEntryException.class,
              e -> assertThat(e.reason()).isEqualTo(reason));
    });
  }

  private void assertCorrupt(byte[] bytes, Reason reason) {
    assertCorrupt(codec, bytes, reason);
  }

  @Test
  void badMagic() {
    byte[] b = codec.encode(small);
    b[0] ^= 0x20;
    assertCorrupt(b, Reason.BAD_MAGIC);
    assertCorrupt("not an entry at all, just text".getBytes(StandardCharsets.US_ASCII),
        Reason.BAD_MAGIC);
  }

  @Test
  void wrongVersion() {
    byte[] b = codec.encode(small);
    b[EntryLayout.VERSION_OFFSET] = 3;
    assertCorrupt(b, Reason.UNSUPPORTED_VERSION);
    b[EntryLayout.VERSION_OFFSET] = 0;
    assertCorrupt(b, Reason.UNSUPPORTED_VERSION);
  }

  @Test
  void truncatedAtEveryLength() {
    for (CacheEntry e : new CacheEntry[] {small, large}) {
      byte[] full = codec.encode(e);
      for (int n = 0; n < full.length; n++) {
        byte[] prefix = java.util.Arrays.copyOf(full, n);
        assertCorrupt(prefix, Reason.TRUNCATED);
      }
    }
  }

  @Test
  void flippedBodyByteFailsTheBodyChecksum() {
    for (CacheEntry e : new CacheEntry[] {small, large}) {
      byte[] full = codec.encode(e);
      for (int i = EntryLayout.HEADER_LENGTH; i < full.length; i++) {
        byte[] b = full.clone();
        b[i] ^= 1;
        assertCorrupt(b, Reason.CHECKSUM_MISMATCH);
      }
    }
  }

  @Test
  void keyScopeAndPathFieldsOutsideTheirRangesAreABadHeader() {
    byte[] valid = codec.encode(small);
    int[][] refused = {
        {EntryLayout.VERSION, 3, 0}, // no scope 3
        {EntryLayout.VERSION, 1, 0x40}, // path-field bit 6 is undefined
        {EntryLayout.VERSION, 0, 0x01}, // a per-file entry has no path fields
        {EntryLayout.VERSION_1, 1, 0}, // version 1: both bytes reserved
        {EntryLayout.VERSION_1, 0, 0x01},
    };
    for (int[] r : refused) {
      byte[] b = valid.clone();
      b[EntryLayout.VERSION_OFFSET] = (byte) r[0];
      b[EntryLayout.SCOPE_OFFSET] = (byte) r[1];
      b[EntryLayout.PATH_FIELDS_OFFSET] = (byte) r[2];
      assertCorrupt(EntryBytes.reseal(b), Reason.BAD_HEADER);
    }
    byte[] shared = valid.clone();
    shared[EntryLayout.SCOPE_OFFSET] = 2;
    shared[EntryLayout.PATH_FIELDS_OFFSET] = 0x3F;
    CacheEntry decoded = codec.decode(EntryBytes.reseal(shared));
    assertThat(decoded.scope()).isEqualTo(io.metacache.key.KeyScope.CONTENT);
    assertThat(decoded.pathFieldBits()).isEqualTo(0x3F);
  }

  @Test
  void flippedHeaderByteFailsTheHeaderChecksum() {
    byte[] full = codec.encode(large);
    for (int i = EntryLayout.VERSION_OFFSET + 1; i < EntryLayout.HEADER_LENGTH; i++) {
      byte[] b = full.clone();
      b[i] ^= (byte) 0x80;
      assertCorrupt(b, Reason.CHECKSUM_MISMATCH);
    }
  }

  @Test
  void zstdFrameClaimingTwoToTheFortyBytes() {
    // A real zstd frame header: magic, descriptor 0xE0 (8-byte content size, single segment),
    // content size 2^40, then one raw last block of 3 bytes.
    ByteBuffer f = ByteBuffer.allocate(4 + 1 + 8 + 3 + 3).order(ByteOrder.LITTLE_ENDIAN);
    f.putInt(0xFD2FB528).put((byte) 0xE0).putLong(1L << 40);
    int blockHeader = 1 | (0 << 1) | (3 << 3);
    f.put((byte) blockHeader).put((byte) (blockHeader >> 8)).put((byte) (blockHeader >> 16));
    f.put(new byte[] {1, 2, 3});
    byte[] frame = f.array();
    assertThat(com.github.luben.zstd.Zstd.getFrameContentSize(frame)).isEqualTo(1L << 40);

    byte[] b = EntryBytes.entry(EntryLayout.FLAG_COMPRESSED, 1000, frame.length, 0, frame);
    assertCorrupt(b, Reason.DECOMPRESSED_TOO_LARGE);
  }

  @Test
  void headerClaimingAHugeRawBody() {
    byte[] frame = new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 0, 0, 0, 0};
    byte[] b = EntryBytes.entry(EntryLayout.FLAG_COMPRESSED, 0xFFFF_FFF0, frame.length, 0, frame);
    assertCorrupt(b, Reason.DECOMPRESSED_TOO_LARGE);

    EntryCodec tight = new EntryCodec(CodecOptions.builder().maxBodyBytes(100).build());
    assertCorrupt(tight, codec.encode(large), Reason.DECOMPRESSED_TOO_LARGE);
  }

  @Test
  void frameSizeDisagreeingWithTheHeaderOrGarbageFrame() {
    byte[] good = new EntryCodec(CodecOptions.builder().compressionThreshold(0).build())
        .encode(large);
    assertThat(EntryBytes.flags(good) & EntryLayout.FLAG_COMPRESSED).isNotZero();
    ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).putInt(EntryLayout.RAW_BODY_LENGTH_OFFSET,
        EntryBytes.intAt(good, EntryLayout.RAW_BODY_LENGTH_OFFSET) - 1);
    assertCorrupt(EntryBytes.reseal(good), Reason.BAD_COMPRESSED_BODY);

    for (int n = 0; n < 8; n++) {
      byte[] stub = Arrays.copyOf(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 0, 1, 0, 0}, n);
      assertCorrupt(EntryBytes.entry(EntryLayout.FLAG_COMPRESSED, 10, n, 0, stub),
          Reason.BAD_COMPRESSED_BODY);
    }

    byte[] garbage = new byte[200];
    new SplittableRandom(3).nextBytes(garbage);
    assertCorrupt(EntryBytes.entry(EntryLayout.FLAG_COMPRESSED, 500, 200, 0, garbage),
        Reason.BAD_COMPRESSED_BODY);
  }

  @Test
  void bodyLengthLargerThanTheBuffer() {
    byte[] b = codec.encode(small);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(EntryLayout.RAW_BODY_LENGTH_OFFSET, Integer.MAX_VALUE)
        .putInt(EntryLayout.STORED_BODY_LENGTH_OFFSET, Integer.MAX_VALUE);
    assertCorrupt(EntryBytes.reseal(b), Reason.TRUNCATED);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(EntryLayout.RAW_BODY_LENGTH_OFFSET, -1)
        .putInt(EntryLayout.STORED_BODY_LENGTH_OFFSET, -1);
    assertCorrupt(EntryBytes.reseal(b), Reason.TRUNCATED);
  }

  @Test
  void deeplyNestedHostileBody() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(1);
    body.write('p');
    body.write(2);
    body.write('/');
    body.write('x');
    body.write(EntryLayout.TAG_MAP);
    body.write(1);
    body.write(1);
    body.write('a');
    for (int i = 0; i < 200_000; i++) {
      body.write(EntryLayout.TAG_LIST);
      body.write(1);
    }
    body.write(EntryLayout.TAG_NULL);
    assertCorrupt(EntryBytes.rawEntry(body.toByteArray()), Reason.BAD_BODY);
  }

  @Test
  void hostileCountsLengthsTagsAndVarints() {
    byte[] prefix = {1, 'p', 2, '/', 'x'};
    byte[][] bodies = {
        // map claiming 2^31-1 entries
        cat(prefix, new byte[] {EntryLayout.TAG_MAP, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07}),
        // list claiming 2^31-1 elements
        cat(prefix, new byte[] {EntryLayout.TAG_MAP, 1, 1, 'a', EntryLayout.TAG_LIST,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07}),
        // byte string longer than the body
        cat(prefix, new byte[] {EntryLayout.TAG_MAP, 1, 1, 'a', EntryLayout.TAG_BYTES,
            (byte) 0xFF, (byte) 0xFF, 0x7F, 1}),
        // varint that never ends
        cat(prefix, new byte[] {EntryLayout.TAG_MAP, 1, 1, 'a', EntryLayout.TAG_LONG,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1}),
        // length varint above 2^31-1
        cat(prefix, new byte[] {EntryLayout.TAG_MAP, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, 0x0F}),
        // unknown tag
        cat(prefix, new byte[] {EntryLayout.TAG_MAP, 1, 1, 'a', 0x7E}),
        // truncated double
        cat(prefix, new byte[] {EntryLayout.TAG_MAP, 1, 1, 'a', EntryLayout.TAG_DOUBLE, 0, 0}),
        // root is not a map
        cat(prefix, new byte[] {EntryLayout.TAG_LIST, 0}),
        // trailing bytes
        cat(prefix, new byte[] {EntryLayout.TAG_MAP, 0, 0}),
        // duplicate key
        cat(prefix, new byte[] {EntryLayout.TAG_MAP, 2, 1, 'a', 0, 1, 'a', 0}),
        // empty profile
        new byte[] {0, 2, '/', 'x', EntryLayout.TAG_MAP, 0},
        // nothing at all
        new byte[0],
    };
    for (byte[] body : bodies) {
      assertCorrupt(EntryBytes.rawEntry(body), Reason.BAD_BODY);
    }
  }

  @Test
  void unknownDictionary() {
    byte[] dictA = DictionaryTrainer.train(MetadataArbitraries.realisticEntries(300, 1), 4096);
    byte[] dictB = DictionaryTrainer.train(MetadataArbitraries.realisticEntries(300, 2), 2048);
    EntryCodec withA = new EntryCodec(CodecOptions.builder().dictionary(dictA).build());
    EntryCodec withB = new EntryCodec(CodecOptions.builder().dictionary(dictB).build());
    assertThat(withA.options().dictionaryId()).isNotEqualTo(withB.options().dictionaryId());

    byte[] b = withA.encode(large);
    assertThat(EntryBytes.flags(b) & EntryLayout.FLAG_DICTIONARY).isNotZero();
    assertThat(withA.decode(b).path()).isEqualTo(large.path());
    assertCorrupt(codec, b, Reason.UNKNOWN_DICTIONARY);
    assertCorrupt(withB, b, Reason.UNKNOWN_DICTIONARY);
    assertThatThrownBy(() -> codec.decode(b)).hasMessageContaining("no dictionary")
        .hasMessageContaining(Integer.toUnsignedString(withA.options().dictionaryId()));

    // A codec with a dictionary still reads entries written without one.
    assertThat(withB.decode(codec.encode(large))).isEqualTo(codec.decode(codec.encode(large)));
  }

  @Test
  void inconsistentHeaderFlags() {
    byte[] body = {1, 'p', 2, '/', 'x', EntryLayout.TAG_MAP, 0};
    assertCorrupt(EntryBytes.entry(0x04, body.length, body.length, 0, body), Reason.BAD_HEADER);
    assertCorrupt(EntryBytes.entry(EntryLayout.FLAG_DICTIONARY, body.length, body.length, 7, body),
        Reason.BAD_HEADER);
    assertCorrupt(EntryBytes.entry(0, body.length, body.length, 7, body), Reason.BAD_HEADER);
    assertCorrupt(EntryBytes.entry(0, body.length + 1, body.length, 0, body), Reason.BAD_HEADER);
    byte[] negativeSize = EntryBytes.rawEntry(body);
    ByteBuffer.wrap(negativeSize).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(EntryLayout.FILE_SIZE_OFFSET, -5);
    assertCorrupt(EntryBytes.reseal(negativeSize), Reason.BAD_HEADER);
    assertThat(codec.decode(EntryBytes.rawEntry(body)).metadata()).isEmpty();
  }

  @Test
  void validateHeaderReportsTheSameReasons() {
    byte[] b = codec.encode(small);
    assertThat(EntryCodec.validateHeader(b, 0, b.length)).isEqualTo(b.length);
    assertThatThrownBy(() -> EntryCodec.validateHeader(b, 0, 50))
        .isInstanceOfSatisfying(CorruptEntryException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
  }

  private static byte[] cat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
