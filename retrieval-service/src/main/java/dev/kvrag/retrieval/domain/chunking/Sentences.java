package dev.kvrag.retrieval.domain.chunking;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Cuts a document into paragraphs (at blank lines) and each paragraph into sentences. */
final class Sentences {

    private static final Pattern BLANK_LINE = Pattern.compile("\\R[\\h]*\\R\\s*");

    private Sentences() {
    }

    static List<Span> of(String text) {
        List<Span> spans = new ArrayList<>();
        Matcher blank = BLANK_LINE.matcher(text);
        int from = 0;
        while (blank.find()) {
            paragraph(text, from, blank.start(), spans);
            from = blank.end();
        }
        paragraph(text, from, text.length(), spans);
        return spans;
    }

    private static void paragraph(String text, int from, int to, List<Span> spans) {
        // A new iterator per paragraph: BreakIterator is not thread-safe and costs little to make.
        BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
        sentences.setText(text.substring(from, to));
        boolean first = true;
        int start = sentences.first();
        for (int end = sentences.next(); end != BreakIterator.DONE; start = end, end = sentences.next()) {
            int s = from + start;
            int e = from + end;
            while (s < e && Character.isWhitespace(text.charAt(s))) {
                s++;
            }
            while (e > s && Character.isWhitespace(text.charAt(e - 1))) {
                e--;
            }
            if (s < e) {
                spans.add(new Span(s, e, first));
                first = false;
            }
        }
    }
}
