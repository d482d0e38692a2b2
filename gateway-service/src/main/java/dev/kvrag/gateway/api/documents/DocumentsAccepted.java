package dev.kvrag.gateway.api.documents;

import java.util.List;

/** Answer of {@code POST /v1/documents} (202): the documents' ids, in the order posted; chunking follows shortly. */
record DocumentsAccepted(List<String> documentIds) {
}
