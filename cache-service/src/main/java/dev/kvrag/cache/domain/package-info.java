/**
 * What the cache-service does with the chunk-KV store, without framework types: administration that announces
 * every change as kv-events ({@link dev.kvrag.cache.domain.KvStoreAdmin}), and who holds what in the workers'
 * local tiers ({@link dev.kvrag.cache.domain.WorkerResidency}). The store itself is the kv-store library.
 */
package dev.kvrag.cache.domain;
