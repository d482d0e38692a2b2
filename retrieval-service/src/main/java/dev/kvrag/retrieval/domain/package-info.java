/**
 * Chunking, embedding and ranking; plain Java, no framework types.
 * Filled by later issues; this service is a skeleton until then.
 */
package dev.kvrag.retrieval.domain;
