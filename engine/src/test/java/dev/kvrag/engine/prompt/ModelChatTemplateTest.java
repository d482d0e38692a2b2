package dev.kvrag.engine.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.generate.ChatMessage;
import dev.kvrag.engine.generate.ChatTemplate;
import dev.kvrag.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class ModelChatTemplateTest {

  static final Path QWEN3 = Path.of("../models/tokenizers/qwen3");

  @Test
  void aTokenizerCarryingTheKvragLayoutTemplateGetsTheLayoutRenderer(@TempDir Path dir) throws IOException {
    Files.copy(QWEN3.resolve("tokenizer.json.gz"), dir.resolve("tokenizer.json.gz"));
    JsonMapper json = JsonMapper.builder().build();
    ObjectNode config = (ObjectNode) json.readTree(Files.readString(QWEN3.resolve("tokenizer_config.json")));
    config.put("chat_template", PromptLayout.DEFAULT.chatTemplate());
    Files.writeString(dir.resolve("tokenizer_config.json"), json.writeValueAsString(config));

    ChatTemplate template = ModelChatTemplate.forTokenizer(Tokenizer.load(dir));

    assertInstanceOf(LayoutChatTemplate.class, template);
    String rendered = template.render(List.of(ChatMessage.user("Question: Where?")), true);
    assertTrue(rendered.endsWith("Question: Where?" + PromptLayout.ANSWER_CUE), rendered);
  }

  @Test
  void otherTokenizersKeepTheirBuiltInFamily() {
    ChatTemplate template = ModelChatTemplate.forTokenizer(Tokenizer.load(QWEN3));
    assertEquals("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
        template.render(List.of(ChatMessage.user("hi")), true));
  }
}
