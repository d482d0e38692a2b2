package dev.kvrag.engine.generate;

import dev.kvrag.engine.tokenizer.Tokenizer;
import dev.kvrag.engine.tokenizer.TokenizerConfig;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Chooses a built-in renderer for a model's chat template. We do not run Jinja: the family is read
 * off the {@code chat_template} source in tokenizer_config.json ({@code <|im_start|>} → ChatML,
 * {@code <|start_header_id|>} → Llama-3, {@code [INST]} → Llama-2 or Mistral) and the variant off a
 * few telltale fragments. Without a template the special tokens of the vocabulary decide.
 */
public final class ChatTemplates {

  /** Qwen2/2.5's inserted system turn: {@code '<|im_start|>system\nYou are ...<|im_end|>\n'} as a literal. */
  private static final Set<String> PLAIN_ROLES = Set.of("system", "user", "assistant");
  private static final Pattern DEFAULT_SYSTEM = Pattern.compile(
      "<\\|im_start\\|>system(?:\\\\n|\\n)([^'\"<>{}\\\\]+)<\\|im_end\\|>");
  private static final Pattern FIXED_DATE = Pattern.compile("date_string\\s*=\\s*[\"']([^\"']+)[\"']");
  private static final Pattern SPACE_AFTER_EOS = Pattern.compile("eos_token\\s*\\+\\s*' '");
  /** strftime's "%d %b %Y" in the C locale, as Hugging Face's strftime_now renders it. */
  private static final DateTimeFormatter STRFTIME_D_B_Y = DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ENGLISH);

  private ChatTemplates() {}

  /** The renderer for a loaded tokenizer's tokenizer_config.json (or, without a template, its vocabulary). */
  public static ChatTemplate forTokenizer(Tokenizer tok) {
    TokenizerConfig config = tok.config();
    return detect(config.chatTemplate(), config.bosToken(), config.eosToken(), t -> tok.tokenId(t).isPresent());
  }

  /**
   * The ids on which a chat reply ends: the tokenizer's EOS ids plus the template's end-of-turn
   * token (Llama-3 base checkpoints name {@code <|end_of_text|>} as EOS, yet a chat turn ends with
   * {@code <|eot_id|>}).
   */
  /**
   * Refuses what the built-in renderers cannot render as HF's template would: an empty conversation, or a
   * role other than system, user and assistant.
   */
  static void requirePlainRoles(List<ChatMessage> messages, String templateName) {
    if (messages.isEmpty()) {
      throw new ChatTemplateException("cannot render an empty conversation");
    }
    for (ChatMessage m : messages) {
      if (!PLAIN_ROLES.contains(m.role())) {
        throw new ChatTemplateException("role '" + m.role() + "' is not supported by the built-in "
            + templateName + " renderer (system, user, assistant)");
      }
    }
  }

  public static int[] stopTokenIds(Tokenizer tok, ChatTemplate template) {
    IntStream endOfTurn = tok.tokenId(template.endOfTurnToken()).stream();
    return IntStream.concat(Arrays.stream(tok.eosIds()), endOfTurn).distinct().sorted().toArray();
  }

  /**
   * Picks the renderer for a tokenizer's chat template.
   *
   * @param chatTemplate the Jinja source of tokenizer_config.json's {@code chat_template}, or null
   * @param bosToken the BOS token text, or null when the tokenizer has none
   * @param eosToken the EOS token text, or null
   * @param isToken whether a string is a token of the vocabulary (used when there is no template)
   * @throws ChatTemplateException when no built-in renderer matches, naming what was found
   */
  public static ChatTemplate detect(String chatTemplate, String bosToken, String eosToken,
                                    Predicate<String> isToken) {
    return detect(chatTemplate, bosToken, eosToken, isToken, LocalDate.now());
  }

  static ChatTemplate detect(String chatTemplate, String bosToken, String eosToken,
                             Predicate<String> isToken, LocalDate today) {
    String bos = bosToken == null ? "" : bosToken;
    if (chatTemplate == null || chatTemplate.isBlank()) {
      return byVocabulary(bosToken, eosToken, isToken);
    }
    String jinja = chatTemplate;
    if (jinja.contains("<|im_start|>")) {
      return chatMl(jinja);
    }
    if (jinja.contains("<|start_header_id|>")) {
      boolean always = !jinja.contains("add_generation_prompt");
      if (!jinja.contains("Cutting Knowledge Date")) {
        return new Llama3Template(bos, always, null);
      }
      Matcher fixed = FIXED_DATE.matcher(jinja);
      String date = jinja.contains("strftime_now") ? STRFTIME_D_B_Y.format(today)
          : fixed.find() ? fixed.group(1)
          : "26 Jul 2024";
      return new Llama3Template(bos, always, date);
    }
    if (jinja.contains("[INST]")) {
      if (eosToken == null) {
        throw new ChatTemplateException("the [INST] chat template needs an EOS token, and tokenizer_config.json names none");
      }
      if (jinja.contains("<<SYS>>")) {
        return new Llama2Template(bos, eosToken);
      }
      if (jinja.contains("' [INST] '")) {
        return new MistralTemplate(bos, eosToken, MistralTemplate.Revision.WITH_SYSTEM);
      }
      if (jinja.contains("' [/INST]'")) {
        return new MistralTemplate(bos, eosToken, SPACE_AFTER_EOS.matcher(jinja).find()
            ? MistralTemplate.Revision.ORIGINAL_SPACED : MistralTemplate.Revision.ORIGINAL);
      }
      throw new ChatTemplateException("unsupported [INST] chat template variant: neither Llama-2 (<<SYS>>)"
          + " nor Mistral v0.1/v0.2/Mixtral (' [/INST]'); Mistral v0.3 and later templates are not built in."
          + " Template starts: " + head(jinja));
    }
    throw new ChatTemplateException("unknown chat template family: the chat_template contains none of"
        + " <|im_start|> (ChatML), <|start_header_id|> (Llama-3), [INST] (Llama-2/Mistral)."
        + " Template starts: " + head(jinja));
  }

  private static ChatTemplate chatMl(String jinja) {
    boolean reasoning = jinja.contains("</think>");
    if (reasoning && !jinja.contains("last_query_index")) {
      throw new ChatTemplateException("unsupported ChatML reasoning template: it mentions </think> but is"
          + " not Qwen3's (no last_query_index); only Qwen3's reasoning rules are built in."
          + " Template starts: " + head(jinja));
    }
    Matcher defaultSystem = DEFAULT_SYSTEM.matcher(jinja);
    return new ChatMlTemplate(defaultSystem.find() ? defaultSystem.group(1) : null, reasoning);
  }

  private static ChatTemplate byVocabulary(String bosToken, String eosToken, Predicate<String> isToken) {
    if (isToken.test("<|im_start|>") && isToken.test("<|im_end|>")) {
      return new ChatMlTemplate(null, false);
    }
    if (isToken.test("<|start_header_id|>") && isToken.test("<|eot_id|>")) {
      String bos = bosToken != null ? bosToken : isToken.test("<|begin_of_text|>") ? "<|begin_of_text|>" : "";
      return new Llama3Template(bos, false, null);
    }
    if ("<s>".equals(bosToken) && "</s>".equals(eosToken)) {
      return new Llama2Template(bosToken, eosToken);
    }
    throw new ChatTemplateException("tokenizer_config.json has no chat_template, and the vocabulary has"
        + " none of <|im_start|> (ChatML), <|start_header_id|> (Llama-3), and the BOS/EOS are not"
        + " <s>/</s> (Llama-2): cannot choose a chat template");
  }

  private static String head(String jinja) {
    String flat = jinja.replace('\n', ' ');
    return "'" + (flat.length() > 80 ? flat.substring(0, 80) + "..." : flat) + "'";
  }
}
