package dev.kvrag.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvrag.common.events.DocumentEvent;
import dev.kvrag.common.events.Topics;
import dev.kvrag.gateway.GatewaySpringTest;
import dev.kvrag.testsupport.RealInfra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Documents go to the {@code documents} topic keyed by id; reads and deletes answer from the index or the pending set. */
class DocumentsApiIT extends GatewaySpringTest {

    @Test
    void postedDocumentsArePublishedKeyedByIdWithGeneratedIdsWhereAbsent() {
        ResponseEntity<Map<String, Object>> r = client().post("/v1/documents", "{\"documents\": ["
                + "{\"id\": \"handbook-1\", \"title\": \"Handbook\", \"text\": \"Nago-feed is owned by Oslo.\","
                + " \"metadata\": {\"lang\": \"en\"}}, {\"text\": \"An untitled note.\"}]}");
        assertThat(r.getStatusCode().value()).as("%s", r.getBody()).isEqualTo(202);
        @SuppressWarnings("unchecked")
        List<String> ids = (List<String>) r.getBody().get("documentIds");
        assertThat(ids).hasSize(2).startsWith("handbook-1");

        Map<String, DocumentEvent> events = documentEvents(ids);
        DocumentEvent.Upsert handbook = (DocumentEvent.Upsert) events.get("handbook-1");
        assertThat(handbook.title()).isEqualTo("Handbook");
        assertThat(handbook.text()).isEqualTo("Nago-feed is owned by Oslo.");
        assertThat(handbook.metadata()).containsEntry("lang", "en");
        assertThat(((DocumentEvent.Upsert) events.get(ids.get(1))).text()).isEqualTo("An untitled note.");
    }

    @Test
    void aPlainTextBodyIsOneDocument() {
        ResponseEntity<Map<String, Object>> r = client().post("/v1/documents?id=notes-7&title=Notes",
                MediaType.TEXT_PLAIN, "Billing moved to Bergen.\nIt was in Oslo before.");
        assertThat(r.getStatusCode().value()).isEqualTo(202);
        assertThat(r.getBody()).containsEntry("documentIds", List.of("notes-7"));
        DocumentEvent.Upsert notes = (DocumentEvent.Upsert) documentEvents(List.of("notes-7")).get("notes-7");
        assertThat(notes.title()).isEqualTo("Notes");
        assertThat(notes.text()).isEqualTo("Billing moved to Bergen.\nIt was in Oslo before.");
    }

    @Test
    void aDocumentIsPendingUntilTheIndexHoldsItThenListsItsChunks() {
        client().post("/v1/documents", "{\"documents\": [{\"id\": \"fresh-1\", \"text\": \"Just posted.\"}]}");
        assertThat(client().get("/v1/documents/{id}", "fresh-1").getBody())
                .containsEntry("documentId", "fresh-1").containsEntry("status", "pending").containsEntry("chunkCount", 0);
        ResponseEntity<Map<String, Object>> indexed = client().get("/v1/documents/{id}", "d1");
        assertThat(indexed.getStatusCode().value()).isEqualTo(200);
        assertThat(indexed.getBody()).containsEntry("status", "indexed").containsEntry("chunkCount", 2)
                .containsEntry("chunkIds", List.of("d1#0", "d1#1"));
    }

    @Test
    void deletingPublishesADeleteEventAndThePendingDocumentIsGone() {
        client().post("/v1/documents", "{\"documents\": [{\"id\": \"doomed-1\", \"text\": \"Short-lived.\"}]}");
        ResponseEntity<Map<String, Object>> deleted = client().delete("/v1/documents/{id}", "doomed-1");
        assertThat(deleted.getStatusCode().value()).isEqualTo(202);
        assertThat(deleted.getBody()).containsEntry("documentId", "doomed-1").containsEntry("status", "deleting");
        List<DocumentEvent> events = allEvents("doomed-1");
        assertThat(events).hasSize(2);
        assertThat(events.getLast()).isInstanceOf(DocumentEvent.Delete.class);
        assertThat(client().get("/v1/documents/{id}", "doomed-1").getStatusCode().value()).isEqualTo(404);
        assertThat(client().delete("/v1/documents/{id}", "doomed-1").getStatusCode().value()).isEqualTo(404);
    }

    @Test
    void unknownDocumentsAre404ProblemsNamingTheId() {
        ResponseEntity<Map<String, Object>> r = client().get("/v1/documents/{id}", "never-posted");
        assertThat(r.getStatusCode().value()).isEqualTo(404);
        assertThat(r.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(r.getBody()).containsEntry("type", "urn:kvrag:problem:unknown-document")
                .containsEntry("detail", "document 'never-posted' is not known: never ingested, deleted, or rejected "
                        + "by the chunker");
    }

    private static Map<String, DocumentEvent> documentEvents(List<String> ids) {
        Map<String, DocumentEvent> latest = new HashMap<>();
        for (String id : ids) {
            latest.put(id, allEvents(id).getLast());
        }
        return latest;
    }

    /** Every event on {@code documents} keyed by {@code id}, in order, waiting a while for the first. */
    private static List<DocumentEvent> allEvents(String id) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfra.kafkaBootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DOCUMENTS).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<DocumentEvent> events = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline
                    && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (id.equals(record.key())) {
                        events.add(DocumentEvent.fromJson(record.value()));
                    }
                }
            }
            assertThat(events).as("events of %s on %s", id, Topics.DOCUMENTS).isNotEmpty();
            return events;
        }
    }
}
