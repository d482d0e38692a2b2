/**
 * Request scheduling around the engine (fusion mode, KV lookup order); plain Java, no framework types.
 * Filled by later issues; this service is a skeleton until then.
 */
package dev.kvrag.inference.domain;
