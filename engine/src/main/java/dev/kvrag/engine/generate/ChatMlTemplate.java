package dev.kvrag.engine.generate;

import java.util.List;

/**
 * ChatML, as Qwen2, Qwen2.5 and Qwen3 render it: {@code <|im_start|>role\ncontent<|im_end|>\n} per
 * message, generation prompt {@code <|im_start|>assistant\n}.
 *
 * <p>Two variants, chosen from the Jinja source:
 * <ul>
 *   <li>plain (Qwen2/2.5 and generic ChatML), optionally with the default system turn that Qwen2/2.5
 *       insert when the conversation does not start with one;
 *   <li>Qwen3 reasoning: an assistant turn after the last user query is rendered as
 *       {@code <think>\n{reasoning}\n</think>\n\n{answer}} when it is the last message or has
 *       reasoning; reasoning is split off from content at {@code </think>}. Earlier assistant turns
 *       lose their reasoning. This is the template with {@code enable_thinking} unset: the generation
 *       prompt is just {@code <|im_start|>assistant\n} (the empty think block is added only when
 *       enable_thinking is false, which this renderer does not offer).
 * </ul>
 */
final class ChatMlTemplate implements ChatTemplate {


  private final String defaultSystemPrompt;
  private final boolean qwen3Reasoning;

  /** @param defaultSystemPrompt the system turn inserted when none leads the conversation, or null */
  ChatMlTemplate(String defaultSystemPrompt, boolean qwen3Reasoning) {
    this.defaultSystemPrompt = defaultSystemPrompt;
    this.qwen3Reasoning = qwen3Reasoning;
  }

  @Override
  public String name() {
    if (qwen3Reasoning) {
      return "ChatML (Qwen3)";
    }
    return defaultSystemPrompt == null ? "ChatML" : "ChatML (Qwen2 default system prompt)";
  }

  @Override
  public String endOfTurnToken() {
    return "<|im_end|>";
  }

  @Override
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    ChatTemplates.requirePlainRoles(messages, name());
    StringBuilder out = new StringBuilder();
    if (defaultSystemPrompt != null && !messages.getFirst().role().equals("system")) {
      turn(out, "system", defaultSystemPrompt);
    }
    int lastQuery = lastQueryIndex(messages);
    for (int i = 0; i < messages.size(); i++) {
      ChatMessage m = messages.get(i);
      if (qwen3Reasoning && m.role().equals("assistant")) {
        out.append(qwen3Assistant(m.content(), i > lastQuery, i == messages.size() - 1));
      } else {
        turn(out, m.role(), m.content());
      }
    }
    if (addGenerationPrompt) {
      out.append("<|im_start|>assistant\n");
    }
    return out.toString();
  }

  private static void turn(StringBuilder out, String role, String content) {
    out.append("<|im_start|>").append(role).append('\n').append(content).append("<|im_end|>\n");
  }

  /** Qwen3's ns.last_query_index: the last user turn that is not a wrapped tool response. */
  private static int lastQueryIndex(List<ChatMessage> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      ChatMessage m = messages.get(i);
      boolean toolResponse = m.content().startsWith("<tool_response>")
          && m.content().endsWith("</tool_response>");
      if (m.role().equals("user") && !toolResponse) {
        return i;
      }
    }
    return messages.size() - 1;
  }

  private static String qwen3Assistant(String raw, boolean afterLastQuery, boolean last) {
    String content = raw;
    String reasoning = "";
    int close = raw.indexOf("</think>");
    if (close >= 0) {
      // content.split('</think>')[-1] and [0], then .split('<think>')[-1]
      content = PythonStrip.lstripNewlines(raw.substring(raw.lastIndexOf("</think>") + "</think>".length()));
      String before = PythonStrip.rstripNewlines(raw.substring(0, close));
      int open = before.lastIndexOf("<think>");
      reasoning = PythonStrip.lstripNewlines(open >= 0 ? before.substring(open + "<think>".length()) : before);
    }
    StringBuilder out = new StringBuilder("<|im_start|>assistant\n");
    if (afterLastQuery && (last || !reasoning.isEmpty())) {
      out.append("<think>\n").append(PythonStrip.stripNewlines(reasoning)).append("\n</think>\n\n")
          .append(PythonStrip.lstripNewlines(content));
    } else {
      out.append(content);
    }
    return out.append("<|im_end|>\n").toString();
  }
}
