/**
 * The service's edge: listeners on the documents and chunks topics and the top-k HTTP endpoint.
 * Filled by later issues; this service is a skeleton until then.
 */
package dev.kvrag.retrieval.api;
