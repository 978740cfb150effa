package io.metacache.stress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The check of the ledgers {@link LedgerWorker}s wrote: replays each file's mutations in version
 * order and decides every read against the states that order allows.
 *
 * <h2>The model</h2>
 * Per (file, profile), a state is a value ({@code p:...} from a put, {@code x:...} from an
 * extraction) or {@link #ABSENT}. A completed mutation sets it: a put to its value, a get with an
 * extractor to what it returned, an invalidation (of the file and profile, of the file, of a
 * pattern matching it) and a rewrite of the file's content to absent. The replay keeps the
 * <em>set</em> of states possible after each version: one state, except after a mutation whose
 * process was killed before its {@code E} line (it may or may not have taken effect: the set is
 * the states before it plus its outcome); a version no ledger names was bumped by a process killed
 * before it wrote {@code B}, so before it called the cache: it changed nothing.
 *
 * <h2>Verdicts</h2>
 * <ul>
 *   <li>A plain get ({@code G}) that read versions {@code a} and {@code b} around its call may
 *       return any state possible at a version in {@code [a, b]}. A value outside them is a
 *       <b>stale read</b> (an older value of the file, or a value of older content) or a
 *       <b>resurrection</b> (a value that an invalidation in that order had removed); a miss
 *       where every possible state holds a value is a <b>lost write</b>. The memory tier holds
 *       far more entries than a run writes, so no eviction can excuse a miss.
 *   <li>A get with an extractor (under the file's lock) must return the state it found: its own
 *       extraction only where the file's state may be absent (else a <b>lost write</b>), another
 *       value only if that value is possible (else a stale read or resurrection).
 *   <li>{@link #finalStates} are the states possible once every process is gone: what the next
 *       process to open the directory may find.
 * </ul>
 */
final class Ledger {
  static final String ABSENT = LedgerWorker.MISS;

  /** One mutation of one file, from its {@code B} line and, if the process lived, its {@code E} line. */
  record Mutation(String worker, String op, String profile, String arg, boolean ended, String result) {}

  /** A plain get. */
  record Get(String worker, int file, String profile, long before, long after, String result) {}

  private final int files;
  private final List<TreeMap<Long, Mutation>> mutations = new ArrayList<>();
  private final List<Get> gets = new ArrayList<>();
  /** Per file: the possible states per profile after each version (index = version). */
  private final List<List<Map<String, Set<String>>>> states = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private long getxChecked;
  private long unfinished;
  private long tornLines;

  private Ledger(int files) {
    this.files = files;
    for (int f = 0; f < files; f++) {
      mutations.add(new TreeMap<>());
    }
  }

  /** Reads every {@code *.ledger} file in {@code dir} and checks them. */
  static Ledger check(Path dir, int files) throws IOException {
    Ledger ledger = new Ledger(files);
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".ledger")).sorted().toList()) {
        String worker = p.getFileName().toString().replace(".ledger", "");
        ledger.read(worker, Files.readString(p, StandardCharsets.US_ASCII));
      }
    }
    ledger.replay();
    ledger.checkGets();
    return ledger;
  }

  private void read(String worker, String text) {
    Map<String, String[]> begun = new HashMap<>();
    String[] lines = text.split("\n", -1);
    // the last element is what follows the last newline: empty, or a line torn by a SIGKILL
    if (!lines[lines.length - 1].isEmpty()) {
      tornLines++;
    }
    for (int i = 0; i < lines.length - 1; i++) {
      String[] t = lines[i].split(" ");
      switch (t[0]) {
        case "B" -> begun.put(t[1] + " " + t[2], t);
        case "E" -> {
          String[] b = begun.remove(t[1] + " " + t[2]);
          if (b == null) {
            violations.add(worker + ": E without B: " + lines[i]);
          } else {
            put(Integer.parseInt(b[1]), Long.parseLong(b[2]), new Mutation(worker, b[3], b[4], b[5], true, t[3]));
          }
        }
        case "G" -> gets.add(new Get(worker, Integer.parseInt(t[1]), t[2], Long.parseLong(t[3]),
            Long.parseLong(t[4]), t[5]));
        default -> violations.add(worker + ": unreadable ledger line " + lines[i]);
      }
    }
    for (String[] b : begun.values()) {
      unfinished++;
      put(Integer.parseInt(b[1]), Long.parseLong(b[2]), new Mutation(worker, b[3], b[4], b[5], false, null));
    }
  }

  private void put(int file, long version, Mutation m) {
    Mutation other = mutations.get(file).put(version, m);
    if (other != null) {
      violations.add("two mutations of file " + file + " at version " + version + ": " + other + " and " + m);
    }
  }

  private void replay() {
    for (int f = 0; f < files; f++) {
      TreeMap<Long, Mutation> ms = mutations.get(f);
      long last = ms.isEmpty() ? 0 : ms.lastKey();
      for (Get g : gets) {
        if (g.file() == f) {
          last = Math.max(last, g.after());
        }
      }
      List<Map<String, Set<String>>> byVersion = new ArrayList<>();
      Map<String, Set<String>> now = new HashMap<>();
      for (String p : LedgerWorker.PROFILES) {
        now.put(p, Set.of(ABSENT));
      }
      byVersion.add(now);
      for (long v = 1; v <= last; v++) {
        Mutation m = ms.get(v);
        if (m != null) {
          now = apply(f, v, now, m);
        }
        byVersion.add(now);
      }
      states.add(byVersion);
    }
  }

  private Map<String, Set<String>> apply(int f, long v, Map<String, Set<String>> before, Mutation m) {
    Map<String, Set<String>> after = new HashMap<>(before);
    switch (m.op()) {
      case "put" -> after.put(m.profile(), outcome(before.get(m.profile()), m.arg(), m.ended()));
      case "inv" -> after.put(m.profile(), outcome(before.get(m.profile()), ABSENT, m.ended()));
      case "rw", "invf", "pat" -> {
        for (String p : LedgerWorker.PROFILES) {
          after.put(p, outcome(before.get(p), ABSENT, m.ended()));
        }
      }
      case "getx" -> {
        Set<String> possible = before.get(m.profile());
        if (!m.ended()) {
          // it returned nothing we know of; it may have stored its extraction if the key was absent
          after.put(m.profile(), possible.contains(ABSENT) ? union(possible, m.arg()) : possible);
        } else {
          getxChecked++;
          String r = m.result();
          if (r.equals(m.arg()) && !possible.contains(ABSENT)) {
            violations.add("lost write: file " + f + " version " + v + " " + m + " extracted although the cache"
                + " must hold one of " + possible + history(f, m.profile(), v));
          } else if (!r.equals(m.arg()) && !possible.contains(r)) {
            violations.add(kind(f, m.profile(), v, r) + ": file " + f + " version " + v + " " + m + " returned " + r
                + ", possible " + possible + history(f, m.profile(), v));
          }
          after.put(m.profile(), Set.of(r));
        }
      }
      default -> violations.add("unknown operation " + m);
    }
    return after;
  }

  private static Set<String> outcome(Set<String> before, String state, boolean ended) {
    return ended ? Set.of(state) : union(before, state);
  }

  private static Set<String> union(Set<String> a, String b) {
    Set<String> u = new LinkedHashSet<>(a);
    u.add(b);
    return Set.copyOf(u);
  }

  private void checkGets() {
    for (Get g : gets) {
      if (g.before() > g.after()) {
        violations.add("version went back around " + g);
        continue;
      }
      List<Map<String, Set<String>>> byVersion = states.get(g.file());
      Set<String> possible = new LinkedHashSet<>();
      for (long v = g.before(); v <= g.after(); v++) {
        possible.addAll(byVersion.get((int) v).get(g.profile()));
      }
      if (possible.contains(g.result())) {
        continue;
      }
      String what = g.result().equals(ABSENT) ? "lost write" : kind(g.file(), g.profile(), g.after(), g.result());
      violations.add(what + ": " + g + " possible " + possible + history(g.file(), g.profile(), g.after()));
    }
  }

  /** Whether a value outside the possible states is one an invalidation removed, or just older. */
  private String kind(int f, String profile, long upTo, String value) {
    boolean seen = false;
    for (Map.Entry<Long, Mutation> e : mutations.get(f).headMap(upTo, true).entrySet()) {
      Mutation m = e.getValue();
      if (value.equals(m.arg()) || value.equals(m.result())) {
        seen = true;
      } else if (seen && (m.op().equals("invf") || m.op().equals("pat")
          || m.op().equals("inv") && m.profile().equals(profile))) {
        return "resurrection";
      }
    }
    return seen ? "stale read" : "unknown value";
  }

  /** The last few mutations of a file up to a version, for a violation's message. */
  private String history(int f, String profile, long upTo) {
    StringBuilder s = new StringBuilder("; history of file " + f + " (" + profile + "):");
    mutations.get(f).headMap(upTo, true).descendingMap().entrySet().stream().limit(6)
        .forEach(e -> s.append(" [v").append(e.getKey()).append(' ').append(e.getValue()).append(']'));
    return s.toString();
  }

  /** The states possible for each file and profile once every process is gone. */
  Map<String, Set<String>> finalStates(int f) {
    List<Map<String, Set<String>>> byVersion = states.get(f);
    return byVersion.get(byVersion.size() - 1);
  }

  List<String> violations() {
    return violations;
  }

  String summary() {
    long mutationCount = mutations.stream().mapToLong(Map::size).sum();
    Map<String, Long> byOp = new TreeMap<>();
    mutations.forEach(ms -> ms.values().forEach(m -> byOp.merge(m.op(), 1L, Long::sum)));
    long misses = gets.stream().filter(g -> g.result().equals(ABSENT)).count();
    return "ledger: " + mutationCount + " mutations " + byOp + " (" + unfinished + " cut short by a kill), "
        + gets.size() + " plain gets (" + misses + " misses), " + getxChecked + " gets with an extractor checked, "
        + tornLines + " torn last lines; violations " + violations.size();
  }
}
