package dev.kvrag.engine.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way kvrag lays a retrieval-augmented prompt out as text:
 *
 * <pre>
 *   [BOS] system "\n\n" | chunk₁ "\n\n" | ... | chunkₘ "\n\n" | "Question: " q "\nAnswer:" | " " answer [EOS]
 *   prefix               chunk segments (one KV unit each)        question                   answer
 * </pre>
 *
 * <p>A chunk segment is the chunk's text and its separator, nothing else: no rank, slot or document
 * number, so its ids and its KV are the same in every prompt and at every position.
 *
 * <p>Separators end a segment and every segment starts with a non-blank character. Llama-3- and
 * Qwen-style byte-level pre-tokenizers end a pre-token after a run of newlines (".\n\n" is one
 * piece) and BPE never merges across pre-tokens, so encoding the segments one by one gives the same
 * ids as encoding the whole prompt text at once. That is why {@link #chatTemplate()} (one string,
 * encoded whole) and the segment path agree for the demo model. (A separator at the start of a
 * segment would not: "\n\n" followed by text splits as "\n","\n" but alone as "\n\n".)
 */
public record PromptLayout(String systemText) {

  /** The system text of the demo model, and the default when none is configured. */
  public static final PromptLayout DEFAULT = new PromptLayout(
      "Answer the question using only the documents below. Reply with the short answer only.");

  public static final String SEPARATOR = "\n\n";
  public static final String QUESTION_LABEL = "Question: ";
  public static final String ANSWER_CUE = "\nAnswer:";

  private static final String MARKER = "kvrag prompt layout v1";
  private static final Pattern DEFAULT_SYSTEM =
      Pattern.compile("set default_system = '((?:[^'\\\\]|\\\\.)*)'");

  public PromptLayout {
    Objects.requireNonNull(systemText, "system text");
    systemText = systemText.strip();
    if (systemText.isEmpty()) {
      throw new IllegalArgumentException("the prompt's system text is blank");
    }
  }

  public PromptSegment prefix() {
    return new PromptSegment(SegmentRole.PREFIX, systemText + SEPARATOR);
  }

  /** Surrounding whitespace is dropped: a segment must end in exactly its separator. */
  public PromptSegment chunk(String chunkText) {
    String text = nonBlank(chunkText, "chunk text");
    return new PromptSegment(SegmentRole.CHUNK, text + SEPARATOR);
  }

  public PromptSegment question(String question) {
    return new PromptSegment(SegmentRole.QUESTION,
        QUESTION_LABEL + nonBlank(question, "question") + ANSWER_CUE);
  }

  public PromptSegment answer(String answer) {
    return new PromptSegment(SegmentRole.ANSWER, " " + nonBlank(answer, "answer"));
  }

  /** Prefix, the chunks in the order given, the question: what a model reads before it answers. */
  public List<PromptSegment> segments(List<String> chunkTexts, String question) {
    List<PromptSegment> segments = new ArrayList<>(chunkTexts.size() + 2);
    segments.add(prefix());
    for (String c : chunkTexts) {
      segments.add(chunk(c));
    }
    segments.add(question(question));
    return segments;
  }

  /** {@link #segments} plus the answer: a training example. */
  public List<PromptSegment> segments(List<String> chunkTexts, String question, String answer) {
    List<PromptSegment> segments = segments(chunkTexts, question);
    segments.add(answer(answer));
    return segments;
  }

  /**
   * The user turn that, through {@link #chatTemplate()}, renders the same text as
   * {@link #segments(List, String)}: the chunk segments, then "Question: " and the question.
   */
  public String userMessage(List<String> chunkTexts, String question) {
    StringBuilder user = new StringBuilder();
    for (String c : chunkTexts) {
      user.append(chunk(c).text());
    }
    return user.append(QUESTION_LABEL).append(nonBlank(question, "question")).toString();
  }

  /**
   * The Hugging Face Jinja chat template for tokenizer_config.json: BOS, the system message (or this
   * layout's system text), a blank line, the user's message verbatim (documents and "Question: ..."
   * as {@link #userMessage} writes them), and "\nAnswer:" as the generation prompt.
   * {@link LayoutChatTemplate} renders the same in Java.
   */
  public String chatTemplate() {
    return "{#- " + MARKER + ": [BOS] system, a blank line, the user's documents and question, then"
        + " Answer: -#}"
        + "{%- set default_system = '" + jinjaEscape(systemText) + "' -%}"
        + "{{- bos_token + (messages[0]['content'] if messages[0]['role'] == 'system'"
        + " else default_system) + '\\n\\n' -}}"
        + "{%- for message in messages -%}"
        + "{%- if message['role'] == 'user' -%}{{- message['content'] -}}"
        + "{%- elif message['role'] == 'assistant' -%}{{- '\\nAnswer: ' + message['content'] + eos_token -}}"
        + "{%- endif -%}"
        + "{%- endfor -%}"
        + "{%- if add_generation_prompt -%}{{- '\\nAnswer:' -}}{%- endif -%}";
  }

  /** The layout whose {@link #chatTemplate()} this is, if it is one of ours. */
  public static Optional<PromptLayout> fromChatTemplate(String jinja) {
    if (jinja == null || !jinja.contains(MARKER)) {
      return Optional.empty();
    }
    Matcher m = DEFAULT_SYSTEM.matcher(jinja);
    if (!m.find()) {
      throw new IllegalArgumentException("chat template says '" + MARKER
          + "' but sets no default_system literal");
    }
    return Optional.of(new PromptLayout(jinjaUnescape(m.group(1))));
  }

  private static String nonBlank(String text, String what) {
    Objects.requireNonNull(text, what);
    String stripped = text.strip();
    if (stripped.isEmpty()) {
      throw new IllegalArgumentException("the " + what + " is blank");
    }
    return stripped;
  }

  private static String jinjaEscape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\'' -> out.append("\\'");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String jinjaUnescape(String literal) {
    StringBuilder out = new StringBuilder(literal.length());
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c != '\\' || i + 1 == literal.length()) {
        out.append(c);
        continue;
      }
      char e = literal.charAt(++i);
      out.append(switch (e) {
        case 'n' -> '\n';
        case 'r' -> '\r';
        case 't' -> '\t';
        default -> e;
      });
    }
    return out.toString();
  }
}
