package io.creatorprofiles.testing;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.creatorprofiles.config.ProfilesConfig;
import io.smallrye.config.ConfigMapping;

/** Every key {@link ProfilesConfig} declares, with the method that declares it: what the app reads of its own. */
public final class ConfigMappingKeys {

    private ConfigMappingKeys() {
    }

    public static Map<String, Method> declared() {
        Map<String, Method> keys = new TreeMap<>();
        walk(ProfilesConfig.class, ProfilesConfig.class.getAnnotation(ConfigMapping.class).prefix(), keys);
        return keys;
    }

    /** The mapping's leaves: a method returning another interface of the mapping is a group, the rest are keys. */
    private static void walk(Class<?> group, String prefix, Map<String, Method> keys) {
        for (Method method : group.getMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || method.getParameterCount() > 0) {
                continue;
            }
            String key = prefix + "." + kebab(method.getName());
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getName().startsWith(ProfilesConfig.class.getName())) {
                walk(type, key, keys);
            } else {
                keys.put(key, method);
            }
        }
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
