package io.metacache.key;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Child JVM main of {@code NativeStatTest}: prints {@code implementation=} what
 * {@link FileStat#read} uses in this runtime, {@code key=} the class of the file key it returned,
 * then each failed {@link StatChecks} check as a
 * {@code failure=} line, then {@code checked}, and exits 0 only if every check held.
 */
public final class NativeStatProbe {
  private NativeStatProbe() {}

  public static void main(String[] args) throws Exception {
    System.out.println("implementation=" + FileStat.implementation());
    System.out.println("available=" + NativeStat.AVAILABLE);
    Path dir = Files.createTempDirectory(Path.of(args[0]), "probe");
    // the class of the file key says which path FileStat.read took: DeviceInode only natively
    Path file = Files.write(dir.resolve("key"), new byte[1]);
    System.out.println("key=" + FileStat.read(file).fileKey().getClass().getSimpleName());
    List<String> failures = StatChecks.run(dir);
    for (String f : failures) {
      System.out.println("failure=" + f);
    }
    System.out.println("checked");
    System.exit(failures.isEmpty() ? 0 : 1);
  }
}
