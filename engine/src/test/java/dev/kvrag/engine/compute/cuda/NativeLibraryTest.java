package dev.kvrag.engine.compute.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Finding CUDA's libraries: by name first, then in install folders; a missing one is named with what was tried. */
class NativeLibraryTest {

  @Test
  void theDynamicLinkersOwnSearchComesFirst() {
    assertEquals("libcublas.so.13", NativeLibrary.candidates("libcublas.so.13").getFirst());
  }

  @Test
  void aMissingLibraryIsAnErrorThatSaysWhereToPointTheSearch() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> NativeLibrary.open("libkvrag-does-not-exist.so.13"));
    assertTrue(e.getMessage().contains("libkvrag-does-not-exist.so.13 was not found"), e.getMessage());
    assertTrue(e.getMessage().contains(NativeLibrary.DIR_PROPERTY), e.getMessage());
  }
}
