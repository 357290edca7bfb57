package io.creatorprofiles.contract;

import java.util.ArrayList;
import java.util.List;

/** A unified-style line diff (longest common subsequence), enough to show a reviewer what drifted. */
final class LineDiff {

    private static final int CONTEXT = 2;
    private static final int MAX_LINES = 200;

    private LineDiff() {
    }

    /** "-" lines are only in {@code expected} (committed), "+" lines only in {@code actual} (generated). */
    static String unified(List<String> expected, List<String> actual) {
        int n = expected.size();
        int m = actual.size();
        int[][] common = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                common[i][j] = expected.get(i).equals(actual.get(j)) ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<String> lines = new ArrayList<>();
        List<Boolean> changed = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && expected.get(i).equals(actual.get(j))) {
                lines.add("  " + expected.get(i++));
                j++;
                changed.add(false);
            } else if (j < m && (i == n || common[i][j + 1] >= common[i + 1][j])) {
                lines.add("+ " + actual.get(j++));
                changed.add(true);
            } else {
                lines.add("- " + expected.get(i++));
                changed.add(true);
            }
        }
        StringBuilder out = new StringBuilder("--- committed\n+++ generated\n");
        int shown = 0;
        int lastShown = -1;
        for (int k = 0; k < lines.size() && shown < MAX_LINES; k++) {
            boolean near = false;
            for (int d = Math.max(0, k - CONTEXT); d <= Math.min(lines.size() - 1, k + CONTEXT); d++) {
                near |= changed.get(d);
            }
            if (near) {
                if (lastShown >= 0 && k > lastShown + 1) {
                    out.append("@@ line ").append(k + 1).append(" @@\n");
                }
                out.append(lines.get(k)).append('\n');
                lastShown = k;
                shown++;
            }
        }
        if (shown == MAX_LINES) {
            out.append("... (diff cut at ").append(MAX_LINES).append(" lines)\n");
        }
        return out.toString();
    }
}
