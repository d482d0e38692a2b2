package dev.kvrag.bench.kb;

import dev.kvrag.engine.prompt.PromptLayout;
import java.io.IOException;
import java.util.List;

/**
 * One example as one JSON line of prompt segments, exactly the strings {@link PromptLayout} makes:
 * a trainer tokenizes "prefix", each of "chunks", "question" and "answer" separately and
 * concatenates the ids (BOS first, EOS last), as the engine does. Written by hand, not through a
 * mapper: a training export is hundreds of thousands of lines and must stay fast.
 *
 * <pre>
 * {"id":..,"split":..,"kb_seed":..,"kind":..,"question_text":..,"answer_text":..,
 *  "prefix":..,"chunks":[..],"chunk_ids":[..],"question":..,"answer":..,"needed":[..],"distractors":[..],
 *  "unnamed":[..]}
 * </pre>
 *
 * "unnamed" lists the context's chunks that never name their page's subject ({@link Chunk#namesSubject()}): they read
 * right only after the chunk before them, which is what a chunk encoded alone lacks (train.py's
 * {@code --blend-rank-focus continuation}).
 */
final class ExampleJson {

  private ExampleJson() {}

  static void write(Example e, PromptLayout layout, Appendable out) throws IOException {
    Question q = e.question();
    out.append("{\"id\":");
    string(out, e.split().label() + "-" + q.id());
    out.append(",\"split\":");
    string(out, e.split().label());
    out.append(",\"kb_seed\":").append(Long.toString(e.kbSeed()));
    out.append(",\"kind\":");
    string(out, q.kind().key());
    out.append(",\"question_text\":");
    string(out, q.text());
    out.append(",\"answer_text\":");
    string(out, q.answer());
    out.append(",\"prefix\":");
    string(out, layout.prefix().text());
    out.append(",\"chunks\":[");
    for (int i = 0; i < e.context().size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      string(out, layout.chunk(e.context().get(i).text()).text());
    }
    out.append("],\"chunk_ids\":");
    strings(out, e.context().stream().map(Chunk::id).toList());
    out.append(",\"question\":");
    string(out, layout.question(q.text()).text());
    out.append(",\"answer\":");
    string(out, layout.answer(q.answer()).text());
    out.append(",\"needed\":");
    strings(out, q.needed());
    out.append(",\"distractors\":");
    strings(out, q.distractors());
    out.append(",\"unnamed\":");
    strings(out, e.context().stream().filter(c -> !c.namesSubject()).map(Chunk::id).toList());
    out.append("}\n");
  }

  static void strings(Appendable out, List<String> values) throws IOException {
    out.append('[');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      string(out, values.get(i));
    }
    out.append(']');
  }

  static void string(Appendable out, String s) throws IOException {
    out.append('"');
    int plain = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String escape = switch (c) {
        case '"' -> "\\\"";
        case '\\' -> "\\\\";
        case '\n' -> "\\n";
        case '\r' -> "\\r";
        case '\t' -> "\\t";
        default -> c < 0x20 ? String.format("\\u%04x", (int) c) : null;
      };
      if (escape != null) {
        out.append(s, plain, i).append(escape);
        plain = i + 1;
      }
    }
    out.append(s, plain, s.length()).append('"');
  }
}
