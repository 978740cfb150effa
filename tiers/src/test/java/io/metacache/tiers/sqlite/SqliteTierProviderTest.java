package io.metacache.tiers.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.spi.Tier;
import io.metacache.spi.TierOperation;
import io.metacache.spi.TierProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqliteTierProviderTest {
  @TempDir Path dir;

  static TierProvider sqliteProvider() {
    Optional<TierProvider> found = ServiceLoader.load(TierProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("sqlite"))
        .findFirst();
    assertThat(found).isPresent();
    return found.get();
  }

  @Test
  void serviceLoaderFindsTheSqliteTier() {
    TierProvider provider = sqliteProvider();
    assertThat(provider).isInstanceOf(SqliteTierProvider.class);

    try (Tier tier = provider.open(SqliteTestSupport.context(dir, Map.of()))) {
      assertThat(tier).isInstanceOf(SqliteTier.class);
      assertThat(tier.name()).isEqualTo("sqlite");
      tier.apply(java.util.List.of(TierOperation.put(1, 2, new byte[] {1}, 0)));
      assertThat(tier.get(1, 2)).containsExactly(1);
    }
    assertThat(Files.isRegularFile(dir.resolve("metacache.db"))).isTrue();
  }

  @Test
  void settingsComeFromTheContext() throws Exception {
    Map<String, String> props = Map.of(
        "metacache.sqlite.busy-timeout", "250ms",
        "metacache.sqlite.readers", "2",
        "metacache.sqlite.sweep-chunk", "10");
    try (SqliteTier tier = (SqliteTier) sqliteProvider().open(SqliteTestSupport.context(dir, props))) {
      try (Statement s = tier.writer().connection().createStatement()) {
        assertThat(SchemaMigrator.intPragma(s, "busy_timeout")).isEqualTo(250);
      }
    }
    assertThat(SqliteSettings.from(props::get)).isEqualTo(new SqliteSettings(java.time.Duration.ofMillis(250), 2, 10));
    assertThat(SqliteSettings.from(k -> null)).isEqualTo(SqliteSettings.DEFAULTS);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '=', value = {
      "metacache.sqlite.busy-timeout=soon",
      "metacache.sqlite.busy-timeout=-5s",
      "metacache.sqlite.busy-timeout=30d",
      "metacache.sqlite.readers=0",
      "metacache.sqlite.readers=65",
      "metacache.sqlite.readers=four",
      "metacache.sqlite.sweep-chunk=0",
      "metacache.sqlite.sweep-chunk=lots"})
  void badValuesNameTheProperty(String property, String value) {
    assertThatThrownBy(() -> sqliteProvider().open(SqliteTestSupport.context(dir, Map.of(property, value))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(property)
        .hasMessageContaining("'" + value + "'");
    assertThat(Files.exists(dir.resolve("metacache.db"))).as("nothing is opened on bad settings").isFalse();
  }
}
