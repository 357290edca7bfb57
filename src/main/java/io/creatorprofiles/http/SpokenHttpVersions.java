package io.creatorprofiles.http;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;

/**
 * A request line naming an HTTP version this server does not speak ({@code HTTP/0.9}, {@code HTTP/2.0} in a text
 * request line, {@code HTTP/1.2}) is a 400 problem before anything else looks at the request, and the connection is
 * closed: the HTTP decoder accepts any {@code HTTP/x.y}, and what comes after it expects 1.0 or 1.1 (HTTP/2 arrives
 * framed, never as such a line). A client's mistake, so nothing is logged.
 */
@Singleton
public class SpokenHttpVersions {

    void register(@Observes Filters filters) {
        filters.register(context -> {
            if (context.request().version() == null) {
                context.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end("{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,\"detail\":\"The request "
                                + "line names an HTTP version this server does not speak: HTTP/1.0, HTTP/1.1 and HTTP/2 "
                                + "only.\"}");
                return;
            }
            context.next();
        }, 120);
    }
}
