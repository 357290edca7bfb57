package io.creatorprofiles.maintenance;

import java.util.List;
import java.util.stream.Collectors;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestStreamElementType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * What repairs archived, for one user or one run, as MongoDB extended JSON (relaxed): each entry's {@code original}
 * is the document exactly as it was, ready for mongoimport.
 */
@Path("/api/admin/archive")
@RolesAllowed("admin")
@SecurityRequirement(name = "jwt")
public class ArchiveAdminResource {

    public static final String NDJSON = "application/x-ndjson";
    static final String SELECTOR = "userId or runId, at least one of them (400 without either); both narrow to their match";

    private final ProfileArchive archive;
    private final ObjectMapper mapper;

    public ArchiveAdminResource(ProfileArchive archive, ObjectMapper mapper) {
        this.archive = archive;
        this.mapper = mapper;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Archived documents of a user or a run, oldest first, one page")
    @APIResponse(responseCode = "200", description = "One page of archive entries (see ArchiveEntry)")
    public Uni<String> list(@Parameter(description = SELECTOR) @QueryParam("userId") String userId,
            @Parameter(description = SELECTOR) @QueryParam("runId") String runId,
            @QueryParam("skip") @DefaultValue("0") @Min(0) int skip,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit, @Context UriInfo uri) {
        // JAX-RS reads an empty "skip=" as the default; it is a client's mistake like "skip=abc" (found by fuzzing).
        for (String name : List.of("skip", "limit")) {
            List<String> given = uri.getQueryParameters().get(name);
            if (given != null && given.stream().anyMatch(String::isBlank)) {
                throw new BadRequestException("Query parameter '" + name + "' must be a whole number, not empty");
            }
        }
        requireSelector(userId, runId);
        return archive.find(userId, runId, skip, limit)
                .map(entry -> entry.toJson(ProfileArchive.EXPORT_JSON))
                .collect().with(Collectors.joining(",", "[", "]"));
    }

    @GET
    @Path("/export")
    @Produces(NDJSON)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every archived document of a user or a run, one JSON document per line, streamed")
    @APIResponse(responseCode = "200", description = "Archive entries, one ArchiveEntry JSON document per line")
    public Multi<JsonNode> export(@Parameter(description = SELECTOR) @QueryParam("userId") String userId,
            @Parameter(description = SELECTOR) @QueryParam("runId") String runId) {
        requireSelector(userId, runId);
        // Extended JSON (ObjectId as {"$oid"}, dates as {"$date"}), re-read as a tree so each line is written as-is.
        return archive.find(userId, runId, 0, 0).map(entry -> {
            try {
                return mapper.readTree(entry.toJson(ProfileArchive.EXPORT_JSON));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void requireSelector(String userId, String runId) {
        if ((userId == null || userId.isBlank()) && (runId == null || runId.isBlank())) {
            throw new BadRequestException("Name the archive entries to list: userId=... or runId=...");
        }
    }
}
