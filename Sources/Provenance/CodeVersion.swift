/// The version of the code this binary was built from, baked in at build time (ProvenancePlugin
/// runs `scripts/code-version.sh` before every build): the commit when the tree was clean, else
/// the commit, "with uncommitted changes" and the working tree's hash. The same string however
/// and from wherever the binary is started; recorded in every checkpoint and beside every figure.
public enum CodeVersion {
  public static let current = BuildInfo.codeVersion
}
