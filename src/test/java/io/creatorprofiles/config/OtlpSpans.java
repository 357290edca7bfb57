package io.creatorprofiles.config;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The spans of OTLP export requests (ExportTraceServiceRequest, protobuf), read with just enough of the wire format:
 * resource_spans (1) > scope_spans (2) > spans (2) > trace_id (1), span_id (2), parent_span_id (4), name (5), kind (6).
 */
record OtlpSpans(String traceId, String spanId, String parentSpanId, String name, int kind) {

    static final int KIND_SERVER = 2;
    static final int KIND_CLIENT = 3;

    static List<OtlpSpans> of(List<byte[]> exports) {
        List<OtlpSpans> spans = new ArrayList<>();
        for (byte[] export : exports) {
            for (byte[] resourceSpans : fields(export, 1)) {
                for (byte[] scopeSpans : fields(resourceSpans, 2)) {
                    for (byte[] span : fields(scopeSpans, 2)) {
                        spans.add(new OtlpSpans(hex(first(span, 1)), hex(first(span, 2)), hex(first(span, 4)),
                                new String(first(span, 5), java.nio.charset.StandardCharsets.UTF_8),
                                (int) varint(span, 6)));
                    }
                }
            }
        }
        return spans;
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static byte[] first(byte[] message, int field) {
        List<byte[]> all = fields(message, field);
        return all.isEmpty() ? new byte[0] : all.get(0);
    }

    /** The length-delimited values of one field number. */
    private static List<byte[]> fields(byte[] message, int field) {
        List<byte[]> values = new ArrayList<>();
        walk(message, (number, wireType, value, varint) -> {
            if (number == field && wireType == 2) {
                values.add(value);
            }
        });
        return values;
    }

    private static long varint(byte[] message, int field) {
        long[] found = { 0 };
        walk(message, (number, wireType, value, varint) -> {
            if (number == field && wireType == 0) {
                found[0] = varint;
            }
        });
        return found[0];
    }

    private interface Visitor {
        void field(int number, int wireType, byte[] value, long varint);
    }

    private static void walk(byte[] message, Visitor visitor) {
        int[] at = { 0 };
        while (at[0] < message.length) {
            long key = readVarint(message, at);
            int number = (int) (key >>> 3);
            int wireType = (int) (key & 7);
            switch (wireType) {
                case 0 -> visitor.field(number, 0, null, readVarint(message, at));
                case 1 -> at[0] += 8;
                case 5 -> at[0] += 4;
                case 2 -> {
                    int length = (int) readVarint(message, at);
                    byte[] value = java.util.Arrays.copyOfRange(message, at[0], at[0] + length);
                    at[0] += length;
                    visitor.field(number, 2, value, 0);
                }
                default -> throw new IllegalArgumentException("wire type " + wireType);
            }
        }
    }

    private static long readVarint(byte[] message, int[] at) {
        long value = 0;
        for (int shift = 0;; shift += 7) {
            byte b = message[at[0]++];
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
    }
}
