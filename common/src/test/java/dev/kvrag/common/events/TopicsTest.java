package dev.kvrag.common.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void thePlatformNeedsExactlyTheFiveTopicsOfTheDataFlow() {
        Set<String> names = Topics.all().stream().map(TopicSpec::name).collect(Collectors.toSet());
        assertEquals(Set.of("documents", "chunks", "inference-requests", "inference-results", "kv-events"), names);
        assertEquals(Topics.all().size(), names.size(), "topic names must be unique");
    }

    @Test
    void onlyTheChunkLogIsCompacted() {
        List<String> compacted = Topics.all().stream().filter(TopicSpec::compacted).map(TopicSpec::name).toList();
        assertEquals(List.of(Topics.CHUNKS), compacted);
    }

    @Test
    void constantsAndSpecsNameTheSameTopics() {
        List<String> constants = List.of(Topics.DOCUMENTS, Topics.CHUNKS, Topics.INFERENCE_REQUESTS,
                Topics.INFERENCE_RESULTS, Topics.KV_EVENTS);
        assertEquals(constants, Topics.all().stream().map(TopicSpec::name).toList());
    }

    @Test
    void illegalTopicNamesAreRejectedWithTheNameInTheMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TopicSpec("kv events", 1, Map.of()));
        assertTrue(e.getMessage().contains("'kv events'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec("..", 1, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec("x".repeat(250), 1, Map.of()));
    }

    @Test
    void aTopicNeedsAtLeastOnePartition() {
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec("documents", 0, Map.of()));
    }

    @Test
    void configsAreCopiedSoTheContractCannotBeChangedFromOutside() {
        var configs = new java.util.HashMap<String, String>();
        TopicSpec spec = new TopicSpec("t", 1, configs);
        configs.put("cleanup.policy", "compact");
        assertFalse(spec.compacted());
    }
}
