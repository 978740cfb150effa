package io.metacache.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdDictCompress;
import com.github.luben.zstd.ZstdDictDecompress;
import io.metacache.codec.CorruptEntryException.Reason;
import io.metacache.key.KeyScope;
import java.lang.invoke.MethodHandles;
import java.lang.ref.Cleaner;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import net.openhft.hashing.LongHashFunction;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Encodes {@link CacheEntry} values to the versioned binary layout of {@link EntryLayout}
 * ({@code docs/format.md}) and back.
 *
 * <h2>Design</h2>
 * An entry is a fixed header (everything a tier needs for expiry, staleness and integrity checks,
 * readable with the static peeks without touching the body) and a body in a small tagged binary
 * grammar chosen over CBOR by measurement ({@code results/focused/codec.md}). Bodies of at least
 * {@link CodecOptions#compressionThreshold()} bytes are zstd-compressed, and kept compressed only
 * when that saves {@link CodecOptions#minSavings()} of the raw length; otherwise the body is
 * stored raw with the flag clear.
 *
 * <p><b>Threads.</b> Instances are immutable and thread-safe. All mutable state lives in one
 * per-thread {@code Scratch} per codec: reusable body/output arrays and zstd contexts, created
 * once per thread (a fresh zstd context per call measured 2x slower to compress and 5x slower to decompress).
 * A dictionary is digested once per codec into shared {@code ZstdDictCompress/Decompress} objects
 * that every thread's context references. Scratch arrays that grew past
 * {@link #RETAINED_SCRATCH_BYTES} after an unusually large entry are dropped, so per-thread memory
 * stays bounded; the scratch holds no reference to its codec, and a {@link Cleaner} frees its
 * native zstd contexts once the thread or the codec is gone. The {@code byte[]} zstd-jni entry
 * points are used: on 1 KB bodies they measured as fast as the direct-buffer ones and need no
 * copy of heap bodies into native memory.
 *
 * <p><b>Hostile input.</b> Decoding checks, in order: magic, version, header length, header
 * checksum, flags and header fields, body length against the bytes given, the raw length against
 * the cap, the dictionary id, the body checksum, and for zstd the frame's declared content size
 * against the header and the cap, all before allocating. The body parser bounds every length and
 * count by the remaining bytes and the nesting depth by {@link EntryLayout#MAX_NESTING_DEPTH}.
 * Everything refused is a {@link CorruptEntryException} with a {@link Reason}.
 */
public final class EntryCodec {
  /** Scratch arrays larger than this are not kept for the next call on the same thread. */
  public static final int RETAINED_SCRATCH_BYTES = 1 << 20;

  private static final LongHashFunction XXH3 = LongHashFunction.xx3();
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final int INITIAL_SCRATCH_BYTES = 4096;
  private static final long ZSTD_CONTENTSIZE_UNKNOWN = -1;
  // Magic (4), frame header descriptor (1), block header (3): a lower bound on any zstd frame.
  private static final int MIN_ZSTD_FRAME_BYTES = 8;
  private static final Cleaner CLEANER = Cleaner.create();

  private final CodecOptions options;
  private final ZstdDictCompress dictCompress;
  private final ZstdDictDecompress dictDecompress;
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(this::newScratch);

  /** A codec with {@link CodecOptions#defaults()}. */
  public EntryCodec() {
    this(CodecOptions.defaults());
  }

  /** A codec with the given options. */
  public EntryCodec(CodecOptions options) {
    if (options == null) {
      throw new IllegalArgumentException("options must not be null");
    }
    this.options = options;
    byte[] dict = options.dictionaryNoCopy();
    this.dictCompress = dict == null ? null : new ZstdDictCompress(dict, options.zstdLevel());
    this.dictDecompress = dict == null ? null : new ZstdDictDecompress(dict);
  }

  /** The options this codec was built with. */
  public CodecOptions options() {
    return options;
  }

  // ---------------------------------------------------------------- encode

  /**
   * Encodes {@code entry} into a new array. The stored compression ratio is the one this encoding
   * achieved, not {@link CacheEntry#compressionRatio()}.
   *
   * @throws IllegalArgumentException if the raw body exceeds {@link CodecOptions#maxBodyBytes()}
   */
  public byte[] encode(CacheEntry entry) {
    Scratch s = scratch.get();
    try {
      int length = encodeToScratch(entry, s);
      return Arrays.copyOf(s.result, length);
    } finally {
      s.trim();
    }
  }

  /**
   * Encodes {@code entry} into {@code dst} at {@code offset} and returns the bytes written.
   * An expandable buffer grows as needed; a fixed one must have room.
   *
   * @throws IndexOutOfBoundsException if a fixed-size {@code dst} is too small
   */
  public int encode(CacheEntry entry, MutableDirectBuffer dst, int offset) {
    Scratch s = scratch.get();
    try {
      int length = encodeToScratch(entry, s);
      if (!dst.isExpandable() && (long) offset + length > dst.capacity()) {
        throw new IndexOutOfBoundsException("entry needs " + length + " bytes at offset " + offset
            + " but the buffer capacity is " + dst.capacity());
      }
      dst.putBytes(offset, s.result, 0, length);
      return length;
    } finally {
      s.trim();
    }
  }

  /** Encodes into {@code s.result}; returns the entry length. */
  private int encodeToScratch(CacheEntry e, Scratch s) {
    BodyWriter w = s.body;
    w.reset(EntryLayout.HEADER_LENGTH);
    w.writeBody(e);
    int rawLength = w.pos - EntryLayout.HEADER_LENGTH;
    if (rawLength > options.maxBodyBytes()) {
      throw new IllegalArgumentException("entry body of " + rawLength
          + " bytes exceeds maxBodyBytes " + options.maxBodyBytes() + " for " + e.path());
    }
    byte[] out = w.buf;
    int storedLength = rawLength;
    int flags = 0;
    if (rawLength >= options.compressionThreshold() && rawLength > 0) {
      int bound = (int) Zstd.compressBound(rawLength);
      byte[] z = s.compressed(EntryLayout.HEADER_LENGTH + bound);
      int zLength = s.cctx().compressByteArray(z, EntryLayout.HEADER_LENGTH, bound,
          out, EntryLayout.HEADER_LENGTH, rawLength);
      if (zLength < rawLength && rawLength - zLength >= options.minSavings() * rawLength) {
        out = z;
        storedLength = zLength;
        flags = EntryLayout.FLAG_COMPRESSED | (dictCompress != null ? EntryLayout.FLAG_DICTIONARY : 0);
      }
    }
    float ratio = storedLength == rawLength ? 1.0f : (float) storedLength / rawLength;
    writeHeader(out, e, flags, ratio, rawLength, storedLength);
    s.result = out;
    return EntryLayout.HEADER_LENGTH + storedLength;
  }

  private void writeHeader(byte[] h, CacheEntry e, int flags, float ratio, int rawLength,
      int storedLength) {
    INT_LE.set(h, EntryLayout.MAGIC_OFFSET, EntryLayout.MAGIC);
    h[EntryLayout.VERSION_OFFSET] = EntryLayout.VERSION;
    h[EntryLayout.FLAGS_OFFSET] = (byte) flags;
    h[EntryLayout.SCOPE_OFFSET] = (byte) e.scope().code();
    h[EntryLayout.PATH_FIELDS_OFFSET] = (byte) e.pathFieldBits();
    LONG_LE.set(h, EntryLayout.FINGERPRINT_HIGH_OFFSET, e.fingerprintHigh());
    LONG_LE.set(h, EntryLayout.FINGERPRINT_LOW_OFFSET, e.fingerprintLow());
    LONG_LE.set(h, EntryLayout.FILE_SIZE_OFFSET, e.size());
    LONG_LE.set(h, EntryLayout.FILE_MTIME_OFFSET, e.mtimeNanos());
    LONG_LE.set(h, EntryLayout.CACHED_AT_OFFSET, e.cachedAtMillis());
    LONG_LE.set(h, EntryLayout.EXPIRES_AT_OFFSET, e.expiresAtMillis());
    LONG_LE.set(h, EntryLayout.EXTRACTION_TIME_OFFSET, e.extractionTimeNanos());
    LONG_LE.set(h, EntryLayout.ACCESS_COUNT_OFFSET, e.accessCount());
    LONG_LE.set(h, EntryLayout.LAST_ACCESS_OFFSET, e.lastAccessMillis());
    INT_LE.set(h, EntryLayout.COMPRESSION_RATIO_OFFSET, Float.floatToRawIntBits(ratio));
    INT_LE.set(h, EntryLayout.DICTIONARY_ID_OFFSET,
        (flags & EntryLayout.FLAG_DICTIONARY) != 0 ? options.dictionaryId() : 0);
    INT_LE.set(h, EntryLayout.RAW_BODY_LENGTH_OFFSET, rawLength);
    INT_LE.set(h, EntryLayout.STORED_BODY_LENGTH_OFFSET, storedLength);
    INT_LE.set(h, EntryLayout.BODY_CHECKSUM_OFFSET,
        (int) XXH3.hashBytes(h, EntryLayout.HEADER_LENGTH, storedLength));
    INT_LE.set(h, EntryLayout.HEADER_CHECKSUM_OFFSET,
        (int) XXH3.hashBytes(h, 0, EntryLayout.HEADER_CHECKSUM_COVERAGE));
  }

  // ---------------------------------------------------------------- decode

  /** Decodes a whole array holding one entry. */
  public CacheEntry decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /**
   * Decodes the entry in {@code bytes[offset, offset + length)}; bytes after the entry's own
   * length are ignored.
   *
   * @throws CorruptEntryException if the bytes are not a valid entry for this codec
   */
  public CacheEntry decode(byte[] bytes, int offset, int length) {
    Scratch s = scratch.get();
    try {
      s.view.wrap(bytes, offset, length);
      return decode(s.view, 0, length, s);
    } finally {
      s.view.wrap(s.empty);
      s.trim();
    }
  }

  /**
   * Decodes the entry in {@code buffer[offset, offset + length)} (heap or off-heap).
   *
   * @throws CorruptEntryException if the bytes are not a valid entry for this codec
   */
  public CacheEntry decode(DirectBuffer buffer, int offset, int length) {
    buffer.boundsCheck(offset, length);
    Scratch s = scratch.get();
    try {
      return decode(buffer, offset, length, s);
    } finally {
      s.trim();
    }
  }

  /**
   * Validates the header and the body checksum, decompresses the body if needed, and returns a
   * reader over the raw body (in {@code b}'s array, or in scratch). The work every decode shares.
   */
  private BodyReader openBody(DirectBuffer b, int offset, int length, Scratch s) {
    int total = validateHeader(b, offset, length);
    int flags = b.getByte(offset + EntryLayout.FLAGS_OFFSET);
    int rawLength = b.getInt(offset + EntryLayout.RAW_BODY_LENGTH_OFFSET, LE);
    int storedLength = total - EntryLayout.HEADER_LENGTH;
    int dictId = b.getInt(offset + EntryLayout.DICTIONARY_ID_OFFSET, LE);
    if (Integer.toUnsignedLong(rawLength) > options.maxBodyBytes()) {
      throw new CorruptEntryException(Reason.DECOMPRESSED_TOO_LARGE, "header declares a raw body"
          + " of " + Integer.toUnsignedString(rawLength) + " bytes, cap is "
          + options.maxBodyBytes());
    }
    if ((flags & EntryLayout.FLAG_DICTIONARY) != 0 && dictId != options.dictionaryId()) {
      throw new CorruptEntryException(Reason.UNKNOWN_DICTIONARY, "entry was compressed with"
          + " zstd dictionary id " + Integer.toUnsignedString(dictId) + " but this codec has "
          + (options.dictionaryId() == 0 ? "no dictionary"
              : "dictionary id " + Integer.toUnsignedString(options.dictionaryId())));
    }

    // The stored body as an array: in place for heap buffers, else one copy into scratch.
    byte[] stored;
    int storedOffset;
    byte[] array = b.byteArray();
    if (array != null) {
      stored = array;
      storedOffset = b.wrapAdjustment() + offset + EntryLayout.HEADER_LENGTH;
    } else {
      stored = s.copy(storedLength);
      storedOffset = 0;
      b.getBytes(offset + EntryLayout.HEADER_LENGTH, stored, 0, storedLength);
    }
    int bodyChecksum = (int) XXH3.hashBytes(stored, storedOffset, storedLength);
    if (bodyChecksum != b.getInt(offset + EntryLayout.BODY_CHECKSUM_OFFSET, LE)) {
      throw new CorruptEntryException(Reason.CHECKSUM_MISMATCH, "body checksum mismatch");
    }

    byte[] raw;
    int rawOffset;
    if ((flags & EntryLayout.FLAG_COMPRESSED) == 0) {
      raw = stored;
      rawOffset = storedOffset;
    } else {
      if (storedLength < MIN_ZSTD_FRAME_BYTES) {
        throw new CorruptEntryException(Reason.BAD_COMPRESSED_BODY, "a zstd frame needs at least "
            + MIN_ZSTD_FRAME_BYTES + " bytes, the body has " + storedLength);
      }
      long declared;
      try {
        declared = Zstd.getFrameContentSize(stored, storedOffset, storedLength);
      } catch (RuntimeException ex) {
        // zstd-jni signals some malformed input with unchecked exceptions of its own choosing.
        throw new CorruptEntryException(Reason.BAD_COMPRESSED_BODY, "not a zstd frame: " + ex);
      }
      if (declared > options.maxBodyBytes()) {
        throw new CorruptEntryException(Reason.DECOMPRESSED_TOO_LARGE, "zstd frame declares "
            + declared + " bytes, cap is " + options.maxBodyBytes());
      }
      if (declared == ZSTD_CONTENTSIZE_UNKNOWN || declared < 0) {
        throw new CorruptEntryException(Reason.BAD_COMPRESSED_BODY,
            "zstd frame without a readable content size (" + declared + ")");
      }
      if (declared != rawLength) {
        throw new CorruptEntryException(Reason.BAD_COMPRESSED_BODY, "zstd frame declares "
            + declared + " bytes but the header says " + rawLength);
      }
      raw = s.raw(rawLength);
      rawOffset = 0;
      ZstdDecompressCtx dctx = (flags & EntryLayout.FLAG_DICTIONARY) != 0 ? s.dictDctx() : s.dctx();
      int n;
      try {
        n = dctx.decompressByteArray(raw, 0, rawLength, stored, storedOffset, storedLength);
      } catch (RuntimeException ex) {
        throw new CorruptEntryException(Reason.BAD_COMPRESSED_BODY, "zstd: " + ex.getMessage());
      }
      if (n != rawLength) {
        throw new CorruptEntryException(Reason.BAD_COMPRESSED_BODY, "zstd produced " + n
            + " bytes, header says " + rawLength);
      }
    }

    return new BodyReader(raw, rawOffset, rawLength);
  }

  private CacheEntry decode(DirectBuffer b, int offset, int length, Scratch s) {
    BodyReader r = openBody(b, offset, length, s);
    String profile = r.readString();
    String path = r.readString();
    Map<String, Object> metadata = r.readRootMap();
    r.expectEnd();
    if (profile.isEmpty() || path.isEmpty()) {
      throw new CorruptEntryException(Reason.BAD_BODY,
          "empty " + (profile.isEmpty() ? "profile" : "path"));
    }
    return CacheEntry.builder()
        .path(path)
        .profile(profile)
        .fingerprint(b.getLong(offset + EntryLayout.FINGERPRINT_HIGH_OFFSET, LE),
            b.getLong(offset + EntryLayout.FINGERPRINT_LOW_OFFSET, LE))
        .size(b.getLong(offset + EntryLayout.FILE_SIZE_OFFSET, LE))
        .mtimeNanos(b.getLong(offset + EntryLayout.FILE_MTIME_OFFSET, LE))
        .cachedAtMillis(b.getLong(offset + EntryLayout.CACHED_AT_OFFSET, LE))
        .expiresAtMillis(b.getLong(offset + EntryLayout.EXPIRES_AT_OFFSET, LE))
        .extractionTimeNanos(b.getLong(offset + EntryLayout.EXTRACTION_TIME_OFFSET, LE))
        .accessCount(b.getLong(offset + EntryLayout.ACCESS_COUNT_OFFSET, LE))
        .lastAccessMillis(b.getLong(offset + EntryLayout.LAST_ACCESS_OFFSET, LE))
        .compressionRatio(b.getFloat(offset + EntryLayout.COMPRESSION_RATIO_OFFSET, LE))
        .scope(KeyScope.ofCode(b.getByte(offset + EntryLayout.SCOPE_OFFSET)))
        .pathFieldBits(b.getByte(offset + EntryLayout.PATH_FIELDS_OFFSET) & 0xFF)
        .trustedMetadata(metadata)
        .build();
  }


  // ---------------------------------------------------------------- summary

  /**
   * The path, profile and metadata (as JSON text) of the entry in {@code bytes[offset, offset +
   * length)}, transcoded straight from the stored body: no maps, lists or boxed values are built
   * on the way, as {@link #decode} followed by writing the metadata as JSON would. The JSON
   * follows the rules of {@code MetadataJson}. The header and body are validated as by {@link #decode}, except that a map key repeated within
   * one map (which the encoder never writes, and which decode rejects) is passed through.
   *
   * @throws CorruptEntryException if the bytes are not a valid entry for this codec
   */
  public EntrySummary summarize(byte[] bytes, int offset, int length) {
    Scratch s = scratch.get();
    try {
      s.view.wrap(bytes, offset, length);
      BodyReader r = openBody(s.view, 0, length, s);
      String profile = r.readString();
      String path = r.readString();
      if (profile.isEmpty() || path.isEmpty()) {
        throw new CorruptEntryException(Reason.BAD_BODY, "empty " + (profile.isEmpty() ? "profile" : "path"));
      }
      StringBuilder json = s.json();
      r.writeRootMapAsJson(json);
      r.expectEnd();
      return new EntrySummary(path, profile, json.toString());
    } finally {
      s.view.wrap(s.empty);
      s.trim();
    }
  }

  // ---------------------------------------------------------------- header peeks

  /**
   * Checks the header at {@code offset} (magic, version, length, checksum, flags, field ranges,
   * body length within {@code length}) without reading the body; returns the entry's total
   * length (header plus stored body).
   *
   * @throws CorruptEntryException if the header is not valid
   */
  public static int validateHeader(DirectBuffer b, int offset, int length) {
    if (length >= 4 && b.getInt(offset + EntryLayout.MAGIC_OFFSET, LE) != EntryLayout.MAGIC) {
      throw new CorruptEntryException(Reason.BAD_MAGIC, String.format("magic is 0x%08x, expected"
          + " 0x%08x (\"MCEN\")", b.getInt(offset, LE), EntryLayout.MAGIC));
    }
    byte version = length >= 5 ? b.getByte(offset + EntryLayout.VERSION_OFFSET) : EntryLayout.VERSION;
    if (version != EntryLayout.VERSION && version != EntryLayout.VERSION_1) {
      throw new CorruptEntryException(Reason.UNSUPPORTED_VERSION, "layout version "
          + (version & 0xFF) + ", this reader knows " + EntryLayout.VERSION_1 + " and " + EntryLayout.VERSION);
    }
    if (length < EntryLayout.HEADER_LENGTH) {
      throw new CorruptEntryException(Reason.TRUNCATED, length + " bytes, the header alone needs "
          + EntryLayout.HEADER_LENGTH);
    }
    int headerChecksum = (int) hash(b, offset, EntryLayout.HEADER_CHECKSUM_COVERAGE);
    if (headerChecksum != b.getInt(offset + EntryLayout.HEADER_CHECKSUM_OFFSET, LE)) {
      throw new CorruptEntryException(Reason.CHECKSUM_MISMATCH, "header checksum mismatch");
    }
    int flags = b.getByte(offset + EntryLayout.FLAGS_OFFSET) & 0xFF;
    if ((flags & ~EntryLayout.KNOWN_FLAGS) != 0) {
      throw new CorruptEntryException(Reason.BAD_HEADER, "unknown flags 0x"
          + Integer.toHexString(flags) + " or reserved bits set");
    }
    int scope = b.getByte(offset + EntryLayout.SCOPE_OFFSET) & 0xFF;
    int pathFields = b.getByte(offset + EntryLayout.PATH_FIELDS_OFFSET) & 0xFF;
    if (version == EntryLayout.VERSION_1 ? (scope | pathFields) != 0
        : scope > KeyScope.CONTENT.code() || (pathFields & ~CacheEntry.MAX_PATH_FIELD_BITS) != 0
            || (scope == KeyScope.FILE.code() && pathFields != 0)) {
      throw new CorruptEntryException(Reason.BAD_HEADER, "version " + version + " key scope " + scope
          + " and path fields 0x" + Integer.toHexString(pathFields) + " are not a valid pair"
          + " (version 1: both reserved, zero)");
    }
    boolean compressed = (flags & EntryLayout.FLAG_COMPRESSED) != 0;
    boolean dictionary = (flags & EntryLayout.FLAG_DICTIONARY) != 0;
    int dictId = b.getInt(offset + EntryLayout.DICTIONARY_ID_OFFSET, LE);
    if ((dictionary && (!compressed || dictId == 0)) || (!dictionary && dictId != 0)) {
      throw new CorruptEntryException(Reason.BAD_HEADER, "dictionary flag, compressed flag and"
          + " dictionary id " + Integer.toUnsignedString(dictId) + " disagree");
    }
    long raw = Integer.toUnsignedLong(b.getInt(offset + EntryLayout.RAW_BODY_LENGTH_OFFSET, LE));
    long stored =
        Integer.toUnsignedLong(b.getInt(offset + EntryLayout.STORED_BODY_LENGTH_OFFSET, LE));
    if (!compressed && raw != stored) {
      throw new CorruptEntryException(Reason.BAD_HEADER, "raw body of " + raw
          + " bytes stored as " + stored + " without compression");
    }
    float ratio = b.getFloat(offset + EntryLayout.COMPRESSION_RATIO_OFFSET, LE);
    if (!Float.isFinite(ratio) || ratio < 0
        || b.getLong(offset + EntryLayout.FILE_SIZE_OFFSET, LE) < 0
        || b.getLong(offset + EntryLayout.CACHED_AT_OFFSET, LE) < 0
        || b.getLong(offset + EntryLayout.EXPIRES_AT_OFFSET, LE) < 0
        || b.getLong(offset + EntryLayout.EXTRACTION_TIME_OFFSET, LE) < 0
        || b.getLong(offset + EntryLayout.ACCESS_COUNT_OFFSET, LE) < 0
        || b.getLong(offset + EntryLayout.LAST_ACCESS_OFFSET, LE) < 0) {
      throw new CorruptEntryException(Reason.BAD_HEADER, "a header field is out of range"
          + " (negative count, size or time, or a non-finite ratio)");
    }
    if (stored > length - EntryLayout.HEADER_LENGTH) {
      throw new CorruptEntryException(Reason.TRUNCATED, "header declares a body of " + stored
          + " bytes but only " + (length - EntryLayout.HEADER_LENGTH) + " follow the header");
    }
    return EntryLayout.HEADER_LENGTH + (int) stored;
  }

  /** Checks the header of the entry in {@code bytes[offset, offset + length)}; see above. */
  public static int validateHeader(byte[] bytes, int offset, int length) {
    return validateHeader(new UnsafeBuffer(bytes, offset, length), 0, length);
  }

  /** Expiry in epoch milliseconds (0 = never) of the entry at {@code offset}; no validation. */
  public static long expiresAt(DirectBuffer b, int offset) {
    return b.getLong(offset + EntryLayout.EXPIRES_AT_OFFSET, LE);
  }

  /** High 64 bits of the fingerprint of the entry at {@code offset}; no validation. */
  public static long fingerprintHigh(DirectBuffer b, int offset) {
    return b.getLong(offset + EntryLayout.FINGERPRINT_HIGH_OFFSET, LE);
  }

  /** Low 64 bits of the fingerprint of the entry at {@code offset}; no validation. */
  public static long fingerprintLow(DirectBuffer b, int offset) {
    return b.getLong(offset + EntryLayout.FINGERPRINT_LOW_OFFSET, LE);
  }

  /** File size of the entry at {@code offset}; no validation. */
  public static long fileSize(DirectBuffer b, int offset) {
    return b.getLong(offset + EntryLayout.FILE_SIZE_OFFSET, LE);
  }

  /** File mtime in nanoseconds of the entry at {@code offset}; no validation. */
  public static long fileMtimeNanos(DirectBuffer b, int offset) {
    return b.getLong(offset + EntryLayout.FILE_MTIME_OFFSET, LE);
  }

  /** Raw (uncompressed) body length of the entry at {@code offset}; no validation. */
  public static long rawBodyLength(DirectBuffer b, int offset) {
    return Integer.toUnsignedLong(b.getInt(offset + EntryLayout.RAW_BODY_LENGTH_OFFSET, LE));
  }

  /** Stored body length of the entry at {@code offset}; no validation. */
  public static long storedBodyLength(DirectBuffer b, int offset) {
    return Integer.toUnsignedLong(b.getInt(offset + EntryLayout.STORED_BODY_LENGTH_OFFSET, LE));
  }

  /** Header plus stored body length of a validated entry at {@code offset}. */
  public static int encodedLength(DirectBuffer b, int offset) {
    return EntryLayout.HEADER_LENGTH + b.getInt(offset + EntryLayout.STORED_BODY_LENGTH_OFFSET, LE);
  }

  /** True if the entry at {@code offset} has an expiry that {@code nowMillis} has reached. */
  public static boolean isExpired(DirectBuffer b, int offset, long nowMillis) {
    long expiresAt = expiresAt(b, offset);
    return expiresAt != 0 && nowMillis >= expiresAt;
  }

  private static long hash(DirectBuffer b, int offset, int length) {
    byte[] array = b.byteArray();
    if (array != null) {
      return XXH3.hashBytes(array, b.wrapAdjustment() + offset, length);
    }
    return XXH3.hashMemory(b.addressOffset() + offset, length);
  }

  /** Low 32 bits of XXH3-64, as the layout's checksums use. */
  static int checksum(byte[] bytes, int offset, int length) {
    return (int) XXH3.hashBytes(bytes, offset, length);
  }

  /** The raw body of {@code entry} (profile, path, metadata), as compressed and as trained on. */
  static byte[] rawBody(CacheEntry entry) {
    BodyWriter w = new BodyWriter(256);
    w.reset(0);
    w.writeBody(entry);
    return Arrays.copyOf(w.buf, w.pos);
  }

  // ---------------------------------------------------------------- per-thread state

  private Scratch newScratch() {
    return new Scratch(options, dictCompress, dictDecompress);
  }

  /**
   * One thread's reusable arrays and zstd contexts for one codec. Static (no reference back to
   * the codec) so a discarded codec's thread-local entries can be collected; zstd contexts hold
   * native memory and have no finalizer, so a {@link Cleaner} closes them when the scratch goes.
   */
  private static final class Scratch {
    final BodyWriter body = new BodyWriter(INITIAL_SCRATCH_BYTES);
    final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    final byte[] empty = new byte[0];
    byte[] result;
    private byte[] compressed = new byte[INITIAL_SCRATCH_BYTES];
    private byte[] raw = new byte[INITIAL_SCRATCH_BYTES];
    private byte[] copy = new byte[INITIAL_SCRATCH_BYTES];
    private StringBuilder json = new StringBuilder(256);
    private final CodecOptions options;
    private final ZstdDictCompress dictCompress;
    private final ZstdDictDecompress dictDecompress;
    private final ZstdContexts zstd = new ZstdContexts();

    Scratch(CodecOptions options, ZstdDictCompress dictCompress, ZstdDictDecompress dictDecompress) {
      this.options = options;
      this.dictCompress = dictCompress;
      this.dictDecompress = dictDecompress;
      CLEANER.register(this, zstd);
    }

    ZstdCompressCtx cctx() {
      if (zstd.cctx == null) {
        ZstdCompressCtx c = new ZstdCompressCtx();
        c.setLevel(options.zstdLevel());
        c.setContentSize(true);
        c.setChecksum(false);
        // The entry header names the dictionary; the frame need not repeat it.
        c.setDictID(false);
        if (dictCompress != null) {
          c.loadDict(dictCompress);
        }
        zstd.cctx = c;
      }
      return zstd.cctx;
    }

    ZstdDecompressCtx dctx() {
      if (zstd.dctx == null) {
        zstd.dctx = new ZstdDecompressCtx();
      }
      return zstd.dctx;
    }

    // A separate context: a frame made without the dictionary must not be read with it.
    ZstdDecompressCtx dictDctx() {
      if (zstd.dictDctx == null) {
        ZstdDecompressCtx d = new ZstdDecompressCtx();
        d.loadDict(dictDecompress);
        zstd.dictDctx = d;
      }
      return zstd.dictDctx;
    }

    byte[] compressed(int length) {
      if (compressed.length < length) {
        compressed = new byte[Math.max(length, compressed.length * 2)];
      }
      return compressed;
    }

    byte[] raw(int length) {
      if (raw.length < length) {
        raw = new byte[Math.max(length, Math.min(raw.length * 2, options.maxBodyBytes()))];
      }
      return raw;
    }

    /** An emptied, reused builder for {@link #summarize}'s JSON. */
    StringBuilder json() {
      json.setLength(0);
      return json;
    }

    byte[] copy(int length) {
      if (copy.length < length) {
        copy = new byte[Math.max(length, copy.length * 2)];
      }
      return copy;
    }

    void trim() {
      result = null;
      if (body.buf.length > RETAINED_SCRATCH_BYTES) {
        body.buf = new byte[INITIAL_SCRATCH_BYTES];
      }
      if (compressed.length > RETAINED_SCRATCH_BYTES) {
        compressed = new byte[INITIAL_SCRATCH_BYTES];
      }
      if (raw.length > RETAINED_SCRATCH_BYTES) {
        raw = new byte[INITIAL_SCRATCH_BYTES];
      }
      if (copy.length > RETAINED_SCRATCH_BYTES) {
        copy = new byte[INITIAL_SCRATCH_BYTES];
      }
      if (json.capacity() > RETAINED_SCRATCH_BYTES) {
        json = new StringBuilder(256);
      }
    }
  }

  /** The native zstd contexts of one {@link Scratch}; closing them is the cleaning action. */
  private static final class ZstdContexts implements Runnable {
    ZstdCompressCtx cctx;
    ZstdDecompressCtx dctx;
    ZstdDecompressCtx dictDctx;

    @Override
    public void run() {
      if (cctx != null) {
        cctx.close();
      }
      if (dctx != null) {
        dctx.close();
      }
      if (dictDctx != null) {
        dictDctx.close();
      }
    }
  }
}
