package io.creatorprofiles.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.smallrye.config.ConfigMapping;
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
        walk(ProfilesConfig.class, ProfilesConfig.class.getAnnotation(ConfigMapping.class).prefix(), (key, method) -> {
            // An Optional is the one kind of setting whose absence means something ("not set": derived elsewhere).
            if (method.getAnnotation(WithDefault.class) == null && method.getReturnType() != java.util.Optional.class) {
                withoutDefault.add(key);
            }
        });
        assertEquals(List.of(), withoutDefault);
    }

    static Set<String> declaredKeys() {
        Set<String> keys = new TreeSet<>();
        walk(ProfilesConfig.class, ProfilesConfig.class.getAnnotation(ConfigMapping.class).prefix(),
                (key, method) -> keys.add(key));
        return keys;
    }

    private interface Leaf {
        void accept(String key, Method method);
    }

    /** The mapping's leaves: a method returning another interface of the mapping is a group, the rest are keys. */
    private static void walk(Class<?> group, String prefix, Leaf leaf) {
        for (Method method : group.getMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || method.getParameterCount() > 0) {
                continue;
            }
            String key = prefix + "." + kebab(method.getName());
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getName().startsWith(ProfilesConfig.class.getName())) {
                walk(type, key, leaf);
            } else {
                leaf.accept(key, method);
            }
        }
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
