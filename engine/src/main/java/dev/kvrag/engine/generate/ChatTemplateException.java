package dev.kvrag.engine.generate;

/** No built-in renderer matches the model's chat template, or the template rejects a conversation. */
public final class ChatTemplateException extends RuntimeException {

  public ChatTemplateException(String message) {
    super(message);
  }
}
