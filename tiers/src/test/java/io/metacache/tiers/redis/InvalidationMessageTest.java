package io.metacache.tiers.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InvalidationMessageTest {

  @Test
  void encodesKeysBigEndianAfterAHeader() {
    byte[] origin = new byte[16];
    origin[0] = 7;
    long[] highs = {0x0102030405060708L, -1L, 5};
    long[] lows = {0x1112131415161718L, 0, 6};
    byte[] m = InvalidationMessage.encode(origin, highs, lows, 1, 2);
    assertThat(m).hasSize(21 + 2 * 16);
    assertThat(m[0]).isEqualTo((byte) 1);
    assertThat(m[1]).isEqualTo((byte) 7);
    assertThat(m[20]).isEqualTo((byte) 2);
    assertThat(InvalidationMessage.count(m)).isEqualTo(2);
    assertThat(InvalidationMessage.keyHigh(m, 0)).isEqualTo(-1L);
    assertThat(InvalidationMessage.keyLow(m, 0)).isZero();
    assertThat(InvalidationMessage.keyHigh(m, 1)).isEqualTo(5);
    assertThat(InvalidationMessage.keyLow(m, 1)).isEqualTo(6);
    assertThat(InvalidationMessage.isFrom(m, origin)).isTrue();
    assertThat(InvalidationMessage.isFrom(m, new byte[16])).isFalse();

    byte[] one = InvalidationMessage.encode(origin, highs, lows, 0, 1);
    assertThat(one[21]).isEqualTo((byte) 0x01);
    assertThat(one[28]).isEqualTo((byte) 0x08);
    assertThat(one[29]).isEqualTo((byte) 0x11);
  }

  @Test
  void malformedMessagesAreRecognised() {
    byte[] m = InvalidationMessage.encode(new byte[16], new long[] {1}, new long[] {2}, 0, 1);
    assertThat(InvalidationMessage.count(new byte[3])).isEqualTo(-1);
    byte[] wrongVersion = m.clone();
    wrongVersion[0] = 2;
    assertThat(InvalidationMessage.count(wrongVersion)).isEqualTo(-1);
    byte[] truncated = java.util.Arrays.copyOf(m, m.length - 1);
    assertThat(InvalidationMessage.count(truncated)).isEqualTo(-1);
  }
}
