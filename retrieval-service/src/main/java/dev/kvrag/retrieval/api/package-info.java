/**
 * The service's edge: the {@code documents} listener (the chunker), {@code POST /internal/search},
 * {@code GET /internal/documents/{id}}, and their RFC 9457 problems.
 */
package dev.kvrag.retrieval.api;
