package dev.kvrag.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.bench.BenchCli.UsageException;
import dev.kvrag.common.kv.KvDtype;
import dev.kvrag.common.kv.KvQuantization;
import org.junit.jupiter.api.Test;

class StoredKvTest {

  @Test
  void everyNameTheOptionTakesIsAFormatOfTheBlob() {
    assertEquals(KvDtype.F16, StoredKv.parse("f16").dtype());
    assertEquals(KvDtype.BF16, StoredKv.parse("bf16").dtype());
    assertEquals(KvQuantization.INT8_CHANNEL, StoredKv.parse("int8").quantization());
    UsageException e = assertThrows(UsageException.class, () -> StoredKv.parse("fp8"));
    assertTrue(e.getMessage().contains("f16"), e.getMessage());
  }
}
