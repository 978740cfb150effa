package io.metacache.counters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child JVM on the test class path with the repository's {@code jvm.options}; its output is kept by line. */
final class ChildJvm implements AutoCloseable {
  final Process process;
  private final List<String> lines = new ArrayList<>();

  private ChildJvm(Process process) {
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
          }
        }
      } catch (IOException ignored) {
        // the child was killed
      }
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
  }

  static ChildJvm start(Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("@" + jvmOptions());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** The first output line starting with {@code prefix}; fails if the child exits first or after the hang guard. */
  String awaitLine(String prefix) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2); // a hang guard, not a timing assertion
    synchronized (lines) {
      while (true) {
        for (String line : lines) {
          if (line.startsWith(prefix)) {
            return line;
          }
        }
        if (!process.isAlive() || System.nanoTime() > deadline) {
          Thread.sleep(200); // let the reader drain the last lines for the message
          throw new AssertionError("child " + (process.isAlive() ? "printed no " : "exited without ")
              + prefix + "; output: " + lines);
        }
        lines.wait(100);
      }
    }
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(1, TimeUnit.MINUTES)) {
      throw new AssertionError("child " + pid() + " survived SIGKILL");
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  static Path jvmOptions() {
    for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
      if (Files.exists(at.resolve("jvm.options"))) {
        return at.resolve("jvm.options");
      }
    }
    throw new IllegalStateException("jvm.options not found above " + Path.of("").toAbsolutePath());
  }
}
