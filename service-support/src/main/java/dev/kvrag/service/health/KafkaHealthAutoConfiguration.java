package dev.kvrag.service.health;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The {@code kafka} health component of every service whose properties name a {@link KafkaHealthTimeout}; the
 * bean name {@code kafkaHealthIndicator} is what makes the contributor {@code kafka}.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnClass({KafkaAdmin.class, AbstractHealthIndicator.class})
public final class KafkaHealthAutoConfiguration {

    @Bean
    @ConditionalOnBean({KafkaAdmin.class, KafkaHealthTimeout.class})
    KafkaHealthIndicator kafkaHealthIndicator(KafkaAdmin kafkaAdmin, KafkaHealthTimeout timeout) {
        return new KafkaHealthIndicator(kafkaAdmin.getConfigurationProperties(), timeout.kafkaHealthTimeout());
    }
}
