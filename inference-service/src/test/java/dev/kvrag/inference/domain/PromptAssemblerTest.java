package dev.kvrag.inference.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.common.events.InferenceRequest;
import dev.kvrag.inference.TestModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptAssemblerTest {

    static final ServedModel MODEL = TestModel.served();

    @Test
    void chunksOfOneDocumentSitTogetherInDocumentOrderAndDocumentsComeByTheirBestRank() {
        // Ranked best first: d7#2, d1#0, d7#0, d1#3.
        InferenceRequest r = request(List.of("d7#2", "d1#0", "d7#0", "d1#3"), new int[][] {{72}, {10}, {70}, {13}},
                "Who runs it?");
        PromptPlan plan = new PromptAssembler(MODEL, 8192).assemble(r);
        assertEquals(List.of("d7#0", "d7#2", "d1#0", "d1#3"), plan.chunks().stream().map(PromptPlan.Chunk::chunkId)
                .toList());
        assertEquals(List.of("d7", "d7", "d1", "d1"), plan.chunks().stream().map(PromptPlan.Chunk::documentId)
                .toList());
        assertArrayEquals(new int[][] {{70}, {72}, {10}, {13}}, plan.chunkTokenIds().toArray(int[][]::new),
                "each chunk keeps its own ids");
        assertArrayEquals(MODEL.prefixIds(), plan.prefix(), "the served prefix opens every prompt");
        assertArrayEquals(MODEL.questionIds("Who runs it?"), plan.question(), "the question closes it");
        int p = MODEL.prefixIds().length;
        assertEquals(p + 2, plan.start(2));
        assertEquals(p + 4, plan.contextTokens());
        assertEquals(p + 4 + plan.question().length, plan.promptTokens());
    }

    @Test
    void theQuestionIsLaidOutByTheModelsPromptLayout() {
        String text = MODEL.tokenizer().decode(MODEL.questionIds("Which team owns nago-feed?"));
        assertEquals("Question: Which team owns nago-feed?\nAnswer:", text);
    }

    @Test
    void tokenIdsOutsideTheVocabularyAreRefusedNamingTheChunk() {
        InferenceRequest r = request(List.of("d1#0", "d1#1"), new int[][] {{5}, {6, MODEL.vocabSize()}}, "q?");
        RequestProblem p = assertThrows(RequestProblem.class, () -> new PromptAssembler(MODEL, 8192).assemble(r));
        assertEquals(422, p.status());
        assertEquals("chunk d1#1 has token id 151936, outside the vocabulary [0, 151936) of model 'test-model'",
                p.getMessage());
    }

    @Test
    void aChunkRetrievedTwiceIsRefused() {
        InferenceRequest r = request(List.of("d1#0", "d1#0"), new int[][] {{5}, {5}}, "q?");
        RequestProblem p = assertThrows(RequestProblem.class, () -> new PromptAssembler(MODEL, 8192).assemble(r));
        assertEquals(422, p.status());
        assertTrue(p.getMessage().contains("chunk d1#0 was retrieved twice"), p.getMessage());
    }

    @Test
    void aPromptLongerThanTheWorkerTakesIsRefusedWithItsParts() {
        InferenceRequest r = request(List.of("d1#0"), new int[][] {new int[40]}, "q?");
        RequestProblem p = assertThrows(RequestProblem.class, () -> new PromptAssembler(MODEL, 40).assemble(r));
        assertEquals(422, p.status());
        assertTrue(p.getMessage().matches("the prompt has \\d+ tokens \\(prefix \\d+, 1 chunks 40, question \\d+\\); "
                + "this worker takes at most 40"), p.getMessage());
    }

    static InferenceRequest request(List<String> chunkIds, int[][] ids, String question) {
        List<String> docs = chunkIds.stream().map(c -> c.substring(0, c.indexOf('#'))).toList();
        return new InferenceRequest("r-1", 1, 2, MODEL.id(), MODEL.tokenizerId(), question, chunkIds, docs, ids, null,
                4, 0, 0, true);
    }
}
