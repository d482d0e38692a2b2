package dev.kvrag.engine.prompt;

import dev.kvrag.engine.generate.ChatTemplate;
import dev.kvrag.engine.generate.ChatTemplates;
import dev.kvrag.engine.tokenizer.Tokenizer;
import dev.kvrag.engine.tokenizer.TokenizerConfig;

/**
 * The chat template a model's tokenizer asks for: kvrag's own prompt layout when tokenizer_config.json
 * carries {@link PromptLayout#chatTemplate()} (our demo model), otherwise one of the built-in families
 * of {@link ChatTemplates}. Lives here because the layout package already depends on {@code generate},
 * not the other way round.
 */
public final class ModelChatTemplate {

  private ModelChatTemplate() {}

  public static ChatTemplate forTokenizer(Tokenizer tok) {
    TokenizerConfig config = tok.config();
    return PromptLayout.fromChatTemplate(config.chatTemplate())
        .<ChatTemplate>map(layout -> new LayoutChatTemplate(layout, config.bosToken(), config.eosToken()))
        .orElseGet(() -> ChatTemplates.forTokenizer(tok));
  }
}
