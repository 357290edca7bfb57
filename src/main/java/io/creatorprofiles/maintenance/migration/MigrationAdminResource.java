package io.creatorprofiles.maintenance.migration;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.creatorprofiles.http.DryRun;
import io.creatorprofiles.mongo.ProfileCollections;
import io.smallrye.mutiny.Uni;

/** The migration of the old code's documents for operators (role {@code admin}); the one-off command calls the same bean. */
@Path("/api/admin/migration")
@RolesAllowed("admin")
@SecurityRequirement(name = "jwt")
public class MigrationAdminResource {

    private final ProfileMigration migration;
    private final ProfileCollections collections;

    public MigrationAdminResource(ProfileMigration migration, ProfileCollections collections) {
        this.migration = migration;
        this.collections = collections;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Give every legacy profile a string userId and a version, archiving first. dryRun=true (the default) answers 200 with the counts; dryRun=false answers 202 with the run's status and its Location, and the migration goes on whatever the client does; 409 while a repair or another migration runs; 400 for any dryRun but true or false")
    @Parameter(name = "dryRun", in = ParameterIn.QUERY, description = "true (the default) or false, case-insensitive; anything else is refused", schema = @Schema(type = SchemaType.STRING, pattern = "^\\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])\\s*$"))
    @APIResponse(responseCode = "200", description = "Dry run: what the migration would do", content = @Content(schema = @Schema(implementation = MigrationReport.class)))
    @APIResponse(responseCode = "202", description = "The migration started and goes on in the background; GET the Location for its progress and report", headers = @Header(name = HttpHeaders.LOCATION, description = "The run's status resource", schema = @Schema(type = SchemaType.STRING)), content = @Content(schema = @Schema(implementation = MigrationStatus.class)))
    @APIResponse(responseCode = "409", description = "A repair or another migration holds the lease; nothing was changed")
    public Uni<Response> migrate(@Context UriInfo uri) {
        // The same rule as the repair's door: read raw, so that "?dryRun=" is refused rather than taken as the default.
        if (DryRun.parse(uri.getQueryParameters().get("dryRun"))) {
            return collections.whereTheProfilesAre(migration::dryRun).map(report -> Response.ok(report).build());
        }
        return collections.whereTheProfilesAre(migration::start).flatMap(started -> migration.status(started.runId()))
                .map(status -> Response.accepted(status.orElse(null))
                        .header(HttpHeaders.LOCATION, "/api/admin/migration/" + status.map(MigrationStatus::runId)
                                .orElseThrow())
                        .build());
    }

    @GET
    @Path("/{runId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A migration, whichever instance runs or ran it: its progress while it runs, then its report, or why it stopped (INTERRUPTED when its instance went away mid-run)")
    @APIResponse(responseCode = "200", description = "The run's progress, then its report", content = @Content(schema = @Schema(implementation = MigrationStatus.class)))
    @APIResponse(responseCode = "404", description = "No such run is recorded (the newest 100 are kept)")
    public Uni<MigrationStatus> migrationRun(
            @PathParam("runId") @Pattern(regexp = "^[A-Za-z0-9-]{1,100}$", message = "must be a run id as a migration answers it") String runId) {
        return migration.status(runId).map(found -> found
                .orElseThrow(() -> new NotFoundException("No migration run " + runId + " is recorded")));
    }
}
