import CDNNL
import Foundation

/// The CPU kernel library every heavy layer runs on: oneDNN (convolutions, pooling, `gemm`).
///
/// oneDNN JIT-generates its kernels for the best instruction set the CPU has, up to a limit that
/// is fixed at the first kernel call: the `DNNL_MAX_CPU_ISA` environment variable (the Makefile
/// pins it) or `Kernels.limitISA(_:)`. Results are bit-identical run to run for a fixed ISA and
/// thread count; a different ISA (AVX2 vs AVX-512) blocks and vectorises sums differently and
/// so rounds differently (see the Engine README).
public enum Kernels {
  /// The instruction set oneDNN's kernels actually use in this process (for example
  /// `avx512_core_amx`, `avx512_core`, `avx2`): the lower of the CPU's own and the pinned limit.
  /// Record it beside the thread count: both are part of what makes a run reproducible.
  public static var isa: String {
    switch dnnl_get_effective_cpu_isa().rawValue {
    case dnnl_cpu_isa_sse41.rawValue: "sse41"
    case dnnl_cpu_isa_avx.rawValue: "avx"
    case dnnl_cpu_isa_avx2.rawValue: "avx2"
    case dnnl_cpu_isa_avx2_vnni.rawValue: "avx2_vnni"
    case dnnl_cpu_isa_avx512_mic.rawValue: "avx512_mic"
    case dnnl_cpu_isa_avx512_mic_4ops.rawValue: "avx512_mic_4ops"
    case dnnl_cpu_isa_avx512_core.rawValue: "avx512_core"
    case dnnl_cpu_isa_avx512_core_vnni.rawValue: "avx512_core_vnni"
    case dnnl_cpu_isa_avx512_core_bf16.rawValue: "avx512_core_bf16"
    case dnnl_cpu_isa_avx512_core_amx.rawValue: "avx512_core_amx"
    case let other: "isa 0x" + String(other, radix: 16)
    }
  }

  /// The CPU's model name as the OS reports it (`model name` in `/proc/cpuinfo`), or
  /// "unknown CPU" where there is none: with `isa`, what decides whether another machine can
  /// reproduce a run bit for bit (oneDNN sizes its blocking to the CPU's caches).
  public static let cpuModel: String = {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
    let name = line?.split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? ""
    return name.isEmpty ? "unknown CPU" : name
  }()

  /// The CPU's vector extensions that decide oneDNN's kernel families (`amx_tile`, `avx512f`,
  /// `avx2`, `avx`, `sse4_1`), from `/proc/cpuinfo`'s flags; empty where there are none.
  public static let cpuVectorExtensions: [String] = {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let line = info.split(separator: "\n").first { $0.hasPrefix("flags") }
    let flags = Set((line?.split(separator: ":", maxSplits: 1).last ?? "").split(separator: " ").map(String.init))
    return ["amx_tile", "avx512f", "avx2", "avx", "sse4_1"].filter(flags.contains)
  }()

  /// The version of the oneDNN library loaded at run time, `major.minor.patch`.
  public static var libraryVersion: String {
    guard let version = dnnl_version()?.pointee else { return "unknown" }
    return "\(version.major).\(version.minor).\(version.patch)"
  }

  /// How many threads each kernel call may use (`Threading.configure(kernelThreads:)`).
  public static var threadCount: Int { Threading.kernelThreadCount }

  /// The ISA limits `limitISA(_:)` accepts, by oneDNN's `DNNL_MAX_CPU_ISA` names (lower case).
  public static let isaNames: [String: dnnl_cpu_isa_t] = [
    "sse41": dnnl_cpu_isa_sse41, "avx": dnnl_cpu_isa_avx, "avx2": dnnl_cpu_isa_avx2,
    "avx2_vnni": dnnl_cpu_isa_avx2_vnni, "avx512_core": dnnl_cpu_isa_avx512_core,
    "avx512_core_vnni": dnnl_cpu_isa_avx512_core_vnni, "avx512_core_bf16": dnnl_cpu_isa_avx512_core_bf16,
    "avx512_core_amx": dnnl_cpu_isa_avx512_core_amx, "all": dnnl_cpu_isa_all,
  ]

  /// Why `limitISA(_:)` refused.
  public enum ISAError: Error, CustomStringConvertible {
    case unknownName(String)
    case tooLate(String)

    public var description: String {
      switch self {
      case .unknownName(let name):
        "unknown kernel ISA '\(name)'; expected one of \(Kernels.isaNames.keys.sorted().joined(separator: ", "))"
      case .tooLate(let name):
        "cannot limit the kernel ISA to '\(name)': kernels already ran in this process (set DNNL_MAX_CPU_ISA instead)"
      }
    }
  }

