package io.creatorprofiles.auth;

import java.util.NoSuchElementException;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.arc.profile.UnlessBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.annotations.CommandLineArguments;

/**
 * The HTTP service needs the JWT settings; the one-off commands (scan, repair, archive, --help) do not, so they are
 * optional in the configuration and required here, only when the artifact runs as the service (no arguments). The
 * message names the environment variables an operator sets, not the framework's property names.
 */
@ApplicationScoped
@UnlessBuildProfile(anyOf = { "dev", "test" })
public class JwtSettingsRequired {

    static final String MESSAGE = "The service needs the JWT settings: set JWT_PUBLIC_KEY_LOCATION (property "
            + "jwt.public-key-location: a PEM file, or the URL of the issuer's public key or JWKS) or JWT_PUBLIC_KEY "
            + "(property jwt.public-key: the key itself, PEM or JWKS), and JWT_ISSUER (property jwt.issuer: the tokens' "
            + "iss). The one-off commands do not need them.";

    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event,
            @CommandLineArguments String[] args) {
        if (args.length > 0) {
            return;
        }
        boolean noKey = blank("mp.jwt.verify.publickey.location") && blank("mp.jwt.verify.publickey");
        if (noKey || blank("mp.jwt.verify.issuer")) {
            throw new IllegalStateException(MESSAGE);
        }
    }

    private static boolean blank(String property) {
        try {
            String value = ConfigProvider.getConfig().getOptionalValue(property, String.class).orElse("");
            return value.isBlank() || value.equals("NONE"); // smallrye-jwt's own word for "not set"
        } catch (NoSuchElementException | IllegalArgumentException unresolved) {
            return true;
        }
    }
}
