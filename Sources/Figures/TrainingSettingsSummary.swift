import Checkpoints
import Foundation

/// How an experiment's runs were trained, in one line read from a checkpoint's recorded
/// configuration, so a report states the schedule beside the numbers it produced.
enum TrainingSettingsSummary {
  /// "lenetpp, batch 256, 20 epochs, SGD (momentum 0.9, weight decay 0.0005), lr 0.01, 1 warm-up
  /// epoch, multistep ×0.1 at epochs 12, 16"; fields the configuration lacks are left out.
  static func schedule(_ configuration: JSONValue) -> String {
    var parts: [String] = []
    if let network = configuration["network"]?.text { parts.append(network) }
    if let batch = configuration["batchSize"]?.number { parts.append("batch \(format(batch))") }
    if let epochs = configuration["epochs"]?.number { parts.append("\(format(epochs)) epochs") }
    if let optimizer = configuration["optimizer"]?.text {
      var details: [String] = []
      if optimizer == "sgd", let momentum = configuration["momentum"]?.number {
        details.append("momentum \(format(momentum))" + (configuration["nesterov"]?.flag == true ? ", Nesterov" : ""))
      }
      if let decay = configuration["weightDecay"]?.number, decay > 0 { details.append("weight decay \(format(decay))") }
      parts.append(optimizer.uppercased() + (details.isEmpty ? "" : " (" + details.joined(separator: ", ") + ")"))
    }
    if let rate = configuration["learningRate"]?.number { parts.append("lr \(format(rate))") }
    if let warmup = configuration["warmupEpochs"]?.number, warmup > 0 {
      parts.append("\(format(warmup)) warm-up epoch" + (warmup == 1 ? "" : "s"))
    }
    if let schedule = configuration["schedule"]?.text {
      let milestones = configuration["milestoneEpochs"]?.numbers ?? []
      if schedule == "multistep" || schedule == "step", !milestones.isEmpty {
        let factor = configuration["gamma"]?.number.map { "×\(format($0)) " } ?? ""
        parts.append("\(schedule) \(factor)at epochs " + milestones.map(format).joined(separator: ", "))
      } else {
        parts.append("\(schedule) schedule")
      }
    }
    if let epochs = configuration["softmaxWarmupEpochs"]?.number, epochs > 0 {
      parts.append("\(format(epochs)) softmax warm-up epoch" + (epochs == 1 ? "" : "s"))
    }
    return parts.joined(separator: ", ")
  }

  /// "λ = max(0, 1000·(1 + 0.0002·it)^−35)" for a run whose loss blends in λ, nil otherwise
  /// (losses without a λ record the identically zero schedule).
  static func lambdaSchedule(_ configuration: JSONValue) -> String? {
    guard let lambda = configuration["lossParameters"]?["lambda"] else { return nil }
    if let constant = lambda.number { return constant == 0 ? nil : "λ = \(format(constant))" }
    guard let base = lambda["base"]?.number, let gamma = lambda["gamma"]?.number, let power = lambda["power"]?.number
    else { return nil }
    if base == 0 && (lambda["minimum"]?.number ?? 0) == 0 { return nil }
    let annealed = "\(format(base))·(1 + \(format(gamma))·it)^−\(format(power))"
    guard let minimum = lambda["minimum"]?.number else { return "λ = " + annealed }
    return "λ = max(\(format(minimum)), \(annealed))"
  }

  private static func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(format: "%g", value)
  }
}

extension JSONValue {
  fileprivate var number: Double? { if case .number(let value) = self { value } else { nil } }
  fileprivate var text: String? { if case .string(let value) = self { value } else { nil } }
  fileprivate var flag: Bool? { if case .bool(let value) = self { value } else { nil } }
  fileprivate var numbers: [Double]? {
    guard case .array(let values) = self else { return nil }
    return values.compactMap(\.number)
  }
}
