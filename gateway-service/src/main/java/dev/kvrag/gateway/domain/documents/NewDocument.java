package dev.kvrag.gateway.domain.documents;

import java.util.Map;

/**
 * A document as a client posts it, before any check.
 *
 * @param id null to have one generated
 */
public record NewDocument(String id, String title, String text, Map<String, String> metadata) {
}
