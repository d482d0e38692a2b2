package dev.kvrag.retrieval.domain.index;

import dev.kvrag.common.events.ChunkEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.VectorUtil;

/**
 * The chunks of every document in one Lucene index: BM25 over the text (English analyzer: lower case, stop words,
 * Porter stemming) and an HNSW graph over unit-length embeddings (dot product). One Lucene document per chunk,
 * keyed by chunk id, so applying a chunk record again replaces it and a tombstone deletes it.
 *
 * <p>Writes become visible to searches at {@link #refresh()}. The index is never the source of truth: it is built
 * from the chunk log, so an on-disk index is emptied when opened (tombstones compacted away while the process was
 * down would otherwise leave deleted chunks behind).
 */
public final class ChunkIndex implements AutoCloseable {

    private static final String CHUNK_ID = "chunkId";
    private static final String DOCUMENT_ID = "documentId";
    private static final String ORDINAL = "ordinal";
    private static final String TEXT = "text";
    private static final String TOKEN_IDS = "tokenIds";
    private static final String VECTOR = "vector";

    /** Each ranking of a hybrid search contributes at least this many candidates to the fusion. */
    private static final int MIN_CANDIDATES = 50;

    private final Directory directory;
    private final Analyzer analyzer = new EnglishAnalyzer();
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final int dimensions;

    private ChunkIndex(Directory directory, int dimensions) {
        this.directory = directory;
        this.dimensions = dimensions;
        try {
            IndexWriterConfig config = new IndexWriterConfig(analyzer).setOpenMode(IndexWriterConfig.OpenMode.CREATE);
            this.writer = new IndexWriter(directory, config);
            this.searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the chunk index in " + directory, e);
        }
    }

    public static ChunkIndex inMemory(int dimensions) {
        return new ChunkIndex(new ByteBuffersDirectory(), dimensions);
    }

    /** An index in {@code dir}, emptied first. */
    public static ChunkIndex onDisk(Path dir, int dimensions) {
        try {
            return new ChunkIndex(FSDirectory.open(dir), dimensions);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the chunk index directory " + dir, e);
        }
    }

    public int dimensions() {
        return dimensions;
    }

    /** Adds the chunk, or replaces the chunk with the same id. */
    public void put(ChunkEvent chunk, float[] embedding) {
        if (embedding.length != dimensions) {
            throw new IllegalArgumentException("chunk " + chunk.chunkId() + " has a " + embedding.length
                    + "-d embedding; this index holds " + dimensions + "-d vectors");
        }
        float[] unit = VectorUtil.l2normalize(embedding.clone(), true);
        Document doc = new Document();
        doc.add(new StringField(CHUNK_ID, chunk.chunkId(), Field.Store.YES));
        // Fusion needs every candidate's id; doc values answer that without decompressing stored fields.
        doc.add(new SortedDocValuesField(CHUNK_ID, new BytesRef(chunk.chunkId())));
        doc.add(new StringField(DOCUMENT_ID, chunk.documentId(), Field.Store.YES));
        doc.add(new StoredField(ORDINAL, chunk.ordinal()));
        doc.add(new TextField(TEXT, chunk.text(), Field.Store.YES));
        doc.add(new StoredField(TOKEN_IDS, toBytes(chunk.tokenIds())));
        doc.add(new KnnFloatVectorField(VECTOR, unit, VectorSimilarityFunction.DOT_PRODUCT));
        try {
            writer.updateDocument(new Term(CHUNK_ID, chunk.chunkId()), doc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot index chunk " + chunk.chunkId(), e);
        }
    }

    /** Removes the chunk; nothing happens when there is none. */
    public void delete(String chunkId) {
        try {
            writer.deleteDocuments(new Term(CHUNK_ID, chunkId));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete chunk " + chunkId, e);
        }
    }

    /** Makes every write so far visible to searches. */
    public void refresh() {
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot refresh the chunk index", e);
        }
    }

    /**
     * The top {@code query.k()} chunks.
     *
     * @param queryVector the query's embedding; needed unless the mode is {@link SearchMode#BM25}
     */
    public List<SearchHit> search(SearchQuery query, float[] queryVector) {
        int window = Math.max(query.k(), query.mode() == SearchMode.HYBRID ? Math.max(MIN_CANDIDATES, 2 * query.k()) : 0);
        Query filter = query.documentIds().isEmpty() ? null
                : new TermInSetQuery(DOCUMENT_ID, query.documentIds().stream().map(BytesRef::new).toList());
        IndexSearcher searcher = acquire();
        try {
            List<ScoreDoc> lexical = query.mode() == SearchMode.VECTOR ? List.of() : bm25(searcher, query.text(), filter, window);
            List<ScoreDoc> semantic = query.mode() == SearchMode.BM25 ? List.of() : knn(searcher, queryVector, filter, window);
            StoredFields stored = searcher.storedFields();
            return switch (query.mode()) {
                case BM25 -> hits(stored, lexical, query.k());
                case VECTOR -> hits(stored, semantic, query.k());
                case HYBRID -> fused(searcher, lexical, semantic, query.k());
            };
        } catch (IOException e) {
            throw new UncheckedIOException("chunk index search failed", e);
        } finally {
            release(searcher);
        }
    }

