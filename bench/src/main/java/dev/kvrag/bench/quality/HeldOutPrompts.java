package dev.kvrag.bench.quality;

import dev.kvrag.bench.kb.Chunk;
import dev.kvrag.bench.kb.Example;
import dev.kvrag.bench.kb.QuestionMix;
import dev.kvrag.engine.prompt.EncodedPrompt;
import dev.kvrag.engine.prompt.PromptEncoder;
import dev.kvrag.engine.prompt.PromptLayout;
import dev.kvrag.engine.tokenizer.Tokenizer;
import java.io.IOException;
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
    if (args.length != 4 && args.length != 5) {
      System.err.println("usage: HeldOutPrompts MODEL-DIR SEED QUESTIONS OUT.json [MIX]");
      System.exit(2);
    }
    QuestionMix mix = QuestionMix.FOUR_KINDS;
    if (args.length == 5) {
      try {
        mix = QuestionMix.parse(args[4]);
      } catch (IllegalArgumentException e) {
        System.err.println("HeldOutPrompts: " + e.getMessage());
        System.exit(2);
      }
    }
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    int questions = Integer.parseInt(args[2]);
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
      for (int i = 0; i < texts.size(); i++) {
        ids(chunks.addArray(), prompt.segments().get(1 + i).ids());
      }
      ids(p.putArray("question"), prompt.segments().getLast().ids());
      ArrayNode unnamed = p.putArray("unnamed");
      for (int i = 0; i < texts.size(); i++) {
        if (!e.context().get(i).namesSubject()) {
          unnamed.add(i);
        }
      }
    }
    Files.writeString(Path.of(args[3]), json.writeValueAsString(root) + "\n");
    System.out.println("wrote " + questions + " prompts to " + args[3]);
  }

  private static void ids(ArrayNode out, int[] ids) {
    for (int id : ids) {
      out.add(id);
    }
  }
}