  /// Caps the ISA oneDNN may dispatch to (the C API twin of `DNNL_MAX_CPU_ISA`); only works
  /// before the first kernel call of the process.
  public static func limitISA(_ name: String) throws(ISAError) {
    guard let isa = isaNames[name.lowercased()] else { throw .unknownName(name) }
    guard dnnl_set_max_cpu_isa(isa) == dnnl_success else { throw .tooLate(name) }
  }

  /// The one CPU engine of the process.
  nonisolated(unsafe) static let engine: dnnl_engine_t = {
    var engine: dnnl_engine_t?
    check(dnnl_engine_create(&engine, dnnl_cpu, 0), "create the CPU engine")
    return engine!
  }()

  /// Lets the calling thread's next kernel call use `threadCount` OpenMP threads (an OpenMP
  /// setting is per calling thread, and batch-split workers call from their own threads).
  ///
  /// Called before creating a primitive too, not only before running one: oneDNN fixes a
  /// primitive's work partition (and, for backward-weights, the order it sums the batch in) from
  /// the creating thread's OpenMP thread count. A worker thread that had not yet run a kernel
  /// still has OpenMP's default (every core), so which thread happened to build a lazily created
  /// backward primitive changed the bits of a 2-worker run under load.
  @inline(__always)
  static func prepareThreads() {
    _ = retainsFreedActivations
    omp_set_num_threads(Int32(Threading.kernelThreadCount))
  }

  /// Keeps freed batch-sized buffers in the heap instead of returning them to the OS, set once
  /// before the first kernel call. By default glibc serves blocks above its mmap threshold
  /// (128 KB, adapting up to 32 MB) with fresh mappings and unmaps them on free, so every step's
  /// activations and gradients arrived as new zero-filled pages (page faults and `clear_page` took
  /// 5.6 % of a LeNet++ training profile). With the threshold at glibc's 64-bit maximum and a high
  /// trim threshold, the next step reuses the same memory. Arithmetic is untouched.
  static let retainsFreedActivations: Bool = {
    let mmapThreshold: Int32 = 32 << 20
    let trimThreshold: Int32 = 1 << 30
    return mallopt(M_MMAP_THRESHOLD, mmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, trimThreshold) == 1
  }()

  static func check(_ status: dnnl_status_t, _ what: @autoclosure () -> String) {
    precondition(status == dnnl_success, "oneDNN could not \(what()) (status \(status.rawValue))")
  }
}

/// A memory layout as oneDNN describes it (dimensions, blocking, data type).
typealias Layout = dnnl_memory_desc_t

extension Kernels {
  /// An NCHW (or OIHW) Float32 layout, or oneDNN's `any` to let a primitive choose.
  static func layout(_ a: Int, _ b: Int, _ c: Int, _ d: Int, tag: dnnl_format_tag_t = dnnl_abcd) -> Layout {
    var layout = Layout()
    check(cdnnl_memory_desc_4d(&layout, Int64(a), Int64(b), Int64(c), Int64(d), tag), "describe [\(a),\(b),\(c),\(d)]")
    return layout
  }

  static func vectorLayout(_ count: Int) -> Layout {
    var layout = Layout()
    check(cdnnl_memory_desc_1d(&layout, Int64(count)), "describe [\(count)]")
    return layout
  }
}

/// One oneDNN primitive for one shape (created once, executed every step) and its stream.
final class Primitive {
  let descriptor: dnnl_primitive_desc_t
  private let primitive: dnnl_primitive_t
  private let stream: dnnl_stream_t
  private let scratchpad: (layout: Layout, buffer: UnsafeMutableRawPointer)?

  /// - Parameters:
  ///   - operation: a pointer to an initialised oneDNN operation descriptor.
  ///   - hint: the forward primitive descriptor a backward primitive must match.
  convenience init(operation: UnsafeRawPointer, hint: Primitive? = nil, what: String) {
    var descriptor: dnnl_primitive_desc_t?
    let attributes = Primitive.userScratchpad()
    defer { dnnl_primitive_attr_destroy(attributes) }
    Kernels.prepareThreads()
    Kernels.check(
      dnnl_primitive_desc_create(&descriptor, operation, attributes, Kernels.engine, hint?.descriptor),
      "set up \(what)")
    self.init(descriptor: descriptor!, what: what)
  }

