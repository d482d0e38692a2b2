package dev.kvrag.engine.compute.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kvrag.engine.kv.HostLayerKv;
import dev.kvrag.engine.kv.LayerKv;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The device cache ({@link DeviceLayerKv}) and the page-locked store ({@link PinnedLayerKv}) behave as the host layer
 * does for every operation the fusion code uses, with bf16-representable data (which bf16 and f16 storage both hold
 * exactly at these magnitudes): writes at slots,
 * growth, copies between every pair of storages (device to device, pinned to device on the copy stream, host to
 * device, device to host), RoPE rotation before and after a pending copy, truncation, insertion and head views.
 */
@ExtendWith(RequiresCuda.class)
class CudaKvStorageTest {

  static List<CudaBackend> caches;

  @BeforeAll
  static void start() {
    caches = SharedCudaBackend.get() == null ? List.of() : List.of(SharedCudaBackend.get(), SharedCudaBackend.bf16Kv());
  }

  static float[] bf16Random(int n, long seed) {
    float[] v = CudaBackendOpsTest.random(n, seed);
    for (int i = 0; i < n; i++) {
      v[i] = CudaBackendOpsTest.bf16(v[i]);
    }
    return v;
  }

  static void fill(LayerKv kv, int slots, long seed) {
    int width = kv.kvHeads() * kv.headDim();
    int[] all = new int[slots];
    for (int s = 0; s < slots; s++) {
      all[s] = s;
    }
    kv.write(all, bf16Random(slots * width, seed), bf16Random(slots * width, seed + 1), slots);
  }

  static void assertSame(LayerKv want, LayerKv got, String what) {
    assertEquals(want.length(), got.length(), what + ": length");
    int n = want.length() * want.headDim();
    for (int h = 0; h < want.kvHeads(); h++) {
      assertArrayEquals(Arrays.copyOf(want.keys(h), n), Arrays.copyOf(got.keys(h), n), what + ": keys of head " + h);
      assertArrayEquals(Arrays.copyOf(want.values(h), n), Arrays.copyOf(got.values(h), n),
          what + ": values of head " + h);
    }
  }

  @Test
  void writesGrowthAndCopiesInEveryDirectionKeepTheNumbers() {
    caches.forEach(CudaKvStorageTest::writesGrowthAndCopiesInEveryDirectionKeepTheNumbersOn);
  }

  static void writesGrowthAndCopiesInEveryDirectionKeepTheNumbersOn(CudaBackend gpu) {
    LayerKv host = new HostLayerKv(3, 16, 4);
    fill(host, 40, 1);
    LayerKv device = gpu.newLayerKv(3, 16, 4);
    fill(device, 40, 1);
    assertSame(host, device, gpu.runtime().kv() + " cache, device written like host (and grown from 16 slots)");

    LayerKv pinned = gpu.newStoredLayerKv(3, 16, 4);
    fill(pinned, 40, 1);
    assertSame(host, pinned, gpu.runtime().kv() + " cache, pinned written like host");

    LayerKv fromPinned = gpu.newLayerKv(3, 16, 64);
    fromPinned.copyFrom(pinned, 5, 10, 30);
    LayerKv fromHost = gpu.newLayerKv(3, 16, 64);
    fromHost.copyFrom(host, 5, 10, 30);
    LayerKv fromDevice = gpu.newLayerKv(3, 16, 64);
    fromDevice.copyFrom(device, 5, 10, 30);
    LayerKv want = new HostLayerKv(3, 16, 64);
    want.copyFrom(host, 5, 10, 30);
    assertSame(want, fromPinned, gpu.runtime().kv() + " cache, pinned -> device (copy stream)");
    assertSame(want, fromHost, gpu.runtime().kv() + " cache, host -> device");
    assertSame(want, fromDevice, gpu.runtime().kv() + " cache, device -> device");

    LayerKv back = new HostLayerKv(3, 16, 8);
    back.copyFrom(fromPinned, 0, 0, fromPinned.length());
    assertSame(want, back, gpu.runtime().kv() + " cache, device -> host");
  }

  @Test
  void rotationMatchesTheHostWhetherOrNotTheKeysAreStillArriving() {
    caches.forEach(CudaKvStorageTest::rotationMatchesTheHostWhetherOrNotTheKeysAreStillArrivingOn);
  }

  static void rotationMatchesTheHostWhetherOrNotTheKeysAreStillArrivingOn(CudaBackend gpu) {
    float[] cos = new float[8];
    float[] sin = new float[8];
    for (int i = 0; i < 8; i++) {
      cos[i] = (float) Math.cos(0.3 * (i + 1));
      sin[i] = (float) Math.sin(0.3 * (i + 1));
    }
    LayerKv host = new HostLayerKv(2, 16, 32);
    fill(host, 32, 5);
    LayerKv pinned = gpu.newStoredLayerKv(2, 16, 32);
    fill(pinned, 32, 5);
    LayerKv pending = gpu.newLayerKv(2, 16, 32);
    pending.copyFrom(pinned, 0, 0, 32);
    pending.rotateKeys(4, 20, cos, sin);
    LayerKv settled = gpu.newLayerKv(2, 16, 32);
    fill(settled, 32, 5);
    settled.rotateKeys(4, 20, cos, sin);
    host.rotateKeys(4, 20, cos, sin);
    // the device rounds each rotated key to its storage format, the host keeps fp32: round the host's to compare
    KvFormat stored = gpu.runtime().kv();
    LayerKv rounded = new HostLayerKv(2, 16, 32);
    int[] all = new int[32];
    float[] k = new float[32 * 2 * 16];
    float[] v = new float[k.length];
    for (int s = 0; s < 32; s++) {
      all[s] = s;
      for (int h = 0; h < 2; h++) {
        for (int d = 0; d < 16; d++) {
          k[(s * 2 + h) * 16 + d] = stored.widen(stored.narrow(host.keys(h)[s * 16 + d]));
          v[(s * 2 + h) * 16 + d] = host.values(h)[s * 16 + d];
        }
      }
    }
    rounded.write(all, k, v, 32);
    assertSame(rounded, pending, gpu.runtime().kv() + " cache, rotated while arriving on the copy stream");
    assertSame(rounded, settled, gpu.runtime().kv() + " cache, rotated in place");
  }

  @Test
  void truncationInsertionAndHeadViewsBehaveAsOnTheHost() {
    caches.forEach(CudaKvStorageTest::truncationInsertionAndHeadViewsBehaveAsOnTheHostOn);
  }

  static void truncationInsertionAndHeadViewsBehaveAsOnTheHostOn(CudaBackend gpu) {
    LayerKv host = new HostLayerKv(2, 8, 4);
    fill(host, 20, 9);
    LayerKv device = gpu.newLayerKv(2, 8, 4);
    fill(device, 20, 9);
    LayerKv extra = new HostLayerKv(2, 8, 4);
    fill(extra, 6, 10);
    host.truncate(15);
    device.truncate(15);
    host.insert(3, extra, 1, 4);
    device.insert(3, extra, 1, 4);
    assertSame(host, device, gpu.runtime().kv() + " cache, truncate then insert");
    assertSame(host.head(1), device.head(1), gpu.runtime().kv() + " cache, head view");
    assertThrows(UnsupportedOperationException.class, () -> device.head(0).truncate(0));
  }
}
