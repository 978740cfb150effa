package io.metacache.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.openhft.hashing.LongTupleHashFunction;
import org.junit.jupiter.api.Test;

class CacheKeyTest {

  private static final Fingerprint FINGERPRINT =
      new Fingerprint(0x0123456789abcdefL, 0x7edcba9876543210L);

  @Test
  void fileKeyIsXxh3OfFingerprintBytesAndProfileWithTheNameBitClear() {
    byte[] input = ByteBuffer.allocate(16 + 5)
        .putLong(FINGERPRINT.high()).putLong(FINGERPRINT.low())
        .put("basic".getBytes(StandardCharsets.US_ASCII)).array();
    long[] r = LongTupleHashFunction.xx128().hashBytes(input);
    assertThat(CacheKey.of(FINGERPRINT, "basic")).isEqualTo(new CacheKey(r[1] & Long.MAX_VALUE, r[0]));
  }

  @Test
  void nameKeyIsSeededXxh3OfUtf8WithTheNameBitSet() {
    String name = "document:parse:\u00e9t\u00e9-\uD83D\uDE00";
    long[] r = LongTupleHashFunction.xx128(CacheKey.NAME_SEED)
        .hashBytes(name.getBytes(StandardCharsets.UTF_8));
    CacheKey key = CacheKey.ofName(name);
    assertThat(key).isEqualTo(new CacheKey(r[1] | Long.MIN_VALUE, r[0]));
    assertThat(key.isName()).isTrue();
    assertThat(CacheKey.of(FINGERPRINT, "basic").isName()).isFalse();
  }

  @Test
  void profileAndFingerprintBothMatter() {
    CacheKey basic = CacheKey.of(FINGERPRINT, "basic");
    assertThat(CacheKey.of(FINGERPRINT, "basic")).isEqualTo(basic);
    assertThat(CacheKey.of(FINGERPRINT, "full")).isNotEqualTo(basic);
    assertThat(CacheKey.of(new Fingerprint(FINGERPRINT.high(), FINGERPRINT.low() + 1), "basic"))
        .isNotEqualTo(basic);
  }

  @Test
  void bytesAreSixteenBigEndianHighFirst() {
    CacheKey key = new CacheKey(0x0102030405060708L, 0x090a0b0c0d0e0f10L);
    assertThat(key.toBytes()).containsExactly(
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    assertThat(CacheKey.fromBytes(key.toBytes())).isEqualTo(key);
    assertThat(key.toHex()).isEqualTo("0102030405060708090a0b0c0d0e0f10");
    assertThat(CacheKey.fromHex(key.toHex())).isEqualTo(key);
    assertThat(key).hasToString(key.toHex());
  }

  @Test
  void refusesBadInput() {
    assertThatIllegalArgumentException().isThrownBy(() -> CacheKey.of(FINGERPRINT, "no spaces"))
        .withMessageContaining("profile \"no spaces\"");
    assertThatIllegalArgumentException().isThrownBy(() -> CacheKey.of(FINGERPRINT, ""));
    assertThatNullPointerException().isThrownBy(() -> CacheKey.of(null, "basic"));
    assertThatNullPointerException().isThrownBy(() -> CacheKey.of(FINGERPRINT, null));
    assertThatIllegalArgumentException().isThrownBy(() -> CacheKey.fromBytes(new byte[15]))
        .withMessageContaining("16 bytes; got 15");
    assertThatIllegalArgumentException().isThrownBy(() -> CacheKey.fromHex("xyz"));
    assertThatIllegalArgumentException().isThrownBy(() -> CacheKey.ofName(""));
    assertThatNullPointerException().isThrownBy(() -> CacheKey.ofName(null));
  }

  @Test
  void nameWithAnUnpairedSurrogateIsRefused() {
    // Encoded to UTF-8 it would become '?', and "a\uD800" would share a key with "a?".
    assertThatIllegalArgumentException().isThrownBy(() -> CacheKey.ofName("a\uD800"))
        .withMessageContaining("unpaired surrogate U+D800 at index 1");
    assertThatIllegalArgumentException().isThrownBy(() -> CacheKey.ofName("\uDC00b"));
    assertThatIllegalArgumentException().isThrownBy(() -> CacheKey.ofName("\uD800\uD800"));
    assertThat(CacheKey.ofName("\uD83D\uDE00").isName()).isTrue();
  }
}
