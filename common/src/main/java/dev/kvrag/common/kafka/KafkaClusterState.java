package dev.kvrag.common.kafka;

import java.util.List;

/** What a service sees of its Kafka cluster: which cluster, how many brokers, which needed topics are absent. */
public record KafkaClusterState(String clusterId, int brokers, List<String> missingTopics) {

    public KafkaClusterState {
        missingTopics = List.copyOf(missingTopics);
    }

    /** Reachable, at least one broker, and every topic the platform needs is there. */
    public boolean ready() {
        return brokers > 0 && missingTopics.isEmpty();
    }
}
