package dev.kvrag.gateway.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI description's header and its two ways to present an API key; springdoc serves it at /v3/api-docs. */
@Configuration(proxyBeanMethods = false)
class OpenApiDescription {

    @Bean
    OpenAPI kvragOpenApi() {
        return new OpenAPI()
                .info(new Info().title("kvrag gateway").version("v1").description("Ingest documents and ask questions;"
                        + " answers come from retrieved chunks whose KV caches are reused across questions. Errors are "
                        + "RFC 9457 problem+json (type urn:kvrag:problem:*)."))
                .components(new Components()
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer"))
                        .addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-API-Key")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }
}
