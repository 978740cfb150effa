package io.metacache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.openhft.chronicle.algo.bytes.Access;
import net.openhft.chronicle.algo.hashing.LongHashFunction;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.BytesUtil;
import net.openhft.chronicle.hash.Data;

/**
 * The key's fast hash and comparison must agree exactly with Chronicle's generic byte versions:
 * the hash places every entry of a persisted map, so a different value would lose a warm file's
 * entries after an upgrade, and a comparison that disagreed would return another key's entry.
 */
class Key128DataAccessTest {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  @Property(tries = 2000)
  void hashEqualsChroniclesGenericByteHash(@ForAll long high, @ForAll long low) {
    Data<Key128> data = new Key128DataAccess().getData(new Key128().set(high, low));
    for (LongHashFunction f : new LongHashFunction[] {LongHashFunction.xx_r39(), LongHashFunction.city_1_1()}) {
      long generic = f.hash(data.bytes(), Access.checkedRandomDataInputAccess(), data.offset(), data.size());
      assertThat(data.hash(f)).isEqualTo(generic);
    }
  }

  @Property(tries = 2000)
  void equivalentAgreesWithByteEquality(
      @ForAll long high, @ForAll long low, @ForAll long storedHigh, @ForAll long storedLow, @ForAll boolean same,
      @ForAll boolean sameHigh) {
    long sh = same || sameHigh ? high : storedHigh;
    long sl = same ? low : storedLow;
    // the stored key sits at an odd offset inside a larger region, as entries in a segment do
    byte[] region = new byte[40];
    LONGS.set(region, 7, sh);
    LONGS.set(region, 15, sl);
    BytesStore<?, byte[]> stored = BytesStore.wrap(region);
    Data<Key128> data = new Key128DataAccess().getData(new Key128().set(high, low));
    boolean generic = BytesUtil.bytesEqual(stored, 7, data.bytes(), data.offset(), data.size());
    assertThat(data.equivalent(stored, 7)).isEqualTo(generic).isEqualTo(sh == high && sl == low);
  }
}
