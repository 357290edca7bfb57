package io.creatorprofiles.cli;

import picocli.CommandLine.IVersionProvider;

/**
 * What {@code --version} prints: the artifact's version from its jar manifest (Implementation-Version, written by the
 * build), or a plain word where there is none (classes run from a checkout).
 */
public class BuildVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = BuildVersion.class.getPackage().getImplementationVersion();
        return new String[] { "creator-profiles " + (version == null ? "(not a packaged build)" : version) };
    }
}
