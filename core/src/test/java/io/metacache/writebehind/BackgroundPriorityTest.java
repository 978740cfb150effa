package io.metacache.writebehind;

import static io.metacache.writebehind.Await.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's threads run at the configured nice value, read back from the kernel
 * ({@code /proc/self/task/<tid>/stat}), and the caller's thread keeps its own.
 */
class BackgroundPriorityTest {

  /** Nice values by thread id of this process's threads whose kernel name starts with {@code prefix}. */
  private static Map<String, Integer> niceOfThreads(String prefix) throws IOException {
    return statFieldOfThreads(prefix, 16);
  }

  /** Scheduling policies (5 = {@code SCHED_IDLE}) by thread id, as {@link #niceOfThreads}. */
  private static Map<String, Integer> policyOfThreads(String prefix) throws IOException {
    return statFieldOfThreads(prefix, 38);
  }

  /** A numeric field of {@code stat}, counted from 0 after the parenthesised name, by thread id. */
  private static Map<String, Integer> statFieldOfThreads(String prefix, int field) throws IOException {
    Map<String, Integer> nice = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Paths.get("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String comm;
        String stat;
        try {
          comm = Files.readString(task.resolve("comm")).trim();
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue; // the thread ended while we looked
        }
        if (comm.startsWith(prefix)) {
          // Fields after the parenthesised name: nice is field 19 of stat, the 17th after it;
          // policy is field 41, the 39th after it.
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          nice.put(task.getFileName().toString(), Integer.parseInt(fields[field]));
        }
      }
    }
    return nice;
  }

  private static int niceOfCurrentThread() throws IOException {
    String stat = Files.readString(Paths.get("/proc/thread-self/stat"));
    return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
  }

  @Test
  void pipelineThreadsRunAtTheConfiguredNiceValueAndCallersKeepTheirs() throws IOException {
    assumeTrue(Files.isDirectory(Paths.get("/proc/self/task")), "Linux only");
    int callerNice = niceOfCurrentThread();
    // Pipelines of other tests may still be winding down: look only at threads started here.
    Set<String> before = niceOfThreads("metacache-write").keySet();
    MapTier tier = new MapTier("t");
    WriteBehindPipeline p = WriteBehindPipeline.builder().tier(tier).nice(7).build();
    try {
      p.put(1, 1, bytes("v"), 0);
      p.flush(); // both threads have run by now
      // The kernel keeps 15 characters of a thread name: "metacache-write" for batcher and lanes.
      Map<String, Integer> all = niceOfThreads("metacache-write");
      all.keySet().removeAll(before);
      assertThat(all.values()).hasSizeGreaterThanOrEqualTo(2).allMatch(n -> n == Math.max(7, callerNice));
      assertThat(niceOfCurrentThread()).isEqualTo(callerNice);
    } finally {
      p.close();
    }
  }

  /**
   * Without a priority setting or a {@code metacache.writebehind.nice} system property the lanes
   * are idle; the test suite itself sets the property to 0 (surefire), so this is checked on the
   * value the default is computed from rather than on the suite's JVM.
   */
  @Test
  void theDefaultPriorityIsIdleUnlessTheJvmSaysOtherwise() {
    assertThat(WriteBehindPipeline.Builder.defaultNice(null)).isEqualTo(BackgroundPriority.IDLE);
    assertThat(WriteBehindPipeline.Builder.defaultNice(" ")).isEqualTo(BackgroundPriority.IDLE);
    assertThat(WriteBehindPipeline.Builder.defaultNice("idle")).isEqualTo(BackgroundPriority.IDLE);
    assertThat(WriteBehindPipeline.Builder.defaultNice("0")).isZero();
    assertThat(WriteBehindPipeline.Builder.defaultNice("12")).isEqualTo(12);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> WriteBehindPipeline.Builder.defaultNice("lazy"))
        .hasMessageContaining("metacache.writebehind.nice");
    assertThat(WriteBehindPipeline.Builder.DEFAULT_NICE)
        .isEqualTo(WriteBehindPipeline.Builder.defaultNice(System.getProperty(WriteBehindPipeline.Builder.NICE)));
  }

  @Test
  void underTheIdlePriorityPipelineThreadsRunUnderTheIdlePolicyAndCallersKeepTheirs() throws IOException {
    assumeTrue(Files.isDirectory(Paths.get("/proc/self/task")), "Linux only");
    String callerStat = Files.readString(Paths.get("/proc/thread-self/stat"));
    String callerPolicy = callerStat.substring(callerStat.lastIndexOf(')') + 2).split(" ")[38];
    Set<String> before = policyOfThreads("metacache-write").keySet();
    MapTier tier = new MapTier("t");
    WriteBehindPipeline p = WriteBehindPipeline.builder().tier(tier).idlePriority().build();
    try {
      p.put(1, 1, bytes("v"), 0);
      p.flush();
      Map<String, Integer> all = policyOfThreads("metacache-write");
      all.keySet().removeAll(before);
      assertThat(all.values()).as("SCHED_IDLE is 5").hasSizeGreaterThanOrEqualTo(2).allMatch(policy -> policy == 5);
      String after = Files.readString(Paths.get("/proc/thread-self/stat"));
      assertThat(after.substring(after.lastIndexOf(')') + 2).split(" ")[38]).isEqualTo(callerPolicy);
    } finally {
      p.close();
    }
  }
}
