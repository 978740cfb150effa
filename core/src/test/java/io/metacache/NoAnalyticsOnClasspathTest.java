package io.metacache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Chronicle's analytics module calls an internet service; it must never be on our classpath. */
class NoAnalyticsOnClasspathTest {

  @Test
  void chronicleAnalyticsIsNotOnTheTestClasspath() {
    ClassLoader loader = getClass().getClassLoader();
    assertThat(loader.getResource("net/openhft/chronicle/analytics/Analytics.class")).isNull();
    assertThat(loader.getResource("net/openhft/chronicle/analytics")).isNull();
    assertThat(System.getProperty("java.class.path")).doesNotContain("chronicle-analytics");
  }

  @Test
  void analyticsIsDisabledAndJvmFlagsReachTheTestJvm() {
    assertThat(System.getProperty("chronicle.analytics.disable")).isEqualTo("true");
    // One of the flags from jvm.options: the argument file reached surefire's fork.
    assertThat(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
        .contains("--add-opens=java.base/java.lang=ALL-UNNAMED");
  }
}
