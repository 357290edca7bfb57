package io.creatorprofiles.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.ConfigMappingKeys;
import io.smallrye.config.WithDefault;

/**
 * docs/configuration.md is the reference of the service's own settings: every key {@link ProfilesConfig} declares is
 * in its tables, and no {@code profiles.*} key is there that the mapping does not declare. The defaults live in one
 * place, the mapping's {@code @WithDefault}: application.properties may override them only per profile.
 */
class ConfigurationReferenceTest {

    private static final Path REFERENCE = Path.of("docs/configuration.md");
    private static final Path PROPERTIES = Path.of("src/main/resources/application.properties");
    private static final Pattern KEY_IN_FIRST_CELL = Pattern.compile("^\\|\\s*`(profiles\\.[a-z0-9.-]+)`");

    @Test
    void everyKeyTheMappingDeclaresIsDocumentedAndNothingElse() throws IOException {
        Set<String> declared = declaredKeys();
        Set<String> documented = new TreeSet<>();
        for (String line : Files.readAllLines(REFERENCE)) {
            Matcher key = KEY_IN_FIRST_CELL.matcher(line);
            if (key.find()) {
                documented.add(key.group(1));
            }
        }

        assertFalse(declared.isEmpty());
        assertEquals(declared, documented, "profiles.* keys: declared by ProfilesConfig (left), in " + REFERENCE
                + " (right); one row per key, the key first");
    }

    @Test
    void applicationPropertiesRepeatsNoDefaultOfTheMapping() throws IOException {
        Set<String> declared = declaredKeys();
        List<String> repeated = new ArrayList<>();
        for (String line : Files.readAllLines(PROPERTIES)) {
            String key = line.split("=", 2)[0].trim();
            if (declared.contains(key)) {
                repeated.add(line);
            }
        }
        assertEquals(List.of(), repeated, "set without a %profile. prefix, these repeat or hide a @WithDefault");
    }

    @Test
    void everySettingButAnOptionalOneHasItsDefaultInTheMapping() {
        List<String> withoutDefault = new ArrayList<>();
        ConfigMappingKeys.declared().forEach((key, method) -> {
            // An Optional is the one kind of setting whose absence means something ("not set": derived elsewhere).
            if (method.getAnnotation(WithDefault.class) == null && method.getReturnType() != java.util.Optional.class) {
                withoutDefault.add(key);
            }
        });
        assertEquals(List.of(), withoutDefault);
    }

    static Set<String> declaredKeys() {
        return new TreeSet<>(ConfigMappingKeys.declared().keySet());
    }
}
