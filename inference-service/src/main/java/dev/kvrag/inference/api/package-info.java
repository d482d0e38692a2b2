/**
 * The service's edge: the inference-requests listener and the chunks listener that precomputes KV.
 * Filled by later issues; this service is a skeleton until then.
 */
package dev.kvrag.inference.api;
