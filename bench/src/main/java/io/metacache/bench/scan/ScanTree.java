package io.metacache.bench.scan;

import io.metacache.testkit.ExifJpeg;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;

/**
 * A reproducible tree of real files for the scan figures, built once into a directory and reused
 * (a {@value #MANIFEST} file records what it holds; a tree built with other parameters is rebuilt).
 *
 * <p>Composition, for {@code n} source files:
 * <ul>
 *   <li>Java: 80% of {@code n} from a JDK's {@code lib/src.zip} (the running JDK's if it has one,
 *       else the first found under {@code /usr/lib/jvm}), every k-th {@code .java} entry in name
 *       order so that every module is represented;
 *   <li>Python: 12% from the system's Python standard library ({@code /usr/lib/python3*}), and C:
 *       8% from {@code /usr/include} ({@code .h}), each every k-th file in path order;
 *   <li>images: {@code n / 50} generated ones, half JPEG with EXIF (Make, Model, DateTimeOriginal),
 *       half PNG.
 * </ul>
 * A missing source of files is made up from the JDK sources; with no {@code src.zip} at all,
 * synthetic Java files of a few hundred lines stand in (the manifest says so).
 */
public final class ScanTree {
  /** The file naming what the tree holds. */
  public static final String MANIFEST = "MANIFEST.txt";

  private ScanTree() {}

  /**
   * The regular files of the tree under {@code root} holding {@code sourceFiles} sources plus the
   * images, built if absent or built with other parameters; sorted by path.
   */
  public static List<Path> ensure(Path root, int sourceFiles) throws IOException {
    Path manifest = root.resolve(MANIFEST);
    String wanted = "sourceFiles=" + sourceFiles;
    if (!Files.isRegularFile(manifest) || !Files.readString(manifest).startsWith(wanted + "\n")) {
      deleteTree(root);
      Files.createDirectories(root);
      Map<String, Object> counts = build(root, sourceFiles);
      StringBuilder text = new StringBuilder(wanted).append('\n');
      counts.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
      Files.writeString(manifest, text);
    }
    return files(root);
  }

