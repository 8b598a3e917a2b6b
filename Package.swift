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
  ],
  targets: [
    // MARK: - System libraries (found through pkg-config; `make deps` installs them)
    .systemLibrary(
      name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),

    // MARK: - Training side
    .target(name: "Datasets", dependencies: ["CZlib"]),
    .target(name: "Engine", dependencies: ["CBLAS"], exclude: ["README.md"]),

    // MARK: - Test support (a regular target so every test bundle can share it)
    .target(name: "TestSupport", dependencies: ["Engine"]),

    // MARK: - Command-line tool
    .executableTarget(
      name: "margins",
      dependencies: [
        "Datasets", "Engine",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Tests
    .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
    .testTarget(name: "EngineTests", dependencies: ["Engine", "TestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)
