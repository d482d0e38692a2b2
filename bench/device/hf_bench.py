"""The Hugging Face side of bench/device/gpu-check.sh, on the GPU machine.

Makes a random-weight model of Llama-3.1-8B's shape in bf16 on the GPU (HF's own initialisation, seeded), saves
it as safetensors to local disk for the engine to load (not returned), then measures HF transformers on it, eager
PyTorch with sdpa attention, bf16, in the same process: prefill at each prompt length (a forward pass that fills
the KV cache and computes the last position's logits, as a server's time to first token does), greedy decode at
batch 1, and the ceilings PyTorch reaches on this GPU (bf16 matmul, device-to-device copy). Times are CUDA-event
medians after a warm-up. Writes one JSON file.

usage: python3 hf_bench.py --model-dir DIR --out FILE.json [--prefill 512,2048,8192] [--decode-context 512]
                           [--decode-tokens 64] [--runs 3] [--skip-save]
"""
import argparse
import inspect
import json
import os
import statistics
import sys
import time

import torch
import transformers
from transformers import LlamaConfig, LlamaForCausalLM

ROPE = {"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0, "low_freq_factor": 1.0,
        "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}


def config():
    kw = dict(vocab_size=128256, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
              num_attention_heads=32, num_key_value_heads=8, head_dim=128, max_position_embeddings=131072,
              rms_norm_eps=1e-5, tie_word_embeddings=False, bos_token_id=128000, eos_token_id=128001,
              attention_bias=False, mlp_bias=False)
    # transformers 5 takes the rope settings as rope_parameters, older versions as rope_theta + rope_scaling
    if "rope_parameters" in inspect.signature(LlamaConfig.__init__).parameters:
        kw["rope_parameters"] = dict(ROPE)
    else:
        kw["rope_theta"] = ROPE["rope_theta"]
        kw["rope_scaling"] = {k: v for k, v in ROPE.items() if k != "rope_theta"}
    return LlamaConfig(**kw)


def make_model(c):
    torch.manual_seed(0)
    torch.set_default_dtype(torch.bfloat16)
    with torch.device("cuda"):
        try:
            model = LlamaForCausalLM._from_config(c, attn_implementation="sdpa", dtype=torch.bfloat16)
        except TypeError:
            c._attn_implementation = "sdpa"
            model = LlamaForCausalLM(c)
    torch.set_default_dtype(torch.float32)
    return model.to(torch.bfloat16).eval()


def event_ms(fn, runs, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times), times


@torch.inference_mode()
def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model-dir", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--prefill", default="512,2048,8192")
    p.add_argument("--decode-context", type=int, default=512)
    p.add_argument("--decode-tokens", type=int, default=64)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--skip-save", action="store_true")
    a = p.parse_args()
    if not torch.cuda.is_available():
        sys.exit("hf_bench: torch sees no CUDA device")
    result = {"torch": torch.__version__, "transformers": transformers.__version__,
              "device": torch.cuda.get_device_name(0)}

    t0 = time.time()
    c = config()
    model = make_model(c)
    torch.cuda.synchronize()
    result["init_s"] = time.time() - t0
    result["attn_implementation"] = model.config._attn_implementation
    result["rope"] = getattr(model.config, "rope_parameters", None) or getattr(model.config, "rope_scaling", None)
    params = sum(p.numel() for p in model.parameters())
    result["parameters"] = params
    print(f"model: {params / 1e9:.2f} B parameters, {next(model.parameters()).dtype}, attention "
          f"{result['attn_implementation']}, rope {result['rope']}, made in {result['init_s']:.1f} s", flush=True)

    if not a.skip_save:
        t0 = time.time()
        model.save_pretrained(a.model_dir)
        result["save_s"] = time.time() - t0
        files = sorted(os.listdir(a.model_dir))
        print(f"saved to {a.model_dir} in {result['save_s']:.1f} s: {files}", flush=True)

    gen = torch.Generator(device="cuda").manual_seed(1)

    def ids(n):
        return torch.randint(0, 128000, (1, n), device="cuda", generator=gen)

    result["prefill"] = []
    for n in [int(x) for x in a.prefill.split(",")]:
        prompt = ids(n)
        ms, runs = event_ms(lambda: model(input_ids=prompt, use_cache=True, logits_to_keep=1), a.runs)
        result["prefill"].append({"tokens": n, "ms": ms, "tokens_per_s": n / (ms / 1e3), "runs_ms": runs})
        print(f"HF prefill {n:6d} tokens: {ms:9.1f} ms  {n / (ms / 1e3):10.0f} tokens/s", flush=True)

    out = model(input_ids=ids(a.decode_context), use_cache=True, logits_to_keep=1)
    past = out.past_key_values
    token = out.logits[:, -1].argmax(-1, keepdim=True)
    for _ in range(4):
        out = model(input_ids=token, past_key_values=past, use_cache=True)
        past = out.past_key_values
        token = out.logits[:, -1].argmax(-1, keepdim=True)
    torch.cuda.synchronize()
    t0 = time.time()
    for _ in range(a.decode_tokens):
        out = model(input_ids=token, past_key_values=past, use_cache=True)
        past = out.past_key_values
        token = out.logits[:, -1].argmax(-1, keepdim=True)
    torch.cuda.synchronize()
    per = (time.time() - t0) / a.decode_tokens
    result["decode"] = {"tokens_per_s": 1 / per, "ms_per_token": per * 1e3, "context": a.decode_context,
                        "steps": a.decode_tokens}
    print(f"HF decode: {1 / per:.1f} tokens/s ({per * 1e3:.2f} ms/token) at batch 1", flush=True)

    del model, past, out
    torch.cuda.empty_cache()
    m = 8192
    x = [torch.randn(m, m, device="cuda", dtype=torch.bfloat16) for _ in range(2)]
    y = [torch.randn(m, m, device="cuda", dtype=torch.bfloat16) for _ in range(2)]
    turn = [0]

    def matmul():
        i = turn[0] & 1
        turn[0] += 1
        torch.matmul(x[i], y[i])

    ms, _ = event_ms(matmul, 5)
    src = torch.randn(1 << 30, device="cuda", dtype=torch.bfloat16)
    dst = torch.empty_like(src)
    cms, _ = event_ms(lambda: dst.copy_(src), 10)
    result["ceilings"] = {"matmul_bf16_8192_tflops": 2 * m ** 3 / (ms / 1e3) / 1e12,
                          "copy_gbs": 2 * src.numel() * 2 / (cms / 1e3) / 1e9}
    print(f"torch ceilings: bf16 matmul 8192^3 {result['ceilings']['matmul_bf16_8192_tflops']:.0f} TFLOP/s, "
          f"copy {result['ceilings']['copy_gbs']:.0f} GB/s (read + write)", flush=True)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2, default=str)


if __name__ == "__main__":
    main()
