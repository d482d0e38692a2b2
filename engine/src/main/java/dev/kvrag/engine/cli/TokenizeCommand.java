package dev.kvrag.engine.cli;

import dev.kvrag.engine.tokenizer.Tokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code tokenize --model DIR [--jsonl]}: UTF-8 text on stdin → one JSON array of ids, no special tokens
 * added. With {@code --jsonl} every stdin line is a JSON string and one array is printed (and flushed) per
 * line, so one JVM serves many texts.
 */
final class TokenizeCommand {

  static final String USAGE = """
      usage: ./kvrag tokenize --model DIR [--jsonl]
        stdin: UTF-8 text; stdout: one JSON array of token ids (no BOS/EOS added)
        --jsonl  each stdin line is a JSON string; prints one JSON array per line, in order""";

  private TokenizeCommand() {
  }

  static void run(String[] args, Terminal term) throws IOException {
    Options o = Options.parse("tokenize", args, 1, Set.of("--model"), Set.of("--jsonl"));
    Tokenizer tok = Tokenizer.load(o.directory("--model"));
    BufferedReader in = new BufferedReader(new InputStreamReader(term.in(), StandardCharsets.UTF_8));
    if (!o.has("--jsonl")) {
      StringBuilder text = new StringBuilder();
      char[] buf = new char[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        text.append(buf, 0, n);
      }
      term.out().println(TokenIds.json(tok.encode(text.toString())));
      term.out().flush();
      return;
    }
    JsonMapper json = JsonMapper.builder().build();
    String line;
    int lineNo = 0;
    while ((line = in.readLine()) != null) {
      lineNo++;
      JsonNode node;
      try {
        node = json.readTree(line);
      } catch (JacksonException e) {
        throw new UsageException("stdin line " + lineNo + " is not a JSON string: " + e.getOriginalMessage());
      }
      if (node == null || !node.isString()) {
        throw new UsageException("stdin line " + lineNo + " is not a JSON string");
      }
      term.out().println(TokenIds.json(tok.encode(node.stringValue())));
      term.out().flush();
    }
  }
}
