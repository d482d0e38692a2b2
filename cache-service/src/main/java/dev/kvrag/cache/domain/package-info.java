/**
 * Tiering, eviction policy and hit/miss accounting; plain Java, no framework types.
 * Filled by later issues; this service is a skeleton until then.
 */
package dev.kvrag.cache.domain;
