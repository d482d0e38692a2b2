package dev.kvrag.common.kafka;

import dev.kvrag.common.events.TopicSpec;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;

/**
 * The readiness question every service asks of Kafka, answered one way: describe the cluster and list its
 * topics, each bounded by a short timeout so that a health endpoint never hangs on a dead broker.
 */
public final class KafkaClusterProbe {

    private KafkaClusterProbe() {
    }

    /**
     * @throws KafkaUnreachableException when the cluster does not answer within {@code timeout}
     */
    public static KafkaClusterState probe(Admin admin, List<TopicSpec> required, Duration timeout) {
        int timeoutMs = (int) timeout.toMillis();
        try {
            DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs));
            String clusterId = cluster.clusterId().get(timeoutMs, TimeUnit.MILLISECONDS);
            int brokers = cluster.nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
            Set<String> topics = admin.listTopics(new ListTopicsOptions().timeoutMs(timeoutMs))
                    .names().get(timeoutMs, TimeUnit.MILLISECONDS);
            List<String> missing = required.stream().map(TopicSpec::name).filter(t -> !topics.contains(t)).toList();
            return new KafkaClusterState(clusterId, brokers, missing);
        } catch (ExecutionException e) {
            throw new KafkaUnreachableException("Kafka did not answer: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnreachableException("Kafka did not answer within " + timeoutMs + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnreachableException("interrupted while asking Kafka for its state", e);
        }
    }
}
