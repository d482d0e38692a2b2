package dev.kvrag.testsupport;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node KRaft Kafka (one process acting as broker and controller) inside this JVM, built with
 * Kafka's own test kit, so clients and broker are the very same Kafka version.
 */
final class InJvmKafkaBroker implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private InJvmKafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    static InJvmKafkaBroker start() {
        // A broker thread that hits a fatal error calls Exit.halt, which would kill the whole test JVM with a
        // non-zero status and no test report; in this JVM it is reported instead, as Kafka's own tests do.
        Exit.setHaltProcedure((status, message) ->
                System.err.println("kvrag test-support: in-JVM Kafka broker asked to halt(" + status + "): " + message));
        Exit.setExitProcedure((status, message) ->
                System.err.println("kvrag test-support: in-JVM Kafka broker asked to exit(" + status + "): " + message));
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build();
            cluster = new KafkaClusterTestKit.Builder(nodes)
                    // Internal topics default to three replicas; a single node can only host one.
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                    .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                    // The default 3 s delay only helps real groups gather members; tests would just wait for it.
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setDeleteOnClose(true)
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new InJvmKafkaBroker(cluster);
        } catch (Exception e) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("could not start the in-JVM Kafka broker: " + e.getMessage(), e);
        }
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
