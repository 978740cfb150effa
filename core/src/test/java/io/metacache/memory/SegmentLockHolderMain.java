package io.metacache.memory;

import io.metacache.policy.PolicyKind;
import java.lang.reflect.Field;
import java.nio.file.Path;
import net.openhft.chronicle.hash.impl.BigSegmentHeader;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;

/**
 * Child process of {@link MemoryTierDeadSegmentLockTest}: opens the shared tier (first, so it is
 * the eviction owner), prints {@code OPENED}, and on a line on stdin takes the update lock of
 * segment 0 and a read lock of segment 1, prints {@code HELD} and the number of segments, and
 * waits to be killed, as a process killed inside a write and a read would leave them.
 */
public final class SegmentLockHolderMain {
  private SegmentLockHolderMain() {}

  public static void main(String[] args) throws Exception {
    MemoryTier tier = MemoryTierSharedTest.sharedTier(Path.of(args[0]), MemoryTierDeadSegmentLockTest.MAX_ENTRIES, PolicyKind.WTINYLFU);
    System.out.println("OPENED owner=" + tier.isEvictionOwner());
    System.out.flush();
    System.in.read();
    Field f = MemoryTier.class.getDeclaredField("map");
    f.setAccessible(true);
    VanillaChronicleHash<?, ?, ?, ?> map = (VanillaChronicleHash<?, ?, ?, ?>) f.get(tier);
    // A process holds one segment's lock at a time (two in a multi-key query): two stuck locks
    // cover both kinds without making the survivor wait out the timeout once per segment.
    BigSegmentHeader.INSTANCE.updateLock(map.segmentHeaderAddress(0));
    BigSegmentHeader.INSTANCE.readLock(map.segmentHeaderAddress(1));
    System.out.println("HELD " + map.segments());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
