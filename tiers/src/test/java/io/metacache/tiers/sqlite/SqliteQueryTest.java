package io.metacache.tiers.sqlite;

import static io.metacache.tiers.sqlite.SqliteTestSupport.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.spi.TierOperation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteQueryTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(NOW);
  SqliteTier tier;

  /**
   * Stands in for the codec: the test's values carry "path|profile|language|function" as body,
   * which the describer turns into a row with JSON metadata.
   */
  static final Function<byte[], RowDescription> DESCRIBER = value -> {
    String body = new String(value, 104, value.length - 104, StandardCharsets.UTF_8);
    String[] f = body.split("\\|", -1);
    if (f.length != 4) {
      throw new IllegalArgumentException("not a test value: " + body);
    }
    String json = "{\"language\":\"" + f[2] + "\",\"functions\":[\"" + f[3] + "\"],\"lines\":" + f[3].length() + "}";
    return new RowDescription(f[0], f[1], json);
  };

  static byte[] described(String path, String profile, String language, String function) {
    return SqliteTestSupport.entry(1, 2, 3, 4, NOW,
        (path + "|" + profile + "|" + language + "|" + function).getBytes(StandardCharsets.UTF_8));
  }

  @BeforeEach
  void openTier() {
    tier = SqliteTestSupport.open(dir, clock);
    tier.setRowDescriber(DESCRIBER);
    tier.apply(List.of(
        TierOperation.put(1, 1, described("/src/A.java", "full", "java", "main"), 0),
        TierOperation.put(2, 2, described("/src/b.py", "full", "python", "run"), 0),
        TierOperation.put(3, 3, described("/src/C.java", "basic", "java", "helper"), 0),
        TierOperation.put(4, 4, described("/src/D.java", "full", "java", "gone"), NOW + 10)));
  }

  @AfterEach
  void closeTier() {
    tier.close();
  }

  @Test
  void jsonExtractFindsEntriesByMetadata() {
    assertThat(tier.query("json_extract(metadata_json, '$.language') = ?", "java"))
        .containsExactlyInAnyOrder(new StoredKey(1, 1), new StoredKey(3, 3), new StoredKey(4, 4));
    assertThat(tier.query("json_extract(metadata_json, '$.language') = ? AND profile = ?", "java", "full"))
        .containsExactlyInAnyOrder(new StoredKey(1, 1), new StoredKey(4, 4));
    assertThat(tier.query("EXISTS (SELECT 1 FROM json_each(metadata_json, '$.functions') WHERE value = ?)", "run"))
        .containsExactly(new StoredKey(2, 2));
    assertThat(tier.query("json_extract(metadata_json, '$.lines') > ?", 4))
        .containsExactly(new StoredKey(3, 3));
    assertThat(tier.query("path GLOB ?", "/src/*.java")).hasSize(3);
  }

  @Test
  void queriesSkipExpiredEntriesAndHonourTheLimit() {
    clock.set(NOW + 10);
    assertThat(tier.query("json_extract(metadata_json, '$.language') = ?", "java"))
        .containsExactlyInAnyOrder(new StoredKey(1, 1), new StoredKey(3, 3));
    assertThat(tier.query(1, "profile = ?", "full")).hasSize(1);
    assertThat(tier.query(0, "1 = 1")).isEmpty();
  }

  @Test
  void argumentsAreBoundNeverConcatenated() {
    String hostile = "java' OR '1'='1";
    assertThat(tier.query("json_extract(metadata_json, '$.language') = ?", hostile)).isEmpty();
    assertThat(tier.query("path = ?", "x'); DELETE FROM entries; --")).isEmpty();
    assertThat(tier.size()).isEqualTo(4);
  }

  @Test
  void badConditionsAreTheCallersError() {
    assertThatThrownBy(() -> tier.query("no_such_column = ?", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not compile");
    assertThatThrownBy(() -> tier.query("path = ? AND profile = ?", "/src/A.java"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 placeholders but 1 arguments");
    assertThatThrownBy(() -> tier.query(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tier.query(-2, "1 = 1"))
        .isInstanceOf(IllegalArgumentException.class);
    // the reader that ran the bad queries still works
    assertThat(tier.query("profile = ?", "basic")).containsExactly(new StoredKey(3, 3));
  }

  @Test
  void rowsAreUndescribedWithoutADescriberOrWhenItFails() throws Exception {
    tier.setRowDescriber(null);
    tier.apply(List.of(TierOperation.put(5, 5, described("/p", "full", "go", "f"), 0)));
    tier.setRowDescriber(DESCRIBER);
    tier.apply(List.of(
        TierOperation.put(6, 6, new byte[] {1, 2, 3}, 0),                       // describer throws
        TierOperation.put(7, 7, described("/q", "full", "go", "f"), 0)));       // fine
    tier.setRowDescriber(v -> new RowDescription("/r", "full", "{not json"));
    tier.apply(List.of(TierOperation.put(8, 8, described("/r", "full", "go", "f"), 0)));

    assertThat(tier.describerFailures()).isEqualTo(1);
    assertThat(tier.query("metadata_json IS NULL"))
        .containsExactlyInAnyOrder(new StoredKey(5, 5), new StoredKey(6, 6), new StoredKey(8, 8));
    assertThat(tier.query("path IS NULL")).containsExactlyInAnyOrder(new StoredKey(5, 5), new StoredKey(6, 6));
    assertThat(tier.query("json_extract(metadata_json, '$.language') = ?", "go")).containsExactly(new StoredKey(7, 7));
  }

  @Test
  void pathLookupsUseThePathIndex() throws Exception {
    List<TierOperation> batch = new ArrayList<>();
    for (int i = 10; i < 500; i++) {
      batch.add(TierOperation.put(i, i, described("/gen/F" + i + ".java", "full", "java", "f"), 0));
    }
    tier.apply(batch);
    try (Statement s = tier.writer().connection().createStatement()) {
      s.execute("ANALYZE");
      try (ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN SELECT key FROM entries WHERE path = '/gen/F42.java'")) {
        StringBuilder plan = new StringBuilder();
        while (rs.next()) {
          plan.append(rs.getString("detail"));
        }
        assertThat(plan.toString()).contains("USING INDEX entries_path");
      }
    }
    assertThat(tier.query("path = ?", "/gen/F42.java")).containsExactly(new StoredKey(42, 42));
  }
}
