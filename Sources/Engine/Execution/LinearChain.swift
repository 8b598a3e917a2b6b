/// Consecutive `Linear` layers, each with the PReLU `Sequential` fuses into it (if any), run
/// forward in one pass: each worker takes its batch rows through every layer in turn, with no
/// join between the layers. Every layer splits the batch into the same rows
/// (`Threading.range`) and a row's output depends on that row alone, so each worker runs the
/// same `gemm` calls on the same rows as the layers' own passes do, and every bit is theirs
/// (`FusedLinearTests`); only the joins between the layers go (two of the mlp's three).
struct LinearChain {
  let links: [(linear: Linear, activation: PReLU?)]

  /// The chain of at least two Linear layers that starts at `layers[index]`, given the
  /// Linear/PReLU pairs `Sequential` fuses (by the Linear's index), and the index after it.
  static func chain(
    in layers: [any Layer], from index: Int, fusedPairs: [Int: (linear: Linear, prelu: PReLU)]
  ) -> (chain: LinearChain, end: Int)? {
    var links: [(linear: Linear, activation: PReLU?)] = []
    var next = index
    while next < layers.count, let linear = layers[next] as? Linear {
      let activation = fusedPairs[next]?.prelu
      links.append((linear, activation))
      next += activation == nil ? 1 : 2
    }
    return links.count >= 2 ? (LinearChain(links: links), next) : nil
  }

  /// The chain's forward output, or nil when its layers do not all split the batch the same way
  /// (then the layers run one by one).
  func forward(_ input: Tensor, mode: Mode) -> Tensor? {
    guard input.rank == 2, input.shape[0] > 0, let first = links.first?.linear else { return nil }
    let n = input.shape[0]
    let workers = max(1, min(first.workers, n))
    guard links.allSatisfy({ max(1, min($0.linear.workers, n)) == workers }) else { return nil }
    var width = input.shape[1]
    for (linear, activation) in links {
      precondition(
        width == linear.inFeatures, "\(linear.weight.name): expects [N, \(linear.inFeatures)], got width \(width)")
      if let activation {
        precondition(
          activation.channels == linear.outFeatures,
          "\(linear.weight.name): a fused PReLU needs \(linear.outFeatures) channels")
      }
      width = linear.outFeatures
    }
    let training = mode == .training
    // Each link writes its pre-activation output and, in training with an activation, its
    // rectified output as a second tensor (evaluation rectifies in place).
    var outputs: [(preactivation: Int, activated: Int)] = []
    var shapes: [[Int]] = []
    for (linear, activation) in links {
      shapes.append([n, linear.outFeatures])
      let preactivation = shapes.count - 1
      if training && activation != nil { shapes.append([n, linear.outFeatures]) }
      outputs.append((preactivation, shapes.count - 1))
    }
    // Read-only operands: the input, then each link's weights, bias and slopes.
    var operands = [input]
    var operandIndex: [(weights: Int, bias: Int?, slopes: Int?)] = []
    for (linear, activation) in links {
      operands.append(linear.weight.value)
      let weights = operands.count - 1
      var bias: Int?
      if let parameter = linear.bias {
        operands.append(parameter.value)
        bias = operands.count - 1
      }
      var slopes: Int?
      if let activation {
        operands.append(activation.slope.value)
        slopes = operands.count - 1
      }
      operandIndex.append((weights, bias, slopes))
    }
    // Evaluation kernels are looked up (and built) here, on the calling thread.
    let kernels = links.map { link in
      (0..<workers).map { worker in
        training
          ? nil
          : link.linear.evaluationKernel(
            worker: worker, rows: Threading.range(worker, of: workers, splitting: n).count)
      }
    }
    let links = self.links
    let tensors = withPointers(to: operands) { read in
      makeTensors(shapes) { written in
        // Workers write disjoint row ranges of every output.
        parallelFor(workers) { worker in
          let rows = Threading.range(worker, of: workers, splitting: n)
          var x = read[0]
          for (index, (linear, activation)) in links.enumerated() {
            let (weights, bias, slopes) = operandIndex[index]
            let z = written[outputs[index].preactivation]
            let y = written[outputs[index].activated]
            linear.forwardRows(
              rows, x: x, weights: read[weights], bias: bias.map { read[$0] }, z: z,
              rectifying: slopes.map { (y, read[$0], activation?.shared ?? false) }, kernel: kernels[index][worker])
            x = UnsafePointer(y)
          }
        }
      }
    }
    var x = input
    for (index, (linear, activation)) in links.enumerated() {
      let preactivation = tensors[outputs[index].preactivation]
      linear.keepForBackward(
        input: training ? x : nil, activation: activation, preactivation: training ? preactivation : nil)
      x = tensors[outputs[index].activated]
    }
    return x
  }
}

/// Calls `body` with pointers to the scalars of each of `tensors`, in order (valid only inside `body`).
func withPointers<R>(to tensors: [Tensor], _ body: ([UnsafePointer<Float>]) -> R) -> R {
  func nest(_ index: Int, _ pointers: [UnsafePointer<Float>]) -> R {
    guard index < tensors.count else { return body(pointers) }
    return tensors[index].withUnsafePointer { nest(index + 1, pointers + [$0]) }
  }
  return nest(0, [])
}

/// Tensors of `shapes` (none empty) whose scalars `body` writes, all of them, given a pointer to
/// each tensor's storage in order.
func makeTensors(_ shapes: [[Int]], _ body: ([UnsafeMutablePointer<Float>]) -> Void) -> [Tensor] {
  func nest(_ index: Int, _ pointers: [UnsafeMutablePointer<Float>]) -> [Tensor] {
    guard index < shapes.count else {
      body(pointers)
      return []
    }
    var rest: [Tensor] = []
    let tensor = Tensor(shape: shapes[index]) { buffer in
      guard let base = buffer.baseAddress else { preconditionFailure("makeTensors: empty shape \(shapes[index])") }
      rest = nest(index + 1, pointers + [base])
    }
    return [tensor] + rest
  }
  return nest(0, [])
}
