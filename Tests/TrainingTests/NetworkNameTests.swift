import Engine
import Experiments
import Testing
import Training

/// The experiment files name networks without the engine; the engine builds them. Both sides must
/// know the same networks by the same names and accept the same feature widths.
@Suite struct NetworkNameTests {
  @Test func everyNetworkNameIsAnArchitectureOfTheSameName() {
    #expect(NetworkName.allCases.map(\.rawValue) == Architecture.allCases.map(\.rawValue))
    for name in NetworkName.allCases {
      #expect(Architecture(name).rawValue == name.rawValue)
      #expect(NetworkName(Architecture(name)) == name)
    }
  }

  @Test func experimentsAcceptTheFeatureWidthsTheEngineBuilds() {
    #expect(RunSettings.featureDimensions == NetworkConfiguration.featureDimensions)
  }
}
