package dev.kvrag.engine.cli;

import dev.kvrag.engine.compute.Backend;
import dev.kvrag.engine.generate.ChatMessage;
import dev.kvrag.engine.generate.ChatTemplate;
import dev.kvrag.engine.generate.ChatTemplates;
import dev.kvrag.engine.prompt.ModelChatTemplate;
import dev.kvrag.engine.generate.Generator;
import dev.kvrag.engine.generate.SamplingParams;
import dev.kvrag.engine.model.ModelSession;
import dev.kvrag.engine.model.Transformer;
import dev.kvrag.engine.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code generate --model DIR --prompt TEXT [...]}: streams the continuation to stdout as it is decoded.
 * Without {@code --chat} the prompt is encoded as is (BOS first when the tokenizer config adds one); with it,
 * the prompt becomes a user message rendered by the model's chat template, and the template's end-of-turn
 * token also stops generation.
 */
final class GenerateCommand {

  static final String USAGE = """
      usage: ./kvrag generate --model DIR --prompt TEXT [--max-tokens N] [--temperature T] [--seed S]
                              [--top-k K] [--top-p P] [--chat] [--threads N] [--backend auto|cpu|cuda]
        streams the continuation to stdout; temperature 0 (the default) is greedy
        --chat  render the prompt as a user turn with the model's chat template""";

  private GenerateCommand() {
  }

  static void run(String[] args, Terminal term) {
    Options o = Options.parse("generate", args, 1,
        Set.of("--model", "--prompt", "--max-tokens", "--temperature", "--seed", "--top-k", "--top-p", "--threads",
            "--backend"),
        Set.of("--chat"));
    Path dir = o.directory("--model");
    String prompt = o.string("--prompt");
    SamplingParams params = new SamplingParams(o.number("--temperature", 0), o.has("--top-k") ? o.integer("--top-k")
        : 0, o.number("--top-p", 1), o.longValue("--seed", 0), o.positiveInt("--max-tokens", 128), List.of());
    int threads = o.positiveInt("--threads", Runtime.getRuntime().availableProcessors());
    Tokenizer tok = Tokenizer.load(dir);
    int[] ids;
    int[] stops;
    if (o.has("--chat")) {
      ChatTemplate template = ModelChatTemplate.forTokenizer(tok);
      ids = tok.encode(template.render(List.of(ChatMessage.user(prompt)), true));
      stops = ChatTemplates.stopTokenIds(tok, template);
    } else {
      ids = tok.encodeWithBos(prompt);
      stops = tok.eosIds();
    }
    if (ids.length == 0) {
      throw new UsageException("the prompt encodes to no tokens and the tokenizer adds no BOS; give a non-empty "
          + "--prompt");
    }
    try (Backend backend = o.backend(threads); Transformer model = Transformer.load(dir, backend)) {
      ModelSession session = new ModelSession(model, ids.length + params.maxTokens());
      Generator.generate(session, tok, ids, params, stops, text -> {
        term.out().print(text);
        term.out().flush();
      });
      if (System.console() != null) {
        term.out().println();
      }
      term.out().flush();
    }
  }
}
