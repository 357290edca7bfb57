package io.creatorprofiles.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An OTLP/HTTP receiver in the test JVM on 127.0.0.1: keeps every export request's body (protobuf) and answers
 * 200, and points the application's trace exporter at itself.
 */
public class OtlpReceiver implements QuarkusTestResourceLifecycleManager {

    static final List<byte[]> EXPORTS = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/traces", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                EXPORTS.add(body.readAllBytes());
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return Map.of("quarkus.otel.exporter.otlp.traces.endpoint",
                "http://127.0.0.1:" + server.getAddress().getPort(),
                "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                "quarkus.otel.exporter.otlp.traces.compression", "none");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
