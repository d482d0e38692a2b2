package dev.kvrag.retrieval.domain.chunking;

import dev.kvrag.engine.prompt.PromptEncoder;
import dev.kvrag.engine.prompt.PromptLayout;
import dev.kvrag.engine.prompt.PromptSegment;
import dev.kvrag.engine.prompt.SegmentRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Cuts a document into chunks with the served model's tokenizer. Chunk boundaries are KV boundaries: a chunk's
 * ids are exactly the ids of its prompt segment ({@link PromptLayout#chunk}, encoded alone by the
 * {@link PromptEncoder}), so the ids published for a chunk are the ids the engine prefills for it.
 *
 * <p>Whole sentences are packed greedily up to {@link ChunkingPolicy#maxTokens()}. When the next sentence does not
 * fit and the chunk holds a paragraph start past its first half, the chunk ends at that paragraph instead. A
 * sentence too long for a chunk is cut between words, a word too long between characters. Sizes are estimated
 * from each piece's own ids and then checked on the chunk's exact ids (BPE is nearly but not exactly additive),
 * so no chunk ever exceeds the bound. Deterministic: the same text and policy give the same chunks.
 */
public final class Chunker {

    static final String ALGORITHM = "sentences-v1";

    private final PromptEncoder encoder;
    private final PromptLayout layout;
    private final ChunkingPolicy policy;

    public Chunker(PromptEncoder encoder, PromptLayout layout, ChunkingPolicy policy) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public ChunkingPolicy policy() {
        return policy;
    }

    /** The chunks of {@code text} in document order; none when it is blank. */
    public List<Chunk> chunk(String text) {
        List<Span> units = new ArrayList<>();
        for (Span sentence : Sentences.of(text)) {
            fitting(text, sentence, units);
        }
        int[] cost = new int[units.size()];
        for (int i = 0; i < cost.length; i++) {
            cost[i] = textIds(text.substring(units.get(i).start(), units.get(i).end())).length;
        }

        List<Chunk> chunks = new ArrayList<>();
        int first = 0;
        while (first < units.size()) {
            int end = packEnd(units, first, cost);
            Chunk chunk = exact(text, units, first, end, chunks.size());
            while (chunk == null) {
                end--; // the estimate was a little short; a single unit always fits (fitting() made sure)
                chunk = exact(text, units, first, end, chunks.size());
            }
            chunks.add(chunk);
            first = end == units.size() ? end : nextStart(first, end, cost);
        }
        return chunks;
    }

    /**
     * The end (exclusive) of the units that fit from {@code first} by estimate; an earlier paragraph start
     * instead when the next unit does not fit and the chunk would still be at least half full.
     */
    private int packEnd(List<Span> units, int first, int[] cost) {
        int budget = textBudget();
        int used = cost[first];
        int end = first + 1;
        while (end < cost.length && used + cost[end] <= budget) {
            used += cost[end++];
        }
        if (end == cost.length) {
            return end;
        }
        int filled = cost[first];
        int paragraphEnd = -1;
        for (int i = first + 1; i < end; i++) {
            if (units.get(i).opensParagraph() && filled >= budget / 2) {
                paragraphEnd = i;
            }
            filled += cost[i];
        }
        return paragraphEnd > 0 ? paragraphEnd : end;
    }

    /** Where the chunk after {@code [first, end)} starts: its trailing sentences up to the overlap, else {@code end}. */
    private int nextStart(int first, int end, int[] cost) {
        int start = end;
        int overlap = 0;
        while (start - 1 > first && overlap + cost[start - 1] <= policy.overlapTokens()) {
            overlap += cost[--start];
        }
        // The overlap must leave room for at least one new unit, or the next chunk would add nothing.
        while (start < end && overlap + cost[end] > textBudget()) {
            overlap -= cost[start++];
        }
        return start;
    }

    /** The chunk of units {@code [first, end)} with its exact ids, or null when those exceed the bound. */
    private Chunk exact(String text, List<Span> units, int first, int end, int ordinal) {
        int start = units.get(first).start();
        int stop = units.get(end - 1).end();
        String chunkText = text.substring(start, stop);
        int[] ids = segmentIds(chunkText);
        return ids.length <= policy.maxTokens() ? new Chunk(ordinal, chunkText, ids, start, stop) : null;
    }

    /** Adds {@code span} to {@code units}, cut into pieces that each fit a chunk alone when it does not. */
    private void fitting(String text, Span span, List<Span> units) {
        if (fits(text, span.start(), span.end())) {
            units.add(span);
            return;
        }
        List<Span> words = words(text, span);
        boolean opens = span.opensParagraph();
        int i = 0;
        while (i < words.size()) {
            Span word = words.get(i);
            if (!fits(text, word.start(), word.end())) {
                characters(text, word, opens, units);
            } else {
                int j = i + 1;
                while (j < words.size() && fits(text, word.start(), words.get(j).end())) {
                    j++;
                }
                units.add(new Span(word.start(), words.get(j - 1).end(), opens));
                i = j - 1;
            }
            opens = false;
            i++;
        }
    }

    /** Cuts a word longer than a chunk into the longest prefixes that fit; never inside a surrogate pair. */
    private void characters(String text, Span word, boolean opens, List<Span> units) {
        int start = word.start();
        while (start < word.end()) {
            // Invariant: lo code points fit (one always does: a few byte tokens at most); more than hi do not.
            int lo = 1;
            int hi = text.codePointCount(start, word.end());
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (fits(text, start, text.offsetByCodePoints(start, mid))) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            int end = text.offsetByCodePoints(start, lo);
            units.add(new Span(start, end, opens));
            opens = false;
            start = end;
        }
    }

    private static List<Span> words(String text, Span span) {
        List<Span> words = new ArrayList<>();
        int i = span.start();
        while (i < span.end()) {
            while (i < span.end() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < span.end() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                words.add(new Span(start, i, false));
            }
        }
        return words;
    }

    private boolean fits(String text, int start, int end) {
        return segmentIds(text.substring(start, end)).length <= policy.maxTokens();
    }

    /** Room for text in a chunk, by estimate: the separator after it takes about one token. */
    private int textBudget() {
        return policy.maxTokens() - 1;
    }

    /** The exact ids of a chunk: its prompt segment, text and separator. */
    private int[] segmentIds(String chunkText) {
        return encoder.encode(layout.chunk(chunkText)).ids();
    }

    /**
     * A unit's share of a chunk, by estimate: the ids of its text alone. Inside a chunk a space or newline comes
     * before it, which byte-level tokenizers fold into its first token, so this is close to exact.
     */
    private int[] textIds(String unitText) {
        return encoder.encode(new PromptSegment(SegmentRole.CHUNK, unitText)).ids();
    }
}
