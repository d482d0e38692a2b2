package dev.kvrag.engine.generate;

import java.util.List;

/**
 * Mistral-7B-Instruct v0.1/v0.2 and Mixtral-8x7B-Instruct, in the three revisions their
 * tokenizer_config.json went through. Contents are verbatim (no strip); turns alternate
 * user/assistant starting with the user; the prompt ends with {@code [/INST]} whether or not a
 * generation prompt is asked for (the Jinja ignores the flag).
 * <ul>
 *   <li>{@link Revision#ORIGINAL}: {@code <s>[INST] {user} [/INST]{assistant}</s>[INST] {user} [/INST]};
 *       no system role.
 *   <li>{@link Revision#ORIGINAL_SPACED}: the same with a space after each {@code </s>} (the first
 *       v0.1 upload).
 *   <li>{@link Revision#WITH_SYSTEM} (2024): {@code <s> [INST] {system}\n\n{user} [/INST] {assistant}</s> [INST] ...};
 *       an optional leading system message joins the first user turn.
 * </ul>
 */
final class MistralTemplate implements ChatTemplate {

  enum Revision { ORIGINAL, ORIGINAL_SPACED, WITH_SYSTEM }

  private final String bosToken;
  private final String eosToken;
  private final Revision revision;

  MistralTemplate(String bosToken, String eosToken, Revision revision) {
    this.bosToken = bosToken;
    this.eosToken = eosToken;
    this.revision = revision;
  }

  @Override
  public String name() {
    return revision == Revision.WITH_SYSTEM ? "Mistral [INST] (with system message)" : "Mistral [INST]";
  }

  @Override
  public String endOfTurnToken() {
    return eosToken;
  }

  @Override
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    String system = null;
    int first = 0;
    if (revision == Revision.WITH_SYSTEM && !messages.isEmpty() && messages.getFirst().role().equals("system")) {
      system = messages.getFirst().content();
      first = 1;
    }
    AlternatingTurns.check(name(), messages, first);
    StringBuilder out = new StringBuilder(bosToken);
    for (int i = first; i < messages.size(); i++) {
      ChatMessage m = messages.get(i);
      boolean user = m.role().equals("user");
      switch (revision) {
        case WITH_SYSTEM -> {
          if (user) {
            out.append(" [INST] ").append(i == first && system != null ? system + "\n\n" : "")
                .append(m.content()).append(" [/INST]");
          } else {
            out.append(' ').append(m.content()).append(eosToken);
          }
        }
        case ORIGINAL, ORIGINAL_SPACED -> {
          if (user) {
            out.append("[INST] ").append(m.content()).append(" [/INST]");
          } else {
            out.append(m.content()).append(eosToken).append(revision == Revision.ORIGINAL_SPACED ? " " : "");
          }
        }
      }
    }
    return out.toString();
  }
}
