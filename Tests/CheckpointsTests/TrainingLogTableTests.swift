import Checkpoints
import Foundation
import Testing

@Suite("Typed training log")
struct TrainingLogTableTests {
  static let header = "iteration,epoch,loss,lambda,margin,lr,batch_accuracy,batch_margin_accuracy"

  @Test func rowsAreTypedColumns() throws {
    let log = try TrainingLogTable(
      parsing: "\(Self.header)\n1,1,2.3,100,0,0.1,0.12,0.05\n2,1,2.1,99.5,0.01,0.1,,0.07\n", path: "log.csv")
    #expect(log.rows.count == 2)
    #expect(log.rows[1].iteration == 2 && log.rows[1].lambda == 99.5 && log.rows[1].margin == 0.01)
    #expect(log.rows[1].batchAccuracy.isNaN, "an empty cell reads as NaN")
  }

  @Test(arguments: [
    ("iteration,loss\n1,2\n", "header is"),
    ("\(header)\n1,1,2.3,100,0,0.1,0.12\n", "line 2 has 7 cells"),
    ("\(header)\n1,1,x,100,0,0.1,0.12,0.05\n", "line 2: loss 'x' is not a number"),
    ("\(header)\n1.5,1,2,100,0,0.1,0.12,0.05\n", "line 2: iteration '1.5' is not an integer"),
    ("", "empty training log"),
  ])
  func malformedLogsNameTheFileAndLine(text: String, message: String) {
    do {
      _ = try TrainingLogTable(parsing: text, path: "runs/x/log.csv")
      Issue.record("accepted \(text)")
    } catch {
      #expect("\(error)".contains("runs/x/log.csv") && "\(error)".contains(message), "\(error)")
    }
  }
}
