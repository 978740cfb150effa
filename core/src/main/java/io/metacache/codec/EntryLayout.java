package io.metacache.codec;

/**
 * Descriptor of the binary entry layout, version 2 (specified in {@code docs/format.md}).
 *
 * <p>An encoded entry is a fixed 104-byte header followed by a body. All integers are
 * little-endian. The header carries everything a tier needs without decoding the body
 * (fingerprint, file stat, expiry), so expiry and staleness checks read fixed offsets.
 *
 * <pre>
 *   0  magic              u32   'M','C','E','N' (0x4E45434D read little-endian)
 *   4  version            u8    2 (1 is still read: bytes 6-7 were reserved, zero)
 *   5  flags              u8    bit0 body compressed (zstd), bit1 compressed with a dictionary
 *   6  key scope          u8    0 file (path in key; size+mtime checked), 1 name, 2 content
 *   7  path fields        u8    bits 0-5: size, modified, created, accessed, permissions, owner,
 *                               recomputed per file at lookup, not in the body; 0 for scope 0
 *   8  fingerprint high   i64
 *  16  fingerprint low    i64
 *  24  file size          i64   bytes
 *  32  file mtime         i64   nanoseconds since the epoch
 *  40  cached at          i64   milliseconds since the epoch
 *  48  expires at         i64   milliseconds since the epoch, 0 = never
 *  56  extraction time    i64   nanoseconds spent extracting
 *  64  access count       i64   as of the write
 *  72  last access        i64   milliseconds since the epoch, as of the write
 *  80  compression ratio  f32   stored body length / raw body length (1.0 when raw)
 *  84  dictionary id      u32   zstd dictionary id, 0 = none
 *  88  raw body length    u32   body length before compression
 *  92  stored body length u32   body length as stored after the header
 *  96  body checksum      u32   low 32 bits of XXH3-64 of the stored body
 * 100  header checksum    u32   low 32 bits of XXH3-64 of header bytes 0..99
 * 104  body               stored body length bytes
 * </pre>
 *
 * <p>The raw body (before compression) is {@code string profile, string path, value metadata}
 * where the metadata value must be a map. A string is a varint byte length then UTF-8; a value
 * is a tag byte ({@code TAG_*}) then its payload. Varints are unsigned LEB128; longs are zigzag
 * LEB128; doubles are 8 bytes IEEE 754 little-endian.
 */
public final class EntryLayout {
  /** Magic number as read by a little-endian 32-bit load of "MCEN". */
  public static final int MAGIC = 0x4E45434D;
  /** The layout version writers emit. */
  public static final byte VERSION = 2;
  /** The first layout version, still read: bytes 6-7 reserved (zero), so scope file, no path fields. */
  public static final byte VERSION_1 = 1;

  public static final int MAGIC_OFFSET = 0;
  public static final int VERSION_OFFSET = 4;
  public static final int FLAGS_OFFSET = 5;
  /** Key scope ({@code io.metacache.key.KeyScope#code()}), u8; in version 1 the reserved u16's low byte. */
  public static final int SCOPE_OFFSET = 6;
  /** Path-field bits, u8; in version 1 the reserved u16's high byte. */
  public static final int PATH_FIELDS_OFFSET = 7;
  public static final int FINGERPRINT_HIGH_OFFSET = 8;
  public static final int FINGERPRINT_LOW_OFFSET = 16;
  public static final int FILE_SIZE_OFFSET = 24;
  public static final int FILE_MTIME_OFFSET = 32;
  public static final int CACHED_AT_OFFSET = 40;
  public static final int EXPIRES_AT_OFFSET = 48;
  public static final int EXTRACTION_TIME_OFFSET = 56;
  public static final int ACCESS_COUNT_OFFSET = 64;
  public static final int LAST_ACCESS_OFFSET = 72;
  public static final int COMPRESSION_RATIO_OFFSET = 80;
  public static final int DICTIONARY_ID_OFFSET = 84;
  public static final int RAW_BODY_LENGTH_OFFSET = 88;
  public static final int STORED_BODY_LENGTH_OFFSET = 92;
  public static final int BODY_CHECKSUM_OFFSET = 96;
  public static final int HEADER_CHECKSUM_OFFSET = 100;
  /** Length of the fixed header; the body starts here. */
  public static final int HEADER_LENGTH = 104;

  /** Flag bit: the body is a zstd frame. */
  public static final int FLAG_COMPRESSED = 1;
  /** Flag bit: the zstd frame was compressed with the dictionary named in the header. */
  public static final int FLAG_DICTIONARY = 1 << 1;
  /** Every flag bit this version defines; any other bit set is a corrupt header. */
  public static final int KNOWN_FLAGS = FLAG_COMPRESSED | FLAG_DICTIONARY;
  /** Number of header bytes covered by the header checksum. */
  public static final int HEADER_CHECKSUM_COVERAGE = HEADER_CHECKSUM_OFFSET;

  /** Body tag: null; no payload. */
  public static final byte TAG_NULL = 0x00;
  /** Body tag: boolean false; no payload. */
  public static final byte TAG_FALSE = 0x01;
  /** Body tag: boolean true; no payload. */
  public static final byte TAG_TRUE = 0x02;
  /** Body tag: 64-bit signed integer; zigzag LEB128 varint, at most 10 bytes. */
  public static final byte TAG_LONG = 0x03;
  /** Body tag: 64-bit IEEE 754 double; 8 bytes little-endian. */
  public static final byte TAG_DOUBLE = 0x04;
  /** Body tag: string; varint byte length, then that many bytes of UTF-8. */
  public static final byte TAG_STRING = 0x05;
  /** Body tag: byte string; varint length, then that many bytes. */
  public static final byte TAG_BYTES = 0x06;
  /** Body tag: list; varint element count, then that many values. */
  public static final byte TAG_LIST = 0x07;
  /** Body tag: map; varint entry count, then that many (string key, value) pairs. */
  public static final byte TAG_MAP = 0x08;
  /** Deepest nesting of lists and maps; the metadata map itself is depth 1. */
  public static final int MAX_NESTING_DEPTH = 64;

  private EntryLayout() {}
}
