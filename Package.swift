// swift-tools-version:6.0
//
// softmax-margins: reproduces the 2-D feature figures of the softmax-family losses on a CPU.
// Module map (one-way dependencies; see README "Modules"):
//   training side:  Datasets, Engine (tensors + layers + optimisers + networks), Losses,
//                   Checkpoints, Experiments (experiment files and run plans), Training
//   shared:         MarginMath (pure functions, no engine types)
//   rendering side: Graphics2D (Point, Rect, Color, Font), PlotKit (backend-neutral plotting kit:
//                   Path, Renderer protocol, figures, panels, layers; no Cairo, no checkpoints),
//                   CairoGraphics (Cairo wrapper), CairoBackend (PlotKit's Renderer over Cairo;
//                   PNG/SVG/PDF output), Figures (reproductions: paper-figure catalog, checkpoint
//                   views, embedding files, results report; reads Checkpoints, draws with PlotKit)
//   on top:         margins (CLI)
import PackageDescription

let package = Package(
  name: "softmax-margins",
  products: [
    .executable(name: "margins", targets: ["margins"])
  ],
  // Exact versions: Package.resolved cannot be committed (docs/reproducibility.md#package-versions),
  // so the versions are fixed here; none of these packages computes a training bit.
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
  ],
  targets: [
    // MARK: - System libraries (found through pkg-config; `make deps` installs them)
    // oneDNN ships no pkg-config file; its module map links `dnnl` from the default library path.
    .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"]), .brew(["onednn"])]),
    .systemLibrary(
      name: "SystemZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
    .systemLibrary(
      name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"]), .brew(["cairo"])]),
    // giflib: Debian's libgif-dev ships no .pc file, so the header and `-lgif` come from the default paths.
    .systemLibrary(name: "CGif", providers: [.apt(["libgif-dev"]), .brew(["giflib"])]),

    // MARK: - File formats (atomic writes, checksums, gzip, zip/npz, npy; used by both sides)
    .target(
      name: "FileFormats",
      dependencies: [
        "SystemZlib", .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ]),

    // MARK: - Training side
    .target(name: "Datasets", dependencies: ["FileFormats", "Randomness"]),
    // Optimised in debug builds too: the test suite runs networks through the engine's own vector
    // loops (Winograd's transforms, reductions), which unoptimised Swift runs tens of times slower.
    // Swift's -O keeps IEEE arithmetic exactly as written, so no bit changes.
    .target(
      name: "Engine", dependencies: ["CDNNL", "Randomness"], exclude: ["README.md"],
      swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
    .target(name: "Checkpoints", dependencies: ["FileFormats", "MarginMath"]),
    .target(name: "Losses", dependencies: ["Engine", "MarginMath"], exclude: ["README.md"]),
    // Experiments: the experiment files (`experiments/*.json`) and the run plans they resolve to; no engine,
    // so training and the figures read the same files through one parser.
    .target(name: "Experiments", dependencies: ["Checkpoints", "MarginMath", "Provenance"]),
    .target(
      name: "Training",
      dependencies: [
        "Datasets", "Engine", "Losses", "Checkpoints", "MarginMath", "Provenance", "FileFormats", "Experiments",
      ]),
    // Provenance: the code version and the training-code fingerprint with its ledger, generated at build
    // time by ProvenancePlugin with the training-fingerprint tool (ProvenanceCore is its one implementation).
    .target(name: "Provenance", exclude: ["ReproducedTrainingCode.json"], plugins: ["ProvenancePlugin"]),
    .target(name: "ProvenanceCore"),
    .executableTarget(name: "training-fingerprint", dependencies: ["ProvenanceCore"]),
    .plugin(name: "ProvenancePlugin", capability: .buildTool(), dependencies: ["training-fingerprint"]),
    // Shipped results (results/<profile>/): install, ship, compare with a reproduction.
    .target(name: "Results", dependencies: ["Training", "Experiments", "Checkpoints", "FileFormats"]),

    // MARK: - Shared (pure functions, no engine types; used by Losses and the renderer)
    .target(name: "MarginMath", exclude: ["README.md"]),
    .target(name: "Randomness"),
    // Angle statistics of any (N, D) embedding (ArcFace Table 3, target angles, pairs, PCA); no engine.
    .target(name: "EmbeddingAnalysis", dependencies: ["FileFormats", "Randomness"]),

    // MARK: - Rendering side (never imports the training engine)
    .target(name: "Graphics2D"),
    .target(name: "PlotKit", dependencies: ["Graphics2D", "Randomness"], exclude: ["README.md"]),
    .target(name: "CairoGraphics", dependencies: ["CCairo", "Graphics2D", "FileFormats"], exclude: ["README.md"]),
    .target(name: "CairoBackend", dependencies: ["PlotKit", "CairoGraphics"], exclude: ["README.md"]),
    .target(
      name: "Figures",
      dependencies: [
        "PlotKit", "MarginMath", "Checkpoints", "Experiments", "FileFormats", "SphereScene", "EmbeddingAnalysis",
        "Graphics2D", "Provenance",
        .product(name: "CSV", package: "CSV.swift"),
      ],
      exclude: ["README.md"]),
    .target(name: "GIFEncoding", dependencies: ["CGif", "FileFormats"], exclude: ["README.md"]),
    .target(name: "SphereScene", dependencies: ["MarginMath", "Graphics2D"], exclude: ["README.md"]),
    .target(
      name: "FigureAnimation",
      dependencies: [
        "Figures", "PlotKit", "CairoBackend", "GIFEncoding", "SphereScene", "Checkpoints", "Experiments", "FileFormats",
        "MarginMath",
      ], exclude: ["README.md"]),

    // MARK: - Command-line tool
    .executableTarget(
      name: "margins",
      dependencies: [
        "FileFormats", "Datasets", "Engine", "Experiments", "Training", "Results", "Checkpoints", "Figures", "PlotKit",
        "CairoBackend",
        "CairoGraphics", "FigureAnimation", "SphereScene", "MarginMath", "EmbeddingAnalysis", "Graphics2D",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Benchmarks (internal: the margins product links none of them)
    // Every benchmark, one subcommand each (`swift run -c release margins-bench engine|render|gif`).
    .executableTarget(
      name: "margins-bench",
      dependencies: [
        "Engine", "CDNNL", "Randomness", "PlotKit", "CairoBackend", "CairoGraphics", "Figures", "FigureAnimation",
        "Checkpoints", "FileFormats", "_SyntheticFeatures",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Seeded synthetic 2-D feature clouds for the renderer's tests and `margins-bench render`.
    .target(name: "_SyntheticFeatures", dependencies: ["PlotKit", "Randomness"]),

    // MARK: - Fuzz targets (libFuzzer entry points; built by `make fuzz` with -sanitize=fuzzer)
    .target(name: "CFuzzer", path: "Fuzz/CFuzzer"),
    .target(name: "FuzzSupport", dependencies: ["CFuzzer", "FileFormats"], path: "Fuzz/FuzzSupport"),
    .executableTarget(name: "FuzzIDX", dependencies: ["FuzzSupport", "Datasets"], path: "Fuzz/FuzzIDX"),
    .executableTarget(name: "FuzzGzip", dependencies: ["FuzzSupport", "FileFormats"], path: "Fuzz/FuzzGzip"),
    .executableTarget(name: "FuzzNumpy", dependencies: ["FuzzSupport", "FileFormats"], path: "Fuzz/FuzzNumpy"),
    .executableTarget(
      name: "FuzzCheckpointMetadata", dependencies: ["FuzzSupport", "Checkpoints"], path: "Fuzz/FuzzCheckpointMetadata"),
    .executableTarget(
      name: "FuzzExperiment", dependencies: ["FuzzSupport", "Experiments"], path: "Fuzz/FuzzExperiment"),
    .executableTarget(
      name: "FuzzEmbeddings", dependencies: ["FuzzSupport", "Figures", "PlotKit", "Checkpoints", "FileFormats"],
      path: "Fuzz/FuzzEmbeddings"),
    .executableTarget(name: "FuzzCSV", dependencies: ["FuzzSupport", "Figures"], path: "Fuzz/FuzzCSV"),
    .executableTarget(name: "FuzzManifest", dependencies: ["FuzzSupport", "Results"], path: "Fuzz/FuzzManifest"),
    .executableTarget(
      name: "FuzzLossParameters", dependencies: ["FuzzSupport", "Figures", "FileFormats", "MarginMath", "PlotKit"],
      path: "Fuzz/FuzzLossParameters"),

    // MARK: - Tests
    // What the test bundles share (internal: no product links it; it may import Testing).
    .target(name: "_TestSupport", dependencies: ["Engine", "CairoGraphics"], path: "Tests/_TestSupport"),
    .executableTarget(name: "SignalProbe", dependencies: ["FileFormats"], path: "Tests/SignalProbe"),
    .testTarget(name: "FileFormatsTests", dependencies: ["FileFormats", "_TestSupport", "SignalProbe"]),
    .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "FileFormats", "_TestSupport"]),
    .testTarget(
      name: "CheckpointsTests", dependencies: ["Checkpoints", "FileFormats", "_TestSupport", "MarginMath"]),
    .testTarget(name: "EngineTests", dependencies: ["Engine", "_TestSupport", "CDNNL"]),
    .testTarget(name: "MarginMathTests", dependencies: ["MarginMath"]),
    .testTarget(name: "LossesTests", dependencies: ["Losses", "Engine", "_TestSupport", "MarginMath"]),
    .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "MarginMath"]),
    .testTarget(
      name: "TrainingTests",
      dependencies: [
        "Training", "Experiments", "Checkpoints", "MarginMath", "Datasets", "FileFormats", "_TestSupport", "Provenance",
        "ProvenanceCore", "Engine",
      ]),
    .testTarget(
      name: "ResultsTests",
      dependencies: ["Results", "Training", "Experiments", "Checkpoints", "MarginMath", "FileFormats"]),
    .testTarget(name: "CairoGraphicsTests", dependencies: ["CairoGraphics", "_TestSupport"]),
    // Runs the built `margins` executable (no module dependency: `swift test` builds every product first).
    .testTarget(name: "CLITests"),
    .testTarget(name: "PlotKitTests", dependencies: ["PlotKit", "_SyntheticFeatures"]),
    .testTarget(
      name: "FiguresTests",
      dependencies: [
        "Figures", "PlotKit", "CairoBackend", "CairoGraphics", "Checkpoints", "Experiments", "FileFormats",
        "MarginMath", "SphereScene", "_TestSupport", "FuzzSupport", "_SyntheticFeatures",
      ]),
    .testTarget(name: "GIFEncodingTests", dependencies: ["GIFEncoding", "_TestSupport"]),
    .testTarget(
      name: "FigureAnimationTests",
      dependencies: [
        "FigureAnimation", "Figures", "PlotKit", "CairoBackend", "Checkpoints", "FileFormats", "GIFEncoding",
        "_TestSupport",
      ]),
    .testTarget(name: "SphereSceneTests", dependencies: ["SphereScene", "MarginMath"]),
    .testTarget(
      name: "EmbeddingAnalysisTests", dependencies: ["EmbeddingAnalysis", "FileFormats", "_TestSupport"]),
    .testTarget(name: "MarginsBenchTests", dependencies: ["margins-bench", "Engine"]),
  ],
  swiftLanguageModes: [.v6]
)
