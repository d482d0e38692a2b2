/**
 * The worker's logic, plain Java (the engine, the kv-store library, the common contracts; no Spring, no Kafka or
 * Redis client types): answering a request ({@link dev.kvrag.inference.domain.InferenceWorker}) and precomputing
 * chunk KV ({@link dev.kvrag.inference.domain.Precompute}). What they need from the outside world are the small
 * ports {@link dev.kvrag.inference.domain.Results}, {@link dev.kvrag.inference.domain.RequestLedger} and
 * {@link dev.kvrag.inference.domain.ChunkKeys}, implemented on Redis in {@code infra/}.
 */
package dev.kvrag.inference.domain;
