package io.metacache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change feed: a reader gets every other publisher's changes in order and none of its own; a
 * reader lapped by more than the feed holds learns it lost changes, once, and then follows again.
 */
class ChangeFeedTest {
  @TempDir Path dir;

  @Test
  void aReaderGetsTheOthersChangesInOrderAndNotItsOwn() throws Exception {
    Path file = dir.resolve("changes.feed");
    try (ChangeFeed a = ChangeFeed.open(file, 1); ChangeFeed b = ChangeFeed.open(file, 2)) {
      a.publish(ChangeFeed.STORED, 10, 11);
      b.publish(ChangeFeed.STORED, 20, 21);
      a.publish(ChangeFeed.REMOVED, 10, 11);
      List<String> seenByB = new ArrayList<>();
      assertThat(b.poll((type, hi, lo) -> seenByB.add(type + ":" + hi + ":" + lo))).isTrue();
      assertThat(seenByB).containsExactly(ChangeFeed.STORED + ":10:11", ChangeFeed.REMOVED + ":10:11");
      List<String> seenByA = new ArrayList<>();
      assertThat(a.poll((type, hi, lo) -> seenByA.add(type + ":" + hi + ":" + lo))).isTrue();
      assertThat(seenByA).containsExactly(ChangeFeed.STORED + ":20:21");
      assertThat(b.poll((type, hi, lo) -> seenByB.add("again"))).isTrue();
      assertThat(seenByB).hasSize(2);
    }
  }

  @Test
  void aLappedReaderLearnsItLostChangesThenFollowsAgain() throws Exception {
    Path file = dir.resolve("changes.feed");
    try (ChangeFeed writer = ChangeFeed.open(file, 1); ChangeFeed reader = ChangeFeed.open(file, 2)) {
      for (int i = 0; i < ChangeFeed.SLOTS + 5; i++) {
        writer.publish(ChangeFeed.STORED, i, i);
      }
      List<Long> seen = new ArrayList<>();
      assertThat(reader.poll((type, hi, lo) -> seen.add(hi))).as("changes were lost").isFalse();
      writer.publish(ChangeFeed.REMOVED, 7, 7);
      seen.clear();
      assertThat(reader.poll((type, hi, lo) -> seen.add(hi))).isTrue();
      assertThat(seen).containsExactly(7L);
    }
  }
}
