/**
 * The service's edge: the {@code /v1/cache} REST API (stats, entries, blobs, document invalidation, residency),
 * its RFC 9457 problems, and the kv-events listener that keeps worker residency.
 */
package dev.kvrag.cache.api;
