package io.metacache.key;

import static io.metacache.key.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStatTest {

  private static final long MTIME = 1_600_000_000_987_654_321L;

  @TempDir Path dir;

  @Test
  void readsSizeNanosecondMtimeAndTheFileKey() throws IOException {
    Path file = write(dir.resolve("f"), new byte[1234], MTIME);
    FileStat stat = FileStat.read(file);
    BasicFileAttributes basic = Files.readAttributes(file, BasicFileAttributes.class);
    assertThat(stat.size()).isEqualTo(1234);
    assertThat(stat.mtimeNanos()).isEqualTo(MTIME);
    // NIO's key, or on the native path a device-and-inode key naming and hashing the same
    assertThat(stat.fileKey().toString()).isEqualTo(basic.fileKey().toString());
    assertThat(stat.fileKey().hashCode()).isEqualTo(basic.fileKey().hashCode());
  }

  @Test
  void unixHasCtimeThatMovesOnEveryChange() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("unix"));
    Path file = write(dir.resolve("f"), new byte[10], MTIME);
    FileStat before = FileStat.read(file);
    assertThat(before.hasCtime()).isTrue();
    // Rewrite with the same size and put the mtime back: only ctime can tell.
    Thread.sleep(20);
    write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, MTIME);
    FileStat after = FileStat.read(file);
    assertThat(after.size()).isEqualTo(before.size());
    assertThat(after.mtimeNanos()).isEqualTo(before.mtimeNanos());
    assertThat(after.ctimeNanos()).isGreaterThan(before.ctimeNanos());
    assertThat(after).isNotEqualTo(before);
  }

  @Test
  void unchangedFileHasAnEqualStat() throws IOException {
    Path file = write(dir.resolve("f"), new byte[10], MTIME);
    assertThat(FileStat.read(file)).isEqualTo(FileStat.read(file));
  }

  @Test
  void hardLinkSharesTheFileKeyAndACopyDoesNot() throws IOException {
    Path file = write(dir.resolve("f"), new byte[10], MTIME);
    Path link = Files.createLink(dir.resolve("link"), file);
    Path copy = Files.copy(file, dir.resolve("copy"));
    assertThat(FileStat.read(link).fileKey()).isEqualTo(FileStat.read(file).fileKey());
    assertThat(FileStat.read(copy).fileKey()).isNotEqualTo(FileStat.read(file).fileKey());
  }

  @Test
  void followsSymbolicLinks() throws IOException {
    Path file = write(dir.resolve("f"), new byte[77], MTIME);
    Path symlink = Files.createSymbolicLink(dir.resolve("sym"), file);
    assertThat(FileStat.read(symlink)).isEqualTo(FileStat.read(file));
  }

  @Test
  void refusesDirectoriesAndMissingFiles() throws IOException {
    assertThatThrownBy(() -> FileStat.read(dir))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("is a directory");
    assertThatThrownBy(() -> FileStat.read(dir.resolve("nope")))
        .isInstanceOf(NoSuchFileException.class);
  }
}
