package io.creatorprofiles.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A plain JDK HTTP client for the concurrency tests: one request per call, no retries. The wait is bounded so that a
 * hung service ends the test, and long, because a busy machine may queue a request for many seconds before the service
 * reads it: how fast it answers is the benchmark's business, not a test's.
 */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private Http() {
    }

    public static HttpResponse<String> get(URI uri, String token) throws Exception {
        return send(HttpRequest.newBuilder(uri).GET(), token);
    }

    public static HttpResponse<String> put(URI uri, String token, String json) throws Exception {
        return put(uri, token, json, java.util.Map.of());
    }

    /** A PUT with extra headers, e.g. {@code If-Match}. */
    public static HttpResponse<String> put(URI uri, String token, String json, java.util.Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json");
        headers.forEach(request::header);
        return send(request, token);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String token) throws Exception {
        request.timeout(Duration.ofMinutes(5)).header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