    /** The ids of a document's chunks in ordinal order; empty when the index has none. */
    public List<String> chunkIds(String documentId) {
        IndexSearcher searcher = acquire();
        try {
            Query byDocument = new TermQuery(new Term(DOCUMENT_ID, documentId));
            int n = searcher.count(byDocument);
            if (n == 0) {
                return List.of();
            }
            StoredFields stored = searcher.storedFields();
            record Entry(int ordinal, String chunkId) {
            }
            List<Entry> entries = new ArrayList<>(n);
            for (ScoreDoc sd : searcher.search(byDocument, n).scoreDocs) {
                Document d = stored.document(sd.doc, Set.of(CHUNK_ID, ORDINAL));
                entries.add(new Entry(d.getField(ORDINAL).numericValue().intValue(), d.get(CHUNK_ID)));
            }
            entries.sort(Comparator.comparingInt(Entry::ordinal));
            return entries.stream().map(Entry::chunkId).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("chunk index lookup failed", e);
        } finally {
            release(searcher);
        }
    }

    /** Chunks visible to searches. */
    public int size() {
        IndexSearcher searcher = acquire();
        try {
            return searcher.getIndexReader().numDocs();
        } finally {
            release(searcher);
        }
    }

    @Override
    public void close() {
        try (directory; writer; searchers; analyzer) {
            // closes in reverse order
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the chunk index", e);
        }
    }

    private List<ScoreDoc> bm25(IndexSearcher searcher, String text, Query filter, int n) throws IOException {
        Set<String> terms = analyzedTerms(text);
        if (terms.isEmpty()) {
            return List.of(); // only stop words or punctuation: nothing lexical to match
        }
        BooleanQuery.Builder any = new BooleanQuery.Builder();
        terms.stream().limit(IndexSearcher.getMaxClauseCount())
                .forEach(t -> any.add(new TermQuery(new Term(TEXT, t)), BooleanClause.Occur.SHOULD));
        Query query = any.build();
        if (filter != null) {
            query = new BooleanQuery.Builder().add(query, BooleanClause.Occur.MUST)
                    .add(filter, BooleanClause.Occur.FILTER).build();
        }
        return List.of(searcher.search(query, n).scoreDocs);
    }

    private List<ScoreDoc> knn(IndexSearcher searcher, float[] queryVector, Query filter, int n) throws IOException {
        if (queryVector == null) {
            throw new IllegalArgumentException("a vector search needs the query's embedding");
        }
        if (queryVector.length != dimensions) {
            throw new IllegalArgumentException("query embedding has " + queryVector.length + " dimensions; the index has "
                    + dimensions);
        }
        float[] unit = VectorUtil.l2normalize(queryVector.clone(), true);
        return List.of(searcher.search(new KnnFloatVectorQuery(VECTOR, unit, n, filter), n).scoreDocs);
    }

    private Set<String> analyzedTerms(String text) throws IOException {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream stream = analyzer.tokenStream(TEXT, text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                terms.add(term.toString());
            }
            stream.end();
        }
        return terms;
    }

    private static List<SearchHit> hits(StoredFields stored, List<ScoreDoc> ranked, int k) throws IOException {
        List<SearchHit> hits = new ArrayList<>(Math.min(k, ranked.size()));
        for (ScoreDoc sd : ranked.subList(0, Math.min(k, ranked.size()))) {
            hits.add(hit(stored, sd.doc, sd.score));
        }
        return hits;
    }

    private static List<SearchHit> fused(IndexSearcher searcher, List<ScoreDoc> lexical, List<ScoreDoc> semantic,
                                         int k) throws IOException {
        Map<String, Integer> docOf = new HashMap<>();
        List<String> lexicalIds = ids(searcher, lexical, docOf);
        List<String> semanticIds = ids(searcher, semantic, docOf);
        List<ReciprocalRankFusion.Fused> fused = ReciprocalRankFusion.fuse(List.of(lexicalIds, semanticIds));
        StoredFields stored = searcher.storedFields();
        List<SearchHit> hits = new ArrayList<>(Math.min(k, fused.size()));
        for (ReciprocalRankFusion.Fused f : fused.subList(0, Math.min(k, fused.size()))) {
            hits.add(hit(stored, docOf.get(f.id()), f.score()));
        }
        return hits;
    }

    private static List<String> ids(IndexSearcher searcher, List<ScoreDoc> ranked, Map<String, Integer> docOf)
            throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        List<String> ids = new ArrayList<>(ranked.size());
        for (ScoreDoc sd : ranked) {
            LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
            SortedDocValues values = DocValues.getSorted(leaf.reader(), CHUNK_ID);
            if (!values.advanceExact(sd.doc - leaf.docBase)) {
                throw new IllegalStateException("chunk index document " + sd.doc + " has no chunk id");
            }
            String id = values.lookupOrd(values.ordValue()).utf8ToString();
            ids.add(id);
            docOf.put(id, sd.doc);
        }
        return ids;
    }

    private static SearchHit hit(StoredFields stored, int doc, double score) throws IOException {
        Document d = stored.document(doc);
        return new SearchHit(d.get(CHUNK_ID), d.get(DOCUMENT_ID), d.getField(ORDINAL).numericValue().intValue(), score,
                d.get(TEXT), fromBytes(d.getBinaryValue(TOKEN_IDS)));
    }

    private IndexSearcher acquire() {
        try {
            return searchers.acquire();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a searcher on the chunk index", e);
        }
    }

    private void release(IndexSearcher searcher) {
        try {
            searchers.release(searcher);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release a chunk index searcher", e);
        }
    }

    private static BytesRef toBytes(int[] ids) {
        ByteBuffer b = ByteBuffer.allocate(4 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(ids);
        return new BytesRef(b.array());
    }

    private static int[] fromBytes(BytesRef bytes) {
        int[] ids = new int[bytes.length / 4];
        ByteBuffer.wrap(bytes.bytes, bytes.offset, bytes.length).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(ids);
        return ids;
    }
}
