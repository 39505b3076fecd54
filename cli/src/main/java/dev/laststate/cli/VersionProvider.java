package dev.laststate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The project version: the manifest's Implementation-Version if set, else the pom.properties Maven puts in
 * the jar, else "dev" (running from classes, as the tests do).
 */
final class VersionProvider implements IVersionProvider {

    private static final String POM_PROPERTIES = "/META-INF/maven/dev.laststate/laststate-cli/pom.properties";

    @Override
    public String[] getVersion() {
        return new String[] {"laststate " + version()};
    }

    static String version() {
        String fromManifest = LastStateCommand.class.getPackage().getImplementationVersion();
        if (fromManifest != null && !fromManifest.isBlank()) {
            return fromManifest;
        }
        try (InputStream in = LastStateCommand.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version");
                if (version != null && !version.isBlank()) {
                    return version;
                }
            }
        } catch (IOException unreadable) {
            // fall through: the version is informational
        }
        return "dev";
    }
}
