package dev.kvrag.engine.generate;

import java.util.List;

/** The [INST] templates' rule: from {@code first} on, roles go user, assistant, user, ... */
final class AlternatingTurns {

  private AlternatingTurns() {}

  static void check(String template, List<ChatMessage> messages, int first) {
    if (messages.size() <= first) {
      throw new ChatTemplateException("the " + template + " template needs at least one user message");
    }
    for (int i = first; i < messages.size(); i++) {
      String expected = (i - first) % 2 == 0 ? "user" : "assistant";
      String role = messages.get(i).role();
      if (!role.equals(expected)) {
        throw new ChatTemplateException("the " + template + " template needs roles alternating "
            + "user/assistant/user/..." + (first == 0 && role.equals("system") && i == 0
                ? " and has no system role" : "")
            + ": message " + i + " is '" + role + "', expected '" + expected + "'");
      }
    }
  }
}
