package io.metacache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Permission bits bind code run through {@link Unprivileged}, root or not, and only that code. */
class UnprivilegedTest {
  @TempDir Path dir;

  @Test
  void aFileWithoutReadPermissionCannotBeReadThere() throws Exception {
    Path file = Files.writeString(dir.resolve("secret"), "secret");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("-w-------"));
    Unprivileged.run(() -> assertThatThrownBy(() -> Files.readString(file))
        .isInstanceOf(AccessDeniedException.class));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThat(Unprivileged.call(() -> Files.readString(file))).as("the result comes back").isEqualTo("secret");
  }

  @Test
  void aReadOnlyDirectoryCannotBeWrittenThere() throws Exception {
    Path readOnly = Files.createDirectory(dir.resolve("read-only"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-x------"));
    try {
      Unprivileged.run(() -> assertThatThrownBy(() -> Files.createFile(readOnly.resolve("x")))
          .isInstanceOf(AccessDeniedException.class));
    } finally {
      Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void aFailureThereReachesTheCaller() {
    assertThatThrownBy(() -> Unprivileged.run(() -> assertThat(1).isEqualTo(2)))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> Unprivileged.run(() -> {
      throw new java.io.IOException("from the unprivileged thread");
    })).isInstanceOf(java.io.IOException.class).hasMessage("from the unprivileged thread");
  }
}