  /// Attributes for a primitive that brings its own scratchpad (see `scratchpad`).
  private static func userScratchpad() -> dnnl_primitive_attr_t? {
    var attributes: dnnl_primitive_attr_t?
    Kernels.check(cdnnl_user_scratchpad_attributes(&attributes), "set up primitive attributes")
    return attributes
  }

  /// A reorder from one layout to another.
  convenience init(reorderFrom source: Layout, to destination: Layout) {
    var descriptor: dnnl_primitive_desc_t?
    var source = source
    var destination = destination
    let attributes = Primitive.userScratchpad()
    defer { dnnl_primitive_attr_destroy(attributes) }
    Kernels.prepareThreads()
    Kernels.check(
      dnnl_reorder_primitive_desc_create(
        &descriptor, &source, Kernels.engine, &destination, Kernels.engine, attributes),
      "set up a reorder")
    self.init(descriptor: descriptor!, what: "a reorder")
  }

  private init(descriptor: dnnl_primitive_desc_t, what: String) {
    self.descriptor = descriptor
    var primitive: dnnl_primitive_t?
    Kernels.check(dnnl_primitive_create(&primitive, descriptor), "create \(what)")
    self.primitive = primitive!
    // The primitive's own scratchpad: workers run primitives created on the calling thread, and
    // two of them must never share one (oneDNN's default shares a scratchpad per creating thread).
    if let layout = dnnl_primitive_desc_query_md(descriptor, dnnl_query_scratchpad_md, 0)?.pointee,
      LayoutBridge.byteCount(layout) > 0
    {
      scratchpad = (layout, .allocate(byteCount: LayoutBridge.byteCount(layout), alignment: 64))
    } else {
      scratchpad = nil
    }
    var stream: dnnl_stream_t?
    Kernels.check(dnnl_stream_create(&stream, Kernels.engine, dnnl_stream_default_flags.rawValue), "create a stream")
    self.stream = stream!
  }

  deinit {
    scratchpad?.buffer.deallocate()
    dnnl_stream_destroy(stream)
    dnnl_primitive_destroy(primitive)
    dnnl_primitive_desc_destroy(descriptor)
  }

  /// The name of the implementation oneDNN chose (e.g. `jit_1x1:avx2`, `ref:any`).
  var implementation: String {
    var name: UnsafePointer<CChar>?
    guard dnnl_primitive_desc_query(descriptor, dnnl_query_impl_info_str, 0, &name) == dnnl_success, let name
    else { return "unknown" }
    return String(cString: name)
  }

  /// The layout the primitive chose for `query` (e.g. `dnnl_query_src_md`).
  func layout(_ query: dnnl_query_t, _ index: Int32 = 0) -> Layout {
    guard let layout = dnnl_primitive_desc_query_md(descriptor, query, index) else {
      preconditionFailure("oneDNN primitive has no memory for query \(query.rawValue)")
    }
    return layout.pointee
  }

  /// Runs the primitive on `arguments` (argument index, layout, data), synchronously.
  func execute(_ arguments: [(Int32, Layout, UnsafeMutableRawPointer)]) {
    var arguments = arguments
    if let scratchpad { arguments.append((cdnnl_arg_scratchpad, scratchpad.layout, scratchpad.buffer)) }
    var memories: [dnnl_memory_t?] = []
    memories.reserveCapacity(arguments.count)
    var executionArguments: [dnnl_exec_arg_t] = []
    executionArguments.reserveCapacity(arguments.count)
    for (index, layout, data) in arguments {
      var layout = layout
      var memory: dnnl_memory_t?
      Kernels.check(dnnl_memory_create(&memory, &layout, Kernels.engine, data), "wrap a buffer")
      memories.append(memory)
      executionArguments.append(dnnl_exec_arg_t(arg: index, memory: memory))
    }
    Kernels.prepareThreads()
    Kernels.check(
      dnnl_primitive_execute(primitive, stream, Int32(executionArguments.count), executionArguments), "run a primitive")
    for memory in memories { dnnl_memory_destroy(memory) }
  }
}

/// Bridges a layer's plain NCHW buffer and the layout a primitive chose for it: the identity
/// when they agree, otherwise a reorder into (or out of) a buffer owned by the bridge.
final class LayoutBridge {
  let plain: Layout
  let kernel: Layout
  private let toKernel: Primitive?
  private let toPlain: Primitive?
  private let buffer: UnsafeMutableRawPointer?

  /// The number of bytes a layout needs (blocked layouts pad channels).
  static func byteCount(_ layout: Layout) -> Int {
    var layout = layout
    return dnnl_memory_desc_get_size(&layout)
  }

