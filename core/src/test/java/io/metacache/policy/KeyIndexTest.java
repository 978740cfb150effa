package io.metacache.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The key index against a {@link HashMap}: probing stays correct through removals and growth. */
class KeyIndexTest {

  @Property(tries = 200)
  void behavesLikeAMap(@ForAll @Size(max = 3000) List<@IntRange(min = 0, max = 300) Integer> ops) {
    KeyIndex index = new KeyIndex(4);
    Map<Long, Integer> model = new HashMap<>();
    for (int op : ops) {
      long high = op % 7;
      long low = op / 2;
      long keyId = high * 1000 + low;
      long hash = KeyHash.hash(high, low);
      int slot = index.find(hash, high, low);
      if (slot == KeyIndex.NONE) {
        assertThat(model).doesNotContainKey(keyId);
        int s = index.insert(hash, high, low);
        assertThat(index.high(s)).isEqualTo(high);
        assertThat(index.low(s)).isEqualTo(low);
        model.put(keyId, s);
      } else {
        assertThat(model.get(keyId)).isEqualTo(slot);
        if ((op & 1) == 0) {
          index.remove(slot);
          model.remove(keyId);
        }
      }
      assertThat(index.size()).isEqualTo(model.size());
    }
    for (Map.Entry<Long, Integer> e : model.entrySet()) {
      long high = e.getKey() / 1000;
      long low = e.getKey() % 1000;
      assertThat(index.find(KeyHash.hash(high, low), high, low)).isEqualTo(e.getValue());
    }
  }

  /**
   * The policy's long of a key (LRU's stamp) stays with its key through the backward shifts of
   * other keys' removals and through growth, and starts at 0 for a new key; the bucket a lookup
   * returns holds the key's slot.
   */
  @Property(tries = 200)
  void auxFollowsItsKeyThroughRemovalsAndGrowth(
      @ForAll @Size(max = 3000) List<@IntRange(min = 0, max = 400) Integer> ops) {
    KeyIndex index = new KeyIndex(4);
    Map<Integer, Long> model = new HashMap<>();
    long tick = 0;
    for (int key : ops) {
      long hash = KeyHash.hash(key, -key);
      int bucket = index.findBucket(hash, key, -key);
      int slot = index.find(hash, key, -key);
      assertThat(bucket < 0 ? KeyIndex.NONE : index.slotAt(bucket)).isEqualTo(slot);
      if (slot == KeyIndex.NONE) {
        slot = index.insert(hash, key, -key);
        assertThat(index.aux(slot)).isZero();
        index.aux(slot, ++tick);
        model.put(key, tick);
      } else if (key % 3 == 0) {
        assertThat(index.aux(slot)).isEqualTo(model.get(key));
        index.remove(slot);
        model.remove(key);
      } else {
        assertThat(index.aux(slot)).isEqualTo(model.get(key));
        index.auxAt(bucket, ++tick);
        model.put(key, tick);
      }
    }
    for (Map.Entry<Integer, Long> e : model.entrySet()) {
      int key = e.getKey();
      int slot = index.find(KeyHash.hash(key, -key), key, -key);
      assertThat(index.aux(slot)).isEqualTo(e.getValue());
      assertThat(index.high(slot)).isEqualTo(key);
      assertThat(index.low(slot)).isEqualTo(-key);
    }
  }
}
