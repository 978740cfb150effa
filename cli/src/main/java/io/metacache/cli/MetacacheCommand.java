package io.metacache.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code metacache} command. Errors are one line on stderr and a non-zero exit, never a stack trace. */
@Command(name = "metacache", mixinStandardHelpOptions = true, version = "metacache 0.1.0",
    description = "Tiered, content-addressed cache of extracted file metadata.",
    subcommands = {ScanCommand.class, GetCommand.class, QueryCommand.class, InvalidateCommand.class,
        StatsCommand.class, HealthCommand.class, DoctorCommand.class, BenchSmokeCommand.class})
public final class MetacacheCommand {
  /** Exit status of bad usage (unknown option, missing argument, conflicting options). */
  static final int USAGE = 2;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status. */
  public static int run(String... args) {
    return run(null, null, args);
  }

  /** Runs with output and errors sent to the given writers ({@code null}: stdout, stderr). */
  static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new MetacacheCommand());
    if (out != null) {
      cl.setOut(out);
    }
    if (err != null) {
      cl.setErr(err);
    }
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("metacache: " + describe(e));
      return 1;
    });
    cl.setParameterExceptionHandler((e, args2) -> {
      CommandLine c = e.getCommandLine();
      c.getErr().println("metacache: " + e.getMessage() + " (see 'metacache "
          + (c.getCommandName().equals("metacache") ? "" : c.getCommandName() + " ") + "--help')");
      return USAGE;
    });
    return cl.execute(args);
  }

  static String describe(Throwable e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      java.nio.file.NoSuchFileException n = (java.nio.file.NoSuchFileException) e;
      return n.getFile() + ": " + (n.getReason() != null ? n.getReason() : "no such file");
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return ((java.nio.file.AccessDeniedException) e).getFile() + ": permission denied";
    }
    String message = e.getMessage();
    return message != null ? message.replace('\n', ' ') : e.getClass().getSimpleName();
  }
}
