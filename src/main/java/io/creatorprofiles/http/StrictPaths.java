package io.creatorprofiles.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;

/**
 * A request path whose percent-escapes are not valid UTF-8 is refused with a 400 problem before anything routes it.
 * Lenient decoders turn the overlong {@code %C0%AF} into {@code /}, the classic way past a path check; a strict
 * decoder, as here, refuses it and every other malformed sequence.
 */
@Singleton
public class StrictPaths {

    void register(@Observes Filters filters) {
        filters.register(context -> {
            String path = context.request().path();
            if (path != null && path.indexOf('%') >= 0 && !isValidUtf8(path)) {
                context.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .end("{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,"
                                + "\"detail\":\"The request path holds a percent-encoded sequence that is not valid UTF-8.\"}");
                return;
            }
            context.next();
        }, 110);
    }

    /** Whether the percent-escapes of a raw path decode as strict UTF-8 (overlong forms and stray bytes refused). */
    static boolean isValidUtf8(String rawPath) {
        ByteBuffer bytes = ByteBuffer.allocate(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                if (i + 2 >= rawPath.length()) {
                    return false;
                }
                int high = Character.digit(rawPath.charAt(i + 1), 16);
                int low = Character.digit(rawPath.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return false;
                }
                bytes.put((byte) (high * 16 + low));
                i += 2;
            } else if (c < 0x80) {
                bytes.put((byte) c);
            } else {
                return false; // a raw non-ASCII character: not a valid request target
            }
        }
        bytes.flip();
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
            return true;
        } catch (CharacterCodingException malformed) {
            return false;
        }
    }
}
