/**
 * The service's edge: HTTP endpoints for chunk-KV get/put/stats and the kv-events publisher's triggers.
 * Filled by later issues; this service is a skeleton until then.
 */
package dev.kvrag.cache.api;
