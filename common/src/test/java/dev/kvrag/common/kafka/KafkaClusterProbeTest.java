package dev.kvrag.common.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.common.events.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

class KafkaClusterProbeTest {

    @Test
    void aClusterThatDoesNotAnswerIsReportedUnreachableInsteadOfHanging() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + closedPort))) {
            var e = assertThrows(KafkaUnreachableException.class,
                    () -> KafkaClusterProbe.probe(admin, Topics.all(), Duration.ofMillis(300)));
            assertTrue(e.getMessage().startsWith("Kafka did not answer"), e.getMessage());
        }
    }

    @Test
    void aClusterIsReadyOnlyWithBrokersAndEveryNeededTopic() {
        assertTrue(new KafkaClusterState("c", 1, List.of()).ready());
        assertFalse(new KafkaClusterState("c", 1, List.of(Topics.CHUNKS)).ready());
        assertFalse(new KafkaClusterState("c", 0, List.of()).ready());
    }
}
