package dev.kvrag.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.common.events.TopicSpec;
import dev.kvrag.common.events.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

class TopicProvisionerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void thePlatformTopicsExistWithTheirPartitionsAndTheChunkLogIsCompacted() throws Exception {
        String bootstrap = RealInfra.kafkaBootstrap();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            List<String> names = Topics.all().stream().map(TopicSpec::name).toList();
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            for (TopicSpec spec : Topics.all()) {
                assertEquals(spec.partitions(), described.get(spec.name()).partitions().size(), spec.name());
            }
            var chunks = new ConfigResource(ConfigResource.Type.TOPIC, Topics.CHUNKS);
            var config = admin.describeConfigs(List.of(chunks)).all().get(30, TimeUnit.SECONDS).get(chunks);
            assertEquals("compact", config.get("cleanup.policy").value());
        }
    }

    @Test
    void provisioningTwiceCreatesNothingTheSecondTime() {
        String bootstrap = RealInfra.kafkaBootstrap();
        var outcome = TopicProvisioner.provision(bootstrap, Topics.all(), TIMEOUT);
        assertEquals(List.of(), outcome.created());
        assertEquals(Topics.all().size(), outcome.present().size());
    }

    @Test
    void aTopicThatExistsWithTheWrongCleanupPolicyIsReportedByName() throws Exception {
        String bootstrap = RealInfra.kafkaBootstrap();
        String name = "kvrag-selftest-" + UUID.randomUUID();
        TopicProvisioner.provision(bootstrap, List.of(new TopicSpec(name, 1, Map.of())), TIMEOUT);
        try {
            var compacted = new TopicSpec(name, 1, Map.of("cleanup.policy", "compact"));
            var e = assertThrows(IllegalStateException.class,
                    () -> TopicProvisioner.provision(bootstrap, List.of(compacted), TIMEOUT));
            assertTrue(e.getMessage().contains(name) && e.getMessage().contains("cleanup.policy=compact"),
                    e.getMessage());
        } finally {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.deleteTopics(List.of(name)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }
}
