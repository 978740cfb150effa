package io.metacache.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.embedded.core.ExecutableProvider;

/**
 * A real {@code redis-server} process on a free loopback port, for integration tests and the
 * tiered benchmarks. The binary is {@code redis-server} from the PATH when it is 6.2 or newer
 * (PXAT), else the Linux/macOS build shipped inside the embedded-redis jar. No persistence
 * ({@code --save ''}, {@code --appendonly no}). {@link #launch} starts one or throws;
 * {@link #tryLaunch} starts one or says why not, for callers that can do without Redis;
 * {@link #stop()} kills the process with SIGKILL; {@link #start()} starts it again on the same port.
 */
public final class RedisServerProcess implements AutoCloseable {
  private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)");
  private static volatile Path executable;

  private final int port;
  private final Path directory;
  private final List<String> extraArgs;
  private Process process;

  private RedisServerProcess(int port, Path directory, List<String> extraArgs) {
    this.port = port;
    this.directory = directory;
    this.extraArgs = List.copyOf(extraArgs);
  }

  /** Starts a server on a free port with these extra arguments ({@code "--requirepass", "secret"}). */
  public static RedisServerProcess launch(String... extraArgs) {
    return startOn(freePort(false), extraArgs);
  }

  /**
   * Starts a server on a free port, or returns empty when none can be started here (no usable
   * binary, or it does not come up), having printed the reason to stderr: a benchmark can then
   * report its Redis figures as absent instead of failing.
   */
  public static Optional<RedisServerProcess> tryLaunch(String... extraArgs) {
    try {
      return Optional.of(launch(extraArgs));
    } catch (RuntimeException e) {
      System.err.println("no redis-server could be started: " + e);
      return Optional.empty();
    }
  }

  /**
   * Starts a Cluster-enabled node ({@code --cluster-enabled yes}) on a free port whose cluster bus
   * port (port + 10000) is free as well; its nodes file lives in the server's temporary directory.
   */
  public static RedisServerProcess launchClusterNode() {
    int port = freePort(true);
    return startOn(port, "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
        "--cluster-node-timeout", "5000");
  }

  // A server that does not come up leaves no process and no directory behind.
  private static RedisServerProcess startOn(int port, String... extraArgs) {
    Path dir;
    try {
      dir = Files.createTempDirectory("redis-" + port + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RedisServerProcess server = new RedisServerProcess(port, dir, List.of(extraArgs));
    try {
      server.start();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** The port the server listens on (the same across restarts). */
  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Whether the process is running. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts the server (again) on its port and waits until it answers; a no-op when running. */
  public synchronized void start() {
    if (isRunning()) {
      return;
    }
    List<String> command = new ArrayList<>(List.of(executable().toString(),
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", directory.toString(), "--daemonize", "no"));
    command.addAll(extraArgs);
    File log = directory.resolve("redis.log").toFile();
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!answers()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IllegalStateException("redis-server on port " + port + " did not start: " + tail(log));
      }
      sleep(20);
    }
  }

  /** Kills the server with SIGKILL (no shutdown, no goodbye to clients) and waits for it to exit. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server on port " + port + " survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    process = null;
  }

  /** Stops the server and deletes its directory. */
  @Override
  public void close() {
    stop();
    try (var files = Files.walk(directory)) {
      files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temporary directory is harmless
    }
  }

  // ---------------------------------------------------------------- binary

  /** The redis-server binary used: from the PATH if 6.2 or newer, else the one inside embedded-redis. */
  public static Path executable() {
    Path e = executable;
    if (e == null) {
      synchronized (RedisServerProcess.class) {
        e = executable;
        if (e == null) {
          e = findOnPath();
          if (e == null) {
            try {
              e = ExecutableProvider.newJarResourceProvider().get().toPath();
            } catch (IOException ex) {
              throw new UncheckedIOException("cannot extract redis-server from embedded-redis", ex);
            }
          }
          executable = e;
        }
      }
    }
    return e;
  }

  private static Path findOnPath() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "redis-server");
      if (Files.isExecutable(candidate) && supportsPxat(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean supportsPxat(Path binary) {
    try {
      Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(5, TimeUnit.SECONDS);
      Matcher m = VERSION.matcher(out);
      if (!m.find()) {
        return false;
      }
      int major = Integer.parseInt(m.group(1));
      int minor = Integer.parseInt(m.group(2));
      return major > 6 || (major == 6 && minor >= 2);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // ---------------------------------------------------------------- helpers

  private static int freePort(boolean withBusPort) {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        socket.setReuseAddress(true);
        port = socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (!withBusPort) {
        return port;
      }
      if (port + 10_000 <= 65_535 && isFree(port + 10_000)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port pair (port, port + 10000) found");
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return socket.isBound();
    } catch (IOException e) {
      return false;
    }
  }

  // Any RESP reply to PING (+PONG, or -NOAUTH behind requirepass) means the server is serving.
  private boolean answers() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      int first = in.read();
      return first == '+' || first == '-';
    } catch (IOException e) {
      return false;
    }
  }

  private static String tail(File log) {
    try {
      String s = Files.readString(log.toPath());
      return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
