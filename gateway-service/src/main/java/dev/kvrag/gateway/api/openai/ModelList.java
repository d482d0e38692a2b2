package dev.kvrag.gateway.api.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code GET /v1/models}: OpenAI's list object. */
record ModelList(String object, List<Model> data) {

    record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
    }
}
