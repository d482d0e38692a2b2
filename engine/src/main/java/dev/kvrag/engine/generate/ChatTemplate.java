package dev.kvrag.engine.generate;

import java.util.List;

/**
 * Turns a conversation into the prompt text a chat model was trained on: what the model's Hugging
 * Face Jinja {@code chat_template} renders for plain system/user/assistant messages, built in Java.
 *
 * <p>The rendered text contains the special tokens as text (e.g. {@code <|im_start|>}, {@code <s>});
 * encode it with the tokenizer's special-token matching and without adding another BOS.
 */
public interface ChatTemplate {

  /**
   * @param addGenerationPrompt end with the header that opens the assistant's turn (templates whose
   *     Jinja ignores the flag render the same either way)
   * @throws ChatTemplateException for a conversation the template rejects (a role it does not know,
   *     roles out of the order it requires, no messages)
   */
  String render(List<ChatMessage> messages, boolean addGenerationPrompt);

  /** The special token with which the model ends its turn; generation should stop on it. */
  String endOfTurnToken();

  /** The family and variant, for messages: e.g. "ChatML (Qwen3)". */
  String name();
}
