#!/usr/bin/env python3
"""Pools bench-quality JSONs of one model over several question sets (e.g. the "3,000": all 2,000 of seed 777 and
500 each of seeds 778 and 4242), so that a bar is read on more questions than one set holds. Every file must hold
the same modes with the same baseline first. Per mode and kind: exact match over all questions, and against the
baseline the paired counts summed (lost, gained), the difference with its 95 % interval (normal approximation over
the per-question differences, sample variance, as PairedComparison) and the exact two-sided McNemar p. Standard library only.

    python3 bench/demo-model/pool_quality.py docs/quality/run21-bridged-{777-2000,778-500,4242-500}.json
"""
import json
import math
import sys


def mcnemar_p(lost, gained):
    n = lost + gained
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(lost, gained) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def main(paths):
    if not paths:
        sys.exit(__doc__)
    runs = [json.load(open(p)) for p in paths]
    modes = list(runs[0]["modes"])
    if any(list(r["modes"]) != modes for r in runs):
        sys.exit("pool_quality: the files hold different modes")
    if len(modes) < 2:
        sys.exit("pool_quality: one mode only: nothing to pair against " + modes[0])
    paired = lambda r, m: r["modes"][m]["paired_vs_first"]
    kinds = list(paired(runs[0], modes[1]))  # the mix's kinds, every_multi_hop where written, all
    count = {k: sum(paired(r, modes[1])[k]["questions"] for r in runs) for k in kinds}
    print("pooled:", ", ".join(paths))
    print("questions:", ", ".join(f"{k} {count[k]}" for k in kinds))
    scored = [k for k in kinds if k in runs[0]["modes"][modes[0]]["exact_match"]]
    print(f"{'exact match':<56}" + "".join(f"{k[:12]:>13}" for k in scored))
    for m in modes:
        row = []
        for k in scored:
            hits = sum(r["modes"][m]["exact_match"][k] * paired(r, modes[1])[k]["questions"] for r in runs)
            row.append(hits / count[k] if count[k] else float("nan"))
        print(f"{m[:56]:<56}" + "".join(f"{v:13.3f}" for v in row))
    for m in modes[1:]:
        print(f"{m} against {modes[0]}:")
        for k in kinds:
            lost = sum(paired(r, m)[k]["lost"] for r in runs)
            gained = sum(paired(r, m)[k]["gained"] for r in runs)
            n = count[k]
            if n == 0:
                continue
            diff = (gained - lost) / n
            # PairedComparison.halfWidth95's formula (sample variance), so pooled and per-file intervals agree
            variance = ((lost + gained) / n - diff * diff) * n / (n - 1) if n > 1 else float("nan")
            half = 1.959964 * math.sqrt(max(variance, 0) / n)
            print(f"  {k:<18} lost {lost:4d}, gained {gained:4d}: {100 * diff:+.1f} ± {100 * half:.1f} points, "
                  f"McNemar p = {mcnemar_p(lost, gained):.2g}")


if __name__ == "__main__":
    main(sys.argv[1:])
