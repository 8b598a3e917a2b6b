"""matplotlib's side of render-grid.sh: the 2 x 4 grid of class-coloured scatters that
`margins-bench render` draws (70,000 points per panel, ten classes on rays from the origin, titles,
one legend), written as PNG at 150 dpi and as SVG. Prints one line per format:
`FORMAT SECONDS BYTES`, the seconds covering the figure's construction and its writing (the points
are made before the clock starts, as margins-bench makes its figure before timing it)."""
import os
import sys
import time


def star(rng, n, classes, scale):
    import numpy as np
    labels = np.arange(n) % classes
    class_scale = scale * (0.55 + 0.45 * ((labels * 7) % classes) / max(1, classes - 1))
    radius = class_scale * (0.08 + np.abs(rng.standard_normal(n)) * 0.55)
    spread = 0.05 + 0.25 / (1 + radius / (0.1 * scale))
    angle = 2 * np.pi * labels / classes + 0.3 + rng.standard_normal(n) * spread
    return radius * np.cos(angle), radius * np.sin(angle), labels


def main(out_dir, points, seed):
    import numpy as np
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rng = np.random.default_rng(seed)
    panels = [[star(rng, points, 10, 60.0 * (column + 1)) for column in range(4)] for _ in range(2)]
    for fmt in ("png", "svg"):
        path = os.path.join(out_dir, f"grid.{fmt}")
        start = time.perf_counter()
        fig, axes = plt.subplots(2, 4, figsize=(16, 8))
        for row in range(2):
            for column in range(4):
                x, y, labels = panels[row][column]
                ax = axes[row, column]
                for c in range(10):
                    mask = labels == c
                    ax.scatter(x[mask], y[mask], s=1, label=str(c))
                ax.set_aspect("equal")
                ax.set_title(f"{'Training' if row == 0 else 'Testing'} Set (m={column + 1})")
        axes[0, 3].legend(title="digit", markerscale=6, loc="upper left", bbox_to_anchor=(1, 1))
        fig.savefig(path, dpi=150)
        plt.close(fig)
        print(f"{fmt.upper()} {time.perf_counter() - start:.3f} {os.path.getsize(path)}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 70000, int(sys.argv[3]) if len(sys.argv) > 3 else 1701)
