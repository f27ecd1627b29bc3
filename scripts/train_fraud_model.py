#!/usr/bin/env python3
"""Train the fraud-detection demo's model and reference profile, reproducibly.

    python3 scripts/train_fraud_model.py [--sluice .build/release/sluice] [--workdir DIR]

Steps (see docs/inference.md, "The demo model"):

1. `sluice demo data` writes synthetic transactions and their labels.
2. `sluice backfill` runs topologies/fraud-detection.yaml itself over them (a copy in the work
   directory, with a throw-away placeholder registry and profile so the topology builds), so the
   training features come from the same operators as the stream: point-in-time correct, no skew.
3. Features are joined with labels by event_id and a logistic regression is fitted with numpy
   (standardised inputs, Newton/IRLS, small L2) on the infer operator's features; AUC and log loss
   are measured on a time-ordered holdout (the last 20 % of events).
4. The registry topologies/models/<name>/ is rewritten: v1 (active) and v2 (stronger L2, the canary
   candidate the topology names), each with model.json + meta.yaml, plus state.json and ACTIVE.
5. The training rows are scored with `sluice model score` and `sluice profile` writes the drift
   operator's reference profile from the drift features.
6. The real topology is backfilled once more, on a copy, to check that it builds with the new model
   and profile and that scores come out.

Only Python 3.11 and numpy. Everything except the registry and the profile stays in the work
directory; the same arguments give byte-identical outputs.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
TOPOLOGY = REPO / "topologies" / "fraud-detection.yaml"
FEATURES_TOPIC = "features.user"
HOLDOUT_SHARE = 0.2
# (version, L2 strength on the mean log loss, description). v2 is the canary candidate.
VERSIONS = [("v1", 1e-4, "logistic regression, L2 1e-4"),
            ("v2", 0.1, "logistic regression, L2 0.1 (stronger shrinkage; canary candidate)")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sluice", default=".build/release/sluice", help="sluice binary (default: %(default)s)")
    ap.add_argument("--workdir", help="work directory (default: a new temporary directory, kept)")
    ap.add_argument("--events", type=int, default=120000, help="synthetic events (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=11, help="data seed (default: %(default)s)")
    args = ap.parse_args()

    sluice = str(Path(args.sluice).resolve())
    if not Path(sluice).is_file():
        sys.exit(f"error: no sluice binary at {sluice} (build it: swift build -c release --product sluice, or pass --sluice)")
    work = Path(args.workdir).resolve() if args.workdir else Path(tempfile.mkdtemp(prefix="sluice-fraud-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"work directory: {work}")

    topo_text = TOPOLOGY.read_text()
    spec = read_topology(topo_text)
    print(f"infer features: {spec['features']}; drift features: {spec['drift_features']}")

    # 1. Data.
    tx, labels_path = work / "tx.jsonl", work / "labels.jsonl"
    run(sluice, "demo", "data", "--events", str(args.events), "--seed", str(args.seed),
        "--out", str(tx), "--labels", str(labels_path))

    # 2. Features from the topology's own operators, on a copy with a placeholder registry and profile.
    boot = stage_topology(work / "bootstrap", spec)
    write_placeholders(boot, spec, sluice)
    features_path = work / "features.jsonl"
    run(sluice, "backfill", str(boot / TOPOLOGY.name), "--input", str(tx), "--output", str(features_path),
        "--topic", FEATURES_TOPIC)

    # 3. Join with labels and train.
    rows = [json.loads(line) for line in features_path.read_text().splitlines() if line]
    labels = {}
    for line in labels_path.read_text().splitlines():
        if line:
            d = json.loads(line)
            labels[d["event_id"]] = int(d["label"])
    missing = [f for f in spec["features"] + spec["drift_features"]
               if f != spec["score"] and not any(f in r for r in rows[:100])]
    if missing:
        sys.exit(f"error: the {FEATURES_TOPIC} sink does not output {missing}; adapt the topology's feature lists")
    rows = [r for r in rows if r["event_id"] in labels]
    rows.sort(key=lambda r: (r["ts"], r["event_id"]))  # time order: the holdout is the most recent events
    X = np.array([[np.nan if r[f] is None else float(r[f]) for f in spec["features"]] for r in rows])
    y = np.array([labels[r["event_id"]] for r in rows], dtype=float)
    if np.isnan(X).any():
        bad = [f for j, f in enumerate(spec["features"]) if np.isnan(X[:, j]).any()]
        sys.exit(f"error: features with missing values {bad}: the linear model would output NaN; impute or drop them")
    n_train = int(round(len(rows) * (1 - HOLDOUT_SHARE)))
    Xtr, ytr, Xho, yho = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
    print(f"rows: {len(rows)} (train {n_train}, holdout {len(rows) - n_train}); fraud rate train "
          f"{ytr.mean():.4f}, holdout {yho.mean():.4f}")
    const = [f for j, f in enumerate(spec["features"]) if np.std(Xtr[:, j]) == 0]
    if const:
        print(f"note: constant in the training data (coefficient 0, scale 1): {const}")
    base = log_loss(yho, np.full(len(yho), ytr.mean()))
    print(f"holdout baseline (constant prevalence): auc 0.5, log_loss {base:.6f}")

    models = []
    for version, l2, desc in VERSIONS:
        model = fit_logistic(Xtr, ytr, l2, spec["features"])
        p = predict(model, Xho)
        metrics = {"auc": round(auc(yho, p), 6), "log_loss": round(log_loss(yho, p), 6)}
        print(f"{version}: {desc}: holdout auc {metrics['auc']}, log_loss {metrics['log_loss']}")
        print("    coef (standardised): " + ", ".join(f"{f} {c:+.4f}" for f, c in zip(spec["features"], model["coef"]))
              + f", intercept {model['intercept']:+.4f}")
        models.append((version, model, metrics, desc))

    # 4. The registry.
    created_at = iso_ms(max(r["ts"] for r in rows))  # data end time: reruns write identical files
    registry = write_registry(spec, models, created_at)
    check_scorer(sluice, work, registry / "v1" / "model.json", spec["features"], Xho, models[0][1])

    # 5. The reference profile: the training rows as the active model scores them.
    profile_csv = work / "profile_input.csv"
    scores = score_rows(sluice, work, registry / "v1" / "model.json", spec["features"], rows)
    with profile_csv.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(spec["drift_features"])
        for r, s in zip(rows, scores):
            w.writerow([s if f == spec["score"] else cell(r[f]) for f in spec["drift_features"]])
    profile = REPO / "topologies" / spec["reference"]
    run(sluice, "profile", "--input", str(profile_csv), "--features", ",".join(spec["drift_features"]),
        "--out", str(profile))

    # 6. Check: validate, list, and backfill every sink of the real topology (on a copy: the engine
    # writes registry state and audit entries, which must not land in the repository).
    run(sluice, "validate", str(TOPOLOGY))
    run(sluice, "model", "list", "--registry", str(registry.parent), spec["model"])
    check = stage_topology(work / "verify", spec, with_model=True)
    out = work / "all_sinks.jsonl"
    run(sluice, "backfill", str(check / TOPOLOGY.name), "--input", str(tx), "--output", str(out))
    summarize(out, spec)
    return 0


# --- topology -------------------------------------------------------------------------------------

def read_topology(text: str) -> dict:
    """The few facts the script needs, read with regular expressions (no YAML library)."""
    blocks = re.split(r"\n  - id: ", text.split("\nsinks:")[0])
    infer = one(b for b in blocks if re.search(r"\n\s+type: infer\b", b))
    drift = one(b for b in blocks if re.search(r"\n\s+type: drift\b", b))
    reg = re.search(r"registry:\s*([^,}\s]+)", infer)
    if reg is None:
        sys.exit("error: the infer operator has no model registry")
    registry = reg.group(1)
    rollout = re.search(r"rollout:\s*\{([^}]*)\}", infer)
    candidate = re.search(r"candidate:\s*([\w.-]+)", rollout.group(1)).group(1) if rollout else None
    share = re.search(r"share:\s*([0-9.]+)", rollout.group(1)) if rollout else None
    strategy = re.search(r"strategy:\s*(\w+)", rollout.group(1)).group(1) if rollout else None
    return {
        "model": registry.rstrip("/").split("/")[-1],
        "registry": registry,
        "features": flow_list(infer, "features"),
        "score": re.search(r"output:\s*\{[^}]*score:\s*(\w+)", infer).group(1),
        "candidate": candidate, "strategy": strategy,
        "share": float(share.group(1)) if share else None,
        "drift_features": flow_list(drift, "features"),
        "reference": re.search(r"\n\s+reference:\s*(\S+)", drift).group(1),
    }


def one(it):
    found = list(it)
    if len(found) != 1:
        sys.exit(f"error: expected exactly one such operator in {TOPOLOGY}, found {len(found)}")
    return found[0]


def flow_list(block: str, key: str) -> list[str]:
    m = re.search(rf"\n\s+{key}:\s*\[([^\]]*)\]", block)
    if m is None:
        sys.exit(f"error: no '{key}: [...]' list in operator {block.split(chr(10))[0]}")
    return [s.strip() for s in m.group(1).split(",") if s.strip()]


def stage_topology(dest: Path, spec: dict, with_model: bool = False) -> Path:
    """Copies topologies/ (the YAML is unchanged, so relative paths resolve inside the copy)."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(REPO / "topologies", dest)
    if not with_model:
        shutil.rmtree(dest / spec["registry"], ignore_errors=True)
    audit = dest / spec["registry"] / ".." / "audit.log"
    audit.unlink(missing_ok=True)
    return dest


