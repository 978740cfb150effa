package io.metacache.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;

/** The generation sort of {@link LruPolicy}: ascending stamps, each node kept with its stamp. */
class StampSortTest {

  @Property(tries = 300)
  void sortsStampsAscendingAndKeepsEachNodeWithItsStamp(
      @ForAll @Size(max = 400) @UniqueElements List<Long> input) {
    int n = input.size();
    long[] stamps = new long[n + 3];
    int[] nodes = new int[n + 3];
    for (int i = 0; i < n; i++) {
      stamps[i] = input.get(i);
      nodes[i] = (int) (input.get(i) * 31 + 7);
    }
    stamps[n] = Long.MIN_VALUE; // beyond count: must stay where it is
    StampSort.sort(stamps, nodes, n);
    long[] expected = input.stream().mapToLong(Long::longValue).sorted().toArray();
    assertThat(Arrays.copyOf(stamps, n)).containsExactly(expected);
    for (int i = 0; i < n; i++) {
      assertThat(nodes[i]).isEqualTo((int) (stamps[i] * 31 + 7));
    }
    assertThat(stamps[n]).isEqualTo(Long.MIN_VALUE);
  }
}
