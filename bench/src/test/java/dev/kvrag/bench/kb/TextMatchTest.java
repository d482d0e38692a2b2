package dev.kvrag.bench.kb;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TextMatchTest {

  @Test
  void aNameInsideALongerNameIsNoMatch() {
    assertFalse(TextMatch.containsWord("The Orvanel team is based in Oslo.", "Orvane"));
    assertFalse(TextMatch.containsWord("Ask Dara Quellan.", "Dara Quell"));
    assertFalse(TextMatch.containsWord("quarnel-store depends on it.", "quarnel"));
    assertTrue(TextMatch.containsWord("It is owned by the Orvane team.", "Orvane"));
    assertTrue(TextMatch.containsWord("quarnel-store's dashboards", "quarnel-store"));
  }

  @Test
  void aVersionInsideALongerVersionIsNoMatch() {
    assertFalse(TextMatch.containsWord("It is at version 4.1.7 now.", "4.1"));
    assertFalse(TextMatch.containsWord("It is at version 4.1.7 now.", "1.7"));
    assertTrue(TextMatch.containsWord("It is at version 4.1.7.", "4.1.7"));
    assertFalse(TextMatch.containsWord("It was founded in 20119.", "2011"));
  }
}
