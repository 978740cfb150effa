package io.metacache.tiers.sqlite;

import java.util.List;

/**
 * One step of the schema: the statements that take a database from {@code version - 1} to
 * {@code version}. Migrations are never edited once released; a change is a new migration.
 *
 * @param version the schema version after this step, from 1
 * @param description what the step does, for error messages
 * @param statements SQL run in order inside the migration transaction
 */
record Migration(int version, String description, List<String> statements) {

  Migration {
    if (version < 1) {
      throw new IllegalArgumentException("a migration version starts at 1, got " + version);
    }
    statements = List.copyOf(statements);
  }
}
