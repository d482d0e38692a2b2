package dev.kvrag.common.events;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Kafka topic the platform needs: its name, how many partitions it is created with, and the topic
 * configs that are part of its contract (a compacted log is a different thing from a plain one).
 * Replication is left to the cluster's default: one on a dev broker, more in a real deployment.
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {

    // Kafka's own rule (org.apache.kafka.common.internals.Topic): legal characters, at most 249 of them.
    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (!LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("illegal Kafka topic name: '" + name + "'");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + " needs at least one partition, got " + partitions);
        }
        configs = Map.copyOf(configs);
    }

    public boolean compacted() {
        return configs.getOrDefault("cleanup.policy", "delete").contains("compact");
    }
}
