package dev.laststate.e2e;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The real laststate command line, in-process: the cli's shaded jar (built against Flink 2.3.0) in a class
 * loader of its own, so it never sees the MiniCluster's Flink (2.3.0 or 1.20.5) on the test class path, and
 * {@code LastStateCommand.run(args, out, err, env)} called as the cli tests call it.
 */
final class LastStateCli implements AutoCloseable {

    /** What one run printed and returned. */
    record Run(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final URLClassLoader loader;
    private final Method run;

    LastStateCli() throws Exception {
        String jar = System.getProperty("laststate.jar", "");
        Path path = Path.of(jar.isEmpty() ? "../cli/target/laststate.jar" : jar).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("no laststate jar at " + path
                    + ": run the e2e tests from the project root with 'mvn -B -pl e2e -am verify' (the cli packages it)");
        }
        loader = new URLClassLoader("laststate-cli", new URL[] {path.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<?> command = Class.forName("dev.laststate.cli.LastStateCommand", true, loader);
        run = command.getDeclaredMethod("run", String[].class, PrintWriter.class, PrintWriter.class, Map.class);
        run.setAccessible(true); // package-private: the entry point the cli's own tests use
    }

    Run run(String... args) {
        return run(Map.of(), args);
    }

    /** Runs with {@code environment} as the process environment the cli sees (its stores see only that). */
    Run run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader); // ServiceLoader look-ups inside the cli find its own providers
        try {
            int code = (Integer) run.invoke(null, args, new PrintWriter(out), new PrintWriter(err), Map.copyOf(environment));
            return new Run(code, out.toString(), err.toString());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot run the laststate cli", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public void close() throws IOException {
        loader.close();
    }
}
