/**
 * Chunking ({@code chunking}), embedding ({@code embedding}), the Lucene index and hybrid ranking ({@code index}),
 * and what a document event does to the chunk log ({@code ingest}); plain Java, no framework types.
 */
package dev.kvrag.retrieval.domain;
