package io.metacache.tiers.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared totals' corrections survive a process killed in the middle of a change: each process
 * counts its changes in flight in a slot held by an OS lock, so a slot nobody alive holds is void
 * and a sweep goes on correcting, while a live process's change in flight still holds corrections
 * back. (With one shared count, a single such death stopped every correction until the next lone
 * open, and the totals drifted until sweeps evicted every file.)
 */
class DiskStateTest {
  @TempDir Path dir;

  /** A process's state: mapped ({@code first}: as the lone process that writes it afresh) and joined. */
  private static DiskState joined(FileChannel channel, boolean first) throws Exception {
    DiskState state = DiskState.map(channel, first, "disk.state");
    state.join();
    return state;
  }

  private FileChannel open() throws Exception {
    return FileChannel.open(dir.resolve("disk.state"), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
  }

  @Test
  void aChangeLeftInFlightByAProcessThatIsGone_doesNotStopCorrections() throws Exception {
    try (FileChannel mine = open(); FileChannel theirs = open()) {
      DiskState state = joined(mine, true);
      DiskState dead = joined(theirs, false);
      dead.beginChange();  // and then the process is killed: its slot lock goes with it
      assertThat(state.quietChanges()).as("while the other process lives").isEqualTo(-1);
      dead.close();        // what the OS does to a dead process's locks
      assertThat(state.quietChanges()).as("once no live process holds the slot").isZero();

      state.beginChange();
      assertThat(state.quietChanges()).as("with this process's own change in flight").isEqualTo(-1);
      state.endChange();
      assertThat(state.quietChanges()).as("after it, one change counted").isEqualTo(1);
      state.close();
    }
  }

  @Test
  void aLiveProcessWithAChangeInFlight_holdsCorrectionsBack_untilItCountsIt() throws Exception {
    try (FileChannel mine = open(); FileChannel theirs = open()) {
      DiskState state = joined(mine, true);
      DiskState other = joined(theirs, false);
      other.beginChange();
      assertThat(state.quietChanges()).isEqualTo(-1);
      assertThat(state.quietChanges()).as("asked again: a live slot is not cleared").isEqualTo(-1);
      other.endChange();
      assertThat(state.quietChanges()).isEqualTo(1);
      other.close();
      state.close();
    }
  }

  @Test
  void aProcessClaimsTheSlotOfOneThatIsGone_andStartsItFromZero() throws Exception {
    try (FileChannel mine = open(); FileChannel theirs = open(); FileChannel next = open()) {
      DiskState state = joined(mine, true);
      DiskState dead = joined(theirs, false);
      dead.beginChange();
      dead.close();
      DiskState successor = joined(next, false);  // takes the free slot, and its stale count with it
      assertThat(state.quietChanges()).isZero();
      successor.close();
      state.close();
    }
  }
}
