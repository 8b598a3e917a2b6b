/// The networks an experiment file may name (`"network"`), as checkpoints record them.
///
/// The engine builds each as the `Architecture` of the same raw value; Training converts one to the
/// other with an exhaustive switch, so a network added on one side and not the other does not compile.
public enum NetworkName: String, Codable, CaseIterable, Sendable {
  case lenetpp
  case compact
  case anchorCNN = "anchor-cnn"
  case mlp
}
