package dev.kvrag.engine.generate;

import java.util.List;

/**
 * Mistral-7B-Instruct v0.1/v0.2: {@code <s>[INST] {user} [/INST]{assistant}</s>[INST] {user} [/INST]},
 * contents verbatim. No system role; turns must alternate user/assistant starting with the user.
 * The prompt ends with {@code [/INST]} either way (the Jinja ignores add_generation_prompt). The
 * first v0.1 revision of the template put a space after each {@code </s>}.
 */
final class MistralTemplate implements ChatTemplate {

  private final String bosToken;
  private final String eosToken;
  private final boolean spaceAfterEos;

  MistralTemplate(String bosToken, String eosToken, boolean spaceAfterEos) {
    this.bosToken = bosToken;
    this.eosToken = eosToken;
    this.spaceAfterEos = spaceAfterEos;
  }

  @Override
  public String name() {
    return "Mistral [INST]";
  }

  @Override
  public String endOfTurnToken() {
    return eosToken;
  }

  @Override
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    AlternatingTurns.check(name(), messages, 0);
    StringBuilder out = new StringBuilder(bosToken);
    for (ChatMessage m : messages) {
      if (m.role().equals("user")) {
        out.append("[INST] ").append(m.content()).append(" [/INST]");
      } else {
        out.append(m.content()).append(eosToken).append(spaceAfterEos ? " " : "");
      }
    }
    return out.toString();
  }
}