def write_placeholders(root: Path, spec: dict, sluice: str) -> None:
    """A zero-coefficient model under the active and candidate names, and a dummy profile: enough for the
    topology to build. Their outputs are never used (only the features sink is read)."""
    reg = root / spec["registry"]
    versions = ["bootstrap"] + ([spec["candidate"]] if spec["candidate"] else [])
    zero = {"format": "simple-linear-json/1", "type": "logistic", "features": spec["features"],
            "standardize": None, "coef": [0.0] * len(spec["features"]), "intercept": 0.0,
            "link": "logit", "classes": [0, 1]}
    for v in versions:
        write_version(reg / v, spec["model"], v, zero, {}, "1970-01-01T00:00:00.000Z")
    write_state(reg, "bootstrap", spec["candidate"], spec["strategy"], spec["share"])
    dummy = root / "placeholder_profile.csv"
    dummy.write_text(",".join(spec["drift_features"]) + "\n" + ",".join(["0"] * len(spec["drift_features"])) + "\n"
                     + ",".join(["1"] * len(spec["drift_features"])) + "\n")
    run(sluice, "profile", "--input", str(dummy), "--out", str(root / spec["reference"]))


# --- registry -------------------------------------------------------------------------------------

def write_registry(spec: dict, models: list, created_at: str) -> Path:
    reg = REPO / "topologies" / spec["registry"]
    if reg.exists():
        shutil.rmtree(reg)  # old versions (illustrative v7/v8, an earlier run) go
    for version, model, metrics, desc in models:
        write_version(reg / version, spec["model"], version, model, metrics, created_at)
    if spec["candidate"] not in (None, *[m[0] for m in models]):
        print(f"warning: the topology's rollout candidate {spec['candidate']} is not one of the versions written")
    write_state(reg, models[0][0], spec["candidate"], spec["strategy"], spec["share"])
    print(f"wrote {reg}: {', '.join(m[0] for m in models)}; active {models[0][0]}, candidate {spec['candidate']}")
    return reg


