package io.metacache.tiers.multiprocess;

import io.metacache.CacheConfig;
import io.metacache.spi.Tier;
import io.metacache.spi.TierContext;
import io.metacache.spi.TierOperation;
import io.metacache.spi.TierProvider;
import io.metacache.tiers.disk.DiskTier;
import io.metacache.tiers.disk.DiskTierProvider;
import io.metacache.tiers.sqlite.SqliteTierProvider;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A child JVM of {@link MultiProcessTiersTest}: opens one tier on a shared directory and runs the
 * commands it reads from stdin, one per line, answering on stdout. Every value it reads is checked
 * whole ({@link #check}); any failure prints {@code FAIL} and the stack trace on one line and
 * exits 1, so that the test sees it.
 *
 * <pre>
 *   MIX n     n mixed operations on the shared keys      -> MIXED puts hits misses removes
 *   RUN       mixed operations until STOP, with OPS n every {@value #PROGRESS_EVERY} -> STOPPED n
 *   PUT k     put a fresh value of key k                 -> OK seq
 *   GET k     read key k                                 -> GOT writer seq | GOT none
 *   GETRANGE a b  read keys a to b-1                     -> RANGE found none
 *   DEL k     remove key k                               -> OK
 *   SWEEP     removeExpired (a full sweep)               -> SWEPT bytes entries (disk) | SWEPT
 *   QUIT      close the tier and exit 0
 * </pre>
 */
public final class TierWorker {
  static final int KEYS = 48;
  static final int PROGRESS_EVERY = 10;
  static final int MAGIC = 0x7E57DA7A;
  static final int PREFIX = 24;  // magic, key, writer, seq, payload length

  private final Tier tier;
  private final int id;
  private final SplittableRandom random;
  private long seq;

  private TierWorker(Tier tier, int id) {
    this.tier = tier;
    this.id = id;
    this.random = new SplittableRandom(id * 7919L + System.nanoTime());
  }

  public static void main(String[] args) {
    try {
      String kind = args[0];
      Path dir = Path.of(args[1]);
      int id = Integer.parseInt(args[2]);
      long cap = Long.parseLong(args[3]);
      Map<String, String> properties = Map.of(
          "metacache.disk.max-bytes", Long.toString(cap),
          SqliteTierProvider.BUSY_TIMEOUT, "10s");
      TierProvider provider = kind.equals("disk") ? new DiskTierProvider() : new SqliteTierProvider();
      Tier tier = provider.open(new TierContext(CacheConfig.defaults(), dir, System::currentTimeMillis,
          properties::get));
      new TierWorker(tier, id).serve();
      System.exit(0);
    } catch (Throwable t) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      System.out.println("FAIL " + trace.toString().replace('\n', '|'));
      System.out.flush();
      System.exit(1);
    }
  }

  private void serve() throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    say("READY " + ProcessHandle.current().pid());
    for (String line; (line = in.readLine()) != null; ) {
      String[] words = line.trim().split(" ");
      switch (words[0]) {
        case "MIX" -> {
          long[] counts = new long[4];
          for (int i = Integer.parseInt(words[1]); i > 0; i--) {
            mixedOperation(counts);
          }
          say("MIXED " + counts[0] + " " + counts[1] + " " + counts[2] + " " + counts[3]);
        }
        case "RUN" -> run(in);
        case "PUT" -> {
          put(Integer.parseInt(words[1]));
          say("OK " + seq);
        }
        case "GET" -> {
          int key = Integer.parseInt(words[1]);
          byte[] v = tier.get(high(key), low(key));
          say(v == null ? "GOT none" : "GOT " + ByteBuffer.wrap(check(key, v)).getInt(8) + " "
              + ByteBuffer.wrap(v).getLong(12));
        }
        case "GETRANGE" -> {
          int found = 0;
          int none = 0;
          for (int key = Integer.parseInt(words[1]); key < Integer.parseInt(words[2]); key++) {
            byte[] v = tier.get(high(key), low(key));
            if (v == null) {
              none++;
            } else {
              check(key, v);
              found++;
            }
          }
          say("RANGE " + found + " " + none);
        }
        case "DEL" -> {
          int key = Integer.parseInt(words[1]);
          tier.apply(List.of(TierOperation.delete(high(key), low(key))));
          say("OK");
        }
        case "SWEEP" -> {
          tier.removeExpired(System.currentTimeMillis());
          say(tier instanceof DiskTier disk
              ? "SWEPT " + disk.stats().bytes() + " " + disk.stats().entries() : "SWEPT");
        }
        case "QUIT" -> {
          tier.close();
          return;
        }
        default -> throw new IllegalArgumentException("unknown command: " + line);
      }
    }
  }

  /** Mixed operations until STOP arrives on stdin, reporting progress. */
  private void run(BufferedReader in) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    Thread listener = new Thread(() -> {
      try {
        String line;
        while ((line = in.readLine()) != null && !line.trim().equals("STOP")) {
          // only STOP is expected while running
        }
      } catch (Exception e) {
        // stdin closed: stop as well
      }
      stop.set(true);
    });
    listener.setDaemon(true);
    listener.start();
    long[] counts = new long[4];
    long ops = 0;
    while (!stop.get()) {
      mixedOperation(counts);
      if (++ops % PROGRESS_EVERY == 0) {
        say("OPS " + ops);
      }
    }
    say("STOPPED " + ops);
  }

  /** A put (45%), get (40%) or remove (15%) of one of the shared keys. */
  private void mixedOperation(long[] counts) {
    int key = random.nextInt(KEYS);
    int dice = random.nextInt(100);
    if (dice < 45) {
      put(key);
      counts[0]++;
    } else if (dice < 85) {
      byte[] v = tier.get(high(key), low(key));
      if (v == null) {
        counts[2]++;
      } else {
        check(key, v);
        counts[1]++;
      }
    } else {
      tier.apply(List.of(TierOperation.delete(high(key), low(key))));
      counts[3]++;
    }
  }

  private void put(int key) {
    seq++;
    tier.apply(List.of(TierOperation.put(high(key), low(key), value(key, id, seq), 0)));
  }

  static long high(int key) {
    return (key + 1) * 0x9E3779B97F4A7C15L;
  }

  static long low(int key) {
    return key;
  }

  /** A value that says whose it is: key, writer and sequence, then bytes that follow from them. */
  static byte[] value(int key, int writer, long seq) {
    int payload = 150 + (int) ((seq * 37 + writer * 101 + key) % 1000);
    ByteBuffer b = ByteBuffer.allocate(PREFIX + payload);
    b.putInt(MAGIC).putInt(key).putInt(writer).putLong(seq).putInt(payload);
    for (int i = 0; i < payload; i++) {
      b.put(patternByte(key, writer, seq, i));
    }
    return b.array();
  }

  private static byte patternByte(int key, int writer, long seq, int i) {
    return (byte) (key * 31 + writer * 17 + seq * 13 + i);
  }

  /** Throws unless {@code v} is a whole value of {@code key}; returns it. */
  static byte[] check(int key, byte[] v) {
    if (v.length < PREFIX) {
      throw new AssertionError("value of key " + key + " is " + v.length + " bytes, shorter than its prefix");
    }
    ByteBuffer b = ByteBuffer.wrap(v);
    int magic = b.getInt();
    int k = b.getInt();
    int writer = b.getInt();
    long s = b.getLong();
    int payload = b.getInt();
    if (magic != MAGIC || k != key || payload != v.length - PREFIX) {
      throw new AssertionError("value read for key " + key + " is not whole: magic " + Integer.toHexString(magic)
          + ", key " + k + ", payload " + payload + " of " + (v.length - PREFIX));
    }
    for (int i = 0; i < payload; i++) {
      if (v[PREFIX + i] != patternByte(k, writer, s, i)) {
        throw new AssertionError("value of key " + key + " by writer " + writer + " seq " + s
            + " differs at byte " + (PREFIX + i) + ": torn or mixed");
      }
    }
    return v;
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
