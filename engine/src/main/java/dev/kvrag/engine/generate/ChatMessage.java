package dev.kvrag.engine.generate;

import java.util.Objects;

/** One turn of a conversation: {@code role} is "system", "user" or "assistant". */
public record ChatMessage(String role, String content) {

  public ChatMessage {
    Objects.requireNonNull(role, "chat message role");
    Objects.requireNonNull(content, "chat message content");
    if (role.isBlank()) {
      throw new IllegalArgumentException("chat message role is blank");
    }
  }

  public static ChatMessage system(String content) {
    return new ChatMessage("system", content);
  }

  public static ChatMessage user(String content) {
    return new ChatMessage("user", content);
  }

  public static ChatMessage assistant(String content) {
    return new ChatMessage("assistant", content);
  }
}
