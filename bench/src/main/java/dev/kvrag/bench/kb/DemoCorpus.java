package dev.kvrag.bench.kb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One knowledge base of a split's stream as a corpus for the running platform: its pages as the body of the
 * gateway's {@code POST /v1/documents}, and questions over them with their gold answers. The questions are the
 * stream's own (the first of {@link ExampleSource#forEach}, the ones the demo model's held-out figures start with),
 * so "held-out seed 777" means the same company and questions here as in training's evaluation.
 *
 * <p>Document ids are stable, {@code <split>-<seed>-<page>} ("heldout-777-team-3"): posting the corpus again replaces
 * each page with itself, never adds a second copy.
 *
 * @param kb the knowledge base the pages come from
 * @param questions its questions, in the stream's order
 */
public record DemoCorpus(long seed, KnowledgeBase kb, List<Question> questions) {

  /** File of the {@code POST /v1/documents} body. */
  public static final String DOCUMENTS_FILE = "documents.json";
  /** File of the questions, one JSON object per line. */
  public static final String QUESTIONS_FILE = "questions.jsonl";

  public DemoCorpus {
    questions = List.copyOf(questions);
  }

  /** The first knowledge base of {@code source}'s stream and up to {@code count} of its questions. */
  public static DemoCorpus of(ExampleSource source, int count) {
    if (count < 1 || count > source.perKb()) {
      throw new IllegalArgumentException("questions must be between 1 and " + source.perKb() + " (the questions of "
          + "one knowledge base), got " + count);
    }
    List<Question> questions = new ArrayList<>(count);
    source.forEach(count, e -> questions.add(e.question()));
    return new DemoCorpus(source.seed(), source.knowledgeBase(0), questions);
  }

  /** The platform's id of a page. */
  public String documentId(String pageId) {
    return kb.split().label() + "-" + seed + "-" + pageId;
  }

  /** Writes {@link #DOCUMENTS_FILE} and {@link #QUESTIONS_FILE} into {@code dir}. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(DOCUMENTS_FILE), documentsJson(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(QUESTIONS_FILE), questionsJsonLines(), StandardCharsets.UTF_8);
  }

  /** {@code {"documents":[{"id","title","text","metadata"}]}}: a page's chunks, one paragraph each. */
  String documentsJson() throws IOException {
    StringBuilder json = new StringBuilder("{\"documents\":[");
    for (Document d : kb.documents()) {
      if (json.charAt(json.length() - 1) != '[') {
        json.append(',');
      }
      json.append("\n{\"id\":");
      ExampleJson.string(json, documentId(d.id()));
      json.append(",\"title\":");
      ExampleJson.string(json, d.subject().name());
      json.append(",\"text\":");
      ExampleJson.string(json, String.join("\n", d.chunks().stream().map(Chunk::text).toList()));
      json.append(",\"metadata\":{\"source\":");
      ExampleJson.string(json, "bench-kb " + kb.split().label() + " seed " + seed);
      json.append(",\"kind\":");
      ExampleJson.string(json, d.subject().kind().name().toLowerCase(Locale.ROOT));
      json.append("}}");
    }
    return json.append("\n]}\n").toString();
  }

  /**
   * One line per question: {@code {"id","kind","question","answer","documentIds","needed"}}, where
   * {@code documentIds} are the platform ids of the pages whose chunks state the answer and {@code needed} those
   * chunks' texts (the platform cuts pages with the served model's tokenizer, so its chunk ids differ).
   */
  String questionsJsonLines() throws IOException {
    StringBuilder out = new StringBuilder();
    for (Question q : questions) {
      Set<String> documents = new LinkedHashSet<>();
      List<String> texts = new ArrayList<>();
      for (String chunkId : q.needed()) {
        Chunk c = kb.chunk(chunkId);
        documents.add(documentId(c.documentId()));
        texts.add(c.text());
      }
      out.append("{\"id\":");
      ExampleJson.string(out, kb.split().label() + "-" + q.id());
      out.append(",\"kind\":");
      ExampleJson.string(out, q.kind().key());
      out.append(",\"question\":");
      ExampleJson.string(out, q.text());
      out.append(",\"answer\":");
      ExampleJson.string(out, q.answer());
      out.append(",\"documentIds\":");
      ExampleJson.strings(out, List.copyOf(documents));
      out.append(",\"needed\":");
      ExampleJson.strings(out, texts);
      out.append("}\n");
    }
    return out.toString();
  }
}
