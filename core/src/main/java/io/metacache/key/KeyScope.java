package io.metacache.key;

/**
 * What an entry's key says about the file besides its content and profile, and so which files an
 * entry is shared by ({@link CacheKey#of(Fingerprint, String, KeyScope, java.nio.file.Path)}).
 *
 * <ul>
 *   <li>{@link #FILE}: the file's absolute path is in the key, and an entry is served only while
 *       the file keeps the size and mtime it was stored with (besides the fingerprint). The
 *       result may depend on anything about the file: one entry per path, as before sharing
 *       existed. The default for extractors that declare nothing and for {@code put}.
 *   <li>{@link #NAME}: the file name (last path element) is in the key; copies of one content
 *       under one name share an entry whatever their directory, mtime or owner.
 *   <li>{@link #CONTENT}: only the content; every copy shares the entry.
 * </ul>
 *
 * An entry of scope {@code NAME} or {@code CONTENT} is served whenever the file's current
 * fingerprint and size equal the entry's: its fields come from the bytes (and the name), which the
 * fingerprint stands for. The stat fast path decides, as for every scope, whether the fingerprint
 * must be taken again.
 */
public enum KeyScope {
  /** Path in the key; size and mtime checked. Stored as 0. */
  FILE,
  /** File name in the key. Stored as 1. */
  NAME,
  /** Content and profile only. Stored as 2. */
  CONTENT;

  private static final KeyScope[] BY_CODE = values();

  /** The byte stored in an entry's header ({@code docs/format.md}). */
  public int code() {
    return ordinal();
  }

  /** The scope stored as {@code code}; throws {@link IllegalArgumentException} for an unknown code. */
  public static KeyScope ofCode(int code) {
    if (code < 0 || code >= BY_CODE.length) {
      throw new IllegalArgumentException("unknown key scope " + code);
    }
    return BY_CODE[code];
  }

  /** Whether an entry of this scope is checked against the file's size and mtime, not the content alone. */
  public boolean perFile() {
    return this == FILE;
  }
}
