package dev.kvrag.engine.generate;

import java.util.List;

/**
 * Llama 3 header format: {@code <|start_header_id|>role<|end_header_id|>\n\n{content|trim}<|eot_id|>}
 * per message, BOS before the first, generation prompt
 * {@code <|start_header_id|>assistant<|end_header_id|>\n\n}.
 *
 * <p>Variants, chosen from the Jinja source:
 * <ul>
 *   <li>Llama 3 (Meta-Llama-3-*-Instruct): as above. The base checkpoints' template has no
 *       {@code add_generation_prompt} test and always appends the assistant header.
 *   <li>Llama 3.1/3.2/3.3: always opens with a system turn that carries
 *       {@code Cutting Knowledge Date: December 2023\nToday Date: {date}\n\n} before the (trimmed)
 *       system message, or before nothing. The date is fixed in the template ("26 Jul 2024" for
 *       3.1/3.3), or today's date for 3.2, whose template calls {@code strftime_now("%d %b %Y")}.
 * </ul>
 */
final class Llama3Template implements ChatTemplate {


  private final String bosToken;
  private final boolean alwaysAddsGenerationPrompt;
  private final String knowledgeDateHeader;

  /**
   * @param knowledgeDateHeader the Llama 3.1+ "Today Date" value (e.g. "26 Jul 2024"), or null for
   *     the Llama 3 template without the dated system turn
   */
  Llama3Template(String bosToken, boolean alwaysAddsGenerationPrompt, String knowledgeDateHeader) {
    this.bosToken = bosToken;
    this.alwaysAddsGenerationPrompt = alwaysAddsGenerationPrompt;
    this.knowledgeDateHeader = knowledgeDateHeader;
  }

  @Override
  public String name() {
    return knowledgeDateHeader == null ? "Llama-3" : "Llama-3.1 (dated system header)";
  }

  @Override
  public String endOfTurnToken() {
    return "<|eot_id|>";
  }

  @Override
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    ChatTemplates.requirePlainRoles(messages, name());
    StringBuilder out = new StringBuilder(bosToken);
    List<ChatMessage> rest = messages;
    if (knowledgeDateHeader != null) {
      String system = "";
      if (messages.getFirst().role().equals("system")) {
        system = PythonStrip.strip(messages.getFirst().content());
        rest = messages.subList(1, messages.size());
      }
      out.append("<|start_header_id|>system<|end_header_id|>\n\n")
          .append("Cutting Knowledge Date: December 2023\n")
          .append("Today Date: ").append(knowledgeDateHeader).append("\n\n")
          .append(system).append("<|eot_id|>");
    }
    for (ChatMessage m : rest) {
      out.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
          .append(PythonStrip.strip(m.content())).append("<|eot_id|>");
    }
    if (addGenerationPrompt || alwaysAddsGenerationPrompt) {
      out.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
    }
    return out.toString();
  }
}
