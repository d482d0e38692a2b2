"""How far does plain bf16 arithmetic move a demo model's answers? An outside yardstick for the GPU parity test.

CudaDemoModelTest holds the engine's GPU bf16 path to the CPU's fp32 within 2e-2 relative L2 of the last-position
logits and the same greedy answer on 99 of 100 held-out prompts. A model whose logits move more under any bf16
arithmetic fails that bar with a correct backend; this script tells the two apart. On the CPU (any PyTorch >= 1.13,
e.g. Debian's python3-torch: `/usr/bin/python3 bench/demo-model/bf16_sensitivity.py --model DIR [DIR ...]`) it runs
the same 100 prompts (engine/src/test/resources/fixtures/demo-heldout-777-100.json) through the training script's
Llama (llama_train.TrainLlama: HF LlamaForCausalLM's arithmetic) in fp32 (the CPU engine's arithmetic: bf16 weights,
fp32 activations and KV) and in bf16 variants, and prints, per variant and mode, the worst relative L2 of the
question's last logits against fp32 and how many first answer tokens agree. Variants (--variants):
  hf            weights and activations in bf16, residual stream included: HF transformers with bfloat16
  engine        where the GPU backend rounds to bf16: every matrix product's input (cuBLAS takes 16-bit operands,
                accumulates in fp32), the stored K (after RoPE) and V, the MLP's gate and up products (prefill
                writes them in 16 bits); the residual stream, Q, attention and norms stay fp32
  engine-inputs, engine-kv, engine-mlp
                one of those three alone, to see which one moves the logits
  engine-kv-once
                engine-kv without rounding the stored keys again after turning them to the slot (what keys turned
                in fp32, or computed at the slot, would give)
  engine-once   engine with the turned keys rounded once (engine-kv-once's keys, engine's other roundings)
  engine-fp16-kv
                engine with the stored K/V in fp16 instead of bf16 (same 16 bits, 3 more of mantissa)
Modes:
  full   the whole prompt encoded at once
  naive  every chunk's KV stored as the engine stores it (after the prefix, keys turned to its slot), the question
         over it (blend_forward with check layer -1)
"""

import argparse
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llama_train  # noqa: E402
from diagnose_blend import load_model, prompt_tensors  # noqa: E402
from llama_train import block_mask, whole_segments  # noqa: E402

MODES = ("full", "naive")
PLAIN = {"rotate": llama_train.rotate, "turn_keys": llama_train.turn_keys}  # what engine_rounding patches


def last_logits(model, mode, tokens, segments):
    positions = torch.arange(tokens.shape[1]).unsqueeze(0)
    if mode == "full":
        hidden, _ = model.encode(tokens, positions, block_mask(whole_segments(segments)))
    else:
        hidden, _ = model.blend_forward(tokens, positions, segments, 0.0, -1)
    return model.logits(hidden[0, -1]).float()


def bf16(x):
    return x.to(torch.bfloat16).to(x.dtype)


def fp16(x):
    return x.to(torch.float16).to(x.dtype)


def engine_rounding(model, parts, turned_rounded=True, kv_round=bf16):
    """Rounds, in an fp32 model, where the GPU backend stores 16 bits (parts: inputs, kv, mlp); the stored K/V by
    kv_round."""
    kv_heads = model.model.layers[0].self_attn.kv_heads
    for name, module in model.named_modules():
        if not isinstance(module, nn.Linear):
            continue
        if "inputs" in parts:
            module.register_forward_pre_hook(lambda m, args: (bf16(args[0]),))
        if "kv" in parts and name.endswith("v_proj"):
            module.register_forward_hook(lambda m, args, out: kv_round(out))
        if "mlp" in parts and name.endswith(("gate_proj", "up_proj")):
            module.register_forward_hook(lambda m, args, out: bf16(out))
    if "kv" in parts:
        plain = PLAIN["rotate"]
        # rotate() turns Q and K alike; K has the KV heads (the GPU stores rotated K in the cache, keeps Q in fp32).
        # turn_keys() goes through rotate(), so turned stored keys are rounded again, unless it is kept plain.
        llama_train.rotate = lambda x, cos, sin: kv_round(plain(x, cos, sin)) if x.shape[1] == kv_heads \
            else plain(x, cos, sin)
        if not turned_rounded:
            llama_train.turn_keys = plain
    if "inputs" in parts:
        logits = model.logits
        model.logits = lambda hidden: logits(bf16(hidden))
    return model


def variant(directory, name):
    if name == "hf":
        return load_model(directory).to(torch.bfloat16)
    if name == "engine-fp16-kv":
        return engine_rounding(load_model(directory), ("inputs", "kv", "mlp"), kv_round=fp16)
    if name in ("engine-once", "engine-kv-once"):
        parts = ("inputs", "kv", "mlp") if name == "engine-once" else ("kv",)
        return engine_rounding(load_model(directory), parts, turned_rounded=False)
    parts = ("inputs", "kv", "mlp") if name == "engine" else (name.removeprefix("engine-"),)
    return engine_rounding(load_model(directory), parts)


def relative_l2(a, b):
    return float((a - b).norm() / b.norm())


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", nargs="+", default=["models/demo"])
    p.add_argument("--prompts", default="engine/src/test/resources/fixtures/demo-heldout-777-100.json")
    p.add_argument("--variants", default="hf,engine")
    p.add_argument("--limit", type=int, default=0, help="only the first N prompts (0: all)")
    p.add_argument("--modes", default=",".join(MODES))
    args = p.parse_args()
    prompts = json.load(open(args.prompts))["prompts"]
    if args.limit:
        prompts = prompts[:args.limit]
    modes = args.modes.split(",")
    print(f"bf16 against fp32, PyTorch {torch.__version__} on the CPU, {len(prompts)} held-out prompts: worst "
          f"relative L2 of the last logits; same first answer token")
    for directory in args.model:
        exact = load_model(directory)
        want = {}
        with torch.no_grad():
            for n, prompt in enumerate(prompts):
                for mode in modes:
                    want[n, mode] = last_logits(exact, mode, *prompt_tensors(prompt))
        for name in args.variants.split(","):
            rounded = variant(directory, name)
            worst = {m: 0.0 for m in modes}
            same = {m: 0 for m in modes}
            with torch.no_grad():
                for n, prompt in enumerate(prompts):
                    for mode in modes:
                        got = last_logits(rounded, mode, *prompt_tensors(prompt))
                        worst[mode] = max(worst[mode], relative_l2(got, want[n, mode]))
                        same[mode] += int(got.argmax() == want[n, mode].argmax())
                    print(f"\r{name} {n + 1}/{len(prompts)}", end="", file=sys.stderr)
            for attribute, function in PLAIN.items():
                setattr(llama_train, attribute, function)
            print(file=sys.stderr)
            print(f"  {directory} {name:14s}: " + "; ".join(
                f"{m} {worst[m]:.2e}, {same[m]}/{len(prompts)} same" for m in modes), flush=True)


if __name__ == "__main__":
    main()
