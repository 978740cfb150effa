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
}
