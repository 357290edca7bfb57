package io.creatorprofiles.http;

import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.BadRequestException;

/**
 * The {@code dryRun} query parameter of a maintenance door: {@code true} or {@code false} (any case, trimmed), nothing
 * else. JAX-RS would read {@code yes}, {@code 1} or an empty value as {@code false} and apply; a typo must not write.
 */
public final class DryRun {

    private DryRun() {
    }

    /**
     * The parameter's raw values (null when absent): absent is a dry run; one true or false is itself; anything else,
     * an empty value or the parameter twice included, is a {@link BadRequestException} (400 problem+json).
     */
    public static boolean parse(List<String> values) {
        if (values == null) {
            return true;
        }
        if (values.size() != 1) {
            throw new BadRequestException("dryRun must be true or false, given once");
        }
        return parse(values.get(0));
    }

    public static boolean parse(String value) {
        String normalized = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (normalized) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new BadRequestException("dryRun must be true or false, not '" + abbreviate(value) + "'");
        };
    }

    private static String abbreviate(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= 20 ? value : value.substring(0, 20) + "…";
    }
}
