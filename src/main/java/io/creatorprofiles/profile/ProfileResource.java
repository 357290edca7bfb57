package io.creatorprofiles.profile;

import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** The profile API. The user is always the token's {@code sub}: no path or body ever names whose profile is written. */
@Path("/api/profiles")
@Produces(MediaType.APPLICATION_JSON)
public class ProfileResource {

    /** What a 503 on a write means, for clients: in particular that a timed-out write may have been applied. */
    static final String WRITE_UNAVAILABLE = "The profile store is not answering, profile data is being migrated or "
            + "repaired, or this user's stored profile cannot be read (the field is named). When the store did not "
            + "confirm the write in time (title 'Write outcome unknown') it may have been applied: GET /me and compare "
            + "the version; repeating the PUT is safe, and with If-Match the repeat answers 412 if the first one landed";

    private final ProfileService service;
    private final JsonWebToken token;

    public ProfileResource(ProfileService service, JsonWebToken token) {
        this.service = service;
        this.token = token;
    }

    @GET
    @Path("/me")
    @Authenticated
    @SecurityRequirement(name = "jwt")
    @Operation(summary = "The caller's profile, created empty on first call")
    @APIResponse(responseCode = "200", description = "The profile; ETag carries its version", headers = @Header(name = HttpHeaders.ETAG, ref = "ETag"), content = @Content(schema = @Schema(implementation = ProfileView.class)))
    @APIResponse(responseCode = "409", description = "The write lost every retry against a concurrent one; repeating it is safe")
    public Uni<Response> getMine() {
        return service.getOrCreate(caller()).map(ProfileResource::ok);
    }

    @PUT
    @Path("/me/personal-info")
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    @SecurityRequirement(name = "jwt")
    @Operation(summary = "Replace the caller's personal info; the gallery is kept")
    @APIResponse(responseCode = "200", description = "The profile after the save", headers = @Header(name = HttpHeaders.ETAG, ref = "ETag"), content = @Content(schema = @Schema(implementation = ProfileView.class)))
    @APIResponse(responseCode = "409", description = "The write lost every retry against a concurrent one; repeating it is safe")
    @APIResponse(responseCode = "412", description = "If-Match names a version the profile no longer has")
    @APIResponse(responseCode = "503", description = WRITE_UNAVAILABLE)
    public Uni<Response> savePersonalInfo(@NotNull @Valid PersonalInfoRequest body,
            @Parameter(ref = "IfMatch") @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        return service.savePersonalInfo(caller(), body.toPersonalInfo(), Versions.fromIfMatch(ifMatch))
                .map(ProfileResource::ok);
    }

    @PUT
    @Path("/me/gallery")
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    @SecurityRequirement(name = "jwt")
    @Operation(summary = "Replace the caller's gallery; the personal info is kept")
    @APIResponse(responseCode = "200", description = "The profile after the save", headers = @Header(name = HttpHeaders.ETAG, ref = "ETag"), content = @Content(schema = @Schema(implementation = ProfileView.class)))
    @APIResponse(responseCode = "409", description = "The write lost every retry against a concurrent one; repeating it is safe")
    @APIResponse(responseCode = "412", description = "If-Match names a version the profile no longer has")
    @APIResponse(responseCode = "503", description = WRITE_UNAVAILABLE)
    public Uni<Response> saveGallery(@NotNull @Valid GalleryRequest body,
            @Parameter(ref = "IfMatch") @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        return service.saveGallery(caller(), body.toGallery(), Versions.fromIfMatch(ifMatch))
                .map(ProfileResource::ok);
    }

    @GET
    @Path("/{userId}")
    @PermitAll
    @Operation(summary = "Anyone's public profile; never creates one")
    @APIResponse(responseCode = "200", description = "The profile; ETag carries its version", headers = @Header(name = HttpHeaders.ETAG, ref = "ETag"), content = @Content(schema = @Schema(implementation = ProfileView.class)))
    @APIResponse(responseCode = "404", description = "That user has no profile")
    public Uni<Response> getPublic(
            @PathParam("userId") @Pattern(regexp = UserIds.PATTERN, message = "must be " + UserIds.RULE) String userId) {
        return service.findByUserId(userId)
                .onItem().ifNull().failWith(() -> new NotFoundException("No profile for userId " + userId))
                .map(ProfileResource::ok);
    }

    private String caller() {
        String subject = token.getSubject();
        if (subject == null || subject.isBlank()) {
            throw new NotAuthorizedException("The token has no subject", "Bearer");
        }
        if (!UserIds.isValid(subject)) {
            throw new UserIds.NotAcceptedException();
        }
        return subject;
    }

    private static Response ok(CreatorProfile profile) {
        return Response.ok(ProfileView.of(profile)).tag(Versions.etag(profile.version)).build();
    }
}
