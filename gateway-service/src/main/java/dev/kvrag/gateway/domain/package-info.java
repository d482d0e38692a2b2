/**
 * Orchestration of a query: retrieval, inference request, streaming the answer back; no Spring or Kafka types here.
 * Filled by later issues; this service is a skeleton until then.
 */
package dev.kvrag.gateway.domain;
