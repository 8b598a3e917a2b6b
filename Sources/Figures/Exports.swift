// The figure kit's inputs use CairoGraphics' value types (Point, Rect, Color, Font), so clients
// that `import Figures` get them without a second import.
@_exported import CairoGraphics
