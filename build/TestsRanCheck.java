/*
 * The build's guard against a blind test suite: after Surefire, every test class of the module must
 * have a report. Run by the parent pom in each module (prepare-package, after the test phase) with
 * the JDK's single-file source launcher, so it needs no build of its own:
 *
 *   java build/TestsRanCheck.java <test-classes> <test sources> <surefire-reports> <skipTests> <maven.test.skip>
 *
 * A test class is a concrete class in the test-classes directory with a method annotated by a JUnit
 * Jupiter or jqwik test annotation (@Test, @ParameterizedTest, @RepeatedTest, @TestFactory,
 * @TestTemplate, @Property, @Example), declared on it or on a superclass in the same directory.
 * It ran when Surefire wrote TEST-<class>.xml for it (the JUnit Platform provider writes one per
 * class, for the Jupiter and the jqwik engine alike). Abstract classes, interfaces and fixtures
 * (no test method) are not test classes; a nested class counts as run when it or its top-level
 * class has a report (JUnit runs @Nested classes with their enclosing class). A class file whose
 * source file (its SourceFile attribute, in its package's folder) is gone from the test sources is
 * a leftover of an earlier build, not a test of this one.
 *
 * The class files are read directly (a minimal class-file parser below): loading the classes would
 * need the module's test classpath and could run their static initialisers.
 */

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

public final class TestsRanCheck {

  private static final Set<String> TEST_ANNOTATIONS = Set.of(
      "Lorg/junit/jupiter/api/Test;",
      "Lorg/junit/jupiter/api/RepeatedTest;",
      "Lorg/junit/jupiter/api/TestFactory;",
      "Lorg/junit/jupiter/api/TestTemplate;",
      "Lorg/junit/jupiter/params/ParameterizedTest;",
      "Lnet/jqwik/api/Property;",
      "Lnet/jqwik/api/Example;");

  private static final int ACC_INTERFACE = 0x0200;
  private static final int ACC_ABSTRACT = 0x0400;

  /** What the check needs of one class file. */
  private record ClassInfo(String name, String superName, boolean concrete, boolean declaresTests,
      String sourceFile) {}

