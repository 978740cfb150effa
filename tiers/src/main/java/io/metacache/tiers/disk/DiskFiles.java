package io.metacache.tiers.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading and checking entry files, and the small I/O helpers the disk tier shares. */
final class DiskFiles {

  /** What a read found in an entry file. */
  enum Verdict {
    /** Whole, the key's, and not expired. */
    LIVE,
    /** Whole and the key's, but expired. */
    EXPIRED,
    /** Torn, corrupt, or another key's. */
    CORRUPT
  }

  /** A read's outcome: the value when {@link Verdict#LIVE}, else {@code null}. */
  record Read(Verdict verdict, byte[] value) {
    static final Read EXPIRED = new Read(Verdict.EXPIRED, null);
    static final Read CORRUPT = new Read(Verdict.CORRUPT, null);
  }

  private DiskFiles() {}

  /**
   * Reads and checks the entry file open on {@code channel} (the checks of
   * {@code docs/disk-format.md}, in order, so that no field is trusted before it is verified).
   */
  static Read read(FileChannel channel, long keyHigh, long keyLow, long now, long maxBytes) throws IOException {
    long length = channel.size();
    // No valid file is longer than the cap (longer entries are never stored): refuse before reading.
    if (length < DiskFileHeader.LENGTH || length > maxBytes) {
      return Read.CORRUPT;
    }
    DiskFileHeader header = readHeader(channel, keyHigh, keyLow, length);
    if (header == null) {
      return Read.CORRUPT;
    }
    if (header.expiredAt(now)) {
      return Read.EXPIRED;
    }
    byte[] value = new byte[header.valueLength()];  // bounded by the file's real length, checked above
    if (!readFully(channel, ByteBuffer.wrap(value), DiskFileHeader.LENGTH)
        || DiskFileHeader.checksum(value) != header.valueChecksum()) {
      return Read.CORRUPT;
    }
    return new Read(Verdict.LIVE, value);
  }

  /**
   * The header of the file open on {@code channel}, whose length is {@code length}, if it is valid,
   * is the key's and agrees with the length; {@code null} otherwise.
   */
  static DiskFileHeader readHeader(FileChannel channel, long keyHigh, long keyLow, long length) throws IOException {
    if (length < DiskFileHeader.LENGTH) {
      return null;
    }
    byte[] headerBytes = new byte[DiskFileHeader.LENGTH];
    if (!readFully(channel, ByteBuffer.wrap(headerBytes), 0)) {
      return null;
    }
    DiskFileHeader header = DiskFileHeader.decode(headerBytes);
    if (header == null || header.keyHigh() != keyHigh || header.keyLow() != keyLow
        || header.fileLength() != length) {
      return null;
    }
    return header;
  }

  /** Reads until {@code buffer} is full; {@code false} if the file ends first. */
  static boolean readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        return false;
      }
      at += n;
    }
    return true;
  }

  static void writeFully(FileChannel channel, ByteBuffer... buffers) throws IOException {
    long remaining = 0;
    for (ByteBuffer b : buffers) {
      remaining += b.remaining();
    }
    while (remaining > 0) {
      remaining -= channel.write(buffers);
    }
  }

  /** Deletes {@code file} if it exists; a failure is left for a later sweep or recovery. */
  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Left for the next sweep or the next lone open, which delete stale temporary files.
    }
  }
}
