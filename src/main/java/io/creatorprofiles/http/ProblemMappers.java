package io.creatorprofiles.http;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.creatorprofiles.maintenance.RepairLeaseHeldException;
import io.creatorprofiles.mongo.DatabaseUnavailableException;
import io.creatorprofiles.mongo.ProfilesElsewhereException;
import io.creatorprofiles.profile.ProfileConflictException;
import io.creatorprofiles.profile.StaleVersionException;
import io.creatorprofiles.profile.UnreadableProfileException;
import io.creatorprofiles.profile.UserIds;
import io.creatorprofiles.profile.Versions;
import io.creatorprofiles.profile.WriteOutcomeUnknownException;
import io.creatorprofiles.uniqueness.WritesClosedException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/** Turns every failure into an {@code application/problem+json} answer; no stack trace ever leaves the service. */
public class ProblemMappers {

    /** An operator has to act before such a profile reads again: minutes, not seconds. */
    private static final String UNREADABLE_RETRY_AFTER_SECONDS = "120";

    private final AllowedMethods allowedMethods;

    public ProblemMappers(AllowedMethods allowedMethods) {
        this.allowedMethods = allowedMethods;
    }

    @ServerExceptionMapper
    public Response invalidBody(ConstraintViolationException e) {
        List<Problem.Violation> violations = e.getConstraintViolations().stream()
                .map(v -> new Problem.Violation(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.Violation::field).thenComparing(Problem.Violation::message))
                .toList();
        String detail = violations.stream().map(v -> v.field() + ": " + v.message()).collect(Collectors.joining("; "));
        return respond(new Problem("about:blank", "Invalid request", 400, detail, violations));
    }

    @ServerExceptionMapper
    public Response unreadableJson(MismatchedInputException e) {
        return respond(Problem.of(400, "Malformed request body", describe(e)));
    }

