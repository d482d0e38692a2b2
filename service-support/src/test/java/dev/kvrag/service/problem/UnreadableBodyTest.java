package dev.kvrag.service.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.mock.http.MockHttpInputMessage;
import tools.jackson.databind.json.JsonMapper;

class UnreadableBodyTest {

    record Body(String query, Integer k, Double temperature, Boolean stream, List<String> ids, Body nested) {
    }

    private static String describe(String json) {
        try {
            JsonMapper.builder().build().readValue(json, Body.class);
        } catch (RuntimeException e) {
            return UnreadableBody.describe(new HttpMessageNotReadableException("unreadable", e,
                    new MockHttpInputMessage(json.getBytes())));
        }
        throw new AssertionError("expected " + json + " to be unreadable");
    }

    @Test
    void aFieldOfTheWrongTypeIsNamedWithTheTypeItNeeds() {
        assertThat(describe("{\"k\": \"ten\"}")).isEqualTo("field 'k' must be an integer");
        assertThat(describe("{\"temperature\": \"hot\"}")).isEqualTo("field 'temperature' must be a number");
        assertThat(describe("{\"stream\": \"yes\"}")).isEqualTo("field 'stream' must be true or false");
        assertThat(describe("{\"ids\": {}}")).isEqualTo("field 'ids' must be an array");
        assertThat(describe("{\"nested\": 3}")).isEqualTo("field 'nested' must be a JSON object");
        assertThat(describe("{\"nested\": {\"ids\": [\"a\", {}]}}"))
                .isEqualTo("field 'nested.ids[1]' must be a string");
    }

    @Test
    void brokenJsonSaysWhereParsingStopped() {
        assertThat(describe("{\"query\": ")).startsWith("request body is not valid JSON: ").contains("(line 1, column");
    }

    @Test
    void aBodyWithoutACauseAsksForAJsonObject() {
        assertThat(UnreadableBody.describe(new HttpMessageNotReadableException("empty",
                new MockHttpInputMessage(new byte[0]))))
                .isEqualTo("request body is missing or unreadable; send a JSON object");
    }
}
