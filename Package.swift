// swift-tools-version:6.0
//
// softmax-margins: reproduces the 2-D feature figures of the softmax-family losses on a CPU.
// Module map (one-way dependencies; see README "Modules"):
//   training side:  Datasets, Engine (tensors + layers + optimisers + networks), Losses,
//                   Checkpoints, Training
//   shared:         MarginMath (pure functions, no engine types)
//   rendering side: CairoGraphics (Cairo wrapper), Figures
//   on top:         margins (CLI)
import PackageDescription

let package = Package(
  name: "softmax-margins",
  products: [
    .executable(name: "margins", targets: ["margins"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
  ],
  targets: [
    // MARK: - System libraries (found through pkg-config; `make deps` installs them)
    .systemLibrary(
      name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
    .systemLibrary(
      name: "SystemZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
    .systemLibrary(
      name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"]), .brew(["cairo"])]),

    // MARK: - File formats (atomic writes, checksums, gzip, zip/npz, npy; used by both sides)
    .target(
      name: "FileFormats",
      dependencies: [
        "SystemZlib", .product(name: "Crypto", package: "swift-crypto"), .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ]),

    // MARK: - Training side
    .target(name: "Datasets", dependencies: ["FileFormats", "Randomness"]),
    .target(name: "Engine", dependencies: ["CBLAS", "Randomness"], exclude: ["README.md"]),
    .target(name: "Checkpoints", dependencies: ["FileFormats", "MarginMath"]),
    .target(name: "Losses", dependencies: ["Engine", "MarginMath"], exclude: ["README.md"]),
    .target(name: "Training", dependencies: ["Datasets", "Engine", "Losses", "Checkpoints", "MarginMath"]),

    // MARK: - Shared (pure functions, no engine types; used by Losses and the renderer)
    .target(name: "MarginMath", exclude: ["README.md"]),
    .target(name: "Randomness"),

    // MARK: - Rendering side (never imports the training engine)
    .target(name: "CairoGraphics", dependencies: ["CCairo"], exclude: ["README.md"]),
    .target(name: "Figures", dependencies: ["CairoGraphics", "MarginMath", "Checkpoints", "Randomness"], exclude: ["README.md"]),

    // MARK: - Test support (a regular target so every test bundle can share it)
    .target(name: "TestSupport", dependencies: ["Engine", "CairoGraphics"]),

    // MARK: - Command-line tool
    .executableTarget(
      name: "margins",
      dependencies: [
        "FileFormats", "Datasets", "Engine", "Training", "Checkpoints", "Figures",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Fuzz targets (libFuzzer entry points; built by `make fuzz` with -sanitize=fuzzer)
    .target(name: "CFuzzer", path: "Fuzz/CFuzzer"),
    .target(name: "FuzzSupport", dependencies: ["CFuzzer"], path: "Fuzz/FuzzSupport"),
    .executableTarget(name: "FuzzIDX", dependencies: ["FuzzSupport", "Datasets"], path: "Fuzz/FuzzIDX"),
    .executableTarget(name: "FuzzGzip", dependencies: ["FuzzSupport", "FileFormats"], path: "Fuzz/FuzzGzip"),
    .executableTarget(name: "FuzzNumpy", dependencies: ["FuzzSupport", "FileFormats"], path: "Fuzz/FuzzNumpy"),
    .executableTarget(name: "FuzzCheckpointMetadata", dependencies: ["FuzzSupport", "Checkpoints"], path: "Fuzz/FuzzCheckpointMetadata"),
    .executableTarget(name: "FuzzExperiment", dependencies: ["FuzzSupport", "Training"], path: "Fuzz/FuzzExperiment"),

    // MARK: - Tests
    .target(name: "FileFormatsTestSupport", path: "Tests/FileFormatsTestSupport"),
    .executableTarget(name: "SignalProbe", dependencies: ["FileFormats"], path: "Tests/SignalProbe"),
    .testTarget(name: "FileFormatsTests", dependencies: ["FileFormats", "FileFormatsTestSupport", "SignalProbe"]),
    .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "FileFormats", "FileFormatsTestSupport"]),
    .testTarget(name: "CheckpointsTests", dependencies: ["Checkpoints", "FileFormats", "FileFormatsTestSupport"]),
    .testTarget(name: "EngineTests", dependencies: ["Engine", "TestSupport"]),
    .testTarget(name: "MarginMathTests", dependencies: ["MarginMath"]),
    .testTarget(name: "LossesTests", dependencies: ["Losses", "Engine", "TestSupport"]),
    .testTarget(name: "TrainingTests", dependencies: ["Training", "Checkpoints", "MarginMath", "Datasets", "TestSupport"]),
    .testTarget(name: "CairoGraphicsTests", dependencies: ["CairoGraphics", "TestSupport"]),
    .testTarget(name: "FiguresTests", dependencies: ["Figures", "CairoGraphics", "TestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)
