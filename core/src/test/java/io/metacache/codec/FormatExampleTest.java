package io.metacache.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.key.KeyScope;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worked example in {@code docs/format.md} is exactly what the encoder writes, and the
 * version 1 example that document gave before still decodes, as an entry of scope {@code FILE}.
 */
class FormatExampleTest {
  private static final String DOC_HEX = ""
      + "4d43454e0200013fefcdab8967452301"
      + "21436587a9cbed0f2a00000000000000"
      + "15cd853dfe9c9717f469e5cf8b010000"
      + "f4c50bd58b01000090d0030000000000"
      + "0300000000000000e86be5cf8b010000"
      + "0000803f000000005500000055000000"
      + "14319ff895c46c55056261736963062f"
      + "612e747874080705776964746803800a"
      + "026f6b02046e616d65050668c3a96c6c"
      + "6f057468756d62060201020474616773"
      + "07020501610005726174696f04000000"
      + "000000f83f0564656c74610305";

  /** The same entry as written by version 1 (bytes 6-7 reserved): scope FILE, no path fields. */
  private static final String VERSION_1_HEX = ""
      + "4d43454e01000000efcdab8967452301"
      + "21436587a9cbed0f2a00000000000000"
      + "15cd853dfe9c9717f469e5cf8b010000"
      + "f4c50bd58b01000090d0030000000000"
      + "0300000000000000e86be5cf8b010000"
      + "0000803f000000005500000055000000"
      + "14319ff86748ae7f056261736963062f"
      + "612e747874080705776964746803800a"
      + "026f6b02046e616d65050668c3a96c6c"
      + "6f057468756d62060201020474616773"
      + "07020501610005726174696f04000000"
      + "000000f83f0564656c74610305";

  @Test
  void workedExampleMatchesTheEncoder() {
    CacheEntry e = example().toBuilder().scope(KeyScope.NAME).pathFieldBits(0x3F).build();
    byte[] expected = HexFormat.of().parseHex(DOC_HEX);
    EntryCodec codec = new EntryCodec();
    assertThat(codec.encode(e)).isEqualTo(expected).hasSize(189);
    assertThat(codec.decode(expected)).isEqualTo(e);
  }

  @Test
  void versionOneEntriesAreReadAsPerFileEntriesWithoutPathFields() {
    CacheEntry decoded = new EntryCodec().decode(HexFormat.of().parseHex(VERSION_1_HEX));
    assertThat(decoded).isEqualTo(example());
    assertThat(decoded.scope()).isEqualTo(KeyScope.FILE);
    assertThat(decoded.pathFieldBits()).isZero();
  }

  private static CacheEntry example() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("width", 640);
    m.put("ok", true);
    m.put("name", "h\u00e9llo");
    m.put("thumb", new byte[] {1, 2});
    m.put("tags", Arrays.asList("a", null));
    m.put("ratio", 1.5);
    m.put("delta", -3L);
    CacheEntry e = CacheEntry.builder().path("/a.txt").profile("basic")
        .fingerprint(0x0123456789ABCDEFL, 0x0FEDCBA987654321L).size(42)
        .mtimeNanos(1_700_000_000_123_456_789L).metadata(m).extractionTimeNanos(250_000)
        .cachedAtMillis(1_700_000_000_500L).expiresAtMillis(1_700_086_400_500L)
        .accessCount(3).lastAccessMillis(1_700_000_001_000L).build();
    return e;
  }
}
