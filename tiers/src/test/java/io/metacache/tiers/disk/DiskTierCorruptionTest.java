package io.metacache.tiers.disk;

import static io.metacache.tiers.disk.DiskTierFixture.get;
import static io.metacache.tiers.disk.DiskTierFixture.high;
import static io.metacache.tiers.disk.DiskTierFixture.low;
import static io.metacache.tiers.disk.DiskTierFixture.put;
import static io.metacache.tiers.disk.DiskTierFixture.value;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A torn or corrupt file is a counted miss: deleted, never returned, never an exception. */
class DiskTierCorruptionTest {
  @TempDir Path dir;
  DiskTierFixture fx;
  DiskTier tier;

  @BeforeEach
  void open() {
    fx = new DiskTierFixture(dir);
    tier = fx.open(1L << 20);
    put(tier, 1, value(1000, 1));
    put(tier, 2, value(1000, 2));
  }

  @AfterEach
  void close() {
    tier.close();
  }

  private void assertCountedMiss() {
    assertThat(get(tier, 1)).isNull();
    assertThat(fx.file(1)).doesNotExist();
    assertThat(tier.stats().corruptions()).isEqualTo(1);
    assertThat(tier.stats().entries()).isEqualTo(1);
    // A file changed behind the tier's back leaves the shared byte total off by the change until
    // a sweep counts the files.
    assertThat(tier.removeExpired(fx.clock.get())).isZero();
    assertThat(tier.stats().bytes()).isEqualTo(DiskFileHeader.LENGTH + 1000);
    assertThat(get(tier, 2)).isEqualTo(value(1000, 2));
    assertThat(get(tier, 1)).isNull();
    assertThat(tier.stats().corruptions()).isEqualTo(1);  // gone, so counted once
  }

  private void flipByte(Path file, long position) throws Exception {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, position);
      b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
      ch.write(b, position);
    }
  }

  @Test
  void tornFileTruncatedMidValue() throws Exception {
    try (FileChannel ch = FileChannel.open(fx.file(1), StandardOpenOption.WRITE)) {
      ch.truncate(DiskFileHeader.LENGTH + 400);
    }
    assertCountedMiss();
  }

  @Test
  void fileTruncatedMidHeader() throws Exception {
    try (FileChannel ch = FileChannel.open(fx.file(1), StandardOpenOption.WRITE)) {
      ch.truncate(20);
    }
    assertCountedMiss();
  }

  @Test
  void emptyFile() throws Exception {
    Files.write(fx.file(1), new byte[0]);
    assertCountedMiss();
  }

  @Test
  void flippedByteInTheValue() throws Exception {
    flipByte(fx.file(1), DiskFileHeader.LENGTH + 517);
    assertCountedMiss();
  }

  @Test
  void flippedByteInTheHeader() throws Exception {
    flipByte(fx.file(1), DiskFileHeader.EXPIRES_AT_OFFSET + 3);
    assertCountedMiss();
  }

  @Test
  void extraBytesAfterTheValue() throws Exception {
    Files.write(fx.file(1), new byte[] {0}, StandardOpenOption.APPEND);
    assertCountedMiss();
  }

  @Test
  void anotherKeysFileUnderThisName() throws Exception {
    Files.copy(fx.file(2), fx.file(1), StandardCopyOption.REPLACE_EXISTING);
    assertCountedMiss();
  }

  /** A well-formed header (valid checksum) that claims a 2 GiB value in a short file. */
  private void writeHostileHeader(Path file, int claimedLength) throws Exception {
    ByteBuffer header = new DiskFileHeader(high(1), low(1), 0, claimedLength, 0).encode();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(header);
      ch.write(ByteBuffer.wrap(value(64, 9)));
    }
  }

  @Test
  void hostileLengthFieldAllocatesNothingAndIsAMiss() throws Exception {
    writeHostileHeader(fx.file(1), DiskFileHeader.MAX_VALUE_LENGTH);
    assertCountedMiss();
  }

  @Test
  void negativeLengthField() throws Exception {
    writeHostileHeader(fx.file(1), -5);
    assertCountedMiss();
  }

  @Test
  void corruptFilesFoundAtOpenAreDeletedAndCounted() throws Exception {
    tier.close();
    writeHostileHeader(fx.file(1), Integer.MAX_VALUE - 100);
    flipByte(fx.file(2), 2);
    tier = fx.open(1L << 20);
    put(tier, 3, value(10, 3));
    assertThat(tier.stats().corruptions()).isEqualTo(2);
    assertThat(tier.size()).isEqualTo(1);
    assertThat(fx.file(1)).doesNotExist();
    assertThat(fx.file(2)).doesNotExist();
  }

  @Test
  void corruptValueFoundOnlyOnRead() throws Exception {
    // Open reads headers only; a bad value is caught by the read that would have returned it.
    tier.close();
    flipByte(fx.file(1), DiskFileHeader.LENGTH);
    tier = fx.open(1L << 20);
    assertThat(tier.size()).isEqualTo(2);
    assertCountedMiss();
  }
}