  public static void main(String[] args) throws IOException {
    if (args.length != 5) {
      System.err.println(
          "usage: TestsRanCheck <test-classes> <test sources> <surefire-reports> <skipTests> <maven.test.skip>");
      System.exit(2);
    }
    Path classes = Path.of(args[0]);
    Path sources = Path.of(args[1]);
    Path reports = Path.of(args[2]);
    if (Boolean.parseBoolean(args[3]) || Boolean.parseBoolean(args[4])) {
      System.out.println("[tests-ran] tests skipped in this build: nothing to check");
      return;
    }
    if (!Files.isDirectory(classes)) {
      System.out.println("[tests-ran] no test classes: nothing to check");
      return;
    }

    Map<String, ClassInfo> infos = new HashMap<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
        String fileName = file.getFileName().toString();
        if (fileName.equals("module-info.class") || fileName.equals("package-info.class")) {
          continue;
        }
        try (InputStream in = Files.newInputStream(file)) {
          ClassInfo info = read(new DataInputStream(in));
          infos.put(info.name(), info);
        }
      }
    }

    Set<String> ran = new TreeSet<>();
    if (Files.isDirectory(reports)) {
      try (Stream<Path> files = Files.list(reports)) {
        files.map(p -> p.getFileName().toString())
            .filter(n -> n.startsWith("TEST-") && n.endsWith(".xml"))
            .map(n -> n.substring("TEST-".length(), n.length() - ".xml".length()))
            .forEach(ran::add);
      }
    }

    List<String> testClasses = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (ClassInfo info : infos.values()) {
      if (!info.concrete() || !hasTests(info, infos) || isLeftover(info, sources)) {
        continue;
      }
      String binaryName = info.name().replace('/', '.');
      testClasses.add(binaryName);
      int dollar = binaryName.indexOf('$');
      String topLevel = dollar < 0 ? binaryName : binaryName.substring(0, dollar);
      if (!ran.contains(binaryName) && !ran.contains(topLevel)) {
        missing.add(binaryName);
      }
    }
    missing.sort(null);

    if (!missing.isEmpty()) {
      System.err.println("[tests-ran] " + missing.size() + " of " + testClasses.size()
          + " test classes did not run (no TEST-<class>.xml in " + reports + "):");
      missing.forEach(name -> System.err.println("[tests-ran]   " + name));
      System.err.println("[tests-ran] Surefire runs classes named *Test: rename them, "
          + "or the suite silently loses their tests.");
      System.exit(1);
    }
    System.out.println("[tests-ran] all " + testClasses.size() + " test classes ran");
  }

  private static boolean isLeftover(ClassInfo info, Path sources) {
    if (info.sourceFile() == null) {
      return false;
    }
    int slash = info.name().lastIndexOf('/');
    Path folder = slash < 0 ? sources : sources.resolve(info.name().substring(0, slash));
    return !Files.exists(folder.resolve(info.sourceFile()));
  }

  private static boolean hasTests(ClassInfo info, Map<String, ClassInfo> infos) {
    // Inherited test methods make a concrete subclass a test class; the walk stops at the first
    // superclass outside the test-classes directory (Object, or a main or library class).
    for (ClassInfo c = info; c != null; c = c.superName() == null ? null : infos.get(c.superName())) {
      if (c.declaresTests()) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------------
  // A minimal class-file reader (JVMS chapter 4): the constant pool, the access flags, this and the
  // superclass, the RuntimeVisibleAnnotations of the methods and the class's SourceFile attribute.
  // Everything else is skipped.

  private static ClassInfo read(DataInputStream in) throws IOException {
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort(); // minor
    in.readUnsignedShort(); // major
    int poolCount = in.readUnsignedShort();
    String[] utf8 = new String[poolCount];
    int[] classNameIndex = new int[poolCount];
    for (int i = 1; i < poolCount; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF(); // Utf8: the class file's modified UTF-8, as readUTF reads it
        case 7 -> classNameIndex[i] = in.readUnsignedShort(); // Class
        case 8, 16, 19, 20 -> in.skipNBytes(2); // String, MethodType, Module, Package
        case 15 -> in.skipNBytes(3); // MethodHandle
        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4); // Integer .. InvokeDynamic
        case 5, 6 -> { // Long, Double: two slots
          in.skipNBytes(8);
          i++;
        }
        default -> throw new IOException("unknown constant pool tag " + tag);
      }
    }
    int access = in.readUnsignedShort();
    String name = utf8[classNameIndex[in.readUnsignedShort()]];
    int superIndex = in.readUnsignedShort();
    String superName = superIndex == 0 ? null : utf8[classNameIndex[superIndex]];
    in.skipNBytes(2L * in.readUnsignedShort()); // interfaces

    int fields = in.readUnsignedShort();
    for (int i = 0; i < fields; i++) {
      in.skipNBytes(6); // access, name, descriptor
      skipAttributes(in);
    }
    boolean declaresTests = false;
    int methods = in.readUnsignedShort();
    for (int i = 0; i < methods; i++) {
      in.skipNBytes(6);
      int attributes = in.readUnsignedShort();
      for (int a = 0; a < attributes; a++) {
        String attribute = utf8[in.readUnsignedShort()];
        int length = in.readInt();
        if (!"RuntimeVisibleAnnotations".equals(attribute)) {
          in.skipNBytes(Integer.toUnsignedLong(length));
          continue;
        }
        int annotations = in.readUnsignedShort();
        for (int k = 0; k < annotations; k++) {
          declaresTests |= TEST_ANNOTATIONS.contains(annotation(in, utf8));
        }
      }
    }
    String sourceFile = null;
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      String attribute = utf8[in.readUnsignedShort()];
      int length = in.readInt();
      if ("SourceFile".equals(attribute)) {
        sourceFile = utf8[in.readUnsignedShort()];
      } else {
        in.skipNBytes(Integer.toUnsignedLong(length));
      }
    }
    boolean concrete = (access & (ACC_INTERFACE | ACC_ABSTRACT)) == 0;
    return new ClassInfo(name, superName, concrete, declaresTests, sourceFile);
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      in.skipNBytes(2);
      in.skipNBytes(Integer.toUnsignedLong(in.readInt()));
    }
  }

  /** Reads one annotation structure and returns its type descriptor. */
  private static String annotation(DataInputStream in, String[] utf8) throws IOException {
    String type = utf8[in.readUnsignedShort()];
    int pairs = in.readUnsignedShort();
    for (int p = 0; p < pairs; p++) {
      in.skipNBytes(2); // element name
      skipElementValue(in, utf8);
    }
    return type;
  }

  private static void skipElementValue(DataInputStream in, String[] utf8) throws IOException {
    int tag = in.readUnsignedByte();
    switch (tag) {
      case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z', 's', 'c' -> in.skipNBytes(2);
      case 'e' -> in.skipNBytes(4);
      case '@' -> annotation(in, utf8);
      case '[' -> {
        int values = in.readUnsignedShort();
        for (int v = 0; v < values; v++) {
          skipElementValue(in, utf8);
        }
      }
      default -> throw new IOException("unknown element value tag " + (char) tag);
    }
  }
}
