package io.creatorprofiles.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every relative link in README.md and docs/ resolves: the file (or folder) is in the repository, and a
 * {@code #fragment} names a heading of the page it points to. Links that leave the repository are not followed.
 */
class DocsLinksTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<Path> pages = pages();
        assertFalse(pages.isEmpty());
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            for (String target : links(page)) {
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // a scheme (https:, mailto:): not part of the repository
                }
                checked++;
                String problem = problemWith(page, target);
                if (problem != null) {
                    broken.add(page + ": (" + target + ") " + problem);
                }
            }
        }
        assertFalse(checked == 0, "no relative link found: the link pattern no longer matches the pages");
        assertEquals(List.of(), broken);
    }

    /** docs/README.md is the manual's index: every other page of docs/ is listed there, and only once. */
    @Test
    void everyPageIsInTheIndexOnce() throws IOException {
        Path index = Path.of("docs", "README.md");
        Map<String, Integer> listed = new TreeMap<>();
        for (String target : links(index)) {
            String file = target.replaceFirst("#.*", "");
            if (!file.isEmpty() && !file.contains("/") && file.endsWith(".md")) {
                listed.merge(file, 1, Integer::sum);
            }
        }
        Map<String, Integer> expected = new TreeMap<>();
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.map(p -> p.getFileName().toString()).filter(name -> name.endsWith(".md") && !name.equals("README.md"))
                    .forEach(name -> expected.put(name, 1));
        }
        assertEquals(expected, listed, "pages of docs/ and how often docs/README.md lists each");
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(Path.of("README.md"));
        try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** Link targets outside fenced code blocks and inline code. */
    private static List<String> links(Path page) throws IOException {
        List<String> targets = new ArrayList<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(page)) {
            if (FENCE.matcher(line).find()) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher link = LINK.matcher(line.replaceAll("`[^`]*`", ""));
            while (link.find()) {
                targets.add(link.group(1));
            }
        }
        return targets;
    }

    private static String problemWith(Path page, String target) throws IOException {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String fragment = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (fragment == null || fragment.isEmpty() || !resolved.toString().endsWith(".md")) {
            return null;
        }
        return anchors(resolved).contains(fragment) ? null : "no heading with this anchor";
    }

    /** The anchors a Markdown renderer gives the headings: lower case, punctuation dropped, spaces as hyphens. */
    static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        Set<String> seen = new HashSet<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(page)) {
            if (FENCE.matcher(line).find()) {
                fenced = !fenced;
                continue;
            }
            if (fenced || !line.startsWith("#")) {
                continue;
            }
            String text = line.replaceFirst("^#+\\s*", "").trim();
            String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            String anchor = slug;
            for (int n = 1; !seen.add(anchor); n++) {
                anchor = slug + "-" + n;
            }
            anchors.add(anchor);
        }
        return anchors;
    }
}
