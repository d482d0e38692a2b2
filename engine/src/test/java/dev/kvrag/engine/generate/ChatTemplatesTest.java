package dev.kvrag.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Expected strings are worked out by hand from the Jinja sources: the real tokenizer_config.json
 * files under models/tokenizers, and the published Llama-3-Instruct, Llama-3.1 and Mistral-Instruct
 * templates quoted (in the parts that matter) below.
 */
class ChatTemplatesTest {

  private static final Predicate<String> NO_TOKENS = token -> false;

  private static ChatMessage system(String c) {
    return ChatMessage.system(c);
  }

  private static ChatMessage user(String c) {
    return ChatMessage.user(c);
  }

  private static ChatMessage assistant(String c) {
    return ChatMessage.assistant(c);
  }

  /** The chat template of a committed tokenizer_config.json, as the configured renderer. */
  private static ChatTemplate committed(String model) throws Exception {
    Path config = repositoryRoot().resolve("models/tokenizers").resolve(model).resolve("tokenizer_config.json");
    JsonNode json = JsonMapper.builder().build().readTree(Files.readString(config));
    return ChatTemplates.detect(text(json, "chat_template"), text(json, "bos_token"), text(json, "eos_token"),
        NO_TOKENS, LocalDate.of(2025, 3, 5));
  }

  private static String text(JsonNode json, String field) {
    JsonNode node = json.get(field);
    return node == null || node.isNull() ? null : node.asString();
  }

  static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("models/tokenizers"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no models/tokenizers above " + Path.of("").toAbsolutePath());
  }

  // --- Qwen3 (models/tokenizers/qwen3): ChatML with its reasoning rules -------------------------

  @Test
  void qwen3RendersSystemAndUserTurnsThenAnOpenAssistantTurn() throws Exception {
    ChatTemplate qwen3 = committed("qwen3");
    assertEquals("ChatML (Qwen3)", qwen3.name());
    assertEquals("<|im_end|>", qwen3.endOfTurnToken());
    assertEquals("""
        <|im_start|>system
        You are terse.<|im_end|>
        <|im_start|>user
        What is 2+2?<|im_end|>
        <|im_start|>assistant
        """, qwen3.render(List.of(system("You are terse."), user("What is 2+2?")), true));
  }

