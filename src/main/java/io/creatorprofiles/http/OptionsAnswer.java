package io.creatorprofiles.http;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * {@code OPTIONS} answers the methods of the path asked about. The framework's own answer lists every method of the
 * resource class (so {@code OPTIONS /api/profiles/me} offered PUT), which a client would take at its word.
 */
public class OptionsAnswer {

    private final AllowedMethods allowedMethods;

    public OptionsAnswer(AllowedMethods allowedMethods) {
        this.allowedMethods = allowedMethods;
    }

    @ServerRequestFilter(preMatching = true)
    public Response answerOptions(ContainerRequestContext request) {
        if (!HttpMethod.OPTIONS.equals(request.getMethod())) {
            return null;
        }
        String allow = allowedMethods.allowedFor(request.getUriInfo().getPath());
        return allow.isEmpty() ? null : Response.ok().header(HttpHeaders.ALLOW, allow).build();
    }
}
