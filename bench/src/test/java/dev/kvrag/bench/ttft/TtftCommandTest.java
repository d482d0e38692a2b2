package dev.kvrag.bench.ttft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.bench.CommandRun;
import java.util.List;
import org.junit.jupiter.api.Test;

class TtftCommandTest {

  @Test
  void printsOneRowPerModeAndGridPointWithFullAsTheUnit() {
    CommandRun run = CommandRun.bench("bench-ttft", "--layers", "3", "--chunks", "1,2", "--lengths", "8",
        "--prefix", "3", "--question", "4", "--runs", "1", "--threads", "1",
        "--modes", "full,naive,cacheblend:ratio=0.5,check_layer=1,full+snapkv:capacity=10,window=4");
    String text = run.out();
    assertEquals(0, run.status(), run.err());
    List<String> rows = text.lines().filter(l -> l.matches("^\\d+ +8 .*")).toList();
    assertEquals(8, rows.size(), text);
    assertTrue(rows.getFirst().contains("1.00x"), rows.getFirst());
    // NAIVE recomputes nothing of the context and compresses nothing; SnapKV's own time has a column
    assertTrue(rows.get(1).trim().endsWith(" 0.0%          -"), rows.get(1));
    assertTrue(rows.get(3).matches(".*full\\+snapkv.* 100\\.0% +\\d+\\.\\d$"), rows.get(3));
    assertTrue(text.contains("CacheBlend work bound with L = 3"), text);
  }

  @Test
  void theWorkBoundIsTheCheckLayerPassPlusTheRatioOfTheRest() {
    assertEquals(2.0 / 12 + 0.15 * 10 / 12, TtftCommand.bound(12, 1, 0.15), 1e-12);
    assertEquals(1.0, TtftCommand.bound(12, 1, 1.0), 1e-12);
  }

  @Test
  void rejectsAGridWithANonPositiveLength() {
    CommandRun run = CommandRun.bench("bench-ttft", "--lengths", "0");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("--lengths values must be positive"), run.err());
  }
}
