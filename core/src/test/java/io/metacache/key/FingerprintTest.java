package io.metacache.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class FingerprintTest {

  @Property(tries = 500)
  void hexRoundTrips(@ForAll long high, @ForAll long low) {
    Fingerprint fingerprint = new Fingerprint(high, low);
    String hex = fingerprint.toHex();
    assertThat(hex).hasSize(32).matches("[0-9a-f]{32}");
    assertThat(Fingerprint.fromHex(hex)).isEqualTo(fingerprint);
    assertThat(Fingerprint.fromHex(hex.toUpperCase())).isEqualTo(fingerprint);
    assertThat(fingerprint.toString()).isEqualTo(hex);
  }

  @Test
  void hexIsHighHalfFirst() {
    assertThat(new Fingerprint(0x0123456789abcdefL, 0xfedcba9876543210L).toHex())
        .isEqualTo("0123456789abcdeffedcba9876543210");
    assertThat(new Fingerprint(1, 2).toHex())
        .isEqualTo("00000000000000010000000000000002");
  }

  @Test
  void fromHexRefusesWrongLengthAndNonHexCharacters() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Fingerprint.fromHex("abc"))
        .withMessageContaining("\"abc\" has 3 characters; expected 32 hex digits");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Fingerprint.fromHex("0123456789abcdef0123456789abcdeg"))
        .withMessageContaining("'g' at index 31");
    // A sign would be accepted by Long.parseUnsignedLong; it is not hex.
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Fingerprint.fromHex("+123456789abcdef0123456789abcdef"));
    // Fullwidth digits are digits to Character.digit, but not hex.
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Fingerprint.fromHex("\uff10123456789abcdef0123456789abcdef"));
    assertThatNullPointerException().isThrownBy(() -> Fingerprint.fromHex(null));
  }

  @Test
  void topBitMarksSampledFingerprints() {
    assertThat(new Fingerprint(Long.MIN_VALUE, 0).sampled()).isTrue();
    assertThat(new Fingerprint(Long.MAX_VALUE, -1).sampled()).isFalse();
  }
}
