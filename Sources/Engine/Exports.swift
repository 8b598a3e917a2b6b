// The seeded generator lives in its own module so the data and figure modules can share it
// without importing the engine; engine users keep seeing it through `import Engine`.
@_exported import Randomness
