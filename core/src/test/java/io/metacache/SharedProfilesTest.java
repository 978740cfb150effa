package io.metacache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code invalidate(file)} in one cache of a shared directory removes what another cache stored for
 * the file under a profile the invalidating cache never used, before any lower tier has it (here
 * there is none: both caches share only the memory tier, so the directory's profile list is the
 * only way the invalidating cache can learn the other's profile).
 */
class SharedProfilesTest {
  @TempDir Path dir;

  private MetaCache open() {
    CacheConfig config = CacheConfig.builder()
        .cacheDirectory(dir.resolve("cache"))
        .memoryMode(MemoryMode.SHARED)
        .memoryMaxEntries(1_000)
        .memoryMaxBytes(16L << 20)
        .build();
    return MetaCache.builder().config(config).properties(name -> null).memoryOnly().build();
  }

  @Test
  void anInvalidationOfAFileRemovesWhatAnotherCacheStoredUnderAProfileItNeverUsed() throws IOException {
    Path f = Files.writeString(dir.resolve("a.txt"), "shared file");
    try (MetaCache a = open(); MetaCache b = open()) {
      a.put(f, "full", Map.of("v", 1L));
      assertThat(b.get(f, "full")).as("b reads a's entry from the shared memory tier").contains(Map.of("v", 1L));
      b.invalidate(f);
      assertThat(b.get(f, "full")).as("b after its own invalidation").isEmpty();
      assertThat(a.get(f, "full")).as("a after b's invalidation").isEmpty();
    }
  }

  @Test
  void profilesRegisteredByOneInstanceAreReadByAnother() {
    Path file = dir.resolve("profiles");
    SharedProfiles one = new SharedProfiles(file);
    SharedProfiles two = new SharedProfiles(file);
    assertThat(two.all()).isEmpty();
    one.register("basic");
    one.register("basic");
    two.register("full");
    assertThat(two.all()).containsExactlyInAnyOrder("basic", "full");
    assertThat(one.all()).containsExactlyInAnyOrder("basic", "full");
  }
}
