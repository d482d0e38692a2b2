package dev.kvrag.gateway.api.openai;

import dev.kvrag.gateway.domain.Problem;
import dev.kvrag.gateway.infra.ServedModel;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/models}: the one model the workers serve, as OpenAI clients list models. */
@RestController
class ModelsController {

    private final ModelList.Model model;

    ModelsController(ServedModel served) {
        this.model = new ModelList.Model(served.id(), "model", Instant.now().getEpochSecond(), "kvrag");
    }

    @Operation(summary = "The served model (OpenAI-compatible)")
    @GetMapping(path = "/v1/models", produces = MediaType.APPLICATION_JSON_VALUE)
    ModelList models() {
        return new ModelList("list", List.of(model));
    }

    @Operation(summary = "One model by id (OpenAI-compatible)")
    @GetMapping(path = "/v1/models/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ModelList.Model model(@PathVariable String id) {
        if (!model.id().equals(id)) {
            throw Problem.unknownModel(id, model.id());
        }
        return model;
    }
}