  init(plain: Layout, kernel: Layout) {
    var a = plain
    var b = kernel
    self.plain = plain
    self.kernel = kernel
    if dnnl_memory_desc_equal(&a, &b) != 0 {
      toKernel = nil
      toPlain = nil
      buffer = nil
    } else {
      toKernel = Primitive(reorderFrom: plain, to: kernel)
      toPlain = Primitive(reorderFrom: kernel, to: plain)
      buffer = .allocate(byteCount: LayoutBridge.byteCount(kernel), alignment: 64)
    }
  }

  deinit { buffer?.deallocate() }

  /// Whether the layouts differ, so that `input` reorders into the bridge's own buffer.
  var reorders: Bool { toKernel != nil }

  /// The kernel-layout view of an input in plain layout.
  func input(_ data: UnsafeRawPointer) -> UnsafeMutableRawPointer {
    let data = UnsafeMutableRawPointer(mutating: data)
    guard let toKernel, let buffer else { return data }
    toKernel.execute([(cdnnl_arg_from, plain, data), (cdnnl_arg_to, kernel, buffer)])
    return buffer
  }

  /// Reorders `data`, in plain layout, into `destination` in the kernel layout (a slot of another
  /// bridge's buffer, see `slots(for:)`) and returns `destination`.
  func input(_ data: UnsafeRawPointer, into destination: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
    guard let toKernel else { preconditionFailure("a layout bridge without a reorder has no kernel-layout copy") }
    toKernel.execute([
      (cdnnl_arg_from, plain, UnsafeMutableRawPointer(mutating: data)), (cdnnl_arg_to, kernel, destination),
    ])
    return destination
  }

  /// This bridge's kernel-layout buffer seen as consecutive images, when `part` (a bridge for the
  /// same tensor over fewer images) has the same kernel layout image for image: then what `part`
  /// reorders into its own buffer can be reordered straight into this one at the image's offset,
  /// and this bridge's reorder of the whole batch is a copy already made. Nil when either bridge
  /// has no reorder, or the layouts do not line up (the batch dimension blocked or not outermost).
  func slots(for part: LayoutBridge) -> ImageSlots? {
    guard let buffer, part.buffer != nil else { return nil }
    var whole = kernel
    var piece = part.kernel
    guard whole.format_kind == dnnl_blocked, whole.data_type == dnnl_f32, whole.offset0 == 0,
      whole.ndims >= 1, whole.padded_offsets.0 == 0
    else { return nil }
    let blocking = whole.format_desc.blocking
    let blocksBatch = withUnsafeBytes(of: blocking.inner_idxs) { indices in
      indices.bindMemory(to: Int64.self).prefix(Int(blocking.inner_nblks)).contains(0)
    }
    let imageScalars = Int(blocking.strides.0)
    guard !blocksBatch, imageScalars * Int(whole.padded_dims.0) * MemoryLayout<Float>.size == Self.byteCount(whole)
    else { return nil }
    whole.dims.0 = piece.dims.0
    whole.padded_dims.0 = piece.padded_dims.0
    guard dnnl_memory_desc_equal(&whole, &piece) != 0 else { return nil }
    return ImageSlots(buffer: buffer, imageBytes: imageScalars * MemoryLayout<Float>.size)
  }

  /// A kernel-layout buffer of a batch as one slot per image.
  struct ImageSlots {
    let buffer: UnsafeMutableRawPointer
    let imageBytes: Int

    /// Where image `index` of the batch starts.
    func slot(_ index: Int) -> UnsafeMutableRawPointer { buffer + index * imageBytes }
  }

  /// Where the kernel should write an output destined for `data`; call `finish` after.
  func output(_ data: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer { buffer ?? data }

  /// Writes `source`, which holds data in the kernel layout, to `data` in plain layout.
  func moveToPlain(from source: UnsafeMutableRawPointer, into data: UnsafeMutableRawPointer) {
    if let toPlain {
      toPlain.execute([(cdnnl_arg_from, kernel, source), (cdnnl_arg_to, plain, data)])
    } else if source != data {
      data.copyMemory(from: source, byteCount: LayoutBridge.byteCount(plain))
    }
  }

  /// Moves what the kernel wrote into `output(data)` to `data`, in plain layout.
  func finish(_ data: UnsafeMutableRawPointer) {
    guard let toPlain, let buffer else { return }
    toPlain.execute([(cdnnl_arg_from, kernel, buffer), (cdnnl_arg_to, plain, data)])
  }
}