    @ServerExceptionMapper
    public Response conflict(ProfileConflictException e) {
        return respond(Problem.of(409, "Conflict", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response repairRunning(RepairLeaseHeldException e) {
        return respond(Problem.of(409, e.title(), e.getMessage()));
    }

    @ServerExceptionMapper
    public Response staleVersion(StaleVersionException e) {
        return respond(Problem.of(412, "Precondition failed", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response badPrecondition(Versions.BadPreconditionException e) {
        return respond(Problem.of(400, "Invalid If-Match", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response unavailable(DatabaseUnavailableException e) {
        Log.warnf("Answering 503: %s (%s)", e.getMessage(), e.getCause() == null ? "timeout" : e.getCause().toString());
        return Response.fromResponse(respond(Problem.of(503, "Service unavailable",
                "The profile store is not answering; retry shortly. The outcome of a write is unknown; repeating it is safe.")))
                .header(HttpHeaders.RETRY_AFTER, "1").build();
    }

    @ServerExceptionMapper
    public Response profilesElsewhere(ProfilesElsewhereException e) {
        return Response.fromResponse(respond(Problem.of(503, "Profile store not ready", e.getMessage())))
                .header(HttpHeaders.RETRY_AFTER, "60").build();
    }

    /**
     * A stored profile this service cannot read: an outage of that one profile until an operator corrects the stored
     * document, named by its field. Not the client's mistake, so not a 4xx; nothing was written.
     */
    @ServerExceptionMapper
    public Response unreadableProfile(UnreadableProfileException e) {
        return Response.fromResponse(respond(new Problem("about:blank", "Stored profile cannot be read", 503,
                e.getMessage(), List.of(new Problem.Violation(e.field(), "cannot be read as stored")))))
                .header(HttpHeaders.RETRY_AFTER, UNREADABLE_RETRY_AFTER_SECONDS).build();
    }

    @ServerExceptionMapper
    public Response outcomeUnknown(WriteOutcomeUnknownException e) {
        Log.warnf("Answering 503, write outcome unknown: %s (%s)", e.getMessage(),
                e.getCause() == null ? "timeout" : e.getCause().toString());
        return Response.fromResponse(respond(Problem.of(503, "Write outcome unknown", WriteOutcomeUnknownException.DETAIL)))
                .header(HttpHeaders.RETRY_AFTER, "1").build();
    }

    @ServerExceptionMapper
    public Response writesClosed(WritesClosedException e) {
        return Response.fromResponse(respond(Problem.of(503, e.title(), e.getMessage())))
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds())).build();
    }

    @ServerExceptionMapper({ AuthenticationFailedException.class, UnauthorizedException.class })
    public Response unauthenticated(RuntimeException e) {
        return Response.fromResponse(respond(Problem.of(401, "Unauthorized", "A valid bearer token is required.")))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response userIdNotAccepted(UserIds.NotAcceptedException e) {
        return respond(Problem.of(403, "User id not accepted", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(Problem.of(403, "Forbidden", "The token does not grant this operation."));
    }

    /**
     * A query or path parameter that could not be converted reaches here as a 404 with the conversion failure as its
     * cause (the JAX-RS rule); that is the client's typo, so it is a 400 naming the parameter. A 404 without a cause is
     * a path that matches nothing, or a profile that does not exist.
     */
    @ServerExceptionMapper
    public Response notFound(NotFoundException e, SimpleResourceInfo resource, UriInfo uri) {
        if (e.getCause() != null && resource != null && resource.getResourceClass() != null) {
            return respond(Problem.of(400, "Invalid parameter", QueryParameters.describeFailure(resource, uri)));
        }
        String detail = e.getCause() == null && e.getMessage() != null && !e.getMessage().startsWith("HTTP 404")
                ? e.getMessage()
                : "Nothing here answers " + uri.getPath() + ".";
        return respond(Problem.of(404, "Not Found", detail));
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, UriInfo uri) {
        String allow = allowedMethods.allowedFor(uri.getPath());
        Response.ResponseBuilder builder = Response.fromResponse(respond(Problem.of(405, "Method Not Allowed",
                allow.isEmpty() ? "This path takes no such method." : "This path takes " + allow + " only.")));
        return allow.isEmpty() ? builder.build() : builder.header(HttpHeaders.ALLOW, allow).build();
    }

    @ServerExceptionMapper
    public Response notAcceptable(NotAcceptableException e) {
        return respond(Problem.of(406, "Not Acceptable",
                "None of the media types in Accept is one this resource answers with; see the API document."));
    }

    @ServerExceptionMapper
    public Response unsupportedMediaType(NotSupportedException e) {
        return respond(Problem.of(415, "Unsupported Media Type",
                "The Content-Type of the body is not one this resource reads; send application/json."));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return respond(Problem.of(400, "Malformed request body", describe(json)));
        }
        Response.Status.Family family = Response.Status.Family.familyOf(status);
        if (family == Response.Status.Family.SERVER_ERROR) {
            return internal(e);
        }
        Response problem = respond(Problem.of(status, reason(status), e.getMessage()));
        Response.ResponseBuilder builder = Response.fromResponse(problem);
        e.getResponse().getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE) && !name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        return builder.build();
    }

    @ServerExceptionMapper
    public Response internal(Throwable e) {
        String incident = UUID.randomUUID().toString();
        Log.errorf(e, "Unexpected failure, incident %s", incident);
        return respond(
                Problem.of(500, "Internal error", "Unexpected failure; incident " + incident + " is in the service log."));
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA).entity(problem).build();
    }

    private static String reason(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return known == null ? "Error" : known.getReasonPhrase();
    }

    /** Where the body went wrong, without echoing the body back. */
    private static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "Unknown field '" + unknown.getPropertyName() + "' at " + pathOf(unknown);
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getPath().isEmpty()
                && mismatch.getTargetType() != null) {
            // The whole body is of the wrong JSON type (an array, a string, ...): say what it must be, never a class.
            return "The body must be " + simpleType(mismatch.getTargetType()) + " holding this request's fields";
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String target = e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
                    ? " (expected " + simpleType(mismatch.getTargetType()) + ")"
                    : "";
            return "Wrong type or value at " + pathOf(mapping) + target;
        }
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return "The body is not valid JSON for this request" + where + ": " + e.getOriginalMessage();
    }

    private static String simpleType(Class<?> type) {
        if (CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        // Every other target is one of the request's objects; its Java name means nothing to a client.
        return "an object";
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder path = new StringBuilder("$");
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** "savePersonalInfo.body.socialLinks[0].url" becomes "socialLinks[0].url"; a header or path parameter keeps its name. */
    private static String fieldOf(ConstraintViolation<?> violation) {
        StringBuilder field = new StringBuilder();
        boolean inBody = false;
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.METHOD) {
                continue;
            }
            if (node.getKind() == ElementKind.PARAMETER) {
                field.append(node.getName());
                inBody = node.getName().equals("body");
                if (inBody) {
                    field.setLength(0);
                }
                continue;
            }
            if (node.getIndex() != null) {
                field.append('[').append(node.getIndex()).append(']');
            }
            if (node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                continue;
            }
            if (node.getName() != null) {
                if (!field.isEmpty()) {
                    field.append('.');
                }
                field.append(node.getName());
            }
        }
        return field.isEmpty() ? "body" : field.toString();
    }
}
