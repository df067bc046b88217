package com.uirig.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code uirig} command line. Exit codes: 0 success or nothing to do, 1 error, 2 changes pending. */
@Command(name = "uirig", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Converges FreeBSD hosts running VNET jails to declarative YAML playbooks over SSH.",
        subcommands = {ValidateCommand.class, RenderCommand.class, TrustCommand.class, FactsCommand.class, PlanCommand.class,
                CheckCommand.class, ApplyCommand.class, LogCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success: nothing to change, in sync, converged", "1:error (invalid input, unreachable or busy host, failure)",
                "2:changes pending (plan) or drift found (check)",
                "129, 130, 143:apply interrupted by SIGHUP, SIGINT, SIGTERM"})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int CHANGES = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * What a user reads about a failure that reached the top: its own words, never Java's class
     * names; one without words is a bug in uirig, and says so.
     */
    static String userMessage(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.io.UncheckedIOException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (t instanceof IOException && m != null && !m.isBlank()) {
            return m;
        }
        return "internal error" + (m == null || m.isBlank() ? "" : ": " + m)
                + " (a bug in uirig: please report it; UIRIG_DEBUG=1 shows where it happened)";
    }

    /** Runs the command line with the given output streams; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, arguments) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("uirig: " + e.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, c.getErr())) {
                c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            }
            return ERROR;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("uirig: " + userMessage(e));
            if (System.getenv("UIRIG_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            return ERROR;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The version written into the jar at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/uirig-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"uirig " + p.getProperty("version", "unknown")};
        }
    }
}
