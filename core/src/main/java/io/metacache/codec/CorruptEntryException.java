package io.metacache.codec;

/** Encoded entry bytes that cannot be decoded; {@link #reason()} says why. */
public final class CorruptEntryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the bytes were refused. */
  public enum Reason {
    /** The first four bytes are not "MCEN". */
    BAD_MAGIC,
    /** A layout version this reader does not know. */
    UNSUPPORTED_VERSION,
    /** Fewer bytes than the header or the header's body length needs. */
    TRUNCATED,
    /** Unknown flags, non-zero reserved bits or inconsistent lengths in the header. */
    BAD_HEADER,
    /** The header or body checksum does not match. */
    CHECKSUM_MISMATCH,
    /** The raw body does not follow the body grammar. */
    BAD_BODY,
    /** The zstd frame is malformed or disagrees with the header. */
    BAD_COMPRESSED_BODY,
    /** The raw body (as declared by the header or the zstd frame) exceeds the configured cap. */
    DECOMPRESSED_TOO_LARGE,
    /** The entry names a dictionary this codec was not configured with. */
    UNKNOWN_DICTIONARY
  }

  private final Reason reason;

  /** A corrupt-entry failure for {@code reason} with a detail message. */
  public CorruptEntryException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  /** Why the entry was refused. */
  public Reason reason() {
    return reason;
  }
}
