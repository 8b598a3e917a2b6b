// The kit's inputs use Graphics2D's value types (Point, Rect, Color, Font), so clients that
// `import PlotKit` get them without a second import.
@_exported import Graphics2D