def write_version(d: Path, name: str, version: str, model: dict, metrics: dict, created_at: str) -> None:
    d.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(model, indent=1) + "\n").encode()
    (d / "model.json").write_bytes(data)
    meta = [f"name: {name}", f"version: {version}", "format: simple-linear-json",
            f"features: [{', '.join(model['features'])}]"]
    if metrics:
        meta.append("metrics: {" + ", ".join(f"{k}: {v}" for k, v in metrics.items()) + "}")
    meta += [f'created_at: "{created_at}"', f"sha256: {hashlib.sha256(data).hexdigest()}"]
    (d / "meta.yaml").write_text("\n".join(meta) + "\n")


def write_state(reg: Path, active: str, candidate: str | None, strategy: str | None, share: float | None) -> None:
    """state.json as RegistryState encodes it (sorted keys, pretty printed); the topology's rollout is
    already in place, so building the topology does not rewrite it. ACTIVE mirrors `active`."""
    state = {"active": active, "previous": []}
    if candidate:
        state.update(candidate=candidate, strategy=strategy or "canary")
        if (strategy or "canary") == "canary":
            state["share"] = share if share is not None else 0.1
    (reg / "state.json").write_text(json.dumps(state, indent=2, sort_keys=True, separators=(",", " : ")))
    (reg / "ACTIVE").write_text(active + "\n")


# --- model ----------------------------------------------------------------------------------------

