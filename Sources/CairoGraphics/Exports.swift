// Cairo calls take the plain value types (Point, Rect, Color, Font) of Graphics2D, so clients of
// the wrapper get them without a second import.
@_exported import Graphics2D
