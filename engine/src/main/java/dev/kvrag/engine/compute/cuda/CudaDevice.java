package dev.kvrag.engine.compute.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpy2DAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;
import static jcuda.driver.JCudaDriver.cuStreamWaitEvent;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import jcuda.Pointer;
import jcuda.driver.CUDA_MEMCPY2D;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUmemorytype;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * One GPU through JCuda's driver API: its primary context (the one the CUDA runtime inside cuBLAS uses too), a compute
 * stream for every kernel and matrix product, a copy stream for stored KV arriving from host memory while compute goes
 * on, memory and copies, and kernel launches ({@link KernelLauncher}). Every JCuda call throws on a CUDA error.
 * Callers make the context current on their thread first ({@link #makeCurrent}).
 */
final class CudaDevice {

  private final int ordinal;
  private final CUcontext context = new CUcontext();
  private final String name;
  private final int major;
  private final int minor;
  private final int multiprocessors;
  private final long totalMemory;
  private final int driverVersion;
  private final Handles.Stream compute = new Handles.Stream();
  private final Handles.Stream copy = new Handles.Stream();
  private final KernelLauncher launcher;
  private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> false);
  /** Page-locked memory that downloads pass through (grown on demand); used under the backend's lock. */
  private MemorySegment download;

  private CudaDevice(int ordinal) {
    JCudaDriver.setExceptionsEnabled(true);
    cuInit(0);
    int[] count = new int[1];
    cuDeviceGetCount(count);
    if (ordinal >= count[0]) {
      throw new IllegalStateException("CUDA device " + ordinal + " asked for, the driver sees " + count[0]);
    }
    this.ordinal = ordinal;
    CUdevice device = new CUdevice();
    cuDeviceGet(device, ordinal);
    byte[] bytes = new byte[256];
    cuDeviceGetName(bytes, bytes.length, device);
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    name = new String(bytes, 0, end, StandardCharsets.UTF_8);
    major = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
    minor = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    multiprocessors = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
    long[] total = new long[1];
    cuDeviceTotalMem(total, device);
    totalMemory = total[0];
    int[] version = new int[1];
    cuDriverGetVersion(version);
    driverVersion = version[0];
    cuDevicePrimaryCtxRetain(context, device);
    cuCtxSetCurrent(context);
    current.set(true);
    // blocking streams: a synchronous copy (legacy default stream) is ordered after the work queued on both (which is
    // why downloads do not take that route: see copyToHost)
    cuStreamCreate(compute, CUstream_flags.CU_STREAM_DEFAULT);
    cuStreamCreate(copy, CUstream_flags.CU_STREAM_DEFAULT);
    launcher = new KernelLauncher();
  }

  /** Device {@code ordinal} with its primary context current on the calling thread. */
  static CudaDevice open(int ordinal) {
    return new CudaDevice(ordinal);
  }

  private static int attribute(CUdevice device, int attribute) {
    int[] v = new int[1];
    cuDeviceGetAttribute(v, attribute, device);
    return v[0];
  }

  /** Makes the context current on this thread (once per thread). */
  void makeCurrent() {
    if (!current.get()) {
      cuCtxSetCurrent(context);
      current.set(true);
    }
  }

  String name() {
    return name;
  }

  int ordinal() {
    return ordinal;
  }

  /** e.g. {@code sm_90}. */
  String architecture() {
    return "sm_" + major + minor;
  }

  int computeCapability() {
    return major * 10 + minor;
  }

  int multiprocessors() {
    return multiprocessors;
  }

  long totalMemory() {
    return totalMemory;
  }

  /** Free device memory now, in bytes. */
  long freeMemory() {
    long[] free = new long[1];
    long[] total = new long[1];
    cuMemGetInfo(free, total);
    return free[0];
  }

  /** e.g. {@code 13.0}. */
  String driverVersion() {
    return driverVersion / 1000 + "." + driverVersion % 1000 / 10;
  }

  Handles.Stream compute() {
    return compute;
  }

  Handles.Stream copyStream() {
    return copy;
  }

  KernelLauncher launcher() {
    return launcher;
  }

  /** Waits until everything queued on the compute stream has run (and reports a kernel's fault, if any). */
  void synchronize() {
    cuStreamSynchronize(compute);
  }

  /** Waits for both streams. */
  void synchronizeAll() {
    cuStreamSynchronize(copy);
    cuStreamSynchronize(compute);
  }

  Handles.DevicePointer allocate(long bytes) {
    Handles.DevicePointer p = new Handles.DevicePointer();
    cuMemAlloc(p, bytes);
    return p;
  }

  void free(Handles.DevicePointer p) {
    cuMemFree(p);
  }

  /** Page-locked host memory, which copies reach by DMA (and asynchronously). */
  Handles.HostPointer allocatePinned(long bytes) {
    Handles.HostPointer p = new Handles.HostPointer();
    cuMemAllocHost(p, bytes);
    return p;
  }

  /** Zero-fills {@code bytes} at {@code p + offset}, in order on the compute stream. */
  void zero(Handles.DevicePointer p, long offset, long bytes) {
    cuMemsetD8Async(p.withByteOffset(offset), (byte) 0, bytes, compute);
  }

  /** Synchronous copy of a Java array (float[], int[], short[], byte[] behind {@code src}) to the device. */
  void copyToDevice(Handles.DevicePointer dst, long offset, Pointer src, long bytes) {
    cuMemcpyHtoD(dst.withByteOffset(offset), src, bytes);
  }

  /** Asynchronous copy from page-locked memory at {@code srcAddress}, in order on {@code stream}. */
  void copyToDeviceAsync(Handles.DevicePointer dst, long offset, long srcAddress, long bytes, Handles.Stream stream) {
    cuMemcpyHtoDAsync(dst.withByteOffset(offset), new Handles.HostPointer(srcAddress), bytes, stream);
  }

  /**
   * Copies {@code dst.byteSize()} bytes from {@code src + offset} into {@code dst} (a Java array's segment) once the
   * work queued on the compute stream has run. The copy is queued on the compute stream, into page-locked memory, and
   * from there into the array: a synchronous copy would run on the legacy default stream and so also wait for the copy
   * stream, and every download (CACHEBLEND's deviations after its check layer, the question's logits) would stall
   * until all stored KV still arriving had landed, serialising the transfer with the compute it is meant to overlap.
   */
  void copyToHost(MemorySegment dst, Handles.DevicePointer src, long offset) {
    long bytes = dst.byteSize();
    if (bytes == 0) {
      return;
    }
    if (download == null || download.byteSize() < bytes) {
      if (download != null) {
        cuMemFreeHost(new Handles.HostPointer(download.address()));
      }
      long size = Math.max(bytes, Math.max(1L << 20, download == null ? 0 : 2 * download.byteSize()));
      download = MemorySegment.ofAddress(allocatePinned(size).address()).reinterpret(size);
    }
    cuMemcpyDtoHAsync(new Handles.HostPointer(download.address()), src.withByteOffset(offset), bytes, compute);
    synchronize();
    MemorySegment.copy(download, 0, dst, 0, bytes);
  }

  /** Device to device, in order on the compute stream. */
  void copyOnDevice(Handles.DevicePointer dst, long dstOffset, Handles.DevicePointer src, long srcOffset, long bytes) {
    cuMemcpyDtoDAsync(dst.withByteOffset(dstOffset), src.withByteOffset(srcOffset), bytes, compute);
  }

  /**
   * A strided copy of {@code height} rows of {@code widthBytes}: device to device on the compute stream, or from
   * page-locked host memory ({@code srcHostAddress} not 0) on {@code stream}.
   */
  void copy2d(Handles.DevicePointer dst, long dstOffset, long dstPitch, Handles.DevicePointer src, long srcHostAddress,
              long srcOffset, long srcPitch, long widthBytes, long height, Handles.Stream stream) {
    CUDA_MEMCPY2D m = new CUDA_MEMCPY2D();
    if (srcHostAddress != 0) {
      m.srcMemoryType = CUmemorytype.CU_MEMORYTYPE_HOST;
      m.srcHost = new Handles.HostPointer(srcHostAddress);
    } else {
      m.srcMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
      m.srcDevice = src;
    }
    m.srcXInBytes = srcOffset;
    m.srcPitch = srcPitch;
    m.dstMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
    m.dstDevice = dst;
    m.dstXInBytes = dstOffset;
    m.dstPitch = dstPitch;
    m.WidthInBytes = widthBytes;
    m.Height = height;
    cuMemcpy2DAsync(m, stream);
  }

  /** An event without timing, for ordering one stream after another. */
  CUevent newEvent() {
    CUevent e = new CUevent();
    cuEventCreate(e, CUevent_flags.CU_EVENT_DISABLE_TIMING);
    return e;
  }

  /** An event that records time, for measuring on the device. */
  CUevent newTimingEvent() {
    CUevent e = new CUevent();
    cuEventCreate(e, CUevent_flags.CU_EVENT_DEFAULT);
    return e;
  }

  void record(CUevent e, Handles.Stream stream) {
    cuEventRecord(e, stream);
  }

  /** Work queued on {@code stream} from now on waits for {@code e}'s last record. */
  void await(Handles.Stream stream, CUevent e) {
    cuStreamWaitEvent(stream, e, 0);
  }
}
