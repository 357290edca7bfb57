package io.creatorprofiles.http;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;

/**
 * A boolean parameter is {@code true} or {@code false}, nothing else. JAX-RS reads any other word as false, so
 * {@code POST /api/admin/duplicates/repair?dryRun=yes} would have run the real repair.
 */
@Provider
public class StrictBooleans implements ParamConverterProvider {

    private static final ParamConverter<Boolean> STRICT = new ParamConverter<>() {
        @Override
        public Boolean fromString(String value) {
            Boolean parsed = parse(value);
            if (parsed == null) {
                throw new NotABooleanException();
            }
            return parsed;
        }

        @Override
        public String toString(Boolean value) {
            return value.toString();
        }
    };

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        return rawType == Boolean.class || rawType == boolean.class ? (ParamConverter<T>) STRICT : null;
    }

    /** {@code true}/{@code false} in any case; null for anything else. */
    static Boolean parse(String value) {
        if (value == null) {
            return null;
        }
        String word = value.strip();
        if (word.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (word.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        return null;
    }

    /** Not a boolean: mapped to a 400 that names the parameter. */
    static class NotABooleanException extends RuntimeException {
        NotABooleanException() {
            super("not a boolean", null, false, false);
        }
    }
}
