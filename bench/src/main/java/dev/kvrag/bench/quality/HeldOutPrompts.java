package dev.kvrag.bench.quality;

import dev.kvrag.bench.kb.Chunk;
import dev.kvrag.bench.kb.Example;
import dev.kvrag.bench.kb.QuestionMix;
import dev.kvrag.engine.prompt.EncodedPrompt;
import dev.kvrag.engine.prompt.PromptEncoder;
import dev.kvrag.engine.prompt.PromptLayout;
import dev.kvrag.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes held-out prompts of the demo model as token ids (prefix, chunks, question: what bench-quality fuses), so
 * that the engine's CUDA test can run them on the GPU machine, where the knowledge-base generator is not carried:
 * {@code java -cp <bench classpath> dev.kvrag.bench.quality.HeldOutPrompts MODEL SEED QUESTIONS OUT.json [MIX]}.
 * MIX (a {@link QuestionMix} label) defaults to the four kinds: the GPU fixture's split, on which every model since
 * run 5 was checked; diagnose_blend.py reads other splits' prompts in the same format. "unnamed" lists the indices of
 * the chunks that never name their page's subject (diagnose_blend.py's question-free rule "unnamed").
 */
public final class HeldOutPrompts {

  private HeldOutPrompts() {
  }

  public static void main(String[] args) throws IOException {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Writes the prompts; 2 with a usage message on {@code err} for bad arguments, writing nothing. */
  static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
    if (args.length != 4 && args.length != 5) {
      err.println("usage: HeldOutPrompts MODEL-DIR SEED QUESTIONS OUT.json [MIX]");
      return 2;
    }
    QuestionMix mix = QuestionMix.FOUR_KINDS;
    long seed;
    int questions;
    try {
      if (args.length == 5) {
        mix = QuestionMix.parse(args[4]);
      }
      seed = Long.parseLong(args[1]);
      questions = Integer.parseInt(args[2]);
    } catch (NumberFormatException e) {
      err.println("HeldOutPrompts: SEED and QUESTIONS must be whole numbers, got '" + args[1] + "' and '" + args[2]
          + "'");
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("HeldOutPrompts: " + e.getMessage());
      return 2;
    }
    if (questions < 1) {
      err.println("HeldOutPrompts: QUESTIONS must be at least 1, got " + questions);
      return 2;
    }
    Path dir = Path.of(args[0]);
    Tokenizer tok = Tokenizer.load(dir);
    PromptLayout layout = QualityRun.layout(tok);
    PromptEncoder encoder = QualityRun.encoder(tok);
    JsonMapper json = JsonMapper.builder().build();
    ObjectNode root = json.createObjectNode();
    root.put("model", dir.toString());
    root.put("seed", seed);
    ArrayNode prompts = root.putArray("prompts");
    for (Example e : QualityRun.heldOut(seed, questions, mix)) {
      List<String> texts = e.context().stream().map(Chunk::text).toList();
      EncodedPrompt prompt = encoder.encode(layout.segments(texts, e.question().text()));
      ObjectNode p = prompts.addObject();
      p.put("id", e.question().id());
      p.put("kind", e.question().kind().key());
      p.put("answer", e.question().answer());
      ids(p.putArray("prefix"), prompt.segments().getFirst().ids());
      ArrayNode chunks = p.putArray("chunks");
      ArrayNode unnamed = json.createArrayNode();
      for (int i = 0; i < texts.size(); i++) {
        ids(chunks.addArray(), prompt.segments().get(1 + i).ids());
        if (!e.context().get(i).namesSubject()) {
          unnamed.add(i);
        }
      }
      ids(p.putArray("question"), prompt.segments().getLast().ids());
      p.set("unnamed", unnamed);
    }
    Files.writeString(Path.of(args[3]), json.writeValueAsString(root) + "\n");
    out.println("wrote " + questions + " prompts to " + args[3]);
    return 0;
  }

  private static void ids(ArrayNode out, int[] ids) {
    for (int id : ids) {
      out.add(id);
    }
  }
}
