package io.metacache.codec;

/**
 * Descriptor of the binary entry layout, version 1 (specified in {@code docs/format.md}).
 *
 * <p>An encoded entry is a fixed 104-byte header followed by a body. All integers are
 * little-endian. The header carries everything a tier needs without decoding the body
 * (fingerprint, file stat, expiry), so expiry and staleness checks read fixed offsets.
 *
 * <pre>
 *   0  magic              u32   'M','C','E','N' (0x4E45434D read little-endian)
 *   4  version            u8    1
 *   5  flags              u8    bit0 body compressed (zstd), bit1 compressed with a dictionary
 *   6  reserved           u16   0
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
 */
public final class EntryLayout {
  /** Magic number as read by a little-endian 32-bit load of "MCEN". */
  public static final int MAGIC = 0x4E45434D;
  /** The current (and only) layout version. */
  public static final byte VERSION = 1;

  public static final int MAGIC_OFFSET = 0;
  public static final int VERSION_OFFSET = 4;
  public static final int FLAGS_OFFSET = 5;
  public static final int RESERVED_OFFSET = 6;
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

  private EntryLayout() {}
}
