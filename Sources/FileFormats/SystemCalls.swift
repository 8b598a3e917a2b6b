#if canImport(Glibc)
  import Glibc
  let systemRead = Glibc.read
  let systemWrite = Glibc.write
  let systemClose = Glibc.close
#elseif canImport(Darwin)
  import Darwin
  let systemRead = Darwin.read
  let systemWrite = Darwin.write
  let systemClose = Darwin.close
#endif
