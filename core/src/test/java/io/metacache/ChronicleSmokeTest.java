package io.metacache;

import static org.assertj.core.api.Assertions.assertThat;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.hashing.LongTupleHashFunction;
import org.junit.jupiter.api.Test;

class ChronicleSmokeTest {
  @Test
  void chronicleMapWorksOnThisJdk() {
    try (ChronicleMap<byte[], byte[]> map = ChronicleMap.of(byte[].class, byte[].class)
        .entries(1000).averageKeySize(16).averageValueSize(1024).create()) {
      map.put(new byte[16], new byte[]{1, 2, 3});
      assertThat(map.get(new byte[16])).containsExactly(1, 2, 3);
    }
    long[] h = LongTupleHashFunction.xx128().hashBytes(new byte[]{1, 2, 3});
    assertThat(h).hasSize(2);
  }
}
