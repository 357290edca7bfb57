package io.creatorprofiles.http;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import io.creatorprofiles.maintenance.ArchiveAdminResource;
import io.creatorprofiles.profile.PersonalInfoRequest;
import io.creatorprofiles.profile.Text;
import io.creatorprofiles.profile.Versions;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * The answers every operation shares, written once instead of on each method: the problem document of every error
 * status the service can give (400 for any parameter or body, 401/403 where a token is required, 413/415 where a body
 * is read, 503 with Retry-After everywhere, since every operation reads the database), strict request bodies
 * ({@code additionalProperties: false}), and nullable wherever JSON may carry null. The committed
 * {@code src/main/openapi/openapi.yaml} shows the result.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ApiContract implements OASFilter {

    static final String PROBLEM = "Problem";
    static final String ARCHIVE_ENTRY = "ArchiveEntry";
    /** Request bodies and their parts: unknown fields are refused (quarkus.jackson.fail-on-unknown-properties). */
    private static final List<String> REQUEST_SCHEMAS = List.of("PersonalInfoRequest", "SocialLinkRequest",
            "GalleryRequest", "GalleryItemRequest");
    /** What the service writes: a field it has no value for is written as null. */
    private static final List<String> RESPONSE_SCHEMAS = List.of("ProfileView", "PersonalInfo", "GalleryItem",
            "SocialLink", "ScanReport", "DuplicatedUser", "Copy", "RepairReport", "UserPlan", "FailedUser",
            "GalleryLeftOut", "RepairStatus", "MigrationReport");

    /** What Swagger UI shows first: what the API is and how to call it in dev mode. */
    static final String DESCRIPTION = "Creator profiles, exactly one per user. Every operation but the public read of "
            + "a profile needs a bearer token (RS256 JWT; its `sub` is the user). In dev mode, mint one with "
            + "`dev/mint-token.sh <userId>` (add `--admin` for the admin operations) and paste it under Authorize. "
            + "Errors are `application/problem+json`; a 503 carries `Retry-After` and the request may be sent again.";

    /** Each resource's tag (named by SmallRye after the Java class) as a reader calls it, the profile API first. */
    private static final Map<String, Tag> TAGS = tags(
            new Tag("Profile Resource", "Profiles", "The caller's own profile (read, save) and any profile's public view"),
            new Tag("Duplicates Admin Resource", "Duplicates",
                    "Admin (role admin): users with more than one profile, found and repaired without loss"),
            new Tag("Archive Admin Resource", "Archive",
                    "Admin (role admin): every document a repair or migration removed or changed, as it was"),
            new Tag("Migration Admin Resource", "Migration",
                    "Admin (role admin): taking over the documents the old application wrote"));

    /** Example bodies a reader can send as they are (Swagger UI would otherwise make them up from the patterns). */
    private static final Map<String, Map<String, Object>> EXAMPLES = Map.of(
            "PersonalInfoRequest", ordered(
                    "displayName", "Ada Lovelace",
                    "bio", "Writes about engines and the poetry of numbers.",
                    "location", "London",
                    "website", "https://ada.example",
                    "socialLinks", List.of(ordered("network", "mastodon", "url", "https://social.example/@ada")),
                    "categories", List.of("writing", "mathematics")),
            "GalleryRequest", ordered("items", List.of(
                    ordered("url", "https://img.example/engine.png", "caption", "The analytical engine"),
                    ordered("url", "https://img.example/notes.png", "caption", "Note G"))));

    record Tag(String generated, String name, String description) {
    }

    /** An example object with its fields in the order given, so the written document is the same on every build. */
    private static Map<String, Object> ordered(Object... namesAndValues) {
        Map<String, Object> object = new java.util.LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            object.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return object;
    }

    private static Map<String, Tag> tags(Tag... tags) {
        Map<String, Tag> byGenerated = new java.util.LinkedHashMap<>();
        for (Tag tag : tags) {
            byGenerated.put(tag.generated(), tag);
        }
        return byGenerated;
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Map<String, Schema> schemas = openAPI.getComponents().getSchemas();
        if (openAPI.getInfo() == null) {
            openAPI.info(OASFactory.createInfo());
        }
        openAPI.getInfo().description(DESCRIPTION);
        openAPI.tags(TAGS.values().stream()
                .map(tag -> OASFactory.createTag().name(tag.name()).description(tag.description())).toList());
        EXAMPLES.forEach((name, example) -> {
            Schema schema = schemas.get(name);
            if (schema != null) {
                schema.example(example);
            }
        });
        openAPI.getComponents().addSchema(PROBLEM, problemSchema());
        openAPI.getComponents().addSchema(ARCHIVE_ENTRY, archiveEntrySchema());
        openAPI.getComponents().addHeader("ETag", header(
                "The profile's version as a strong entity tag; send it back in If-Match to save only at that version",
                string(Versions.ETAG_PATTERN)));
        openAPI.getComponents().addParameter("IfMatch", OASFactory.createParameter().name("If-Match")
                .in(org.eclipse.microprofile.openapi.models.parameters.Parameter.In.HEADER).required(false)
                .description("Optional: the ETag last seen; the save happens only at that version (else 412). "
                        + "* saves only if the profile exists (else 412)")
                .schema(string(Versions.IF_MATCH_PATTERN)));
        openAPI.getComponents().removeSchema("JsonNode");
        openAPI.getComponents().removeSchema("JsonNodeType");
        Schema personalInfo = schemas.get("PersonalInfoRequest");
        if (personalInfo != null && personalInfo.getProperties() != null
                && personalInfo.getProperties().get("categories") != null
                && personalInfo.getProperties().get("categories").getItems() != null) {
            personalInfo.getProperties().get("categories").getItems().maxLength(PersonalInfoRequest.CATEGORY_LENGTH)
                    .pattern(Text.VISIBLE_CHARACTER);
        }
        REQUEST_SCHEMAS.forEach(name -> {
            Schema schema = schemas.get(name);
            if (schema != null) {
                schema.additionalPropertiesBoolean(false);
                nullableUnlessRequired(schema);
            }
        });
        RESPONSE_SCHEMAS.forEach(name -> {
            Schema schema = schemas.get(name);
            if (schema != null) {
                nullableUnlessRequired(schema);
            }
        });
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.equals("/api/admin/archive") && item.getGET() != null) {
                item.getGET().getResponses().getAPIResponse("200").content(OASFactory.createContent().addMediaType(
                        jakarta.ws.rs.core.MediaType.APPLICATION_JSON, OASFactory.createMediaType().schema(OASFactory
                                .createSchema().addType(Schema.SchemaType.ARRAY).items(archiveEntryRef()))));
            }
            if (path.equals("/api/admin/archive/export") && item.getGET() != null) {
                item.getGET().getResponses().getAPIResponse("200").content(OASFactory.createContent().addMediaType(
                        ArchiveAdminResource.NDJSON, OASFactory.createMediaType().schema(archiveEntryRef())));
            }
            item.getOperations().values().forEach(operation -> {
                if (operation.getTags() != null) {
                    operation.tags(operation.getTags().stream()
                            .map(tag -> TAGS.containsKey(tag) ? TAGS.get(tag).name() : tag).toList());
                }
            });
            if (path.startsWith("/api/")) {
                // Every operation reads the database, the repair and migration runs included (they are recorded there).
                item.getOperations().forEach((method, operation) -> declareErrors(method, operation, true));
            }
        });
    }

    private static void declareErrors(PathItem.HttpMethod method, Operation operation, boolean readsDatabase) {
        APIResponses responses = operation.getResponses();
        boolean hasBody = operation.getRequestBody() != null;
        boolean hasParameters = operation.getParameters() != null && !operation.getParameters().isEmpty();
        boolean secured = operation.getSecurity() != null && !operation.getSecurity().isEmpty();
        if (hasBody || hasParameters) {
            addIfAbsent(responses, "400", "The request is malformed or a value breaks its rule; nothing was changed");
        }
        if (secured) {
            addIfAbsent(responses, "401", "No valid bearer token");
            responses.getAPIResponse("401").addHeader("WWW-Authenticate",
                    header("Bearer", OASFactory.createSchema().addType(Schema.SchemaType.STRING)));
            addIfAbsent(responses, "403", "The token does not grant this operation");
        }
        if (hasBody) {
            addIfAbsent(responses, "413", "The body is larger than the service accepts");
            addIfAbsent(responses, "415", "The body is not application/json");
        }
        addIfAbsent(responses, "414", "The request URL is longer than the service accepts");
        if (readsDatabase) {
            addIfAbsent(responses, "503",
                    "The profile store is not answering, profile data is being migrated, or a stored profile cannot be read");
            responses.getAPIResponse("503").addHeader("Retry-After", header("Seconds to wait before retrying",
                    OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).minimum(java.math.BigDecimal.ZERO)));
        }
        responses.getAPIResponses().forEach((code, response) -> {
            if (code.startsWith("4") || code.startsWith("5")) {
                response.content(problemContent());
            }
        });
    }

    private static void addIfAbsent(APIResponses responses, String code, String description) {
        if (!responses.hasAPIResponse(code)) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description));
        }
    }

    private static Schema archiveEntryRef() {
        return OASFactory.createSchema().ref("#/components/schemas/" + ARCHIVE_ENTRY);
    }

    private static Schema string(String pattern) {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING).pattern(pattern);
    }

    private static Header header(String description, Schema schema) {
        return OASFactory.createHeader().description(description).schema(schema);
    }

    private static Content problemContent() {
        MediaType problem = OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref("#/components/schemas/" + PROBLEM));
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, problem);
    }

    private static void nullableUnlessRequired(Schema schema) {
        if (schema.getProperties() == null) {
            return;
        }
        List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
        schema.getProperties().forEach((name, property) -> {
            if (!required.contains(name)) {
                if (property.getRef() != null) {
                    String ref = property.getRef();
                    property.ref(null);
                    property.addAnyOf(OASFactory.createSchema().ref(ref))
                            .addAnyOf(OASFactory.createSchema().addType(Schema.SchemaType.NULL));
                } else if (property.getType() != null && !property.getType().contains(Schema.SchemaType.NULL)) {
                    property.addType(Schema.SchemaType.NULL);
                }
            }
        });
    }

    private static Schema problemSchema() {
        Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        Schema violation = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("One value that broke its rule: where, and what is wrong with it")
                .addProperty("field", string).addProperty("message", string)
                .required(List.of("field", "message"));
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("An RFC 9457 problem document, the body of every error this service answers")
                .addProperty("type", string).addProperty("title", string)
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER)
                        .minimum(java.math.BigDecimal.valueOf(400)).maximum(java.math.BigDecimal.valueOf(599)))
                .addProperty("detail", string)
                .addProperty("violations", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(violation))
                .required(List.of("type", "title", "status", "detail"));
    }

    /** An archived document, as MongoDB relaxed extended JSON: ObjectIds as {"$oid"}, dates as {"$date"}. */
    private static Schema archiveEntrySchema() {
        Schema object = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT);
        Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("A document a repair removed or changed, with the document exactly as it was in "
                        + "'original' (MongoDB relaxed extended JSON, ready for mongoimport)")
                .addProperty("_id", object).addProperty("userId", string).addProperty("role", string)
                .addProperty("survivorId", OASFactory.createSchema().description("ObjectId as {\"$oid\": ...}"))
                .addProperty("runId", string).addProperty("archivedAt", object).addProperty("reason", string)
                .addProperty("original", object)
                .required(List.of("_id", "userId", "role", "runId", "archivedAt", "original"));
    }
}