def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float, names: list[str]) -> dict:
    """Newton/IRLS on standardised inputs; minimises mean log loss + l2/2 * |coef|^2 (intercept free)."""
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0  # constant columns: z = 0, coefficient stays 0
    Z = np.hstack([np.ones((len(X), 1)), (X - mean) / scale])
    n, k = Z.shape
    penalty = np.full(k, l2)
    penalty[0] = 0.0
    w = np.zeros(k)
    w[0] = np.log(y.mean() / (1 - y.mean()))
    for _ in range(100):
        p = sigmoid(Z @ w)
        grad = Z.T @ (p - y) / n + penalty * w
        hess = (Z * (p * (1 - p))[:, None]).T @ Z / n + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-12:
            break
    return {"format": "simple-linear-json/1", "type": "logistic", "features": names,
            "standardize": {"mean": [float(v) for v in mean], "scale": [float(v) for v in scale]},
            "coef": [float(v) for v in w[1:]], "intercept": float(w[0]), "link": "logit", "classes": [0, 1]}


def predict(model: dict, X: np.ndarray) -> np.ndarray:
    z = (X - np.array(model["standardize"]["mean"])) / np.array(model["standardize"]["scale"])
    return sigmoid(model["intercept"] + z @ np.array(model["coef"]))


def sigmoid(m: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-m))


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """Mann–Whitney U with average ranks for ties."""
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p))
    sp = p[order]
    i = 0
    while i < len(sp):
        j = i
        while j + 1 < len(sp) and sp[j + 1] == sp[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = y == 1
    n1, n0 = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


# --- sluice helpers -------------------------------------------------------------------------------

def score_rows(sluice: str, work: Path, model: Path, features: list[str], rows: list[dict]) -> list[str]:
    """`sluice model score` over the rows; the probability column as printed (exact round-trip text)."""
    inp, out = work / "score_input.csv", work / "score_output.csv"
    with inp.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(features)
        for r in rows:
            w.writerow([cell(r[f]) for f in features])
    run(sluice, "model", "score", str(model), "--input", str(inp), "--output", str(out))
    with out.open() as fh:
        table = list(csv.DictReader(fh))
    if len(table) != len(rows):
        sys.exit(f"error: sluice model score returned {len(table)} rows for {len(rows)}")
    return [t["probability"] for t in table]


def check_scorer(sluice: str, work: Path, model_path: Path, features: list[str], X: np.ndarray, model: dict) -> None:
    """The CLI's scorer must agree with numpy on the holdout (same formula, float64)."""
    rows = [dict(zip(features, x)) for x in X]
    cli = np.array([float(s) for s in score_rows(sluice, work, model_path, features, rows)])
    diff = float(np.max(np.abs(cli - predict(model, X))))
    print(f"sluice model score vs numpy on the holdout: max |diff| {diff:.3g}")
    if diff > 1e-9:
        sys.exit("error: the CLI's scores differ from the trained model's")


def summarize(path: Path, spec: dict) -> None:
    topics: dict[str, int] = {}
    scores, versions, drifted = [], {}, 0
    for line in path.read_text().splitlines():
        rec = json.loads(line)
        topics[rec["topic"]] = topics.get(rec["topic"], 0) + 1
        v = rec["value"]
        if spec["score"] in v and v[spec["score"]] is not None and "event_id" in v:
            scores.append(v[spec["score"]])
        if rec["topic"].endswith(".drift") and v.get("dataset_drift"):
            drifted += 1
    s = np.array(scores)
    print("backfill of every sink: " + ", ".join(f"{t} {c}" for t, c in sorted(topics.items())))
    if len(s) == 0:
        sys.exit(f"error: no record carries {spec['score']}")
    q = np.quantile(s, [0.01, 0.5, 0.9, 0.99])
    print(f"{spec['score']}: n {len(s)}, mean {s.mean():.4f}, p1 {q[0]:.4f}, median {q[1]:.4f}, "
          f"p90 {q[2]:.4f}, p99 {q[3]:.4f}, max {s.max():.4f}; drift reports with dataset drift: {drifted}")


def run(*cmd: str) -> str:
    print("$ " + " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    for stream in (proc.stdout, proc.stderr):
        if stream.strip():
            print("  " + stream.strip().replace("\n", "\n  "))
    if proc.returncode != 0:
        sys.exit(f"error: command failed with exit code {proc.returncode}")
    return proc.stdout


def cell(v) -> str:
    return "" if v is None else repr(float(v)) if isinstance(v, float) else str(v)


def iso_ms(ms: int) -> str:
    t = dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


if __name__ == "__main__":
    sys.exit(main())
