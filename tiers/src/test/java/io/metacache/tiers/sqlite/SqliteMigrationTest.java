package io.metacache.tiers.sqlite;

import static io.metacache.tiers.sqlite.SqliteTestSupport.NOW;
import static io.metacache.tiers.sqlite.SqliteTestSupport.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.spi.TierException;
import io.metacache.spi.TierOperation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMigrationTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(NOW);

  /** A later schema step, as a future version would add it: a column, an index and a backfill. */
  static final Migration V2 = new Migration(2, "add language column", List.of(
      "ALTER TABLE entries ADD COLUMN language TEXT",
      "UPDATE entries SET language = json_extract(metadata_json, '$.language')",
      "CREATE INDEX entries_language ON entries (language) WHERE language IS NOT NULL"));

  @Test
  void aNewFileIsCreatedAtTheCurrentVersion() throws Exception {
    try (SqliteTier tier = SqliteTestSupport.open(dir, clock)) {
      assertThat(tier.schemaVersion()).isEqualTo(Schema.latestVersion(Schema.MIGRATIONS)).isEqualTo(1);
    }
    try (Connection c = SqliteTestSupport.foreign(dir); Statement s = c.createStatement()) {
      assertThat(SchemaMigrator.intPragma(s, "user_version")).isEqualTo(1);
      assertThat(SchemaMigrator.intPragma(s, "application_id")).isEqualTo(Schema.APPLICATION_ID);
    }
  }

  @Test
  void anOlderFileIsMigratedAndKeepsItsRows() throws Exception {
    // a version-1 file with data, as the previous release left it
    try (SqliteTier v1 = SqliteTestSupport.open(dir, clock)) {
      v1.setRowDescriber(bytes -> new RowDescription("/src/A.java", "full", "{\"language\":\"java\"}"));
      v1.apply(List.of(TierOperation.put(1, 1, value(1, 10), 0), TierOperation.put(2, 2, value(2, 10), NOW + 5)));
    }

    try (SqliteTier v2 = SqliteTier.open(dir.resolve(SqliteTier.FILE_NAME), SqliteSettings.DEFAULTS, clock::get,
        SqliteTestSupport.migrations(V2))) {
      assertThat(v2.schemaVersion()).isEqualTo(2);
      assertThat(v2.get(1, 1)).isEqualTo(value(1, 10));
      assertThat(v2.get(2, 2)).isEqualTo(value(2, 10));
      assertThat(v2.query("language = ?", "java")).hasSize(2);
    }
    try (Connection c = SqliteTestSupport.foreign(dir); Statement s = c.createStatement()) {
      assertThat(SchemaMigrator.intPragma(s, "user_version")).isEqualTo(2);
    }
    // reopening at version 2 runs nothing again
    try (SqliteTier again = SqliteTier.open(dir.resolve(SqliteTier.FILE_NAME), SqliteSettings.DEFAULTS, clock::get,
        SqliteTestSupport.migrations(V2))) {
      assertThat(again.schemaVersion()).isEqualTo(2);
      assertThat(again.size()).isEqualTo(2);
    }
  }

  @Test
  void aFailedMigrationLeavesTheFileAtItsVersion() throws Exception {
    try (SqliteTier v1 = SqliteTestSupport.open(dir, clock)) {
      v1.apply(List.of(TierOperation.put(1, 1, value(1, 10), 0)));
    }
    Migration broken = new Migration(2, "broken step", List.of(
        "ALTER TABLE entries ADD COLUMN language TEXT",
        "CREATE INDEX nope ON no_such_table (x)"));

    assertThatThrownBy(() -> SqliteTier.open(dir.resolve(SqliteTier.FILE_NAME), SqliteSettings.DEFAULTS, clock::get,
        SqliteTestSupport.migrations(broken)))
        .isInstanceOf(TierException.class)
        .hasMessageStartingWith("sqlite: ")
        .hasMessageContaining("schema version 2 (broken step) failed")
        .hasMessageContaining("left at version 1")
        .hasMessageContaining("no_such_table");

    try (Connection c = SqliteTestSupport.foreign(dir); Statement s = c.createStatement()) {
      assertThat(SchemaMigrator.intPragma(s, "user_version")).isEqualTo(1);
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pragma_table_info('entries') WHERE name = 'language'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("the first statement of the failed step was rolled back").isZero();
      }
    }
    try (SqliteTier v1 = SqliteTestSupport.open(dir, clock)) {
      assertThat(v1.get(1, 1)).isEqualTo(value(1, 10));
    }
  }

  @Test
  void aFileFromANewerVersionIsRefused() throws Exception {
    SqliteTestSupport.open(dir, clock).close();
    try (Connection c = SqliteTestSupport.foreign(dir); Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = 7");
    }
    assertThatThrownBy(() -> SqliteTestSupport.open(dir, clock))
        .isInstanceOf(TierException.class)
        .hasMessageContaining("schema version 7, newer than the 1");
  }

  @Test
  void aDatabaseOfAnotherApplicationIsRefused() throws Exception {
    try (Connection c = SqliteTestSupport.foreign(dir); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
    }
    assertThatThrownBy(() -> SqliteTestSupport.open(dir, clock))
        .isInstanceOf(TierException.class)
        .hasMessageContaining("tables that metacache did not create");

    try (Connection c = SqliteTestSupport.foreign(dir); Statement s = c.createStatement()) {
      s.execute("PRAGMA application_id = 42");
    }
    assertThatThrownBy(() -> SqliteTestSupport.open(dir, clock))
        .isInstanceOf(TierException.class)
        .hasMessageContaining("another application");
  }

  @Test
  void migrationsMustBeNumberedInOrder() {
    assertThatThrownBy(() -> new SchemaMigrator(dir, List.of(Schema.V1, new Migration(3, "gap", List.of()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("found version 3 at position 2");
  }
}
