package dev.kvrag.engine.tokenizer.decoder;

import dev.kvrag.engine.tokenizer.ByteLevelAlphabet;
import dev.kvrag.engine.tokenizer.HfRegex;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The {@code decoder} of a tokenizer.json: turns token strings back into text. Each step maps the
 * token list to a new list (HF's {@code decode_chain}); the result is their concatenation.
 */
public sealed interface Decoder {

  List<String> decodeChain(List<String> tokens);

  default String decode(List<String> tokens) {
    return String.join("", decodeChain(tokens));
  }

  /**
   * Spelled bytes back to bytes, then UTF-8 with one U+FFFD per invalid subpart. A token with a
   * character outside the alphabet contributes its own UTF-8 bytes instead.
   */
  record ByteLevel() implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (String token : tokens) {
        byte[] spelled = new byte[token.length()];
        int n = 0;
        boolean inAlphabet = true;
        for (int i = 0; i < token.length() && inAlphabet; i++) {
          int b = ByteLevelAlphabet.byteOf(token.charAt(i));
          inAlphabet = b >= 0;
          spelled[n++] = (byte) b;
        }
        if (inAlphabet) {
          bytes.write(spelled, 0, n);
        } else {
          bytes.writeBytes(token.getBytes(StandardCharsets.UTF_8));
        }
      }
      return List.of(Utf8.decodeLossy(bytes.toByteArray(), bytes.size()));
    }
  }

  /**
   * Runs of {@code <0xAB>} tokens back to their bytes: valid UTF-8 becomes its text, anything else
   * one U+FFFD per byte (HF checks the whole run at once).
   */
  record ByteFallback() implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      List<String> out = new ArrayList<>(tokens.size());
      byte[] run = new byte[16];
      int runLength = 0;
      for (String token : tokens) {
        int b = byteToken(token);
        if (b >= 0) {
          if (runLength == run.length) {
            run = java.util.Arrays.copyOf(run, run.length * 2);
          }
          run[runLength++] = (byte) b;
          continue;
        }
        flush(run, runLength, out);
        runLength = 0;
        out.add(token);
      }
      flush(run, runLength, out);
      return out;
    }

    private static void flush(byte[] run, int length, List<String> out) {
      if (length == 0) {
        return;
      }
      String text = Utf8.decodeStrict(run, length);
      if (text != null) {
        out.add(text);
      } else {
        for (int i = 0; i < length; i++) {
          out.add("\uFFFD");
        }
      }
    }

    private static int byteToken(String token) {
      if (token.length() != 6 || !token.startsWith("<0x") || token.charAt(5) != '>') {
        return -1;
      }
      int hi = Character.digit(token.charAt(3), 16);
      int lo = Character.digit(token.charAt(4), 16);
      return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }
  }

  /** Concatenates all tokens into one. */
  record Fuse() implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      return List.of(String.join("", tokens));
    }
  }

  record Replace(Pattern pattern, String content) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      String replacement = Matcher.quoteReplacement(content);
      return tokens.stream().map(t -> pattern.matcher(t).replaceAll(replacement)).toList();
    }
  }

  /** Removes up to {@code start} leading and {@code stop} trailing {@code content} characters. */
  record Strip(int content, int start, int stop) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      List<String> out = new ArrayList<>(tokens.size());
      for (String token : tokens) {
        int[] chars = token.codePoints().toArray();
        int startCut = 0;
        while (startCut < Math.min(start, chars.length) && chars[startCut] == content) {
          startCut++;
        }
        int stopCut = chars.length;
        for (int i = 0; i < Math.min(stop, chars.length - startCut); i++) {
          if (chars[chars.length - i - 1] != content) {
            break;
          }
          stopCut = chars.length - i - 1;
        }
        out.add(new String(chars, startCut, stopCut - startCut));
      }
      return out;
    }
  }

  /**
   * The {@code Metaspace} decoder: '▁' back to a space, except in the first token, where it is
   * dropped unless the prepend scheme is "never".
   */
  record Metaspace(int replacement, boolean prependNever) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      List<String> out = new ArrayList<>(tokens.size());
      for (int i = 0; i < tokens.size(); i++) {
        boolean first = i == 0;
        StringBuilder text = new StringBuilder();
        tokens
            .get(i)
            .codePoints()
            .forEach(
                cp -> {
                  if (cp != replacement) {
                    text.appendCodePoint(cp);
                  } else if (!first || prependNever) {
                    text.append(' ');
                  }
                });
        out.add(text.toString());
      }
      return out;
    }
  }

  record Sequence(List<Decoder> steps) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      for (Decoder step : steps) {
        tokens = step.decodeChain(tokens);
      }
      return tokens;
    }
  }

  /**
   * Builds the decoder a tokenizer.json describes, or null for {@code "decoder": null} (HF then
   * joins tokens with spaces). Unknown types fail naming the type.
   */
  static Decoder fromJson(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    String type = node.path("type").asString("");
    return switch (type) {
      case "ByteLevel" -> new ByteLevel();
      case "ByteFallback" -> new ByteFallback();
      case "Fuse" -> new Fuse();
      case "Replace" ->
          new Replace(HfRegex.fromJson(node, "Replace decoder"), node.path("content").asString());
      case "Strip" ->
          new Strip(
              singleCharacter(node.path("content").asString(" "), "Strip decoder content"),
              node.path("start").asInt(0),
              node.path("stop").asInt(0));
      case "Metaspace" -> {
        String scheme = node.path("prepend_scheme").asString("always");
        JsonNode addPrefixSpace = node.path("add_prefix_space");
        boolean never =
            scheme.equals("never") || (addPrefixSpace.isBoolean() && !addPrefixSpace.asBoolean());
        yield new Metaspace(
            singleCharacter(node.path("replacement").asString("\u2581"), "Metaspace decoder"),
            never);
      }
      case "Sequence" -> {
        List<Decoder> steps = new ArrayList<>();
        for (JsonNode step : node.path("decoders")) {
          steps.add(fromJson(step));
        }
        yield new Sequence(List.copyOf(steps));
      }
      default ->
          throw new IllegalArgumentException(
              "unsupported decoder type '"
                  + type
                  + "' in tokenizer.json (supported: ByteLevel,"
                  + " ByteFallback, Fuse, Replace, Strip, Metaspace, Sequence)");
    };
  }

  private static int singleCharacter(String s, String component) {
    if (s.codePointCount(0, s.length()) != 1) {
      throw new IllegalArgumentException(component + " must be one character, got '" + s + "'");
    }
    return s.codePointAt(0);
  }
}
