package io.metacache.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code metacache} command. Errors are one line on stderr and a non-zero exit, never a stack trace. */
@Command(name = "metacache", mixinStandardHelpOptions = true, version = "metacache 0.1.0",
    description = "Tiered, content-addressed cache of extracted file metadata.",
    subcommands = {ScanCommand.class, GetCommand.class, InvalidateCommand.class, StatsCommand.class,
        HealthCommand.class})
public final class MetacacheCommand {

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status. */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new MetacacheCommand());
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("metacache: " + describe(e));
      return 1;
    });
    return cl.execute(args);
  }

  static String describe(Throwable e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      java.nio.file.NoSuchFileException n = (java.nio.file.NoSuchFileException) e;
      return n.getFile() + ": " + (n.getReason() != null ? n.getReason() : "no such file");
    }
    String message = e.getMessage();
    return message != null ? message : e.getClass().getSimpleName();
  }
}
