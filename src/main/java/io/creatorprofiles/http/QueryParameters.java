package io.creatorprofiles.http;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;

import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * Says which query parameter could not be read and what it should have been, in the words of the API document
 * (integer, boolean), never a Java type: the framework only reports that a conversion failed.
 */
final class QueryParameters {

    private QueryParameters() {
    }

    static String describeFailure(SimpleResourceInfo resource, UriInfo uri) {
        Method method = methodOf(resource);
        if (method != null) {
            for (Parameter parameter : method.getParameters()) {
                QueryParam query = parameter.getAnnotation(QueryParam.class);
                if (query == null) {
                    continue;
                }
                String value = uri.getQueryParameters().getFirst(query.value());
                String expected = expectedForm(parameter.getType());
                if (value != null && expected != null && !readable(value, parameter.getType())) {
                    return "Query parameter '" + query.value() + "' must be " + expected + "; got '"
                            + shorten(value) + "'.";
                }
            }
        }
        return "A query parameter has a value of the wrong form; see the API document.";
    }

    private static Method methodOf(SimpleResourceInfo resource) {
        try {
            return resource.getResourceClass().getMethod(resource.getMethodName(), resource.parameterTypes());
        } catch (NoSuchMethodException | RuntimeException e) {
            return null;
        }
    }

    private static String expectedForm(Class<?> type) {
        if (type == int.class || type == Integer.class) {
            return "an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
        }
        if (type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        return null;
    }

    private static boolean readable(String value, Class<?> type) {
        try {
            if (type == int.class || type == Integer.class) {
                Integer.parseInt(value);
            } else if (type == long.class || type == Long.class) {
                Long.parseLong(value);
            } else {
                return StrictBooleans.parse(value) != null;
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String shorten(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
