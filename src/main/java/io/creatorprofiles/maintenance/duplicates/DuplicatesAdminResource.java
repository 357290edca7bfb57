package io.creatorprofiles.maintenance.duplicates;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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
import org.jboss.resteasy.reactive.RestHeader;

import io.creatorprofiles.http.DryRun;
import io.creatorprofiles.mongo.ProfileCollections;
import io.smallrye.mutiny.Uni;

/** Duplicate scan and repair for operators (role {@code admin}); the one-off commands call the same beans. */
@Path("/api/admin/duplicates")
@RolesAllowed("admin")
@SecurityRequirement(name = "jwt")
public class DuplicatesAdminResource {

    private final DuplicateScan scan;
    private final DuplicateRepair repair;
    private final ProfileCollections collections;

    public DuplicatesAdminResource(DuplicateScan scan, DuplicateRepair repair, ProfileCollections collections) {
        this.scan = scan;
        this.repair = repair;
        this.collections = collections;
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
        return collections.whereTheProfilesAre(scan::scan).map(report -> table
                ? Response.ok(report.toTable(), MediaType.TEXT_PLAIN_TYPE).build()
                : Response.ok(report, MediaType.APPLICATION_JSON_TYPE).build());
    }

    @POST
    @Path("/repair")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Repair duplicates without loss. dryRun=true (the default) answers 200 with what it would do; "
            + "dryRun=false answers 202 with the run's status and its Location, and the repair goes on whatever the "
            + "client does; 409 while another repair runs; 400 for any dryRun but true or false")
    @Parameter(name = "dryRun", in = ParameterIn.QUERY, description = "true (the default) or false, case-insensitive; anything else is refused", schema = @Schema(type = SchemaType.STRING, pattern = "^\\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])\\s*$"))
    @APIResponse(responseCode = "200", description = "Dry run: what a repair would do", content = @Content(schema = @Schema(implementation = RepairReport.class)))
    @APIResponse(responseCode = "202", description = "The repair started and goes on in the background; GET the Location for its progress and report", headers = @Header(name = HttpHeaders.LOCATION, description = "The run's status resource", schema = @Schema(type = SchemaType.STRING)), content = @Content(schema = @Schema(implementation = RepairStatus.class)))
    @APIResponse(responseCode = "409", description = "Another repair or migration holds the lease; nothing was changed")
    public Uni<Response> repair(@Context UriInfo uri) {
        // Read raw: a bound parameter would turn "?dryRun=" into the default, and an empty value must be refused.
        if (DryRun.parse(uri.getQueryParameters().get("dryRun"))) {
            return collections.whereTheProfilesAre(repair::dryRun).map(report -> Response.ok(report).build());
        }
        // A path without scheme and host: it works behind any proxy, and any instance answers it.
        return collections.whereTheProfilesAre(repair::start).map(run -> Response.accepted(run.status())
                .header(HttpHeaders.LOCATION, "/api/admin/duplicates/repair/" + run.runId())
                .build());
    }

    @GET
    @Path("/repair")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The latest repairs (the last 20), whichever instance ran them, newest first")
    @APIResponse(responseCode = "200", description = "The runs, newest first", content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = RepairStatus.class)))
    public Uni<List<RepairStatus>> repairRuns() {
        return repair.statuses();
    }

    @GET
    @Path("/repair/{runId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A repair, whichever instance runs or ran it: its progress while it runs, then its report, or why it stopped (INTERRUPTED when its instance went away mid-run)")
    @APIResponse(responseCode = "200", description = "The run's progress, then its report", content = @Content(schema = @Schema(implementation = RepairStatus.class)))
    @APIResponse(responseCode = "404", description = "No such run is recorded (the newest 100 are kept)")
    public Uni<RepairStatus> repairRun(
            @PathParam("runId") @Pattern(regexp = "^[A-Za-z0-9-]{1,100}$", message = "must be a run id as a repair answers it") String runId) {
        return repair.status(runId).map(found -> found
                .orElseThrow(() -> new NotFoundException("No repair run " + runId + " is recorded")));
    }
}
