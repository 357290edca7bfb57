package io.creatorprofiles.maintenance;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(MongoTestResource.class)
class AdminEndpointsSecurityTest {

    @ParameterizedTest
    @CsvSource({ "GET,/api/admin/duplicates", "POST,/api/admin/duplicates/repair?dryRun=false",
            "POST,/api/admin/duplicates/repair", "GET,/api/admin/archive?userId=x", "GET,/api/admin/archive/export?runId=r" })
    void withoutATokenIs401(String method, String path) {
        given().request(method, path).then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer").body("status", equalTo(401));
    }

    @ParameterizedTest
    @CsvSource({ "GET,/api/admin/duplicates", "POST,/api/admin/duplicates/repair?dryRun=false",
            "POST,/api/admin/duplicates/repair", "GET,/api/admin/archive?userId=x", "GET,/api/admin/archive/export?runId=r" })
    void aUserWithoutTheAdminRoleIs403(String method, String path) {
        given().auth().oauth2(Tokens.user("not-an-admin")).request(method, path).then().statusCode(403)
                .contentType("application/problem+json").body("status", equalTo(403));
    }
}
