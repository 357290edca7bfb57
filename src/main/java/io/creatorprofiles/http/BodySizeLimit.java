package io.creatorprofiles.http;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.creatorprofiles.config.ProfilesConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/**
 * Request sizes the HTTP layer would refuse with a bare status are refused here as problem documents first: a body
 * over {@code quarkus.http.limits.max-body-size} (413), declared or chunked, a URL over {@link #MAX_URI_LENGTH}
 * characters (414), and header fields over {@link #MAX_HEADER_BYTES} bytes (431). The HTTP decoder's own limits are set
 * well above those, so only a request line longer than {@code quarkus.http.limits.max-initial-line-length} or headers
 * larger than {@code quarkus.http.limits.max-header-size} still meet the decoder's bare 414 or 431. A chunked body the
 * decoder cannot read is a 400 problem and a warning, not an error.
 */
@Singleton
public class BodySizeLimit {

    /** The longest request target answered normally; the API's longest legitimate URL is far below it. */
    static final int MAX_URI_LENGTH = 4096;
    /**
     * The most header bytes (names, values and their separators) answered normally; a JWT bearer token with its claims
     * takes a few KiB. The decoder's own limit ({@code quarkus.http.limits.max-header-size}) is set above it, so a
     * request between the two gets this 431 problem, and only one over the decoder's limit its bare 431.
     */
    static final int MAX_HEADER_BYTES = 16 * 1024;

    private final long maxBytes;
    private final long bodyReadTimeoutMillis;

    public BodySizeLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize max,
            ProfilesConfig config) {
        this.maxBytes = max.asLongValue();
        this.bodyReadTimeoutMillis = Math.max(1, config.http().bodyReadTimeout().toMillis());
    }

    void register(@Observes Filters filters) {
        filters.register(context -> {
            HttpServerRequest request = context.request();
            closeIfBodyLeftUnread(context);
            limitBodyReadTime(context);
            if (request.uri().length() > MAX_URI_LENGTH) {
                refuse(context, 414, "URI Too Long",
                        "The request URL is longer than " + MAX_URI_LENGTH + " characters.");
                return;
            }
            int headerBytes = headerBytes(request);
            if (headerBytes > MAX_HEADER_BYTES) {
                refuse(context, 431, "Request Header Fields Too Large", "The request's header fields are " + headerBytes
                        + " bytes, over the " + MAX_HEADER_BYTES + " this service reads (a bearer token is far smaller).");
                return;
            }
            String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
            if (declared != null) {
                if (isOver(declared)) {
                    refuseBody(context);
                    return;
                }
                context.next();
            } else if (request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null && !request.isEnded()) {
                readChunked(context);
            } else {
                context.next();
            }
        }, 100);
    }

    /**
     * A chunked body has no length to check in advance: read it here, bounded, and hand it on whole (the REST layer
     * reads a body already on the routing context), or answer 413 as soon as it passes the limit.
     */
    @SuppressWarnings("deprecation")
    private void readChunked(RoutingContext context) {
        HttpServerRequest request = context.request();
        Buffer body = Buffer.buffer();
        boolean[] refused = { false };
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > maxBytes) {
                refused[0] = true;
                refuseBody(context);
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(failure -> {
            if (refused[0]) {
                return;
            }
            refused[0] = true;
            if (failure instanceof HttpClosedException || context.response().closed()) {
                Log.debugf("Request body of %s %s not received: %s", request.method(), request.path(), failure);
                return;
            }
            // A body the decoder cannot read (an invalid chunk size, ...) is the client's mistake, not the service's:
            // a line without a stack trace, and a 400 while the connection still takes one.
            Log.warnf("Request body of %s %s refused as malformed: %s", request.method(), request.path(),
                    failure.getMessage());
            refuse(context, 400, "Bad Request", "The request body is not valid HTTP/1.1 chunked transfer coding.");
            // Vert.x closes the connection as soon as this handler returns, before the flush it does at the end of a
            // read: flush the answer now, or the client only sees the connection close.
            if (request.connection() instanceof ConnectionBase connection) {
                connection.flush();
            }
        });
        request.endHandler(ignored -> {
            if (!refused[0]) {
                context.setBody(body);
                context.next();
            }
        });
        request.resume();
    }

    /**
     * An answer sent before its request's body was read (a 413, a 401 or 404 for a PUT, ...) ends the connection: left
     * open, the server would go on reading, and discarding, whatever the client still sends, without bound. The answer
     * says {@code Connection: close}, so the client does not send its next request on a connection about to close. Only
     * a request that has a body is looked at: a request without one may never be marked ended when nothing reads it.
     */
    private static void closeIfBodyLeftUnread(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (!hasBody(request)) {
            return;
        }
        context.addHeadersEndHandler(ignored -> {
            if (!request.isEnded() && request.version() != HttpVersion.HTTP_2) {
                context.response().putHeader(HttpHeaders.CONNECTION, "close");
            }
        });
        context.addEndHandler(ignored -> {
            if (!request.isEnded()) {
                // Called before the answer is written: close once it is on its way (close flushes first).
                Vertx.currentContext().runOnContext(next -> {
                    if (request.version() == HttpVersion.HTTP_2) {
                        request.response().reset();
                    } else {
                        request.connection().close();
                    }
                });
            }
        });
    }

    /** A declared length above zero, or a chunked body. */
    private static boolean hasBody(HttpServerRequest request) {
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            return !declared.strip().equals("0");
        }
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    /**
     * A body still arriving {@code profiles.http.body-read-timeout} after its headers ends the connection: a client that
     * sends a few bytes now and then would otherwise hold a connection and its buffers for as long as it likes (the idle
     * timeout only notices silence).
     */
    private void limitBodyReadTime(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (request.isEnded() || !hasBody(request)) {
            return;
        }
        Vertx vertx = Vertx.currentContext().owner();
        long timer = vertx.setTimer(bodyReadTimeoutMillis, id -> {
            if (!request.isEnded()) {
                if (request.version() == HttpVersion.HTTP_2) {
                    request.response().reset();
                } else {
                    request.connection().close();
                }
            }
        });
        context.addEndHandler(ended -> vertx.cancelTimer(timer));
    }

    /** The size of the request's header fields as sent: each name and value with its ": " and line end. */
    private static int headerBytes(HttpServerRequest request) {
        int total = 0;
        for (var header : request.headers()) {
            total += header.getKey().length() + header.getValue().length() + 4;
        }
        return total;
    }

    private void refuseBody(RoutingContext context) {
        refuse(context, 413, "Payload too large", "The request body is larger than " + maxBytes + " bytes.");
    }

    private static void refuse(RoutingContext context, int status, String title, String detail) {
        String body = "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\""
                + detail + "\"}";
        context.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(body);
    }

    private boolean isOver(String declared) {
        try {
            return Long.parseLong(declared.strip()) > maxBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
