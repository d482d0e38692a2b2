package dev.kvrag.retrieval.domain.chunking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvrag.engine.prompt.EncodedPrompt;
import dev.kvrag.engine.prompt.PromptEncoder;
import dev.kvrag.engine.prompt.PromptLayout;
import dev.kvrag.engine.prompt.PromptSegment;
import dev.kvrag.engine.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChunkerTest {

    private static final PromptLayout LAYOUT = PromptLayout.DEFAULT;
    private static Tokenizer tokenizer;
    private static PromptEncoder encoder;

    @BeforeAll
    static void qwen3Tokenizer() {
        tokenizer = Tokenizer.load(Path.of("../models/tokenizers/qwen3"));
        encoder = new PromptEncoder(tokenizer::encode, tokenizer.bosId(), java.util.OptionalInt.empty());
    }

    @Test
    void aChunksIdsAreExactlyTheIdsOfItsPromptSegment() {
        for (Chunk c : chunker(128, 0).chunk(prose(3, 40))) {
            assertThat(c.tokenIds()).containsExactly(encoder.encode(LAYOUT.chunk(c.text())).ids());
            assertThat(tokenizer.decode(c.tokenIds())).isEqualTo(c.text() + PromptLayout.SEPARATOR);
        }
    }

    @Test
    void aWholePromptEncodedAtOnceSplitsIntoThePrefixTheChunkIdsAndTheQuestion() {
        List<Chunk> chunks = chunker(96, 0).chunk(prose(5, 30));
        assertThat(chunks).hasSizeGreaterThan(3);
        List<String> texts = chunks.stream().map(Chunk::text).toList();
        List<PromptSegment> segments = LAYOUT.segments(texts, "Which river runs through the valley?");
        EncodedPrompt bySegment = encoder.encode(segments);
        StringBuilder whole = new StringBuilder();
        segments.forEach(s -> whole.append(s.text()));
        assertThat(bySegment.ids()).containsExactly(encoder.encode(new PromptSegment(
                dev.kvrag.engine.prompt.SegmentRole.PREFIX, whole.toString())).ids());
        for (int i = 0; i < chunks.size(); i++) {
            assertThat(bySegment.segments().get(i + 1).ids()).containsExactly(chunks.get(i).tokenIds());
        }
    }

    @Test
    void noChunkExceedsTheBoundAndAllButTheLastAreMoreThanHalfFull() {
        for (int max : new int[] {16, 32, 64, 256}) {
            List<Chunk> chunks = chunker(max, 0).chunk(prose(11, 60));
            assertThat(chunks).allSatisfy(c -> assertThat(c.tokenIds().length).isLessThanOrEqualTo(max));
            if (max >= 64) { // sentences here are 10 to 25 tokens: smaller chunks cannot always be half full
                assertThat(chunks.subList(0, chunks.size() - 1))
                        .allSatisfy(c -> assertThat(c.tokenIds().length).isGreaterThan(max / 2));
            }
        }
    }

    @Test
    void withoutOverlapChunksTileTheDocumentInOrderAndEndAtSentenceEnds() {
        String text = "\n  " + prose(13, 50) + "\n\n";
        List<Chunk> chunks = chunker(80, 0).chunk(text);
        assertThat(chunks.getFirst().start()).isEqualTo(3);
        assertThat(chunks.getLast().end()).isEqualTo(text.stripTrailing().length());
        for (int i = 0; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            assertThat(c.ordinal()).isEqualTo(i);
            assertThat(c.text()).isEqualTo(text.substring(c.start(), c.end())).isEqualTo(c.text().strip());
            assertThat(c.text()).endsWith(".");
            if (i > 0) {
                assertThat(text.substring(chunks.get(i - 1).end(), c.start())).isBlank();
            }
        }
    }

    @Test
    void aChunkEndsAtAParagraphWhenTheNextSentenceDoesNotFitAndItIsHalfFull() {
        String first = sentences(new Random(1), 4);
        String second = sentences(new Random(2), 30);
        List<Chunk> chunks = chunker(64, 0).chunk(first + "\n\n" + second);
        int firstTokens = encoder.encode(LAYOUT.chunk(first)).length();
        assertThat(firstTokens).as("test premise: paragraph one fills 1/2..1 of a chunk").isBetween(33, 63);
        assertThat(chunks.getFirst().text()).isEqualTo(first);
    }

    @Test
    void overlapRepeatsWholeTrailingSentencesOfThePreviousChunk() {
        String text = prose(17, 40);
        int overlap = 24;
        List<Chunk> chunks = chunker(96, overlap).chunk(text);
        assertThat(chunks).hasSizeGreaterThan(4);
        int overlapping = 0;
        for (int i = 1; i < chunks.size(); i++) {
            Chunk previous = chunks.get(i - 1);
            Chunk c = chunks.get(i);
            assertThat(c.start()).isGreaterThan(previous.start());
            assertThat(c.end()).isGreaterThan(previous.end());
            if (c.start() < previous.end()) {
                overlapping++;
                String repeated = text.substring(c.start(), previous.end());
                assertThat(previous.text()).endsWith(repeated);
                assertThat(text.charAt(c.start() - 2)).as("the repeat starts a sentence").isEqualTo('.');
                assertThat(tokenizer.encode(repeated).length).isLessThanOrEqualTo(overlap + 1);
            }
        }
        assertThat(overlapping).isGreaterThan(chunks.size() / 2);
    }

    @Test
    void aSentenceLongerThanAChunkIsCutBetweenWords() {
        String sentence = String.join(" ", IntStream.range(0, 300).mapToObj(i -> "word" + i).toList()) + ".";
        List<Chunk> chunks = chunker(32, 0).chunk(sentence);
        assertThat(chunks).hasSizeGreaterThan(5)
                .allSatisfy(c -> assertThat(c.tokenIds().length).isLessThanOrEqualTo(32));
        assertThat(String.join(" ", chunks.stream().map(Chunk::text).toList())).isEqualTo(sentence);
    }

    @Test
    void aWordLongerThanAChunkIsCutBetweenCharactersNeverInsideASurrogatePair() {
        StringBuilder word = new StringBuilder();
        Random random = new Random(3);
        for (int i = 0; i < 400; i++) {
            word.append(i % 7 == 0 ? "\uD83D\uDE80" : String.valueOf((char) ('a' + random.nextInt(26))));
        }
        List<Chunk> chunks = chunker(16, 0).chunk(word.toString());
        assertThat(chunks).hasSizeGreaterThan(10)
                .allSatisfy(c -> {
                    assertThat(c.tokenIds().length).isLessThanOrEqualTo(16);
                    assertThat(Character.isLowSurrogate(c.text().charAt(0))).isFalse();
                });
        assertThat(String.join("", chunks.stream().map(Chunk::text).toList())).isEqualTo(word.toString());
    }

    @Test
    void chunkingIsDeterministic() {
        String text = prose(23, 40);
        List<Chunk> a = chunker(64, 16).chunk(text);
        List<Chunk> b = chunker(64, 16).chunk(text);
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).text()).isEqualTo(b.get(i).text());
            assertThat(a.get(i).tokenIds()).containsExactly(b.get(i).tokenIds());
        }
    }

    @Test
    void aBlankDocumentHasNoChunks() {
        assertThat(chunker(64, 0).chunk(" \n\n\t ")).isEmpty();
    }

    @Test
    void thePolicyRefusesSizesThatCannotWork() {
        assertThatThrownBy(() -> new ChunkingPolicy(8, 0)).hasMessage("chunk size must be at least 16 tokens, got 8");
        assertThatThrownBy(() -> new ChunkingPolicy(64, 40))
                .hasMessage("chunk overlap must be between 0 and half the chunk size (32 tokens), got 40");
        assertThat(new ChunkingPolicy(256, 0).version()).isEqualTo("sentences-v1/256/0");
    }

    private static Chunker chunker(int max, int overlap) {
        return new Chunker(encoder, LAYOUT, new ChunkingPolicy(max, overlap));
    }

    private static final String[] WORDS = ("river valley council harbour bridge market winter station archive "
            + "painter engineer museum festival railway orchard library mountain village ferry tower garden "
            + "merchant lantern copper signal").split(" ");

    /** Paragraphs of plain sentences, the same for the same seed. */
    static String prose(long seed, int sentences) {
        Random random = new Random(seed);
        List<String> paragraphs = new ArrayList<>();
        int left = sentences;
        while (left > 0) {
            int n = Math.min(left, 2 + random.nextInt(6));
            paragraphs.add(sentences(random, n));
            left -= n;
        }
        return String.join("\n\n", paragraphs);
    }

    private static String sentences(Random random, int n) {
        List<String> out = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            String[] words = new String[4 + random.nextInt(10)];
            Arrays.setAll(words, i -> WORDS[random.nextInt(WORDS.length)]);
            out.add("The " + String.join(" ", words) + " in " + (1900 + random.nextInt(120)) + ".");
        }
        return String.join(" ", out);
    }
}
