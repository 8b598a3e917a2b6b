import Foundation
import Testing
@testable import MarginMath

/// A parameter change and the parameter name validation must report for it.
struct BadParameterCase: Sendable, CustomTestStringConvertible {
  let kind: LossKind
  let parameters: LossParameters
  let classCount: Int
  let featureDimension: Int
  let parameter: String
  let value: String
  let testDescription: String

  init(
    _ description: String, _ kind: LossKind, classCount: Int = 10, featureDimension: Int = 2,
    parameter: String, value: String, _ change: (inout LossParameters) -> Void
  ) {
    var p = LossParameters.defaults(for: kind)
    change(&p)
    self.kind = kind
    parameters = p
    self.classCount = classCount
    self.featureDimension = featureDimension
    self.parameter = parameter
    self.value = value
    testDescription = description
  }
}

let impossibleParameters: [BadParameterCase] = [
  BadParameterCase("l-softmax m = 0", .lSoftmax, parameter: "m", value: "0") { $0.m = 0 },
  BadParameterCase("l-softmax m = 5", .lSoftmax, parameter: "m", value: "5") { $0.m = 5 },
  BadParameterCase("a-softmax m = 2.5", .aSoftmax, parameter: "m", value: "2.5") { $0.m = 2.5 },
  BadParameterCase("negative lambda minimum", .aSoftmax, parameter: "lambda.minimum", value: "-1") {
    $0.lambda.minimum = -1
  },
  BadParameterCase("cosface s = 0", .cosFace, parameter: "s", value: "0") { $0.s = 0 },
  BadParameterCase("arcface s = -3", .arcFace, parameter: "s", value: "-3") { $0.s = -3 },
  BadParameterCase("normface s = nan", .normFace, parameter: "s", value: "nan") { $0.s = .nan },
  BadParameterCase("cosface m = 0.35, 10 classes in 2-D", .cosFace, parameter: "m", value: "0.35") { $0.m = 0.35 },
  BadParameterCase("am-softmax m = -0.1", .amSoftmax, parameter: "m", value: "-0.1") { $0.m = -0.1 },
  BadParameterCase("arcface m = 0.7, 10 classes in 2-D", .arcFace, parameter: "m", value: "0.7") { $0.m = 0.7 },
  BadParameterCase("combined m1 = 0", .combined, parameter: "m1", value: "0") { $0.m1 = 0 },
  BadParameterCase("l2-softmax alpha = 0", .l2Softmax, parameter: "alpha", value: "0") { $0.alpha = 0 },
  BadParameterCase(
    "negative class weight", .weightedSoftmax, classCount: 4, parameter: "classWeights[2]", value: "-0.5"
  ) {
    $0.classWeights = [1, 1, -0.5, 1]
  },
  BadParameterCase(
    "wrong class-weight count", .weightedSoftmax, classCount: 4, parameter: "classWeights.count", value: "3"
  ) {
    $0.classWeights = [1, 1, 1]
  },
  BadParameterCase("bias on a W-norm loss", .aSoftmax, parameter: "usesBias", value: "1") { $0.usesBias = true },
]

@Suite struct ValidationTests {
  @Test(arguments: impossibleParameters)
  func impossibleParametersAreRejectedByName(bad: BadParameterCase) {
    let issues = bad.parameters.issues(
      for: bad.kind, classCount: bad.classCount, featureDimension: bad.featureDimension)
    let match = issues.first { $0.parameter == bad.parameter && $0.severity == .error }
    #expect(match != nil, "no error for \(bad.parameter) among \(issues)")
    #expect(match?.value == bad.value)
    #expect(match?.validRange.isEmpty == false)
    #expect(match.map { $0.description.contains(bad.parameter) && $0.description.contains(bad.value) } == true)
    #expect(throws: LossParameterError.self) {
      try bad.parameters.validated(for: bad.kind, classCount: bad.classCount, featureDimension: bad.featureDimension)
    }
  }

  @Test func cosFaceBoundAppearsInTheMessage() throws {
    var p = LossParameters.defaults(for: .cosFace)
    p.m = 0.35
    let issue = try #require(p.issues(for: .cosFace, classCount: 10, featureDimension: 2).first)
    #expect(issue.validRange == "0...0.191")
  }

  @Test(arguments: LossKind.allCases)
  func defaultsAreValidForTenClassesIn2D(kind: LossKind) throws {
    let issues = LossParameters.defaults(for: kind).issues(for: kind, classCount: 10, featureDimension: 2)
    #expect(issues.isEmpty, "\(issues)")
  }

  @Test func advisoryBoundsWarnInsteadOfFailing() throws {
    var normFace = LossParameters.defaults(for: .normFace)
    normFace.s = 2
    let sWarnings = try normFace.validated(for: .normFace, classCount: 10, featureDimension: 2)
    #expect(sWarnings.contains { $0.parameter == "s" && $0.code == .scaleBelowBound })
    var l2 = LossParameters.defaults(for: .l2Softmax)
    l2.alpha = 2
    #expect(try l2.validated(for: .l2Softmax, classCount: 10, featureDimension: 2).contains { $0.parameter == "alpha" })
    var sphere = LossParameters.defaults(for: .aSoftmax)
    sphere.m = 2
    #expect(try sphere.validated(for: .aSoftmax, classCount: 10, featureDimension: 2).contains { $0.parameter == "m" })
    // CosFace with many classes in a high dimension: the bound m ≪ C/(C − 1) is advisory.
    var cos = LossParameters.defaults(for: .cosFace)
    cos.m = 1.5
    #expect(
      try cos.validated(for: .cosFace, classCount: 1000, featureDimension: 512).map(\.code) == [
        .marginBeyondAdvisoryBound
      ])
  }

  @Test func parametersRoundTripThroughJSON() throws {
    for kind in LossKind.allCases {
      let p = LossParameters.defaults(for: kind)
      let decoded = try JSONDecoder().decode(LossParameters.self, from: try JSONEncoder().encode(p))
      #expect(decoded == p)
    }
    #expect(LossKind(rawValue: "arcface") == .arcFace)
    #expect(
      Set(LossKind.allCases.map(\.rawValue)) == [
        "softmax", "weighted-softmax", "l-softmax", "modified-softmax", "a-softmax", "l2-softmax", "normface",
        "am-softmax", "cosface", "arcface", "combined",
      ])
  }

  @Test func classWeightsFromCounts() {
    let counts = [100, 300, 50, 550]
    let balanced = ClassWeights.balanced(counts: counts)
    let totals = zip(counts, balanced).map { Double($0) * $1 }
    #expect(totals.allSatisfy { abs($0 - totals[0]) < 1e-9 })
    #expect(abs(totals.reduce(0, +) - 1000) < 1e-9)
    let complement = ClassWeights.complement(counts: counts)
    #expect(zip(counts, complement).allSatisfy { abs($1 - (1 - Double($0) / 1000)) < 1e-12 })
    // For two classes both are HED's β weighting up to a common factor: w1/w2 = n2/n1.
    let two = [90, 10]
    let b2 = ClassWeights.balanced(counts: two)
    let c2 = ClassWeights.complement(counts: two)
    #expect(abs(b2[0] / b2[1] - 10.0 / 90) < 1e-12)
    #expect(abs(c2[0] / c2[1] - 10.0 / 90) < 1e-12)
    #expect(ClassWeights.balanced(counts: [5, 0])[1] == 0)
  }
}
