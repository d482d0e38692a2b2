package dev.kvrag.gateway.api.documents;

import java.util.List;
import java.util.Map;

/** Body of {@code POST /v1/documents} as JSON: one or more documents. */
record DocumentsBody(List<Document> documents) {

    /**
     * @param id optional: generated (a UUID) when absent; reusing an id replaces that document
     * @param metadata optional string pairs, kept with the document
     */
    record Document(String id, String title, String text, Map<String, String> metadata) {
    }
}
