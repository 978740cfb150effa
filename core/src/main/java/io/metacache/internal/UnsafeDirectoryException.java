package io.metacache.internal;

/**
 * A cache directory that another user can write (or owns): the cache refuses it rather than serve
 * entries someone else could have planted. The message names the directory and the fix.
 */
public final class UnsafeDirectoryException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** A refusal with its reason and fix. */
  public UnsafeDirectoryException(String message) {
    super(message);
  }
}
