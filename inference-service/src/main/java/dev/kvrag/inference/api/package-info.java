/**
 * The service's edge: the {@code inference-requests} listener (consumer group {@code inference-workers}) and the
 * {@code chunks} listener that precomputes KV (consumer group {@code inference-precompute}).
 */
package dev.kvrag.inference.api;
