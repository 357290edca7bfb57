package io.creatorprofiles.maintenance.migration;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.smallrye.mutiny.Uni;

/** The migration of the old code's documents for operators (role {@code admin}); the one-off command calls the same bean. */
@Path("/api/admin/migration")
@RolesAllowed("admin")
@SecurityRequirement(name = "jwt")
public class MigrationAdminResource {

    private final ProfileMigration migration;

    public MigrationAdminResource(ProfileMigration migration) {
        this.migration = migration;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Give every legacy profile a string userId and a version, archiving first; a dry run (the default) only counts")
    @APIResponse(responseCode = "200", description = "What the migration did, or would do", content = @Content(schema = @Schema(implementation = MigrationReport.class)))
    @APIResponse(responseCode = "409", description = "A repair or another migration holds the lease; nothing was changed")
    public Uni<MigrationReport> migrate(@QueryParam("dryRun") @DefaultValue("true") boolean dryRun) {
        return dryRun ? migration.dryRun() : migration.apply();
    }
}