  @Test
  void qwen3AddsNoDefaultSystemTurnAndNoThinkBlockToTheGenerationPrompt() throws Exception {
    assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
        committed("qwen3").render(List.of(user("Hi")), true));
    assertEquals("<|im_start|>user\nHi<|im_end|>\n", committed("qwen3").render(List.of(user("Hi")), false));
  }

  @Test
  void qwen3KeepsEarlierAssistantTurnsPlainAndDropsTheirReasoning() throws Exception {
    List<ChatMessage> chat = List.of(system("S"), user("U1"),
        assistant("<think>\nstep one\n</think>\n\nA1"), user("U2"));
    assertEquals("<|im_start|>system\nS<|im_end|>\n"
        + "<|im_start|>user\nU1<|im_end|>\n"
        + "<|im_start|>assistant\nA1<|im_end|>\n"
        + "<|im_start|>user\nU2<|im_end|>\n"
        + "<|im_start|>assistant\n", committed("qwen3").render(chat, true));
  }

  @Test
  void qwen3WrapsTheFinalAssistantTurnAfterTheLastQueryInAThinkBlock() throws Exception {
    assertEquals("<|im_start|>user\nU<|im_end|>\n"
            + "<|im_start|>assistant\n<think>\n\n</think>\n\nThe answer is 4.<|im_end|>\n",
        committed("qwen3").render(List.of(user("U"), assistant("The answer is 4.")), false));
  }

  @Test
  void qwen3KeepsReasoningOfANonFinalAssistantTurnAfterTheLastQuery() throws Exception {
    assertEquals("<|im_start|>user\nU<|im_end|>\n"
            + "<|im_start|>assistant\n<think>\nr1\n</think>\n\na1<|im_end|>\n"
            + "<|im_start|>assistant\n<think>\n\n</think>\n\na2<|im_end|>\n",
        committed("qwen3").render(List.of(user("U"), assistant("<think>r1</think>a1"), assistant("a2")), false));
  }

  @Test
  void qwen3RendersALaterSystemMessageAsAnOrdinaryTurn() throws Exception {
    assertEquals("<|im_start|>user\nU<|im_end|>\n<|im_start|>system\nS2<|im_end|>\n<|im_start|>assistant\n",
        committed("qwen3").render(List.of(user("U"), system("S2")), true));
  }

  @Test
  void qwen3RejectsToolMessagesItsBuiltInRendererDoesNotCover() throws Exception {
    var e = assertThrows(ChatTemplateException.class,
        () -> committed("qwen3").render(List.of(user("U"), new ChatMessage("tool", "42")), true));
    assertTrue(e.getMessage().contains("role 'tool'"), e.getMessage());
  }

  // --- Qwen2/2.5 and plain ChatML -------------------------------------------------------------

  @Test
  void qwen25InsertsItsDefaultSystemTurnWhenTheConversationHasNone() {
    String jinja = "{%- if messages[0]['role'] == 'system' %}\n"
        + "        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}\n"
        + "    {%- else %}\n"
        + "        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}\n"
        + "    {%- endif %}";
    ChatTemplate t = ChatTemplates.detect(jinja, null, "<|im_end|>", NO_TOKENS);
    assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
        + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", t.render(List.of(user("Hi")), true));
    assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
        + "<|im_start|>assistant\nHello<|im_end|>\n", t.render(List.of(system("Be brief."), user("Hi"), assistant("Hello")), false));
  }

  @Test
  void aVocabularyWithImStartButNoTemplateGetsPlainChatMl() {
    ChatTemplate t = ChatTemplates.detect(null, null, "<|endoftext|>", Set.of("<|im_start|>", "<|im_end|>")::contains);
    assertEquals("ChatML", t.name());
    assertEquals("<|im_start|>user\n  Hi  <|im_end|>\n<|im_start|>assistant\n", t.render(List.of(user("  Hi  ")), true));
  }

  @Test
  void aChatMlReasoningTemplateOtherThanQwen3sIsRejected() {
    String qwq = "{%- for message in messages %}{{'<|im_start|>' + message.role }}{%- if '</think>' in content %}"
        + "{%- endif %}{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n<think>\\n' }}{%- endif %}";
    var e = assertThrows(ChatTemplateException.class, () -> ChatTemplates.detect(qwq, null, "<|im_end|>", NO_TOKENS));
    assertTrue(e.getMessage().contains("reasoning"), e.getMessage());
  }

  // --- Llama 3 (models/tokenizers/llama3, and the Instruct and 3.1 variants) ------------------

  @Test
  void llama3BaseTemplateTrimsContentsAndAlwaysOpensTheAssistantTurn() throws Exception {
    ChatTemplate llama3 = committed("llama3");
    assertEquals("Llama-3", llama3.name());
    assertEquals("<|eot_id|>", llama3.endOfTurnToken());
    String expected = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
        + "<|start_header_id|>assistant<|end_header_id|>\n\n";
    List<ChatMessage> chat = List.of(system("  Be brief. "), user("Hi\n"));
    assertEquals(expected, llama3.render(chat, true));
    assertEquals(expected, llama3.render(chat, false), "this template has no add_generation_prompt test");
  }

  @Test
  void llama3InstructTemplateOpensTheAssistantTurnOnlyWhenAsked() {
    String instruct = "{% set loop_messages = messages %}{% for message in loop_messages %}"
        + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}"
        + "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";
    ChatTemplate t = ChatTemplates.detect(instruct, "<|begin_of_text|>", "<|eot_id|>", NO_TOKENS);
    List<ChatMessage> chat = List.of(user("Hi"), assistant(" Hello! "));
    String turns = "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
        + "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>";
    assertEquals(turns, t.render(chat, false));
    assertEquals(turns + "<|start_header_id|>assistant<|end_header_id|>\n\n", t.render(chat, true));
  }

  /** The parts of Llama-3.1-Instruct's template that decide plain conversations. */
  private static final String LLAMA31 = "{{- bos_token }}\n"
      + "{%- if not date_string is defined %}\n    {%- set date_string = \"26 Jul 2024\" %}\n{%- endif %}\n"
      + "{%- if messages[0]['role'] == 'system' %}\n    {%- set system_message = messages[0]['content']|trim %}\n"
      + "    {%- set messages = messages[1:] %}\n{%- else %}\n    {%- set system_message = \"\" %}\n{%- endif %}\n"
      + "{{- \"<|start_header_id|>system<|end_header_id|>\\n\\n\" }}\n"
      + "{{- \"Cutting Knowledge Date: December 2023\\n\" }}\n"
      + "{{- \"Today Date: \" + date_string + \"\\n\\n\" }}\n"
      + "{{- system_message }}\n{{- \"<|eot_id|>\" }}\n"
      + "{%- for message in messages %}\n"
      + "        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}\n"
      + "{%- endfor %}\n"
      + "{%- if add_generation_prompt %}\n    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}\n{%- endif %}\n";

  @Test
  void llama31OpensWithTheDatedSystemTurnEvenWithoutASystemMessage() {
    ChatTemplate t = ChatTemplates.detect(LLAMA31, "<|begin_of_text|>", "<|eot_id|>", NO_TOKENS);
    assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
        + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>"
        + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
        + "<|start_header_id|>assistant<|end_header_id|>\n\n", t.render(List.of(user("Hi")), true));
    assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
        + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nBe brief.<|eot_id|>"
        + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>", t.render(List.of(system(" Be brief.\n"), user("Hi")), false));
  }

  @Test
  void llama32DatesItsSystemTurnWithTodayAsStrftimeNowWould() {
    String llama32 = LLAMA31.replace("{%- set date_string = \"26 Jul 2024\" %}",
        "{%- if strftime_now is defined %}{%- set date_string = strftime_now(\"%d %b %Y\") %}"
            + "{%- else %}{%- set date_string = \"26 Jul 2024\" %}{%- endif %}");
    ChatTemplate t = ChatTemplates.detect(llama32, "<|begin_of_text|>", "<|eot_id|>", NO_TOKENS, LocalDate.of(2025, 3, 5));
    assertTrue(t.render(List.of(user("Hi")), true).contains("\nToday Date: 05 Mar 2025\n\n<|eot_id|>"));
  }

  // --- Llama 2 (models/tokenizers/llama2 has no template: HF's LlamaTokenizer default) ---------

  @Test
  void llama2PutsTheSystemBlockInsideTheFirstInstructionAndStripsContents() throws Exception {
    ChatTemplate llama2 = committed("llama2");
    assertEquals("Llama-2 [INST] <<SYS>>", llama2.name());
    assertEquals("</s>", llama2.endOfTurnToken());
    List<ChatMessage> chat = List.of(system("You are a pirate."), user("Hello? "), assistant(" Arr. "), user("\u00a0Where?\u2003"));
    assertEquals("<s>[INST] <<SYS>>\nYou are a pirate.\n<</SYS>>\n\nHello? [/INST] Arr. </s><s>[INST] Where? [/INST]",
        llama2.render(chat, true));
  }

  @Test
  void llama2WithoutASystemMessageIsPlainInstructionTurns() throws Exception {
    assertEquals("<s>[INST] Hi [/INST] Hello </s><s>[INST] Bye [/INST]",
        committed("llama2").render(List.of(user("Hi"), assistant("Hello"), user("Bye")), true));
  }

  @Test
  void llama2RejectsTurnsThatDoNotAlternate() throws Exception {
    var e = assertThrows(ChatTemplateException.class,
        () -> committed("llama2").render(List.of(system("S"), user("a"), user("b")), true));
    assertTrue(e.getMessage().contains("alternating") && e.getMessage().contains("message 2"), e.getMessage());
  }

  @Test
  void anExplicitLlama2TemplateIsRecognisedByItsSysBlock() {
    String jinja = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
        + "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
        + "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
        + "{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message"
        + " + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}"
        + "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
        + "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";
    ChatTemplate t = ChatTemplates.detect(jinja, "<s>", "</s>", NO_TOKENS);
    assertEquals("<s>[INST] <<SYS>>\n S \n<</SYS>>\n\nQ [/INST]", t.render(List.of(system(" S "), user("Q")), true));
  }

  // --- Mistral Instruct v0.1/v0.2 -------------------------------------------------------------

  private static final String MISTRAL = "{{ bos_token }}{% for message in messages %}"
      + "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
      + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
      + "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
      + "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}"
      + "{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}";

  @Test
  void mistralKeepsContentsVerbatimAndGluesAnswersToTheInstructionEnd() {
    ChatTemplate t = ChatTemplates.detect(MISTRAL, "<s>", "</s>", NO_TOKENS);
    assertEquals("Mistral [INST]", t.name());
    assertEquals("<s>[INST] Hi  [/INST]Hello!</s>[INST] Bye [/INST]",
        t.render(List.of(user("Hi "), assistant("Hello!"), user("Bye")), true));
  }

  @Test
  void theFirstMistralRevisionPutsASpaceAfterEachEos() {
    ChatTemplate t = ChatTemplates.detect(MISTRAL.replace("eos_token}}", "eos_token + ' ' }}"), "<s>", "</s>", NO_TOKENS);
    assertEquals("<s>[INST] Hi [/INST]Hello!</s> [INST] Bye [/INST]",
        t.render(List.of(user("Hi"), assistant("Hello!"), user("Bye")), true));
  }

  /** Mistral-7B-Instruct v0.1/v0.2 and Mixtral-8x7B-Instruct since 2024. */
  private static final String MISTRAL_WITH_SYSTEM = "{%- if messages[0]['role'] == 'system' %}\n"
      + "    {%- set system_message = messages[0]['content'] %}\n    {%- set loop_messages = messages[1:] %}\n"
      + "{%- else %}\n    {%- set loop_messages = messages %}\n{%- endif %}\n\n{{- bos_token }}\n"
      + "{%- for message in loop_messages %}\n"
      + "    {%- if message['role'] == 'user' %}\n"
      + "        {%- if loop.first and system_message is defined %}\n"
      + "            {{- ' [INST] ' + system_message + '\\n\\n' + message['content'] + ' [/INST]' }}\n"
      + "        {%- else %}\n            {{- ' [INST] ' + message['content'] + ' [/INST]' }}\n        {%- endif %}\n"
      + "    {%- elif message['role'] == 'assistant' %}\n        {{- ' ' + message['content'] + eos_token}}\n"
      + "    {%- endif %}\n{%- endfor %}";

  @Test
  void mistral2024RevisionJoinsTheSystemMessageToTheFirstInstructionWithSpacesAround() {
    ChatTemplate t = ChatTemplates.detect(MISTRAL_WITH_SYSTEM, "<s>", "</s>", NO_TOKENS);
    assertEquals("Mistral [INST] (with system message)", t.name());
    assertEquals("<s> [INST] Be brief.\n\nHi [/INST] Hello!</s> [INST] Bye [/INST]",
        t.render(List.of(system("Be brief."), user("Hi"), assistant("Hello!"), user("Bye")), true));
    assertEquals("<s> [INST] Hi [/INST]", t.render(List.of(user("Hi")), true));
  }

  @Test
  void mistralHasNoSystemRole() {
    ChatTemplate t = ChatTemplates.detect(MISTRAL, "<s>", "</s>", NO_TOKENS);
    var e = assertThrows(ChatTemplateException.class, () -> t.render(List.of(system("S"), user("Q")), true));
    assertTrue(e.getMessage().contains("no system role"), e.getMessage());
  }

  @Test
  void mistralV3StyleInstWithoutTheLeadingSpaceIsRejectedByName() {
    String v3 = "{{- bos_token }}{%- for message in loop_messages %}{%- if message[\"role\"] == \"user\" %}"
        + "{{- \"[INST] \" + message[\"content\"] + \"[/INST]\" }}{%- endif %}{%- endfor %}";
    var e = assertThrows(ChatTemplateException.class, () -> ChatTemplates.detect(v3, "<s>", "</s>", NO_TOKENS));
    assertTrue(e.getMessage().contains("unsupported [INST] chat template variant"), e.getMessage());
  }

  // --- families we do not know ----------------------------------------------------------------

  @Test
  void anUnknownTemplateFamilyIsNamedInTheError() {
    String gemma = "{{ bos_token }}{% for message in messages %}{{ '<start_of_turn>' + message['role'] + '\\n' }}{% endfor %}";
    var e = assertThrows(ChatTemplateException.class, () -> ChatTemplates.detect(gemma, "<bos>", "<eos>", NO_TOKENS));
    assertTrue(e.getMessage().startsWith("unknown chat template family"), e.getMessage());
    assertTrue(e.getMessage().contains("<start_of_turn>"), e.getMessage());
  }

  @Test
  void noTemplateAndNoKnownSpecialTokensIsAnError() {
    var e = assertThrows(ChatTemplateException.class, () -> ChatTemplates.detect(null, "<bos>", "<eos>", NO_TOKENS));
    assertTrue(e.getMessage().contains("no chat_template"), e.getMessage());
  }

  @Test
  void anEmptyConversationIsRejected() throws Exception {
    for (String model : List.of("qwen3", "llama3", "llama2")) {
      assertThrows(ChatTemplateException.class, () -> committed(model).render(List.of(), true), model);
    }
  }
}
