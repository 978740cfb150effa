package io.metacache.bench.trace;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/** The trace file formats of {@code shared/traces} (see its README), each read into keys. */
enum TraceFormat {

  /** LIRS: gzip text, one decimal key per line; a line {@code *} is a checkpoint marker. */
  LIRS {
    @Override
    void read(Path file, LongList keys, int limit) throws IOException {
      try (BufferedReader in = text(new GZIPInputStream(open(file), 1 << 16))) {
        String line;
        while (keys.size() < limit && (line = in.readLine()) != null) {
          line = line.trim();
          if (!line.isEmpty() && !line.equals("*")) {
            keys.add(Long.parseLong(line));
          }
        }
      }
    }
  },

  /** Address traces: gzip text {@code op 0xADDRESS size}; the key is the address. */
  ADDRESS {
    @Override
    void read(Path file, LongList keys, int limit) throws IOException {
      try (BufferedReader in = text(new GZIPInputStream(open(file), 1 << 16))) {
        String line;
        while (keys.size() < limit && (line = in.readLine()) != null) {
          int start = line.indexOf(' ');
          if (start < 0) {
            continue;
          }
          int end = line.indexOf(' ', start + 1);
          String address = line.substring(start + 1, end < 0 ? line.length() : end);
          if (address.startsWith("0x") || address.startsWith("0X")) {
            address = address.substring(2);
          }
          keys.add(Long.parseUnsignedLong(address, 16));
        }
      }
    }
  },

  /** cache2k: xz binary, a stream of big-endian signed 32-bit keys. */
  CACHE2K {
    @Override
    void read(Path file, LongList keys, int limit) throws IOException {
      try (DataInputStream in = new DataInputStream(
          new BufferedInputStream(new XZInputStream(open(file)), 1 << 16))) {
        while (keys.size() < limit) {
          try {
            keys.add(in.readInt());
          } catch (EOFException end) {
            break;
          }
        }
      }
    }
  },

  /** ARC: zstd text {@code startBlock count ignored requestNo}, keys start .. start+count-1. */
  ARC {
    @Override
    void read(Path file, LongList keys, int limit) throws IOException {
      try (BufferedReader in = text(new ZstdInputStream(open(file)))) {
        String line;
        while (keys.size() < limit && (line = in.readLine()) != null) {
          String[] fields = line.trim().split("\\s+");
          if (fields.length < 2) {
            continue;
          }
          long start = Long.parseLong(fields[0]);
          long count = Long.parseLong(fields[1]);
          for (long i = 0; i < count && keys.size() < limit; i++) {
            keys.add(start + i);
          }
        }
      }
    }
  };

  /** Appends the keys of {@code file} to {@code keys}, stopping at {@code limit} keys. */
  abstract void read(Path file, LongList keys, int limit) throws IOException;

  private static InputStream open(Path file) throws IOException {
    return new BufferedInputStream(Files.newInputStream(file), 1 << 16);
  }

  private static BufferedReader text(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16);
  }
}
