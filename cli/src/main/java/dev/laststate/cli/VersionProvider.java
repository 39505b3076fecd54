package dev.laststate.cli;

import picocli.CommandLine.IVersionProvider;

/** The project version from the jar manifest's Implementation-Version; "dev" when running from classes. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"laststate " + version()};
    }

    static String version() {
        String fromManifest = LastStateCommand.class.getPackage().getImplementationVersion();
        return fromManifest == null || fromManifest.isBlank() ? "dev" : fromManifest;
    }
}
