package io.metacache.spi;

/** A tier could not perform an operation (unreachable, locked, out of space, I/O error). */
public class TierException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure of the named tier. */
  public TierException(String tier, String message, Throwable cause) {
    super(tier + ": " + message, cause);
  }

  /** A failure of the named tier. */
  public TierException(String tier, String message) {
    super(tier + ": " + message);
  }
}
