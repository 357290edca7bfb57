package io.creatorprofiles.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidatorImpl;

/**
 * A setting out of its bounds stops the start with a message naming the key, the way Quarkus validates the mapping at
 * start-up: here the mapping alone, with the same Bean Validation constraints.
 */
class ProfilesConfigBoundsTest {

    @ParameterizedTest
    @ValueSource(strings = { "1", "25", "500", "10000" })
    void aMigrationPageWithinItsBoundsIsTaken(String pageSize) {
        assertEquals(Integer.parseInt(pageSize), mapped("profiles.migration.page-size", pageSize).migration().pageSize());
    }

    @ParameterizedTest
    @ValueSource(strings = { "0", "-1", "10001" })
    void aMigrationPageOutOfItsBoundsStopsTheStartNamingTheKey(String pageSize) {
        ConfigValidationException refused = assertThrows(ConfigValidationException.class,
                () -> mapped("profiles.migration.page-size", pageSize));
        assertTrue(refused.getMessage().contains("profiles.migration.page-size"), refused.getMessage());
    }

    private static ProfilesConfig mapped(String key, String value) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ProfilesConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter()) // "60s", as Quarkus reads durations
                .withSources(new PropertiesConfigSource(Map.of(key, value), "test", 500))
                .withValidator(new BeanValidationConfigValidatorImpl())
                .build();
        return config.getConfigMapping(ProfilesConfig.class);
    }
}
