package io.creatorprofiles.http;

import java.util.List;

import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An RFC 9457 problem document, the body of every error this service answers. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@RegisterForReflection(targets = { Problem.class, Problem.Violation.class })
public record Problem(String type, String title, int status, String detail, List<Violation> violations) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final MediaType MEDIA = MediaType.valueOf(MEDIA_TYPE);

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, List.of());
    }

    /** One field that failed validation: where, and what is wrong with it. */
    public record Violation(String field, String message) {
    }
}
