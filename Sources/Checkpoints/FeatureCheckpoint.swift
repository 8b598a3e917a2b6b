/// The arrays of a feature checkpoint (`epoch-NNN.npz`) with their metadata: what the
/// renderer draws from, and what `numpy.load` opens.
public struct FeatureCheckpoint: Equatable, Sendable {
  public var metadata: CheckpointMetadata
  /// N x D features of the whole training split, extracted in eval mode after the epoch.
  public var trainFeatures: [Float]
  public var trainLabels: [UInt8]
  public var testFeatures: [Float]
  public var testLabels: [UInt8]
  /// C x D class weights of the head (raw, not normalised).
  public var classWeights: [Float]
  /// C biases, when the head has them.
  public var classBias: [Float]?
  /// The feature norm α of an L2-softmax head (learned or fixed), when it has one.
  public var alpha: Float?

  public var dimension: Int { metadata.network.featureDimension }
  public var classCount: Int { metadata.classNames.count }

  public init(
    metadata: CheckpointMetadata, trainFeatures: [Float], trainLabels: [UInt8], testFeatures: [Float],
    testLabels: [UInt8], classWeights: [Float], classBias: [Float]? = nil, alpha: Float? = nil
  ) {
    self.metadata = metadata
    self.trainFeatures = trainFeatures
    self.trainLabels = trainLabels
    self.testFeatures = testFeatures
    self.testLabels = testLabels
    self.classWeights = classWeights
    self.classBias = classBias
    self.alpha = alpha
  }

  /// The named arrays of the `.npz`, in a fixed order.
  public func arrays() -> [(name: String, array: NumpyArray)] {
    let d = dimension
    var arrays: [(String, NumpyArray)] = [
      ("train_features", NumpyArray(shape: [trainLabels.count, d], values: .float32(trainFeatures))),
      ("train_labels", NumpyArray(shape: [trainLabels.count], values: .uint8(trainLabels))),
      ("test_features", NumpyArray(shape: [testLabels.count, d], values: .float32(testFeatures))),
      ("test_labels", NumpyArray(shape: [testLabels.count], values: .uint8(testLabels))),
      ("class_weights", NumpyArray(shape: [classCount, d], values: .float32(classWeights))),
    ]
    if let classBias { arrays.append(("class_bias", NumpyArray(shape: [classCount], values: .float32(classBias)))) }
    if let alpha { arrays.append(("alpha", NumpyArray(shape: [1], values: .float32([alpha])))) }
    arrays.append(("class_names", NumpyArray(shape: [classCount], values: .strings(metadata.classNames))))
    return arrays
  }

  /// Rebuilds a checkpoint from its arrays, checking every shape against the metadata.
  /// - Parameter path: names the `.npz` in errors.
  public init(metadata: CheckpointMetadata, arrays: [String: NumpyArray], path: String) throws {
    let d = metadata.network.featureDimension
    let c = metadata.classNames.count
    func floats(_ name: String, rows: Int?, columns: Int?) throws -> [Float] {
      guard let array = arrays[name] else { throw CheckpointError.missingArray(path: path, name: name) }
      guard let values = array.floats else {
        throw CheckpointError.malformed(path: path, reason: "\(name) has dtype \(array.descriptor), expected <f4")
      }
      let expected = [rows, columns].compactMap { $0 }
      if !expected.isEmpty && array.shape != expected || expected.isEmpty && array.shape.count != 2 {
        throw CheckpointError.mismatch(path: path, reason: "\(name) has shape \(array.shape), expected \(expected)")
      }
      return values
    }
    func labels(_ name: String) throws -> [UInt8] {
      guard let array = arrays[name] else { throw CheckpointError.missingArray(path: path, name: name) }
      guard let values = array.bytes, array.shape.count == 1 else {
        throw CheckpointError.malformed(
          path: path, reason: "\(name) must be a 1-D uint8 array, found \(array.descriptor) \(array.shape)")
      }
      if let bad = values.first(where: { Int($0) >= c }) {
        throw CheckpointError.mismatch(path: path, reason: "\(name) holds label \(bad), but there are \(c) classes")
      }
      return values
    }
    let trainLabels = try labels("train_labels")
    let testLabels = try labels("test_labels")
    let trainFeatures = try floats("train_features", rows: trainLabels.count, columns: d)
    let testFeatures = try floats("test_features", rows: testLabels.count, columns: d)
    let classWeights = try floats("class_weights", rows: c, columns: d)
    let classBias = arrays["class_bias"] == nil ? nil : try floats("class_bias", rows: c, columns: nil)
    let alpha = arrays["alpha"] == nil ? nil : try floats("alpha", rows: 1, columns: nil).first
    if let names = arrays["class_names"]?.strings, names != metadata.classNames {
      throw CheckpointError.mismatch(
        path: path, reason: "class_names \(names) differ from the metadata's \(metadata.classNames)")
    }
    self.init(
      metadata: metadata, trainFeatures: trainFeatures, trainLabels: trainLabels, testFeatures: testFeatures,
      testLabels: testLabels, classWeights: classWeights, classBias: classBias, alpha: alpha)
  }
}