  /** What the manifest of the tree under {@code root} records, in order. */
  public static Map<String, String> composition(Path root) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : Files.readAllLines(root.resolve(MANIFEST))) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return m;
  }

  /** Every regular file under {@code root} but the manifest, sorted. */
  public static List<Path> files(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).filter(p -> !p.equals(root.resolve(MANIFEST))).sorted()
          .collect(Collectors.toList());
    }
  }

  /** How many of {@code files} have the same content as at least one other. */
  public static int duplicateContentFiles(List<Path> files) throws IOException {
    Map<String, Integer> byDigest = new HashMap<>();
    for (Path f : files) {
      try {
        byDigest.merge(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))), 1,
            Integer::sum);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return byDigest.values().stream().filter(c -> c > 1).mapToInt(Integer::intValue).sum();
  }

  private static Map<String, Object> build(Path root, int n) throws IOException {
    Map<String, Object> counts = new LinkedHashMap<>();
    int python = copyEvery(pythonLib(), ".py", root.resolve("python"), n * 12 / 100);
    int c = copyEvery(Paths.get("/usr/include"), ".h", root.resolve("c"), n * 8 / 100);
    Path srcZip = srcZip();
    int java = 0;
    if (srcZip != null) {
      java = copyJdk(srcZip, root.resolve("jdk"), n - python - c);
      counts.put("java.source", srcZip.toString());
    }
    int synthetic = 0;
    for (int i = java + python + c; i < n; i++, synthetic++) {
      Path f = root.resolve("synthetic").resolve("p" + (i % 50)).resolve("Gen" + i + ".java");
      Files.createDirectories(f.getParent());
      Files.writeString(f, syntheticJava(i));
    }
    int images = Math.max(2, n / 50);
    Path img = root.resolve("images");
    Files.createDirectories(img);
    for (int i = 0; i < images; i++) {
      if (i % 2 == 0) {
        ExifJpeg.write(img.resolve("photo" + i + ".jpg"), i, "Maker" + (i % 7), "Model " + (i % 13),
            String.format("2023:%02d:%02d 12:%02d:00", 1 + i % 12, 1 + i % 28, i % 60));
      } else {
        BufferedImage image = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(i * 37 % 256, i * 91 % 256, 160));
        g.fillRect(0, 0, 96, 64);
        g.setColor(Color.BLACK);
        g.drawString("img " + i, 8, 32);
        g.dispose();
        ImageIO.write(image, "png", img.resolve("figure" + i + ".png").toFile());
      }
    }
    counts.put("java", java);
    counts.put("python", python);
    counts.put("c", c);
    counts.put("synthetic.java", synthetic);
    counts.put("images", images);
    return counts;
  }

  private static Path srcZip() throws IOException {
    Path own = Paths.get(System.getProperty("java.home"), "lib", "src.zip");
    if (Files.isReadable(own)) {
      return own;
    }
    Path jvms = Paths.get("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return null;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(jvms)) {
      List<Path> found = new ArrayList<>();
      for (Path d : dirs) {
        Path z = d.resolve("lib").resolve("src.zip");
        if (Files.isReadable(z)) { // a dangling link (source package not installed) is skipped
          found.add(z.toRealPath());
        }
      }
      return found.stream().distinct().sorted().findFirst().orElse(null);
    }
  }

  private static int copyJdk(Path srcZip, Path dir, int n) throws IOException {
    if (n <= 0) {
      return 0;
    }
    try (ZipFile zip = new ZipFile(srcZip.toFile())) {
      List<? extends ZipEntry> entries = zip.stream().filter(e -> !e.isDirectory() && e.getName().endsWith(".java"))
          .sorted(Comparator.comparing(ZipEntry::getName)).collect(Collectors.toList());
      int take = Math.min(n, entries.size());
      double stride = (double) entries.size() / Math.max(1, take);
      for (int i = 0; i < take; i++) {
        ZipEntry e = entries.get((int) (i * stride));
        Path target = dir.resolve(e.getName());
        Files.createDirectories(target.getParent());
        try (InputStream in = zip.getInputStream(e)) {
          Files.copy(in, target);
        }
      }
      return take;
    }
  }

  private static Path pythonLib() throws IOException {
    Path lib = Paths.get("/usr/lib");
    if (!Files.isDirectory(lib)) {
      return null;
    }
    try (Stream<Path> dirs = Files.list(lib)) {
      return dirs.filter(d -> d.getFileName().toString().matches("python3\\.\\d+") && Files.isDirectory(d))
          .sorted().findFirst().orElse(null);
    }
  }

  private static int copyEvery(Path from, String suffix, Path dir, int n) throws IOException {
    if (from == null || !Files.isDirectory(from) || n <= 0) {
      return 0;
    }
    List<Path> all;
    try (Stream<Path> walk = Files.walk(from)) {
      all = walk.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p)
          && !Files.isSymbolicLink(p)).sorted().collect(Collectors.toList());
    } catch (UncheckedIOException e) {
      return 0; // an unreadable corner of a system directory: leave this source out
    }
    int take = Math.min(n, all.size());
    double stride = (double) all.size() / Math.max(1, take);
    for (int i = 0; i < take; i++) {
      Path source = all.get((int) (i * stride));
      Path target = dir.resolve(from.relativize(source).toString());
      Files.createDirectories(target.getParent());
      Files.copy(source, target);
    }
    return take;
  }

  private static String syntheticJava(int i) {
    StringBuilder s = new StringBuilder("package gen.p").append(i % 50).append(";\n\n")
        .append("/** Generated file ").append(i).append("; see docs/design-").append(i % 17).append(".md */\n")
        .append("public class Gen").append(i).append(" {\n");
    for (int m = 0; m < 20; m++) {
      s.append("  /** Method ").append(m).append(". */\n  public int method").append(m).append("_").append(i % 31)
          .append("(int x) {\n    return x * ").append(m).append(" + ").append(i).append(";\n  }\n\n");
    }
    return s.append("}\n").toString();
  }

  /** Deletes a directory tree, best effort. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    }
  }
}
