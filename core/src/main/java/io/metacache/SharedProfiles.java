package io.metacache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extraction profiles stored under by any process of a shared cache directory: the file
 * {@code profiles} beside the shared map, one profile name per line, appended to.
 *
 * <p>Keys are content-addressed, so {@code invalidate(file)} derives them from the file's
 * fingerprints and every profile it knows. A process knows its own; before this file, another
 * process's profile reached it only through a lower tier that indexes paths (SQLite), and only once
 * that process's write-behind pipeline had written the entry there, so an invalidation in between
 * left the other process's entry in the shared memory tier for every process to read. A store
 * registers its profile here before it writes the memory tier, and an invalidation of a file reads
 * the profiles here first: every entry stored before the invalidation began is then among the keys
 * it removes. Profile names are validated ({@code Profiles.validate}: no line breaks); a line is
 * one {@code write} on a file opened for appending, so concurrent writers never interleave within a
 * line, and a reader takes only whole lines. A duplicate line (two processes registering at once)
 * is harmless.
 */
final class SharedProfiles {
  private static final Logger LOG = LoggerFactory.getLogger(SharedProfiles.class);

  private final Path file;
  /** Profiles known to be in the file: added only once their line is written (or read). */
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private long readUpTo;
  private boolean failureLogged;

  SharedProfiles(Path file) {
    this.file = file;
  }

  /**
   * Records {@code profile} for every process unless it is known to be recorded; called before
   * every store (a lookup in a concurrent set once the profile is known), so that no thread stores
   * under a profile before its line is in the file.
   */
  void register(String profile) {
    if (!known.contains(profile)) {
      append(profile);
    }
  }

  private synchronized void append(String profile) {
    if (known.contains(profile)) {
      return;
    }
    try (FileChannel out = FileChannel.open(io.metacache.internal.PrivateFiles.file(file), StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      out.write(ByteBuffer.wrap((profile + "\n").getBytes(StandardCharsets.UTF_8)));
      known.add(profile);
    } catch (IOException e) {
      failed(e);
      known.add(profile); // not in the file, but no store should try again at every call
    }
  }

  /** Every profile registered by any process so far. */
  synchronized Set<String> all() {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      if (size > readUpTo) {
        ByteBuffer b = ByteBuffer.allocate((int) (size - readUpTo));
        while (b.hasRemaining() && in.read(b, readUpTo + b.position()) >= 0) {
          // until the size seen
        }
        String text = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n') + 1; // whole lines only
        for (String line : text.substring(0, end).split("\n")) {
          if (!line.isEmpty()) {
            known.add(line);
          }
        }
        readUpTo += text.substring(0, end).getBytes(StandardCharsets.UTF_8).length;
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // nothing registered yet
    } catch (IOException e) {
      failed(e);
    }
    return Set.copyOf(known);
  }

  private void failed(IOException e) {
    if (!failureLogged) {
      failureLogged = true;
      LOG.warn("{}: profiles of other processes are known only through the lower tiers: {}", file, e.toString());
    }
  }
}
