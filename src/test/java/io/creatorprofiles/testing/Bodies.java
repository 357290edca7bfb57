package io.creatorprofiles.testing;

/** Request bodies the tests send. */
public final class Bodies {

    private Bodies() {
    }

    public static String personalInfo(String displayName) {
        return """
                {"displayName": "%s", "bio": "bio of %s", "location": "Lisbon",
                 "website": "https://example.org/%s",
                 "socialLinks": [{"network": "mastodon", "url": "https://social.example/@%s"}],
                 "categories": ["photography", "travel"]}
                """.formatted(displayName, displayName, displayName, displayName);
    }

    public static String gallery(String... urls) {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < urls.length; i++) {
            items.append(i == 0 ? "" : ",").append("{\"url\": \"").append(urls[i]).append("\", \"caption\": \"picture ")
                    .append(i).append("\"}");
        }
        return "{\"items\": [" + items + "]}";
    }
}
