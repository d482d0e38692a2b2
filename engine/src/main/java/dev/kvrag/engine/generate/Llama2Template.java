package dev.kvrag.engine.generate;

import java.util.List;

/**
 * Llama-2-chat: {@code <s>[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST] {assistant} </s>}, then
 * {@code <s>[INST] {user} [/INST]} for each later user turn. The optional system message goes
 * inside the first user turn. Each turn's content is Python-{@code strip()}ped; for the first turn
 * that happens after the system block is prepended, so the system message keeps its own whitespace.
 * Turns after the system message must alternate user/assistant starting with the user, and the
 * prompt ends with {@code [/INST]} either way (the Jinja ignores add_generation_prompt).
 *
 * <p>This is meta-llama/Llama-2-*-chat-hf's template, and also the default that Hugging Face's
 * LlamaTokenizer applied (use_default_system_prompt false) to checkpoints without a template.
 */
final class Llama2Template implements ChatTemplate {

  private final String bosToken;
  private final String eosToken;

  Llama2Template(String bosToken, String eosToken) {
    this.bosToken = bosToken;
    this.eosToken = eosToken;
  }

  @Override
  public String name() {
    return "Llama-2 [INST] <<SYS>>";
  }

  @Override
  public String endOfTurnToken() {
    return eosToken;
  }

  @Override
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    String system = null;
    int first = 0;
    if (!messages.isEmpty() && messages.getFirst().role().equals("system")) {
      system = messages.getFirst().content();
      first = 1;
    }
    AlternatingTurns.check(name(), messages, first);
    StringBuilder out = new StringBuilder();
    for (int i = first; i < messages.size(); i++) {
      ChatMessage m = messages.get(i);
      String content = m.content();
      if (i == first && system != null) {
        content = "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + content;
      }
      if (m.role().equals("user")) {
        out.append(bosToken).append("[INST] ").append(PythonStrip.strip(content)).append(" [/INST]");
      } else {
        out.append(' ').append(PythonStrip.strip(content)).append(' ').append(eosToken);
      }
    }
    return out.toString();
  }
}
