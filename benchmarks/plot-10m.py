"""Helpers for plot-10m.sh: write the seeded 10M-point file, and the datashader and matplotlib
baselines. Each baseline is a whole process (imports, load, draw, PNG), as `margins plot` is."""
import sys


def write(path, n, seed):
    import numpy as np
    rng = np.random.default_rng(seed)
    classes = 10
    labels = rng.integers(0, classes, size=n, dtype=np.int64)
    # Ten clusters along rays from a common point away from the origin, overlapping near it
    # (ReLU-like: all coordinates positive), so the class mix and the fitted limits both show.
    angles = (labels * (np.pi / 2 / classes) + np.pi / 40).astype(np.float32)
    radius = rng.gamma(4.0, 2.0, size=n).astype(np.float32)
    features = np.empty((n, 2), dtype=np.float32)
    features[:, 0] = 1 + radius * np.cos(angles) + rng.normal(0, 0.6, n).astype(np.float32)
    features[:, 1] = 1 + radius * np.sin(angles) + rng.normal(0, 0.6, n).astype(np.float32)
    np.savez(path, features=features, labels=labels)


def datashader(path, out):
    import numpy as np
    import pandas as pd
    import datashader as ds
    import datashader.transfer_functions as tf
    z = np.load(path)
    f, y = z["features"], z["labels"]
    df = pd.DataFrame({"x": f[:, 0], "y": f[:, 1], "c": pd.Categorical(y)})
    canvas = ds.Canvas(plot_width=800, plot_height=800)
    agg = canvas.points(df, "x", "y", ds.count_cat("c"))
    colors = ["#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499", "#000000"]
    img = tf.shade(agg, color_key=colors[: len(df["c"].cat.categories)], how="log")
    tf.set_background(img, "white").to_pil().save(out)


def matplotlib(path, out):
    import numpy as np
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    z = np.load(path)
    f, y = z["features"], z["labels"]
    fig, ax = plt.subplots(figsize=(6.5, 6.5))
    ax.scatter(f[:, 0], f[:, 1], c=y, s=0.1, cmap="tab10", linewidths=0, rasterized=True)
    fig.savefig(out, dpi=150)


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "write":
        write(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif what == "datashader":
        datashader(sys.argv[2], sys.argv[3])
    elif what == "matplotlib":
        matplotlib(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown step {what}")
