package dev.kvrag.gateway.api.query;

import java.util.List;

/**
 * Body of {@code POST /v1/query}; every field but {@code question} is optional.
 *
 * @param k chunks to retrieve (default 6)
 * @param mode a fusion plan spec: {@code full}, {@code prefix}, {@code naive}, {@code cacheblend[:ratio=r,
 *     check_layer=c]}, {@code ape[:t=..,s=..]}, optionally {@code +snapkv:capacity=C}
 * @param documentIds when present, only these documents are searched
 * @param stream true: Server-Sent Events, a {@code token} event per token then a {@code summary} event
 * @param temperature 0 (default) decodes greedily
 */
record QueryBody(String question, Integer k, String mode, Integer maxTokens, List<String> documentIds,
                 Boolean stream, Double temperature, Long seed) {
}
