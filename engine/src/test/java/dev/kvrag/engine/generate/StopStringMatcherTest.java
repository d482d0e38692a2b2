package dev.kvrag.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringMatcherTest {

  private static List<String> pushAll(StopStringMatcher m, String... pieces) {
    List<String> released = new ArrayList<>();
    for (String piece : pieces) {
      released.add(m.push(piece));
      if (m.stopped()) {
        break;
      }
    }
    return released;
  }

  @Test
  void withoutStopStringsEverythingIsReleasedAtOnce() {
    StopStringMatcher m = new StopStringMatcher(List.of());
    assertEquals(List.of("Hello", " <", "/s>"), pushAll(m, "Hello", " <", "/s>"));
    assertFalse(m.stopped());
    assertEquals("", m.flush());
  }

  @Test
  void aStopStringSplitAcrossPiecesIsFoundAndNoneOfItIsReleased() {
    StopStringMatcher m = new StopStringMatcher(List.of("</s>"));
    assertEquals(List.of("ab", "", "", ""), pushAll(m, "ab<", "/", "s", ">tail"));
    assertTrue(m.stopped());
  }

  @Test
  void aHeldBackPrefixIsReleasedOnceItCanNoLongerCompleteAStop() {
    StopStringMatcher m = new StopStringMatcher(List.of("</s>"));
    assertEquals(List.of("Hello ", "", "</x"), pushAll(m, "Hello <", "/", "x"));
    assertFalse(m.stopped());
  }

  @Test
  void theHeldBackTailIsFlushedWhenGenerationEndsWithoutAStop() {
    StopStringMatcher m = new StopStringMatcher(List.of("User:"));
    assertEquals(List.of("The end.\n"), pushAll(m, "The end.\nUs"));
    assertEquals("Us", m.flush());
  }

  @Test
  void textAfterTheStopStringInTheSamePieceIsDropped() {
    StopStringMatcher m = new StopStringMatcher(List.of("###"));
    assertEquals(List.of("answer: 4"), pushAll(m, "answer: 4### next question"));
    assertTrue(m.stopped());
    assertEquals("", m.flush());
  }

  @Test
  void theEarliestOfSeveralStopStringsWins() {
    StopStringMatcher m = new StopStringMatcher(List.of("world", "lo w"));
    assertEquals(List.of("hel"), pushAll(m, "hello world"));
  }

  @Test
  void theLongestTailThatStartsAStopIsHeldNotJustTheShortest() {
    StopStringMatcher m = new StopStringMatcher(List.of("aab"));
    assertEquals(List.of("", "", "a", ""), pushAll(m, "a", "a", "a", "b"));
    assertTrue(m.stopped());
  }

  @Test
  void aStopStringAtTheVeryStartReleasesNothing() {
    StopStringMatcher m = new StopStringMatcher(List.of("\n\n"));
    assertEquals(List.of("", ""), pushAll(m, "\n", "\nrest"));
    assertTrue(m.stopped());
  }

  @Test
  void surrogatePairsAreNeverSplitByTheHoldBack() {
    StopStringMatcher m = new StopStringMatcher(List.of("😀!"));
    assertEquals(List.of("smile ", "😀?"), pushAll(m, "smile 😀", "?"));
    assertFalse(m.stopped());
  }
}
