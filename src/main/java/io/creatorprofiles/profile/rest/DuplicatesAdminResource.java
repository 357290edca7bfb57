package io.creatorprofiles.profile.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestHeader;

import io.creatorprofiles.profile.duplicates.DuplicateRepair;
import io.creatorprofiles.profile.duplicates.DuplicateScan;
import io.creatorprofiles.profile.duplicates.RepairReport;
import io.creatorprofiles.profile.duplicates.ScanReport;
import io.smallrye.mutiny.Uni;

/** Duplicate scan and repair for operators (role {@code admin}); the one-off commands call the same beans. */
@Path("/api/admin/duplicates")
@RolesAllowed("admin")
@SecurityRequirement(name = "jwt")
public class DuplicatesAdminResource {

    private final DuplicateScan scan;
    private final DuplicateRepair repair;

    public DuplicatesAdminResource(DuplicateScan scan, DuplicateRepair repair) {
        this.scan = scan;
        this.repair = repair;
    }

    @GET
    @Produces({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN })
    @Operation(summary = "Every userId with more than one profile; a table with Accept: text/plain or ?format=table")
    @APIResponse(responseCode = "200", description = "The scan report", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ScanReport.class)),
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(type = SchemaType.STRING)) })
    public Uni<Response> scan(
            @QueryParam("format") @Pattern(regexp = "^(json|table)?$", message = "must be json or table") String format,
            @RestHeader(HttpHeaders.ACCEPT) String accept) {
        boolean table = "table".equals(format)
                || (format == null && accept != null && accept.startsWith(MediaType.TEXT_PLAIN));
        return scan.scan().map(report -> table
                ? Response.ok(report.toTable(), MediaType.TEXT_PLAIN_TYPE).build()
                : Response.ok(report, MediaType.APPLICATION_JSON_TYPE).build());
    }

    @POST
    @Path("/repair")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Repair duplicates without loss; a dry run (the default) only reports what it would do")
    @APIResponse(responseCode = "200", description = "What the repair did, or would do", content = @Content(schema = @Schema(implementation = RepairReport.class)))
    @APIResponse(responseCode = "409", description = "Another repair holds the lease")
    public Uni<RepairReport> repair(@QueryParam("dryRun") @DefaultValue("true") boolean dryRun) {
        return dryRun ? repair.dryRun() : repair.apply();
    }
}
