/**
 * The public edge: {@code /v1/documents}, {@code /v1/query} (JSON or SSE), the OpenAI-compatible
 * {@code /v1/chat/completions} and {@code /v1/models}; API keys ({@link dev.kvrag.gateway.api.ApiKeyFilter}),
 * request size limits and RFC 9457 problem+json for every error ({@link dev.kvrag.gateway.api.GatewayProblems}).
 */
package dev.kvrag.gateway.api;
