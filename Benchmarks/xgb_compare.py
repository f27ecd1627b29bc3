#!/usr/bin/env python3
"""Compare SluiceModels' XGBoost scoring speed with XGBoost itself, one core each.

Trains a 100-tree depth-6 binary:logistic model on seeded synthetic data (7 features, some NaN),
saves model JSON and a 100k-row CSV batch, times xgboost `inplace_predict` (nthread=1, best of N),
runs the Swift `SluiceModelsBench` executable (release build) on the same files, checks that both
give the same probabilities, and prints rows/s for each and the ratio (goal: >= 0.5).

Usage: python3 Benchmarks/xgb_compare.py [--rows 100000] [--reps 5] [--workdir /tmp/sluice-xgb-bench]
Needs: pip install xgboost numpy; run from the package root (where Package.swift is).
"""
import argparse
import os
import subprocess
import time

import numpy as np
import xgboost as xgb

FEATURES = ["amount", "log_amount", "hour", "tx_count_1h", "avg_amount_24h", "distance_km", "merchant_category_code"]


def synthetic(rows, rng):
    amount = rng.lognormal(3.5, 1.0, rows)
    x = np.column_stack([
        amount,
        np.log1p(amount),
        rng.integers(0, 24, rows).astype(float),
        rng.poisson(1.3, rows).astype(float),
        rng.lognormal(4.0, 0.8, rows),
        rng.exponential(12.0, rows),
        rng.integers(0, 8, rows).astype(float),
    ])
    logit = 0.004 * x[:, 0] - 0.1 * np.abs(x[:, 2] - 12) + 0.5 * x[:, 3] + 0.03 * x[:, 5] - 3
    y = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(float)
    x[rng.random(rows) < 0.05, 4] = np.nan  # missing values exercise default_left
    x[rng.random(rows) < 0.05, 5] = np.nan
    return x, y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--workdir", default="/tmp/sluice-xgb-bench")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    model_path = os.path.join(args.workdir, "model.json")
    batch_path = os.path.join(args.workdir, "batch.csv")

    rng = np.random.default_rng(42)
    x_train, y_train = synthetic(50_000, rng)
    params = {"objective": "binary:logistic", "max_depth": 6, "eta": 0.1, "tree_method": "hist",
              "nthread": 1, "seed": 7}
    booster = xgb.train(params, xgb.DMatrix(x_train, label=y_train, feature_names=FEATURES), num_boost_round=100)
    booster.save_model(model_path)

    x_batch, _ = synthetic(args.rows, rng)
    with open(batch_path, "w") as f:
        f.write(",".join(FEATURES) + "\n")
        for row in x_batch:
            f.write(",".join("NaN" if np.isnan(v) else repr(float(v)) for v in row) + "\n")

    booster.set_param({"nthread": 1})
    booster.inplace_predict(x_batch[:1000])  # warm-up
    best = float("inf")
    for _ in range(args.reps):
        t0 = time.perf_counter()
        expected = booster.inplace_predict(x_batch)
        best = min(best, time.perf_counter() - t0)
    xgb_rate = args.rows / best

    subprocess.run(["swift", "build", "-c", "release", "--product", "SluiceModelsBench"], check=True,
                   stdout=subprocess.DEVNULL)
    bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], check=True,
                             capture_output=True, text=True).stdout.strip()
    out = subprocess.run([os.path.join(bin_dir, "SluiceModelsBench"), model_path, batch_path, str(args.reps)],
                         check=True, capture_output=True, text=True).stdout
    swift_rate = float(out.strip().splitlines()[-1].split("=")[1])

    # Parity spot check through the offline scorer path is in the tests; here compare the checksum.
    swift_sum = float(out.split("checksum=")[1].split()[0])
    margins = booster.predict(xgb.DMatrix(x_batch, feature_names=FEATURES), output_margin=True)
    print(f"xgboost {xgb.__version__} inplace_predict nthread=1: {xgb_rate:,.0f} rows/s")
    print(f"SluiceModels (Swift, 1 thread):               {swift_rate:,.0f} rows/s")
    print(f"ratio Swift/XGBoost: {swift_rate / xgb_rate:.2f} (goal >= 0.5)")
    print(f"checksum (margins + probabilities): swift {swift_sum:.6f}, xgboost {float(np.sum(margins, dtype=np.float64) + np.sum(expected, dtype=np.float64)):.6f}")


if __name__ == "__main__":
    main()
