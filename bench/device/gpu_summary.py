"""The table at the end of bench/device/gpu-check.sh: the engine (bench-gpu's JSON) beside HF transformers
(hf_bench.py's JSON) and the hardware ceilings, with issue 7's targets: prefill >= 1.0x HF transformers, decode
>= 0.6 of the bandwidth roofline, CACHEBLEND@0.15 time to first token >= 2.5x below FULL.

usage: python3 gpu_summary.py HF.json OURS.json SUMMARY.json   (prints the table; a missing input is reported)
"""
import json
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"(no {path}: {e})")
        return None


def verdict(value, target):
    return "MET" if value is not None and value >= target else "missed"


def main():
    hf, ours, out = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3]
    summary = {"targets": {"prefill_vs_hf": 1.0, "decode_fraction_of_roofline": 0.6, "cacheblend_ttft_speedup": 2.5}}
    if ours:
        print(f"device: {ours.get('device')}; backend: {ours.get('backend')}")
        c = ours.get("ceilings", {})
        line = f"ceilings (ours): cuBLAS bf16 {c.get('gemm_bf16_8192_tflops', 0):.0f} TFLOP/s, copy " \
               f"{c.get('copy_bandwidth_gbs', 0):.0f} GB/s"
        if hf:
            hc = hf.get("ceilings", {})
            line += f"; torch: matmul {hc.get('matmul_bf16_8192_tflops', 0):.0f} TFLOP/s, copy " \
                    f"{hc.get('copy_gbs', 0):.0f} GB/s"
        print(line)
    if hf:
        print(f"HF transformers {hf.get('transformers')} on torch {hf.get('torch')}, attention "
              f"{hf.get('attn_implementation')}")
    rows = []
    if ours:
        hf_prefill = {p["tokens"]: p for p in (hf or {}).get("prefill", [])}
        print(f"\n{'prefill':>8} {'ours tok/s':>12} {'HF tok/s':>10} {'ours/HF':>8} {'GEMM floor':>11} {'target':>8}")
        for p in ours.get("prefill", []):
            h = hf_prefill.get(p["tokens"])
            ratio = p["tokens_per_s"] / h["tokens_per_s"] if h else None
            floor = p["gemm_floor_ms"] / p["ms"]
            print(f"{p['tokens']:>8} {p['tokens_per_s']:>12.0f} {h['tokens_per_s'] if h else float('nan'):>10.0f} "
                  f"{ratio if ratio else float('nan'):>7.2f}x {100 * floor:>10.0f}% {verdict(ratio, 1.0):>8}")
            rows.append({"tokens": p["tokens"], "ours_tokens_per_s": p["tokens_per_s"],
                         "hf_tokens_per_s": h["tokens_per_s"] if h else None, "ratio": ratio,
                         "gemm_floor_share": floor, "met": verdict(ratio, 1.0) == "MET"})
        summary["prefill"] = rows
        d = ours.get("decode", {})
        frac = d.get("fraction_of_roofline")
        hd = (hf or {}).get("decode", {})
        print(f"\ndecode: {d.get('tokens_per_s', 0):.1f} tok/s vs roofline {d.get('roofline_tokens_per_s', 0):.1f} "
              f"= {100 * (frac or 0):.0f}% (target 60%: {verdict(frac, 0.6)}); HF {hd.get('tokens_per_s', 0):.1f} tok/s")
        summary["decode"] = {"ours_tokens_per_s": d.get("tokens_per_s"), "roofline": d.get("roofline_tokens_per_s"),
                             "fraction": frac, "hf_tokens_per_s": hd.get("tokens_per_s"),
                             "met": verdict(frac, 0.6) == "MET"}
        t = ours.get("ttft", {})
        modes = {m["mode"].split(":")[0]: m for m in t.get("modes", [])}
        if "full" in modes and "cacheblend" in modes:
            s = modes["cacheblend"]["speedup_vs_full"]
            print(f"\nTTFT ({t.get('chunks')} x {t.get('chunk_tokens')} chunks): FULL {modes['full']['ttft_ms']:.1f} ms, "
                  f"CACHEBLEND {modes['cacheblend']['ttft_ms']:.1f} ms = {s:.2f}x below (target 2.5x: "
                  f"{verdict(s, 2.5)})" + (f"; NAIVE {modes['naive']['ttft_ms']:.1f} ms" if "naive" in modes else ""))
            summary["ttft"] = {"full_ms": modes["full"]["ttft_ms"], "cacheblend_ms": modes["cacheblend"]["ttft_ms"],
                               "speedup": s, "met": verdict(s, 2.5) == "MET"}
    with open(out, "w") as f:
        json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
