package io.metacache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetadataValidatorTest {

  private static void assertRefused(Map<?, ?> metadata, String path, String type) {
    assertThatThrownBy(() -> MetadataValidator.copyOf(metadata))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + path + "'")
        .hasMessageContaining(type);
    // The builder refuses the same way, so nothing unencodable reaches the codec.
    assertThatThrownBy(() -> CacheEntry.builder().path("/f").profile("p").metadata(metadata).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + path + "'");
  }

  @Test
  void refusesEachUnsupportedTypeNamingKeyPathAndType() {
    assertRefused(Map.of("tags", Set.of("a")), "tags", "Set");
    assertRefused(Map.of("c", 'x'), "c", "java.lang.Character");
    assertRefused(Map.of("d", new BigDecimal("1.5")), "d", "java.math.BigDecimal");
    assertRefused(Map.of("o", new Object()), "o", "java.lang.Object");
    assertRefused(Map.of("ints", new int[] {1}), "ints", "[I");
    assertRefused(Map.of("opt", Optional.empty()), "opt", "java.util.Optional");
    assertRefused(Map.of("exif", Map.of("thumbnail", List.of(1, 2, 3, new StringBuilder("x")))),
        "exif.thumbnail[3]", "java.lang.StringBuilder");
    assertRefused(Map.of("a", List.of(Map.of("b", List.of(List.of(Thread.State.NEW))))),
        "a[0].b[0][0]", "java.lang.Thread$State");
  }

  @Test
  void refusesNonStringKeys() {
    Map<Object, Object> inner = new HashMap<>();
    inner.put(42, "x");
    assertRefused(Map.of("outer", inner), "outer", "java.lang.Integer");
    Map<Object, Object> root = new HashMap<>();
    root.put(null, "x");
    assertThatThrownBy(() -> MetadataValidator.copyOf(root))
        .hasMessageContaining("'<root>'").hasMessageContaining("must be a String, not null");
  }

  @Test
  void refusesLoneSurrogatesInValuesAndKeys() {
    assertRefused(Map.of("s", "ok\uD800"), "s", "unpaired surrogate");
    assertRefused(Map.of("k\uDC00", 1), "k\uDC00", "unpaired surrogate");
    assertThatThrownBy(() -> CacheEntry.builder().path("/\uD800").profile("p").build())
        .hasMessageContaining("path");
  }

  @Test
  void refusesCyclesAndExcessiveDepth() {
    Map<String, Object> cyclic = new HashMap<>();
    cyclic.put("self", cyclic);
    assertThatThrownBy(() -> MetadataValidator.copyOf(cyclic))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("self.self.self")
        .hasMessageContaining("nested deeper than 64");

    Object deep = "leaf";
    for (int i = 0; i < 64; i++) {
      deep = List.of(deep);
    }
    Map<String, Object> tooDeep = Map.of("x", deep);
    assertThatThrownBy(() -> MetadataValidator.copyOf(tooDeep))
        .hasMessageContaining("x[0][0]").hasMessageContaining("nested deeper than 64");
    Object ok = "leaf";
    for (int i = 0; i < 63; i++) {
      ok = List.of(ok);
    }
    assertThat(MetadataValidator.copyOf(Map.of("x", ok))).containsKey("x");
  }

  @Test
  void widensSmallNumbersAndCopiesDeeply() {
    byte[] bytes = {1, 2, 3};
    List<Object> list = new ArrayList<>(Arrays.asList(1, (short) 2, (byte) 3, 1.5f, null));
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("bytes", bytes);
    nested.put("list", list);
    Map<String, Object> copy = MetadataValidator.copyOf(Map.of("n", nested));

    @SuppressWarnings("unchecked")
    Map<String, Object> n = (Map<String, Object>) copy.get("n");
    assertThat(n.get("list")).isEqualTo(Arrays.asList(1L, 2L, 3L, 1.5d, null));
    bytes[0] = 99;
    list.add("later");
    nested.put("added", true);
    assertThat((byte[]) n.get("bytes")).containsExactly(1, 2, 3);
    assertThat((List<?>) n.get("list")).hasSize(5);
    assertThat(n).doesNotContainKey("added");
    assertThatThrownBy(() -> copy.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked") List<Object> view = (List<Object>) n.get("list");
    assertThatThrownBy(() -> view.add(1))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void preservesInsertionOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String k : new String[] {"z", "a", "m", "b"}) {
      m.put(k, k);
    }
    assertThat(MetadataValidator.copyOf(m).keySet()).containsExactly("z", "a", "m", "b");
  }
}
