package dev.kvrag.gateway.infra.retrieval;

import dev.kvrag.gateway.domain.ChunkHit;
import dev.kvrag.gateway.domain.IndexedDocument;
import dev.kvrag.gateway.domain.Problem;
import dev.kvrag.gateway.domain.Retrieval;
import dev.kvrag.gateway.infra.DependencyGuard;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * The retrieval-service's internal API over HTTP ({@code POST /internal/search}, {@code GET /internal/documents/{id}};
 * docs/API.md, retrieval). Both calls are reads, so the guard retries them with backoff; timeouts are the HTTP
 * client's. A 4xx from the service is the request's fault and is passed on; anything else is a 503.
 */
public final class RetrievalClient implements Retrieval {

    private final RestClient http;
    private final URI baseUrl;
    private final DependencyGuard guard;

    /** @param http a client whose base URL is {@code baseUrl} */
    public RetrievalClient(RestClient http, URI baseUrl, DependencyGuard guard) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.guard = guard;
    }

    /** Body of {@code POST /internal/search}. */
    record SearchBody(String query, int k, List<String> documentIds) {
    }

    /** Answer of {@code POST /internal/search}. */
    record SearchAnswer(List<Hit> hits, double tookMs) {
    }

    record Hit(String chunkId, String documentId, int ordinal, double score, String text, int[] tokenIds) {
    }

    /** Answer of {@code GET /internal/documents/{id}}. */
    record DocumentAnswer(String documentId, int chunkCount, List<String> chunkIds) {
    }

    @Override
    public List<ChunkHit> search(String query, int k, List<String> documentIds) {
        SearchAnswer answer = guarded(() -> http.post().uri("/internal/search")
                .contentType(MediaType.APPLICATION_JSON).body(new SearchBody(query, k, documentIds))
                .retrieve().body(SearchAnswer.class));
        if (answer == null || answer.hits() == null) {
            throw unavailable("answered a search without hits");
        }
        return answer.hits().stream().map(h -> new ChunkHit(h.chunkId(), h.documentId(), h.ordinal(), h.score(),
                h.text(), h.tokenIds())).toList();
    }

    @Override
    public Optional<IndexedDocument> document(String documentId) {
        DocumentAnswer answer = guarded(() -> {
            try {
                return http.get().uri("/internal/documents/{id}", documentId).retrieve()
                        .body(DocumentAnswer.class);
            } catch (HttpClientErrorException.NotFound e) {
                return null;
            }
        });
        return answer == null ? Optional.empty()
                : Optional.of(new IndexedDocument(answer.documentId(), answer.chunkIds()));
    }

    private <T> T guarded(Supplier<T> call) {
        try {
            return guard.call(() -> {
                try {
                    return call.get();
                } catch (HttpClientErrorException e) {
                    throw refused(e);
                }
            });
        } catch (RestClientResponseException e) {
            throw unavailable("answered " + e.getStatusCode().value() + " " + e.getStatusText());
        } catch (RestClientException e) {
            throw unavailable("cannot be reached (" + rootCause(e) + ")");
        }
    }

    /** The innermost cause, as its message or, when it has none (a refused connection), its class. */
    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getClass().getSimpleName() + ": " + root.getMessage()
                : root.getClass().getSimpleName();
    }

    private static Problem refused(HttpClientErrorException e) {
        ProblemDetail problem = null;
        try {
            problem = e.getResponseBodyAs(ProblemDetail.class);
        } catch (RuntimeException unreadable) {
            // not problem+json: the status alone must do
        }
        String detail = problem != null && problem.getDetail() != null ? problem.getDetail()
                : "the retrieval service answered " + e.getStatusCode().value();
        HttpStatus status = HttpStatus.resolve(e.getStatusCode().value());
        return new Problem(status == null ? 400 : status.value(), "retrieval-refused", "Retrieval refused the request",
                detail, null);
    }

    private Problem unavailable(String what) {
        return Problem.unavailable("retrieval-unavailable", "The retrieval service is unavailable",
                "the retrieval service at " + baseUrl + " " + what, Duration.ofSeconds(2));
    }
}
