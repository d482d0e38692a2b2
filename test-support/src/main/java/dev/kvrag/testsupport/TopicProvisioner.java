package dev.kvrag.testsupport;

import dev.kvrag.common.events.TopicSpec;
import dev.kvrag.common.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the platform's topics where they are missing and checks the contract of those already there
 * (a {@code chunks} topic that is not compacted would silently lose chunks). Idempotent. Used by the test
 * harness and, through {@link #main}, by {@code ./kvrag infra up}.
 */
public final class TopicProvisioner {

    /** What a provisioning run found: topics it created and topics that were already there. */
    public record Outcome(List<String> created, List<String> present) {
    }

    private TopicProvisioner() {
    }

    public static Outcome provision(String bootstrap, List<TopicSpec> specs, Duration timeout) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 10_000));
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<String> created = new ArrayList<>();
            List<String> present = new ArrayList<>();
            for (TopicSpec spec : specs) {
                if (existing.contains(spec.name()) || !create(admin, spec, timeout)) {
                    present.add(spec.name());
                    checkConfigs(admin, spec, timeout);
                } else {
                    created.add(spec.name());
                }
            }
            awaitVisible(admin, created, timeout);
            return new Outcome(List.copyOf(created), List.copyOf(present));
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("could not provision Kafka topics on " + bootstrap + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while provisioning Kafka topics on " + bootstrap, e);
        }
    }

    /** @return false when another client created the topic first, which is just as good. */
    private static boolean create(Admin admin, TopicSpec spec, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        NewTopic topic = new NewTopic(spec.name(), Optional.of(spec.partitions()), Optional.empty())
                .configs(spec.configs());
        try {
            admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw e;
        }
    }

    /** The controller acknowledges a creation before every broker's metadata has the topic: wait for that. */
    private static void awaitVisible(Admin admin, List<String> names, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!names.isEmpty()) {
            try {
                admin.describeTopics(names).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static void checkConfigs(Admin admin, TopicSpec spec, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (spec.configs().isEmpty()) {
            return;
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
        Config actual = admin.describeConfigs(List.of(resource)).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
        spec.configs().forEach((key, wanted) -> {
            var entry = actual.get(key);
            String value = entry == null ? null : entry.value();
            if (!wanted.equals(value)) {
                throw new IllegalStateException("topic " + spec.name() + " exists with " + key + "=" + value
                        + " but the platform needs " + key + "=" + wanted
                        + "; delete the topic or alter its config");
            }
        });
    }

    /** {@code TopicProvisioner <bootstrap>}: provisions {@link Topics#all()}, one line per outcome. */
    public static void main(String[] args) {
        if (args.length != 1 || args[0].isBlank()) {
            System.err.println("usage: TopicProvisioner <bootstrap host:port>");
            System.exit(2);
        }
        try {
            Outcome outcome = provision(args[0], Topics.all(), Duration.ofSeconds(30));
            System.out.println("topics on " + args[0] + ": created " + outcome.created()
                    + ", already present " + outcome.present());
        } catch (IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }
}
