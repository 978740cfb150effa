package io.metacache.key;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import net.openhft.hashing.LongTupleHashFunction;

/**
 * The 128-bit key an entry is stored under in every tier.
 *
 * <p>A file key is XXH3-128 (seed 0) of the fingerprint's 16 bytes (big-endian, high half first)
 * followed by the profile's bytes: the key of {@link KeyScope#CONTENT} ({@link #of(Fingerprint,
 * String)}). The keys of the other scopes ({@link #of(Fingerprint, String, KeyScope, Path)}) append
 * a zero byte, a scope byte ({@code 'P'} for {@link KeyScope#FILE}, {@code 'N'} for
 * {@link KeyScope#NAME}) and the UTF-8 bytes of the absolute path or of the file name (an unpaired
 * surrogate as {@code '?'}, as {@link String#getBytes} writes it). The fingerprint has a fixed
 * width and a profile never holds a zero byte, so the input determines every part and distinct
 * (fingerprint, profile, scope, path or name) tuples differ in input; they share a key only
 * through an XXH3 collision. A name key ({@link #ofName}) for the generic
 * key/value API is XXH3-128 of the name's UTF-8 bytes under a different seed. The top bit of
 * {@link #high()} is the domain (clear: file key, set: name key), so the two kinds never collide
 * by construction.
 *
 * @param high the high 64 bits (top bit: name key)
 * @param low the low 64 bits
 */
public record CacheKey(long high, long low) {

  /** Bytes in {@link #toBytes()}. */
  public static final int BYTES = 16;

  static final long NAME_BIT = Long.MIN_VALUE;
  /** Seed of name keys: "mc.name" in ASCII; any seed other than 0 would separate the inputs. */
  static final long NAME_SEED = 0x6d632e6e616d65L;

  private static final LongTupleHashFunction FILE_HASH = LongTupleHashFunction.xx128();
  private static final LongTupleHashFunction NAME_HASH = LongTupleHashFunction.xx128(NAME_SEED);
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /**
   * Returns the key of a file's fingerprint under an extraction profile.
   *
   * @throws IllegalArgumentException if {@code profile} is not valid ({@link Profiles#validate})
   */
  public static CacheKey of(Fingerprint fingerprint, String profile) {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Profiles.validate(profile);
    HashScratch scratch = HashScratch.get();
    byte[] input = scratch.bytes;
    LONG_BE.set(input, 0, fingerprint.high());
    LONG_BE.set(input, 8, fingerprint.low());
    int length = profile.length();
    for (int i = 0; i < length; i++) {
      input[BYTES + i] = (byte) profile.charAt(i); // ASCII: the UTF-8 byte is the char
    }
    long[] result = scratch.result;
    FILE_HASH.hashBytes(input, 0, BYTES + length, result);
    return new CacheKey(result[1] & ~NAME_BIT, result[0]);
  }

  /**
   * Returns the key of a file's entry under {@code profile} in {@code scope}: {@link #of(Fingerprint,
   * String)} for {@link KeyScope#CONTENT}, else with {@code file}'s path ({@link KeyScope#FILE}) or
   * last element ({@link KeyScope#NAME}) appended. {@code file} must be absolute and normalized (as
   * {@link FileIdentity#path()} is), so that one file has one key whatever the working directory.
   * Allocates nothing but the key once the thread has hashed a path this long.
   *
   * @throws IllegalArgumentException if {@code profile} is not valid, or {@code file} is not absolute
   */
  public static CacheKey of(Fingerprint fingerprint, String profile, KeyScope scope, Path file) {
    Objects.requireNonNull(scope, "scope");
    if (scope == KeyScope.CONTENT) {
      return of(fingerprint, profile);
    }
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(file, "file");
    Profiles.validate(profile);
    if (!file.isAbsolute()) {
      throw new IllegalArgumentException("a file key needs an absolute path, got " + file);
    }
    String path = file.toString(); // cached by the default file system's paths
    int from = 0;
    if (scope == KeyScope.NAME) {
      from = path.lastIndexOf(file.getFileSystem().getSeparator()) + 1;
    }
    int length = profile.length();
    int prefix = BYTES + length + 2;
    HashScratch scratch = HashScratch.get();
    byte[] input = scratch.wide(prefix + 3 * (path.length() - from));
    LONG_BE.set(input, 0, fingerprint.high());
    LONG_BE.set(input, 8, fingerprint.low());
    for (int i = 0; i < length; i++) {
      input[BYTES + i] = (byte) profile.charAt(i);
    }
    input[BYTES + length] = 0;
    input[BYTES + length + 1] = scope == KeyScope.FILE ? (byte) 'P' : (byte) 'N';
    int end = utf8(path, from, input, prefix);
    long[] result = scratch.result;
    FILE_HASH.hashBytes(input, 0, end, result);
    return new CacheKey(result[1] & ~NAME_BIT, result[0]);
  }

