"""The engine's four benchmark networks in PyTorch, timed the way `margins-bench engine` times
them, for the side-by-side comparison `benchmarks/engine-pytorch.sh` runs.

The layer stacks follow the table in Sources/Engine/README.md (padding k // 2, 2 x 2 max pooling,
per-channel PReLU, no convolution bias before BatchNorm, a 2-D feature layer). A training step is
what the engine's benchmark step is: forward, the loss 1/2 |features|^2 / N (a gradient through
every layer), backward, and SGD with momentum 0.9 and weight decay 5e-4. Inference is an
evaluation-mode forward without autograd. Each rate is the best of `--repeats` timed runs of
`--iterations` steps, after `--warmup` untimed steps before the first.

Prints one line: NETWORK train IMAGES_PER_SECOND infer IMAGES_PER_SECOND.
"""
import argparse
import time

import torch
from torch import nn


def convolution(inputs, outputs, kernel, batch_norm):
    layers = [nn.Conv2d(inputs, outputs, kernel, padding=kernel // 2, bias=not batch_norm)]
    if batch_norm:
        layers.append(nn.BatchNorm2d(outputs))
    return layers + [nn.PReLU(outputs)]


def lenetpp():
    layers, channels = [], 1
    for width in (32, 64, 128):
        layers += convolution(channels, width, 5, False) + convolution(width, width, 5, False)
        layers.append(nn.MaxPool2d(2))
        channels = width
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(128 * 3 * 3, 2))


def compact():
    layers, channels = [], 1
    for width, kernel in ((16, 5), (32, 3), (64, 3)):
        layers += convolution(channels, width, kernel, True) + [nn.MaxPool2d(2)]
        channels = width
    return nn.Sequential(
        *layers, nn.Flatten(), nn.Linear(64 * 3 * 3, 128, bias=False), nn.BatchNorm1d(128), nn.PReLU(128),
        nn.Linear(128, 2))


def anchor_cnn():
    layers, channels = [], 1
    for width, kernel in ((16, 5), (32, 5), (64, 3)):
        layers += convolution(channels, width, kernel, False) + [nn.MaxPool2d(2)]
        channels = width
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(64 * 3 * 3, 2))


def mlp():
    return nn.Sequential(
        nn.Flatten(), nn.Linear(28 * 28, 256), nn.PReLU(256), nn.Linear(256, 256), nn.PReLU(256), nn.Linear(256, 2))


NETWORKS = {"lenetpp": lenetpp, "compact": compact, "anchor-cnn": anchor_cnn, "mlp": mlp}


def best_rate(step, images, iterations, repeats, warmup):
    for _ in range(warmup):
        step()
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(iterations):
            step()
        best = max(best, images * iterations / (time.perf_counter() - start))
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", choices=sorted(NETWORKS))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--iterations", type=int,
                        help="timed steps per repeat: the count `margins-bench engine` printed (its iterations column)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--phase", choices=("both", "training", "inference"), default="both",
                        help="what to time (one alone keeps a kernel trace, ONEDNN_VERBOSE=1, to that phase)")
    parser.add_argument("--describe", action="store_true", help="print the PyTorch build line and exit")
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    if arguments.describe:
        onednn = next((line.split("DNN")[1].split()[0] for line in torch.__config__.show().splitlines()
                       if line.strip().startswith("- Intel(R) MKL-DNN") or "oneDNN v" in line), "unknown")
        print(f"PyTorch {torch.__version__} (CPU capability {torch.backends.cpu.get_cpu_capability()}, "
              f"oneDNN {onednn}), {torch.get_num_threads()} threads")
        return
    if arguments.network is None or arguments.iterations is None:
        parser.error("--network and --iterations are required")
    if arguments.iterations < 1:
        parser.error("--iterations must be positive")
    torch.manual_seed(1701)
    network = NETWORKS[arguments.network]()
    batch = torch.rand(arguments.batch_size, 1, 28, 28)
    optimizer = torch.optim.SGD(network.parameters(), lr=1e-4, momentum=0.9, weight_decay=5e-4)
    iterations = arguments.iterations

    def training_step():
        optimizer.zero_grad()
        features = network(batch)
        (0.5 * features.square().sum() / arguments.batch_size).backward()
        optimizer.step()

    train = infer = "-"
    if arguments.phase != "inference":
        network.train()
        rate = best_rate(training_step, arguments.batch_size, iterations, arguments.repeats, arguments.warmup)
        train = f"{rate:.0f}"
    if arguments.phase != "training":
        network.eval()
        with torch.inference_mode():
            rate = best_rate(lambda: network(batch), arguments.batch_size, iterations, arguments.repeats,
                             arguments.warmup)
        infer = f"{rate:.0f}"
    print(f"{arguments.network} train {train} infer {infer}")


if __name__ == "__main__":
    main()
