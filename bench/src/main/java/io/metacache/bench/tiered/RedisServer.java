package io.metacache.bench.tiered;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.embedded.core.ExecutableProvider;

/**
 * A private {@code redis-server} on a free loopback port for the tiered benchmarks: the binary on
 * the PATH when it is 6.2 or newer (PXAT), else the one shipped in the embedded-redis jar (as the
 * tier tests find it). No persistence. {@link #tryStart()} returns {@code null} when no server can
 * be started, so a benchmark can report the Redis figures as absent instead of failing.
 */
public final class RedisServer implements AutoCloseable {
  private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)");

  private final Process process;
  private final int port;
  private final Path directory;

  private RedisServer(Process process, int port, Path directory) {
    this.process = process;
    this.port = port;
    this.directory = directory;
  }

  /** A running server, or {@code null} if none could be started here. */
  public static RedisServer tryStart() {
    try {
      Path binary = findOnPath();
      if (binary == null) {
        binary = ExecutableProvider.newJarResourceProvider().get().toPath();
      }
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path dir = Files.createTempDirectory("bench-redis-");
      Process p = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"))
          .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (!answers(port)) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          p.destroyForcibly();
          return null;
        }
        Thread.sleep(20);
      }
      return new RedisServer(p, port, dir);
    } catch (IOException | RuntimeException e) {
      System.err.println("no redis-server for the benchmark: " + e);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Bench.deleteTree(directory);
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
      return major > 6 || (major == 6 && Integer.parseInt(m.group(2)) >= 2);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean answers(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return in.read() == '+';
    } catch (IOException e) {
      return false;
    }
  }
}
