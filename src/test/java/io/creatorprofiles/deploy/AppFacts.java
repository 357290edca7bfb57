package io.creatorprofiles.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.creatorprofiles.cli.CreatorProfilesCommand;
import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.testing.ConfigMappingKeys;
import io.smallrye.config.WithDefault;
import picocli.CommandLine;

/** Facts about the application that the manifests must agree with, read from the application, not restated. */
final class AppFacts {

    private static final Path PROPERTIES = Path.of("src/main/resources/application.properties");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([a-zA-Z0-9.\\-]+)");

    private AppFacts() {
    }

    static ManifestRules.Facts read() {
        Properties properties = properties();
        return new ManifestRules.Facts(
                Integer.parseInt(properties.getProperty("quarkus.http.port", "8080")),
                Integer.parseInt(properties.getProperty("quarkus.management.port")),
                knownEnvNames(properties),
                AppFacts::isSubcommand,
                duration(properties.getProperty("quarkus.shutdown.timeout", "0s")),
                defaultOf(properties.getProperty("quarkus.mongodb.server-selection-timeout")),
                scanCommandTimeout(properties));
    }

    /**
     * Env names the app maps to a property it reads: the keys its config mapping declares (with their defaults, so
     * application.properties does not repeat them), the properties and the ${...} references in
     * application.properties, and every runtime property the Quarkus extensions on the class
     * path document (their config model, shipped in each extension's jar).
     */
    static Set<String> knownEnvNames(Properties properties) {
        Set<String> names = new HashSet<>();
        ConfigMappingKeys.declared().keySet().forEach(key -> names.add(toEnv(key)));
        for (String key : properties.stringPropertyNames()) {
            names.add(toEnv(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key));
            Matcher references = REFERENCE.matcher(properties.getProperty(key));
            while (references.find()) {
                names.add(toEnv(references.group(1)));
            }
        }
        ObjectMapper mapper = new ObjectMapper();
        try {
            Enumeration<URL> models = AppFacts.class.getClassLoader()
                    .getResources("META-INF/quarkus-config-doc/quarkus-config-model.json");
            while (models.hasMoreElements()) {
                try (InputStream in = models.nextElement().openStream()) {
                    mapper.readTree(in).findValues("environmentVariable").stream().map(JsonNode::asText)
                            .forEach(names::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** True when the arguments name a subcommand the entry point really has, with options it accepts. */
    static boolean isSubcommand(List<String> args) {
        try {
            return new CommandLine(new CreatorProfilesCommand()).parseArgs(args.toArray(String[]::new)).hasSubcommand();
        } catch (CommandLine.ParameterException e) {
            return false;
        }
    }

    static boolean hasCommand(String name) {
        return new CommandLine(new CreatorProfilesCommand()).getSubcommands().containsKey(name);
    }

    /** SmallRye's env name for a property: upper case, every other character an underscore. */
    static String toEnv(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** "10s", "5S", "PT20S", "1m" as a Duration. */
    static Duration duration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("pt")) {
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        }
        long amount = Long.parseLong(value.replaceAll("[a-z]+$", ""));
        return switch (value.replaceAll("^[0-9]+", "")) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    /** profiles.duplicates.command-timeout as the app runs it: application.properties, else its @WithDefault. */
    static Duration scanCommandTimeout(Properties properties) {
        String value = properties.getProperty("profiles.duplicates.command-timeout");
        if (value == null) {
            try {
                value = ProfilesConfig.Duplicates.class.getMethod("commandTimeout").getAnnotation(WithDefault.class)
                        .value();
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
        }
        return duration(value);
    }

    /** The default of a "${name:default}" value, or the value itself. */
    private static Duration defaultOf(String value) {
        Matcher withDefault = Pattern.compile("\\$\\{[^:}]+:([^}]+)}").matcher(value);
        return duration(withDefault.find() ? withDefault.group(1) : value);
    }

    private static Properties properties() {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(PROPERTIES)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