  /** Writes {@code s[from..]} as UTF-8 at {@code out[at]} (unpaired surrogates as '?'); returns the end. */
  private static int utf8(String s, int from, byte[] out, int at) {
    int n = s.length();
    for (int i = from; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[at++] = (byte) c;
      } else if (c < 0x800) {
        out[at++] = (byte) (0xC0 | (c >> 6));
        out[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[at++] = (byte) (0xF0 | (cp >> 18));
        out[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        out[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        out[at++] = (byte) '?';
      } else {
        out[at++] = (byte) (0xE0 | (c >> 12));
        out[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return at;
  }

  /**
   * Returns the key of a namespaced name such as {@code document:parse:<hash>}.
   *
   * @throws IllegalArgumentException if the name is empty or has an unpaired surrogate (it would
   *     have no exact UTF-8 form, and two names could encode alike)
   */
  public static CacheKey ofName(String namespacedKey) {
    Objects.requireNonNull(namespacedKey, "namespacedKey");
    if (namespacedKey.isEmpty()) {
      throw new IllegalArgumentException("namespaced key must not be empty");
    }
    checkWellFormed(namespacedKey);
    long[] result = HashScratch.get().result;
    NAME_HASH.hashBytes(namespacedKey.getBytes(StandardCharsets.UTF_8), result);
    return new CacheKey(result[1] | NAME_BIT, result[0]);
  }

  /** Returns whether this key came from {@link #ofName}. */
  public boolean isName() {
    return high < 0;
  }

  /** Returns the 16 bytes of this key, big-endian, high half first. */
  public byte[] toBytes() {
    byte[] bytes = new byte[BYTES];
    LONG_BE.set(bytes, 0, high);
    LONG_BE.set(bytes, 8, low);
    return bytes;
  }

  /** Reads {@link #toBytes()} output; throws {@link IllegalArgumentException} unless 16 bytes. */
  public static CacheKey fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException(
          "a cache key has " + BYTES + " bytes; got " + bytes.length);
    }
    return new CacheKey((long) LONG_BE.get(bytes, 0), (long) LONG_BE.get(bytes, 8));
  }

  /** Returns 32 lowercase hex digits, high half first. */
  public String toHex() {
    return Hex.of(high, low);
  }

  /** Parses {@link #toHex()} output (either case); throws {@link IllegalArgumentException} otherwise. */
  public static CacheKey fromHex(CharSequence hex) {
    Hex.checkLength(hex, "cache key");
    return new CacheKey(Hex.parse(hex, 0, "cache key"), Hex.parse(hex, 16, "cache key"));
  }

  /** Returns {@link #toHex()}. */
  @Override
  public String toString() {
    return toHex();
  }

  private static void checkWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          throw new IllegalArgumentException(String.format(
              "namespaced key has an unpaired surrogate U+%04X at index %d", (int) c, i));
        }
      }
    }
  }
}
