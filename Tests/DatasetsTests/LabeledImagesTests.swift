import Foundation
import Testing
@testable import Datasets

@Suite struct LabeledImagesTests {
  private func sample(count: Int = 30) throws -> LabeledImages {
    let (images, labels) = Synthetic.split(count: count)
    return try LabeledImages(
      images: images, imagesPath: "i", labels: labels, labelsPath: "l", classNames: (0..<10).map(String.init))
  }

  @Test func pairsImagesWithLabels() throws {
    let data = try sample()
    #expect(data.count == 30 && data.rows == 4 && data.columns == 3)
    #expect(data.classHistogram == [Int](repeating: 3, count: 10))
  }

  @Test func rejectsCountMismatch() {
    let (images, _) = Synthetic.split(count: 5)
    let (_, labels) = Synthetic.split(count: 4)
    #expect(throws: DatasetError.countMismatch(images: "i", imageCount: 5, labels: "l", labelCount: 4)) {
      try LabeledImages(images: images, imagesPath: "i", labels: labels, labelsPath: "l", classNames: ["a", "b"])
    }
  }

  @Test func rejectsLabelsOutsideTheClasses() {
    let (images, labels) = Synthetic.split(count: 5)
    #expect(throws: DatasetError.badLabel(path: "l", index: 2, label: 2, classCount: 2)) {
      try LabeledImages(images: images, imagesPath: "i", labels: labels, labelsPath: "l", classNames: ["a", "b"])
    }
  }

  @Test func restrictsToClassesAndRelabels() throws {
    let data = try sample()
    let pair = try data.restricted(to: [7, 3])
    #expect(pair.count == 6)
    #expect(pair.classNames == ["7", "3"])
    #expect(Set(pair.labels) == [0, 1])
    // The first kept image is image 3 (label 3 -> 1), whose pixels must travel with it.
    #expect(pair.labels[0] == 1)
    #expect(Array(pair.pixels[0..<12]) == Array(data.pixels[36..<48]))
    #expect(throws: DatasetError.self) { try data.restricted(to: [3, 3]) }
    #expect(throws: DatasetError.self) { try data.restricted(to: [10]) }
  }

  @Test func capsClassesReproducibly() throws {
    let data = try sample(count: 100)
    let capped = try data.capped(perClass: [0: 2, 5: 0], seed: 7)
    var expected = [Int](repeating: 10, count: 10)
    expected[0] = 2
    expected[5] = 0
    #expect(capped.classHistogram == expected)
    #expect(try data.capped(perClass: [0: 2, 5: 0], seed: 7) == capped)
    #expect(try data.capped(perClass: [0: 2], seed: 8).pixels != data.capped(perClass: [0: 2], seed: 7).pixels)
    #expect(throws: DatasetError.self) { try data.capped(perClass: [0: -1], seed: 1) }
  }

  @Test func batchesNormalisePixels() throws {
    let data = try sample()
    let normalization = PixelNormalization(mean: 0.5, standardDeviation: 0.25)
    let (inputs, labels) = data.batch([2, 0], normalization: normalization)
    #expect(inputs.count == 24 && labels == [2, 0])
    let expected = (Float(data.pixels[24]) / 255 - 0.5) / 0.25
    #expect(abs(inputs[0] - expected) < 1e-5)
  }

  @Test func fittedNormalizationMatchesDirectMoments() throws {
    let data = try sample()
    let fitted = PixelNormalization(fitting: data)
    let values = data.pixels.map { Double($0) / 255 }
    let mean = values.reduce(0, +) / Double(values.count)
    let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
    #expect(abs(Double(fitted.mean) - mean) < 1e-6)
    #expect(abs(Double(fitted.standardDeviation) - std) < 1e-5)
  }

  @Test func epochOrderIsAPermutationFixedBySeedAndEpoch() {
    let schedule = EpochSchedule(count: 103, batchSize: 10)
    #expect(schedule.batchesPerEpoch == 10)
    let order = schedule.order(epoch: 3, seed: 42)
    #expect(order.sorted() == Array(0..<103))
    #expect(order == schedule.order(epoch: 3, seed: 42))
    #expect(order != schedule.order(epoch: 4, seed: 42))
    #expect(order != schedule.order(epoch: 3, seed: 43))
    #expect(Array(schedule.indices(ofBatch: 9, in: order)) == Array(order[90..<100]))
    #expect(EpochSchedule(count: 103, batchSize: 10, dropsLastPartialBatch: false).batchesPerEpoch == 11)
  }
}
