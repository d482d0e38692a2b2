package dev.kvrag.engine.prompt;

import dev.kvrag.engine.generate.ChatMessage;
import dev.kvrag.engine.generate.ChatTemplate;
import dev.kvrag.engine.generate.ChatTemplateException;
import java.util.List;
import java.util.Objects;

/**
 * {@link PromptLayout#chatTemplate()} rendered in Java: [BOS] system "\n\n", then the user turn
 * verbatim, an assistant turn as "\nAnswer: " + content + EOS, and "\nAnswer:" as the generation
 * prompt. The Jinja ignores roles other than user and assistant after the first message; this
 * renderer rejects them instead of dropping text silently.
 */
public final class LayoutChatTemplate implements ChatTemplate {

  private final PromptLayout layout;
  private final String bosToken;
  private final String eosToken;

  /** @param bosToken the BOS token text, or null when the tokenizer has none */
  public LayoutChatTemplate(PromptLayout layout, String bosToken, String eosToken) {
    this.layout = Objects.requireNonNull(layout, "layout");
    this.bosToken = bosToken == null ? "" : bosToken;
    this.eosToken = Objects.requireNonNull(eosToken, "the kvrag layout needs an EOS token");
  }

  @Override
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    if (messages.isEmpty()) {
      throw new ChatTemplateException("cannot render an empty conversation");
    }
    boolean hasSystem = messages.getFirst().role().equals("system");
    StringBuilder out = new StringBuilder(bosToken)
        .append(hasSystem ? messages.getFirst().content() : layout.systemText())
        .append(PromptLayout.SEPARATOR);
    boolean user = false;
    for (int i = hasSystem ? 1 : 0; i < messages.size(); i++) {
      ChatMessage m = messages.get(i);
      switch (m.role()) {
        case "user" -> {
          out.append(m.content());
          user = true;
        }
        case "assistant" -> out.append(PromptLayout.ANSWER_CUE).append(' ').append(m.content())
            .append(eosToken);
        default -> throw new ChatTemplateException("role '" + m.role() + "' at message " + i
            + " is not supported by the " + name() + " template (a system message may only come first)");
      }
    }
    if (!user) {
      throw new ChatTemplateException("the " + name() + " template needs a user message");
    }
    if (addGenerationPrompt) {
      out.append(PromptLayout.ANSWER_CUE);
    }
    return out.toString();
  }

  @Override
  public String endOfTurnToken() {
    return eosToken;
  }

  @Override
  public String name() {
    return "kvrag prompt layout";
  }
}
