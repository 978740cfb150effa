package io.metacache.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.metacache.key.FileChangedDuringHashException;
import io.metacache.key.Fingerprint;
import io.metacache.key.Fingerprinter;
import io.metacache.key.PathIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The stat fast path ({@link PathIndex}) against a file rewritten during a lookup: whatever the
 * racing lookup returned, the next lookup yields the new content's fingerprint, never the old one.
 *
 * <p>The interesting case is a <em>trusted</em> record: one taken more than the timestamp window
 * after the file's last change, which the index answers from a single stat. A freshly written
 * file is racily clean and always re-hashed, so the states take their files from a pool written
 * in batches and aged past the window before use (one short sleep per batch). Each state's
 * constructor records the aged file; the actors then rewrite it and look it up concurrently.
 *
 * <p>Outcomes: the racing lookup's fingerprint (0 old content, 1 new content, 2 empty file, 3 the
 * file changed during the hash and the lookup said so, 4 anything else), then the next lookup's.
 */
public final class StatFastPathStress {

  /** Racy window for the index: well above the file system's timestamp tick (a few ms). */
  static final Duration WINDOW = Duration.ofMillis(40);
  static final int BATCH = 512;
  static final int LENGTH = 64;

  private StatFastPathStress() {}

  /** Files of one fork: a directory, a pool of aged files, one index and fingerprinter. */
  static final class Files0 {
    static final Fingerprinter FINGERPRINTER = new Fingerprinter();
    static final PathIndex INDEX = new PathIndex(FINGERPRINTER, 1 << 20, WINDOW);
    static final Path DIR;
    static final Fingerprint EMPTY;
    private static final AtomicLong NEXT = new AtomicLong();
    private static final ArrayDeque<Path> POOL = new ArrayDeque<>();

    static {
      try {
        DIR = Files.createTempDirectory("metacache-jcstress-");
        Runtime.getRuntime().addShutdownHook(new Thread(Files0::deleteAll));
        Path empty = DIR.resolve("empty");
        Files.write(empty, new byte[0]);
        EMPTY = FINGERPRINTER.fingerprint(empty);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private Files0() {}

    /** A file holding {@link #content(long, int) content(id, 0)}, last changed over a window ago. */
    static synchronized Path agedFile() {
      if (POOL.isEmpty()) {
        try {
          for (int i = 0; i < BATCH; i++) {
            long id = NEXT.getAndIncrement();
            Path file = DIR.resolve(Long.toString(id));
            Files.write(file, content(id, 0));
            POOL.add(file);
          }
          Thread.sleep(WINDOW.toMillis() + 20);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return POOL.poll();
    }

    /** {@link #LENGTH} bytes (or {@code LENGTH + extra}) that differ per file and version. */
    static byte[] content(long id, int version) {
      StringBuilder s = new StringBuilder(LENGTH);
      s.append(version == 0 ? "old:" : "new:").append(id).append(':');
      while (s.length() < LENGTH) {
        s.append(version == 0 ? 'o' : 'n');
      }
      return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void deleteAll() {
      try (Stream<Path> files = Files.walk(DIR)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a leftover temporary directory is harmless
      }
    }
  }

  /** An aged file with a trusted record of its old content. */
  @State
  public static class Recorded {
    final Path file = Files0.agedFile();
    final long id = Long.parseLong(file.getFileName().toString());
    final Fingerprint old;
    Fingerprint racing;
    boolean changedDuringHash;

    public Recorded() {
      try {
        old = Files0.INDEX.lookup(file).fingerprint();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void lookup() {
      try {
        racing = Files0.INDEX.lookup(file).fingerprint();
      } catch (FileChangedDuringHashException e) {
        changedDuringHash = true;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void judge(II_Result r) {
      try {
        Fingerprint now = Files0.FINGERPRINTER.fingerprint(file);
        r.r1 = changedDuringHash ? 3 : classify(racing, now);
        r.r2 = classify(Files0.INDEX.lookup(file).fingerprint(), now);
        Files0.INDEX.invalidate(file);
        Files.delete(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private int classify(Fingerprint fp, Fingerprint current) {
      if (fp.equals(old)) {
        return 0;
      }
      if (fp.equals(current)) {
        return 1;
      }
      return fp.equals(Files0.EMPTY) ? 2 : 4;
    }
  }

  /** The file is truncated and rewritten, ten bytes longer, while another thread looks it up. */
  @JCStressTest
  @State
  @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "racing lookup before the rewrite: old; next lookup: new")
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "racing lookup after the rewrite: new; next lookup: new")
  @Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "racing lookup between truncate and write: the empty file's")
  @Outcome(id = "3, 1", expect = ACCEPTABLE, desc = "racing lookup saw the file change under it and said so")
  @Outcome(id = "4, 1", expect = ACCEPTABLE_INTERESTING, desc = "racing lookup hashed a partly written file")
  @Outcome(id = ".*, 0", expect = FORBIDDEN, desc = "the old fingerprint for the new content")
  @Outcome(expect = FORBIDDEN, desc = "the next lookup's fingerprint is not the new content's")
  public static class TruncatingRewrite extends Recorded {
    @Actor
    public void writer() {
      try {
        byte[] content = Files0.content(id, 1);
        byte[] longer = java.util.Arrays.copyOf(content, content.length + 10);
        java.util.Arrays.fill(longer, content.length, longer.length, (byte) '+');
        Files.write(file, longer);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Actor
    public void reader() {
      lookup();
    }

    @Arbiter
    public void next(II_Result r) {
      judge(r);
    }
  }

  /**
   * The file is overwritten in place with content of the same length (no truncation): the stat
   * can only tell by timestamps, which the aged record makes reliable.
   */
  @JCStressTest
  @State
  @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "racing lookup before the rewrite: old; next lookup: new")
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "racing lookup after the rewrite: new; next lookup: new")
  @Outcome(id = "3, 1", expect = ACCEPTABLE, desc = "racing lookup saw the file change under it and said so")
  @Outcome(id = "4, 1", expect = ACCEPTABLE_INTERESTING, desc = "racing lookup hashed a partly overwritten file")
  @Outcome(id = ".*, 0", expect = FORBIDDEN, desc = "the old fingerprint for the new content")
  @Outcome(expect = FORBIDDEN, desc = "the next lookup's fingerprint is not the new content's")
  public static class InPlaceRewrite extends Recorded {
    @Actor
    public void writer() {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ByteBuffer content = ByteBuffer.wrap(Files0.content(id, 1));
        while (content.hasRemaining()) {
          channel.write(content, content.position());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Actor
    public void reader() {
      lookup();
    }

    @Arbiter
    public void next(II_Result r) {
      judge(r);
    }
  }
}
