package dev.kvrag.kvstore;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rule for the document ids a chunk entry is filed under. The store keeps them space-separated in Redis, so
 * an id has no whitespace; nothing else about the gateway's ids is assumed.
 */
public final class DocumentIds {

    private static final Pattern DOCUMENT_ID = Pattern.compile("\\p{Graph}{1,256}");

    private DocumentIds() {
    }

    /** Returns {@code id} when it is 1 to 256 visible ASCII characters, else says why not. */
    public static String check(String id) {
        if (id == null || !DOCUMENT_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid document id '" + id + "': 1 to 256 visible ASCII "
                    + "characters, no spaces");
        }
        return id;
    }

    /** Checks each id; at least one, duplicates dropped, order kept. */
    public static List<String> checkAll(List<String> ids) {
        if (ids == null || ids.isEmpty()) {
            throw new IllegalArgumentException("a chunk entry belongs to at least one document; none given");
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (String id : ids) {
            unique.add(check(id));
        }
        return List.copyOf(new ArrayList<>(unique));
    }
}
