package io.metacache.stress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;
import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;

/**
 * Runs the jcstress tests of {@code target/jcstress.jar} with the JVM flags every metacache JVM
 * needs, and exits non-zero unless every test ran and passed.
 *
 * <p>Usage: {@code java -cp jcstress.jar io.metacache.stress.JcstressRun path/to/jvm.options
 * single|all [jcstress options]}. jcstress forks fresh JVMs, which would lack the module flags
 * Chronicle Map needs; the lines of {@code jvm.options} (comments and blank lines aside) go to
 * every fork. With {@code all} they are prepended ({@code -jvmArgsPrepend}) to each of the JVM
 * configurations jcstress detects (compiler modes, C2 stress randomizers, biased locking: about 28
 * runs per test); with {@code single} they are the whole JVM command line ({@code -jvmArgs}), one
 * configuration per test, which is what keeps the CI run to a couple of minutes. The launcher
 * itself needs no flags: it never loads a test class. jcstress's own
 * {@code Main} reports failures only in its text output; this launcher reads the binary results
 * file back and fails on a failed, errored or missing test.
 */
public final class JcstressRun {

  private JcstressRun() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || !(args[1].equals("single") || args[1].equals("all"))) {
      System.err.println("usage: JcstressRun <jvm.options> single|all [jcstress options]");
      System.exit(2);
    }
    List<String> jvmFlags = jvmOptions(Path.of(args[0]));
    List<String> jcstressArgs = new ArrayList<>(Arrays.asList(args).subList(2, args.length));
    jcstressArgs.add(args[1].equals("single") ? "-jvmArgs" : "-jvmArgsPrepend");
    jcstressArgs.add(String.join(" ", jvmFlags));
    Options options = new Options(jcstressArgs.toArray(new String[0]));
    if (!options.parse()) {
      System.exit(2);
    }
    new JCStress(options).run();
    System.exit(verdict(options.getResultFile()));
  }

  /** The JVM flags in a Java argument file: one per line, {@code #} comments and blanks skipped. */
  static List<String> jvmOptions(Path file) throws IOException {
    List<String> flags = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String flag = line.strip();
      if (!flag.isEmpty() && !flag.startsWith("#")) {
        flags.add(flag);
      }
    }
    return flags;
  }

  private static int verdict(String resultFile) throws IOException, ClassNotFoundException {
    InProcessCollector collector = new InProcessCollector();
    DiskReadCollector reader = new DiskReadCollector(resultFile, collector);
    try {
      reader.dump();
    } finally {
      reader.close();
    }
    int total = 0;
    int failed = 0;
    int interesting = 0;
    for (TestResult result : collector.getTestResults()) {
      total++;
      boolean passed = result.status() == Status.NORMAL && result.grading().isPassed;
      if (!passed) {
        failed++;
        System.out.println("FAILED: " + result.getName() + " " + result.status() + " "
            + result.grading().failureMessages + " " + result.getMessages());
      } else if (result.grading().hasInteresting) {
        interesting++;
      }
    }
    System.out.printf("jcstress: %d test runs, %d failed, %d with interesting outcomes%n", total, failed, interesting);
    if (total == 0) {
      System.out.println("jcstress: no test ran");
      return 1;
    }
    return failed == 0 ? 0 : 1;
  }
}
