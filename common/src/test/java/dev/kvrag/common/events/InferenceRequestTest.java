package dev.kvrag.common.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InferenceRequestTest {

    static final String ID = "0b6f6f3e-7c1a-4b9e-9d59-2f4d7e1c8a10";

    @Test
    void aRequestSurvivesTheByteRoundTrip() {
        InferenceRequest r = request("cacheblend:ratio=0.15,check_layer=1", 0.7);
        InferenceRequest back = InferenceRequest.fromJson(r.toJson());
        assertEquals(r, back);
        assertArrayEquals(new int[] {791, 0, 151_642}, back.chunkTokenIds(0));
        assertEquals(0.7, back.temperature());
        assertTrue(back.stream());
    }

    @Test
    void theWireFormatIsTheContractsSpelling() {
        String json = new String(request("naive", 0.0).toJson(), StandardCharsets.UTF_8);
        assertEquals("{\"schemaVersion\":1,\"requestId\":\"" + ID + "\",\"createdAtMs\":1763900000000,"
                + "\"deadlineMs\":1763900030000,\"modelId\":\"demo\",\"tokenizerId\":\"sha256:0123456789abcdef\","
                + "\"question\":\"Which team owns nago-feed?\",\"chunkIds\":[\"d7#2\",\"d1#0\",\"d7#1\"],"
                + "\"documentIds\":[\"d7\",\"d1\",\"d7\"],\"chunkTokenIds\":[[791,0,151642],[5],[6,7]],"
                + "\"mode\":\"naive\",\"maxTokens\":64,\"temperature\":0.0,\"seed\":0,\"stream\":true}", json);
    }

    @Test
    void anAbsentOrNullModeMeansTheWorkersDefault() {
        InferenceRequest r = request(null, 0);
        String json = new String(r.toJson(), StandardCharsets.UTF_8);
        assertFalse(json.contains("\"mode\""));
        assertNull(InferenceRequest.fromJson(r.toJson()).mode());
        String withNull = json.replace("\"maxTokens\"", "\"mode\":null,\"maxTokens\"");
        assertNull(InferenceRequest.fromJson(withNull.getBytes(StandardCharsets.UTF_8)).mode());
    }

    @Test
    void theAffinityKeyIsTheChunkThatOpensThePrompt() {
        // Prompt order: the best-ranked chunk's document first, in document order: d7#1, d7#2, d1#0.
        assertEquals("d7#1", request("naive", 0).affinityKey());
        InferenceRequest none = new InferenceRequest(ID, 1, 2, "demo", "t", "q?", List.of(), List.of(), new int[0][],
                null, 1, 0, 0, false);
        assertEquals(ID, none.affinityKey());
    }

    @Test
    void theRecordOwnsItsArrays() {
        int[][] ids = {{1, 2}};
        InferenceRequest r = new InferenceRequest(ID, 1, 2, "demo", "t", "q?", List.of("d#0"), List.of("d"), ids,
                null, 1, 0, 0, false);
        ids[0][0] = 99;
        r.chunkTokenIds()[0][1] = 99;
        r.chunkTokenIds(0)[0] = 99;
        assertArrayEquals(new int[] {1, 2}, r.chunkTokenIds(0));
    }

    @Test
    void badRequestsSayWhatIsWrong() {
        String good = new String(request("naive", 0).toJson(), StandardCharsets.UTF_8);
        assertMessage(good.replace("Which team owns nago-feed?", "  "), "the question is blank");
        assertMessage(good.replace("[[791,0,151642],[5],[6,7]]", "[[791,0,151642],[5]]"),
                "3 chunk ids, 3 document ids and 2 token id lists");
        assertMessage(good.replace("[6,7]", "[]"), "chunk d7#1 has no token ids");
        assertMessage(good.replace("[6,7]", "[6,-7]"), "chunk d7#1 has a negative token id -7");
        assertMessage(good.replace("[6,7]", "[6,7.5]"), "chunkTokenIds[2][1] is not a 32-bit integer");
        assertMessage(good.replace("[6,7]", "6"), "chunkTokenIds[2] is not an array");
        assertMessage(good.replace("[\"d7\",\"d1\",\"d7\"]", "[\"d7\",\"d2\",\"d7\"]"),
                "chunk d1#0 is listed under document 'd2', its id says 'd1'");
        assertMessage(good.replace("\"d1#0\"", "\"d1\""), "chunk id 'd1' is not <documentId>#<ordinal>");
        assertMessage(good.replace("\"stream\":true", "\"stream\":\"yes\""), "\"stream\" is not true or false");
        assertMessage(good.replace("\"temperature\":0.0", "\"temperature\":-1"), "temperature must be a finite");
        assertMessage(good.replace("\"temperature\":0.0", "\"temperature\":1e400"), "\"temperature\" overflows");
        assertMessage(good.replace("\"maxTokens\":64", "\"maxTokens\":0"), "maxTokens 0 is out of range");
        assertMessage(good.replace("\"mode\":\"naive\"", "\"mode\":\" \""), "the mode is blank");
        assertMessage(good.replace(ID, "no spaces allowed"), "request id 'no spaces allowed' is invalid");
        assertMessage(good.replace("\"deadlineMs\":1763900030000", "\"deadlineMs\":1"), "deadline 1 ms is before");
        assertMessage(good.replace("\"modelId\":\"demo\",", ""), "inference request has no \"modelId\"");
        assertMessage(good.replace("\"schemaVersion\":1", "\"schemaVersion\":2"), "this reader knows 1 to 1");
        assertMessage("[1]", "is not a JSON object");
    }

    @Test
    void theRequestIdOfAnUnreadableRequestIsFoundWhenItIsThere() {
        String good = new String(request("naive", 0).toJson(), StandardCharsets.UTF_8);
        String bad = good.replace("\"maxTokens\":64", "\"maxTokens\":\"many\"");
        assertEquals(Optional.of(ID), InferenceRequest.requestIdOf(bad.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), InferenceRequest.requestIdOf("{\"requestId\":\"a b\"}".getBytes()));
        assertEquals(Optional.empty(), InferenceRequest.requestIdOf("{\"requestId\":".getBytes()));
        assertEquals(Optional.empty(), InferenceRequest.requestIdOf(null));
    }

    static InferenceRequest request(String mode, double temperature) {
        return new InferenceRequest(ID, 1_763_900_000_000L, 1_763_900_030_000L, "demo", "sha256:0123456789abcdef",
                "Which team owns nago-feed?", List.of("d7#2", "d1#0", "d7#1"), List.of("d7", "d1", "d7"),
                new int[][] {{791, 0, 151_642}, {5}, {6, 7}}, mode, 64, temperature, 0, true);
    }

    private static void assertMessage(String json, String expected) {
        EventFormatException e = assertThrows(EventFormatException.class,
                () -> InferenceRequest.fromJson(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains(expected),
                () -> "'" + e.getMessage() + "' should contain '" + expected + "'");
    }
}
