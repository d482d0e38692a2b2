#!/usr/bin/env python3
"""One loss curve for a model trained in chained runs (train-demo.sh --continue): reads each run's
train_log.json in order and draws answer loss, context LM loss and held-out exact match against the steps
of all runs together, a dashed line where each run starts.

  python3 bench/demo-model/plot_runs.py docs/demo-model/runs/{1,2,3,4} --out docs/demo-model/loss.png
"""
import argparse
import json
from pathlib import Path

KINDS = ["single_hop", "multi_hop", "distractor", "cross_chunk", "bridged_multi_hop", "all"]  # runs before 21: no bridged


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", help="run directories, each with a train_log.json, in training order")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(13, 4.8))
    offset, starts, ev = 0, [], {k: [] for k in KINDS}
    for n, run in enumerate(args.runs, start=1):
        log = json.loads((Path(run) / "train_log.json").read_text())
        hist = log["history"]
        # a run's folder is named by its number (docs/demo-model/runs/N); chains skip the runs not adopted
        starts.append((offset, Path(run).name if Path(run).name.isdigit() else n))
        steps = [offset + h["step"] for h in hist]
        a.plot(steps, [h["answer_loss"] for h in hist], color="C0", label="answer loss" if n == 1 else None)
        a.plot(steps, [h["context_loss"] for h in hist], color="C1", label="context LM loss" if n == 1 else None)
        if "easy_steps" in log and log["easy_steps"]:
            grew = [offset + h["step"] for prev, h in zip(hist, hist[1:]) if h["easy_steps"] > prev["easy_steps"]]
            if grew:
                a.axvspan(offset, max(grew), color="C2", alpha=0.12, label="named-fact rows mixed in")
        for e in log.get("evals", []):
            for k in KINDS:
                if e["em"].get(k) is not None:
                    ev[k].append((offset + e["step"], e["em"][k]))
        final = log.get("final_heldout_em")
        offset += log["steps"]
        if final:
            for k in KINDS:
                if final.get(k) is not None:
                    ev[k].append((offset, final[k]))
    for ax in (a, b):
        for s, n in starts:
            ax.axvline(s, color="grey", ls="--", lw=0.8)
            ax.text(s, 1.0, f" run {n}", transform=ax.get_xaxis_transform(), va="top", fontsize=8, color="grey")
    a.set_yscale("log")
    a.set_xlabel("step (all runs)")
    a.set_ylabel("cross-entropy (nats)")
    a.legend(loc="upper right")
    a.grid(alpha=0.3)
    for k in KINDS:
        pts = sorted(ev[k])
        if not pts:
            continue
        b.plot([x for x, _ in pts], [y for _, y in pts], marker="o", ms=3, label=k)
    b.set_ylim(0, 1)
    b.set_xlabel("step (all runs)")
    b.set_ylabel("held-out exact match (PyTorch greedy)")
    b.legend(loc="upper left")
    b.grid(alpha=0.3)
    fig.suptitle("kvrag demo model: chained training runs")
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
