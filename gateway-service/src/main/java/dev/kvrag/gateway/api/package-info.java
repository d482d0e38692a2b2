/**
 * The service's edge: HTTP controllers of the public API (/v1/documents, /v1/query, /v1/chat/completions, /v1/models), problem+json errors.
 * Filled by later issues; this service is a skeleton until then.
 */
package dev.kvrag.gateway.api;
