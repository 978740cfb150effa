package io.metacache.internal;

import io.metacache.config.ConfigValues;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a store that cannot be opened or recovered out of the way, so that its tier starts empty
 * by itself instead of failing every operation until somebody moves it by hand.
 *
 * <p>The old store is kept for inspection beside the new one, each of its files renamed to
 * {@code <name>.corrupt-<UTC time>} ({@code metacache.db.corrupt-20261207T201500Z}; a second
 * event in the same second gets {@code -2}, {@code -3}...). Only the newest
 * {@value #DEFAULT_KEEP} copies of each name are kept ({@value #KEEP_PROPERTY}), the oldest
 * deleted first, so a store that keeps breaking cannot fill the disk. Each event is counted per
 * tier ({@link #events}: the {@code quarantined} figure of {@code metacache stats}) and logged
 * once at WARN with the tier, the store, where it went and why.
 *
 * <p>Counts are this JVM's: the process counters publish them per process, as every other figure.
 */
public final class StoreQuarantine {
  private static final Logger LOG = LoggerFactory.getLogger(StoreQuarantine.class);

  /** How many quarantined copies of each store file are kept (0 deletes them at once). */
  public static final String KEEP_PROPERTY = "metacache.quarantine.keep";
  /** Default of {@value #KEEP_PROPERTY}. */
  public static final int DEFAULT_KEEP = 3;
  /** What a quarantined file's name carries after the original name. */
  public static final String MARK = ".corrupt-";
  private static final int MAX_KEEP = 100;
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Map<String, AtomicLong> EVENTS = new ConcurrentHashMap<>();

  private StoreQuarantine() {}

  /**
   * {@value #KEEP_PROPERTY} read from {@code properties}: 0 to {@value #MAX_KEEP}, default
   * {@value #DEFAULT_KEEP}.
   *
   * @throws IllegalArgumentException naming the property, the value and what is accepted
   */
  public static int keep(Function<String, String> properties) {
    String raw = properties.apply(KEEP_PROPERTY);
    if (raw == null || raw.isBlank()) {
      return DEFAULT_KEEP;
    }
    try {
      int keep = Integer.parseInt(raw.trim());
      if (keep >= 0 && keep <= MAX_KEEP) {
        return keep;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ConfigValues.invalid(KEEP_PROPERTY, raw, "a whole number from 0 to " + MAX_KEEP);
  }

  /** {@link #keep(Function)} from the system properties, then the environment. */
  public static int keepFromSystem() {
    return keep(name -> {
      String v = System.getProperty(name);
      return v != null ? v : System.getenv(name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'));
    });
  }

  /** A stamp for one event: the UTC time to the second. */
  public static String stamp() {
    return STAMP.format(Instant.now());
  }

  /**
   * Where {@code file} goes for the event {@code stamp}: {@code <file>.corrupt-<stamp>}, or with
   * {@code -2}, {@code -3}... if that name is taken.
   */
  public static Path asideOf(Path file, String stamp) {
    Path aside = file.resolveSibling(file.getFileName() + MARK + stamp);
    for (int n = 2; Files.exists(aside) || Files.exists(aside.resolveSibling(aside.getFileName() + ".tmp")); n++) {
      aside = file.resolveSibling(file.getFileName() + MARK + stamp + "-" + n);
    }
    return aside;
  }

  /**
   * Renames {@code store} and its {@code companions} (those that exist: a database's
   * {@code -wal} and {@code -shm}) aside under one stamp, prunes old copies, counts the event and
   * logs it. Returns where {@code store} went, or {@code null} if it did not exist.
   */
  public static Path moveAside(String tier, String reason, int keep, Path store, Path... companions)
      throws IOException {
    String stamp = stamp();
    Path aside = asideOf(store, stamp);
    String suffix = aside.getFileName().toString().substring(store.getFileName().toString().length());
    boolean moved = move(store, aside);
    for (Path companion : companions) {
      move(companion, companion.resolveSibling(companion.getFileName() + suffix));
    }
    prune(store, keep);
    for (Path companion : companions) {
      prune(companion, keep);
    }
    if (!moved) {
      return null;
    }
    recorded(tier, store, aside, reason);
    return aside;
  }

  /**
   * Copies {@code store} aside (for a store repaired in place, which other processes keep open),
   * prunes old copies, counts the event and logs it. Returns the copy.
   */
  public static Path copyAside(String tier, String reason, int keep, Path store) throws IOException {
    Path aside = asideOf(store, stamp());
    Path partial = aside.resolveSibling(aside.getFileName() + ".tmp");
    Files.copy(store, partial, StandardCopyOption.REPLACE_EXISTING);
    PrivateFiles.restrict(partial);
    Files.move(partial, aside, StandardCopyOption.ATOMIC_MOVE);
    prune(store, keep);
    recorded(tier, store, aside, reason);
    return aside;
  }

  /** Counts an event whose files the caller moved itself, and logs it once at WARN. */
  public static void recorded(String tier, Path store, Path aside, String reason) {
    EVENTS.computeIfAbsent(tier, t -> new AtomicLong()).incrementAndGet();
    LOG.warn("{}: {} cannot be used ({}); moved it aside to {} and started the tier empty", tier, store, reason,
        aside == null ? "(nothing kept)" : aside.getFileName());
  }

  /** Deletes all but the newest {@code keep} quarantined copies of {@code file}. */
  public static void prune(Path file, int keep) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    String prefix = file.getFileName() + MARK;
    List<Path> copies = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, escapeGlob(prefix) + "*")) {
      for (Path p : entries) {
        if (!p.getFileName().toString().endsWith(".tmp")) {
          copies.add(p);
        }
      }
    } catch (NoSuchFileException e) {
      return;
    }
    // Stamps sort by time as text; "-2" after the bare stamp of the same second.
    copies.sort((a, b) -> order(a.getFileName().toString()).compareTo(order(b.getFileName().toString())));
    for (int i = 0; i < copies.size() - keep; i++) {
      deleteTree(copies.get(i));
    }
  }

  /** Names of the quarantined copies kept in {@code dir}, sorted; empty if there is none or no such directory. */
  public static List<String> kept(Path dir) {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*" + MARK + "*")) {
      for (Path p : entries) {
        if (!p.getFileName().toString().endsWith(".tmp")) {
          names.add(p.getFileName().toString());
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    names.sort(null);
    return names;
  }

  /** Quarantine events of {@code tier} in this JVM. */
  public static long events(String tier) {
    AtomicLong n = EVENTS.get(tier);
    return n == null ? 0 : n.get();
  }

  private static String order(String name) {
    int dash = name.lastIndexOf('-');
    int mark = name.lastIndexOf(MARK);
    String stamp = name.substring(mark + MARK.length());
    int n = 1;
    if (dash > mark + MARK.length()) {
      try {
        n = Integer.parseInt(name.substring(dash + 1));
        stamp = name.substring(mark + MARK.length(), dash);
      } catch (NumberFormatException e) {
        n = 1;
      }
    }
    return stamp + String.format("%06d", n);
  }

  private static boolean move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> children = Files.newDirectoryStream(p)) {
        for (Path c : children) {
          deleteTree(c);
        }
      }
    }
    Files.deleteIfExists(p);
  }

  private static String escapeGlob(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if ("*?[]{}\\".indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }
}
