#!/usr/bin/env python3
"""Which recomputed tokens would CACHEBLEND need? A diagnostic for issue 5, on the CPU (any PyTorch >= 1.13, e.g.
Debian's python3-torch: `/usr/bin/python3 bench/demo-model/diagnose_blend.py`; Debian's torch calls the system BLAS,
which is the reference one until `apt-get install libopenblas0-pthread`, about 30x slower: hours for 200 prompts).
Other splits' prompts: `java -cp <bench classpath> dev.kvrag.bench.quality.HeldOutPrompts MODEL SEED N OUT.json MIX`.

For the held-out prompts of engine/src/test/resources/fixtures/demo-heldout-777-100.json (token ids of prefix,
chunks and question; kind and gold answer) it runs the model in models/demo in fp32 — CACHEBLEND's computation as
TrainLlama.blend_forward writes it (chunks encoded alone as the engine stores them, layers up to the check layer
fresh, then only the picked tokens) — with different picks of the same size, and reports per question kind how
often the first answer token is FULL's:
  none        no context token recomputed above the check layer (CACHEBLEND at ratio 0)
  value@c     CACHEBLEND's own rule: the largest value deviation at the check layer
  oracle      the largest value deviation summed over all later layers (needs FULL: what an ideal rule would see)
  answer      the chunk that holds the gold answer, then the chunk before it (cross_chunk's antecedent), in slot
              order, up to the same count
  random      uniformly random context tokens
  unnamed     question-free: CACHEBLEND's own rule, but the tokens of the chunks that never name their page's subject
              (the prompts' "unnamed", HeldOutPrompts) ranked first — what a check layer that deviates most on
              continuation chunks would pick (train.py --blend-rank-focus continuation)
Each rule is scored twice: the first answer token equal to FULL's, and FULL's whole greedy answer reproduced
(teacher-forced: FULL's answer tokens are fed as question tokens, every prediction must match; the first token alone
is lenient, since several answers share their first token). --anatomy splits the oracle's picks (answer chunks,
chunk starts) and --kinds keeps some question kinds. The count is floor(ratio * context), as CACHEBLEND's.
The stored KV is the engine's: each chunk encoded right after the prefix, its keys turned to the chunk's slot
(TrainLlama.stored_kv). Before session 6 it was each chunk encoded at its slot, which the engine never serves; the
reports of runs 5-11 in docs/quality were made that way."""
import argparse
import json
import os
import struct
import sys
import types

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama_train import TrainLlama, block_mask, deviation_of, whole_segments  # noqa: E402


def load_model(directory):
    config = json.load(open(os.path.join(directory, "config.json")))
    c = types.SimpleNamespace(**config)
    c.rope_theta = config.get("rope_parameters", {}).get("rope_theta", config.get("rope_theta", 10000.0))
    c.rope_parameters = None
    model = TrainLlama(c)
    state = {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".safetensors"):
            continue
        with open(os.path.join(directory, name), "rb") as f:
            header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
            data = f.read()
        for key, meta in header.items():
            if key == "__metadata__" or key == "lm_head.weight":
                continue
            if meta["dtype"] != "BF16":
                raise ValueError(f"{key}: {meta['dtype']}, expected BF16")
            start, end = meta["data_offsets"]
            bits = np.frombuffer(data[start:end], dtype=np.uint16).astype(np.uint32) << 16
            state[key] = torch.from_numpy(bits.view(np.float32).reshape(meta["shape"]).copy())
    model.load_state_dict(state, strict=True)
    return model.eval()


def top(scores, context, count):
    scores = scores.masked_fill(~context[0], float("-inf"))
    order = torch.sort(scores, descending=True, stable=True).indices[:count]
    out = torch.zeros_like(context[0])
    out[order] = True
    return out.unsqueeze(0)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="models/demo")
    p.add_argument("--prompts", default="engine/src/test/resources/fixtures/demo-heldout-777-100.json")
    p.add_argument("--ratio", type=float, default=0.15)
    p.add_argument("--check-layer", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--rank-only", action="store_true",
                   help="only how well the check layer's value deviation ranks the chunk tokens as the later layers' "
                        "deviation does (blend_forward's ranking loss, the oracle's picks CACHEBLEND makes), per kind")
    p.add_argument("--anatomy", action="store_true",
                   help="where the oracle's and CACHEBLEND's picks lie (the answer's chunk and the one before it, the "
                        "first tokens of each chunk) and which part of the oracle's picks restores the answer")
    p.add_argument("--kinds", default="", help="comma-separated question kinds to keep (default: all)")
    p.add_argument("--rules", default="none,value@c,oracle,answer,random",
                   help="comma-separated pick rules to compare (module doc; unnamed also exists)")
    args = p.parse_args()
    torch.manual_seed(args.seed)
    model = load_model(args.model)
    prompts = json.load(open(args.prompts))["prompts"]
    if args.kinds:
        prompts = [q for q in prompts if q["kind"] in args.kinds.split(",")]
    vocab = {i: t for t, i in json.load(open(os.path.join(args.model, "tokenizer.json")))["model"]["vocab"].items()}
    if args.rank_only:
        report_rank(model, prompts, args)
        return
    if args.anatomy:
        report_anatomy(model, prompts, vocab, args)
        return
    rules = args.rules.split(",")
    agree = {r: {} for r in rules}
    agree_all = {}
    counts = {}
    with torch.no_grad():
        for n, prompt in enumerate(prompts):
            tokens, segments, answer, full = with_full_answer(model, *prompt_tensors(prompt))
            positions = torch.arange(tokens.shape[1]).unsqueeze(0)
            context_count = int((segments <= 0).sum())
            count = int(np.floor(args.ratio * context_count))
            answer_chunk = answer_chunks(prompt, vocab)

            def by_answer(stored, own, context):
                out = torch.zeros_like(context)
                taken = 0
                for c in answer_chunk:
                    for slot in torch.nonzero(segments[0] == -(c + 1)).flatten().tolist():
                        if taken < count:
                            out[0, slot] = True
                            taken += 1
                return out

            c = args.check_layer
            unnamed = torch.zeros_like(segments[0], dtype=torch.bool)
            for u in prompt.get("unnamed", []):
                unnamed |= segments[0] == -(u + 1)

            def value_at_check(stored, own):
                return deviation_of(own[1], stored[c][1])[0]

            def by_unnamed(stored, own, context):
                deviation = value_at_check(stored, own)
                return top(deviation + unnamed.float() * (deviation.max() + 1), context, count)

            picks = {
                "none": lambda stored, own, context: torch.zeros_like(context),
                "value@c": lambda stored, own, context: top(value_at_check(stored, own), context, count),
                "oracle": lambda stored, own, context: oracle_picks(full, stored, c, context, count),
                "answer": by_answer,
                "random": lambda stored, own, context: top(torch.rand(context.shape[1]), context, count),
                "unnamed": by_unnamed,
            }
            unknown = set(rules) - set(picks)
            if unknown:
                raise SystemExit(f"unknown rules {sorted(unknown)}; known: {', '.join(picks)}")
            kind = prompt["kind"]
            counts[kind] = counts.get(kind, 0) + 1
            for rule in rules:
                hidden, _ = model.blend_forward(tokens, positions, segments, args.ratio, c, pick=picks[rule])
                first, whole_answer = same_answer(model, hidden, answer)
                agree[rule][kind] = agree[rule].get(kind, 0) + first
                agree_all.setdefault(rule, {})[kind] = agree_all.get(rule, {}).get(kind, 0) + whole_answer
            print(f"\r{n + 1}/{len(prompts)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    kinds = sorted(counts)
    print(f"first answer token equal to FULL's, ratio {args.ratio}, check layer {args.check_layer}, "
          f"{len(prompts)} prompts ({', '.join(f'{k} {counts[k]}' for k in kinds)})")
    print(f"{'picks':10s}" + "".join(f"{k:>14s}" for k in kinds) + f"{'all':>8s}")
    for rule in rules:
        total = sum(agree[rule].values())
        print(f"{rule:10s}" + "".join(f"{agree[rule].get(k, 0) / counts[k]:14.2f}" for k in kinds)
              + f"{total / len(prompts):8.2f}")
    print(f"FULL's whole greedy answer (up to its EOS, at most {ANSWER_LIMIT} tokens) reproduced, teacher-forced:")
    for rule in rules:
        total = sum(agree_all[rule].values())
        print(f"{rule:10s}" + "".join(f"{agree_all[rule].get(k, 0) / counts[k]:14.2f}" for k in kinds)
              + f"{total / len(prompts):8.2f}")


def report_rank(model, prompts, args):
    """How well the check layer's value deviation stands for the later layers': blend_forward's ranking loss (ln 2 =
    no better than equal scores) and the share of the oracle's 15 % (largest K/V deviation of FULL from the stored
    KV over the later layers) that CACHEBLEND's own 15 % contains."""
    stats = {}
    c = args.check_layer
    with torch.no_grad():
        for prompt in prompts:
            tokens, segments = prompt_tensors(prompt)
            positions = torch.arange(tokens.shape[1]).unsqueeze(0)
            _, loss = model.blend_forward(tokens, positions, segments, args.ratio, c, rank=True)
            _, full = model.encode(tokens, positions, block_mask(whole_segments(segments)))
            _, stored = model.stored_kv(tokens, positions, segments)
            context = segments <= 0
            count = int(np.floor(args.ratio * int(context.sum())))
            own_check = full[c][1]  # layers up to the check layer are fresh for every token: FULL's values there
            ours = top(deviation_of(own_check, stored[c][1])[0], context, count)
            oracle = oracle_picks(full, stored, c, context, count)
            recall = (ours & oracle).sum().item() / max(1, oracle.sum().item())
            entry = stats.setdefault(prompt["kind"], [0.0, 0.0, 0])
            entry[0] += loss.item()
            entry[1] += recall
            entry[2] += 1
    print(f"check layer {c}, ratio {args.ratio}: blend_forward's ranking loss (chunk tokens; ln 2 = 0.693 is no "
          f"ranking) and the share of the oracle's picks CACHEBLEND makes too; mean per prompt")
    print(f"  {'kind':12s} {'rank loss':>12s} {'oracle recall':>14s}")
    for kind in sorted(stats):
        corr, recall, n = stats[kind]
        print(f"  {kind:12s} {corr / n:12.3f} {recall / n:14.3f}  ({n} prompts)")
    n = sum(v[2] for v in stats.values())
    print(f"  {'all':12s} {sum(v[0] for v in stats.values()) / n:12.3f} {sum(v[1] for v in stats.values()) / n:14.3f}")


CHUNK_START = 4  # tokens at the start of a chunk: they follow the prefix when stored, another chunk when fused


def report_anatomy(model, prompts, vocab, args):
    """Per prompt, three sets of context slots: the oracle's 15 % (largest K/V deviation of FULL from the stored KV over
    the later layers), CACHEBLEND's 15 % (largest value deviation at the check layer) and the answer's chunks (the
    chunk holding the gold answer and the one before it). Prints, per kind, how the picks split between the answer's
    chunks and the first CHUNK_START tokens of each chunk, and how often FULL's whole answer is reproduced when only a
    part of the oracle's picks is recomputed."""
    c = args.check_layer
    share = {}
    agree = {}
    counts = {}
    parts = ["oracle in answer chunks", "oracle elsewhere", "cacheblend + oracle in answer chunks"]
    with torch.no_grad():
        for n, prompt in enumerate(prompts):
            tokens, segments, answer, full = with_full_answer(model, *prompt_tensors(prompt))
            positions = torch.arange(tokens.shape[1]).unsqueeze(0)
            context = segments <= 0
            count = int(np.floor(args.ratio * int(context.sum())))
            _, stored = model.stored_kv(tokens, positions, segments)
            ours = top(deviation_of(full[c][1], stored[c][1])[0], context, count)
            oracle = oracle_picks(full, stored, c, context, count)
            in_answer = torch.zeros_like(context)
            for chunk in answer_chunks(prompt, vocab):
                in_answer |= segments == -(chunk + 1)
            starts = torch.zeros_like(context)
            for chunk in range(len(prompt["chunks"])):
                slots = torch.nonzero(segments[0] == -(chunk + 1)).flatten()[:CHUNK_START]
                starts[0, slots] = True
            kind = prompt["kind"]
            counts[kind] = counts.get(kind, 0) + 1
            row = share.setdefault(kind, np.zeros(6))
            size = max(1, count)
            row += [(oracle & in_answer).sum().item() / size, (ours & in_answer).sum().item() / size,
                    (oracle & starts).sum().item() / size, (ours & starts).sum().item() / size,
                    (oracle & in_answer & ~ours).sum().item() / max(1, (oracle & in_answer).sum().item()),
                    (oracle & ours).sum().item() / size]
            sets = {parts[0]: oracle & in_answer, parts[1]: oracle & ~in_answer, parts[2]: ours | (oracle & in_answer)}
            for name, chosen in sets.items():
                hidden, _ = model.blend_forward(tokens, positions, segments, args.ratio, c,
                                                pick=lambda stored_kv, own, ctx, chosen=chosen: chosen)
                whole_answer = same_answer(model, hidden, answer)[1]
                agree.setdefault(name, {})[kind] = agree.get(name, {}).get(kind, 0) + whole_answer
            print(f"\r{n + 1}/{len(prompts)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    kinds = sorted(counts)
    print(f"check layer {c}, ratio {args.ratio}; shares of the {args.ratio:.0%} picked, mean per prompt "
          f"(answer chunks: the gold answer's chunk and the one before it; starts: each chunk's first {CHUNK_START} "
          f"tokens)")
    header = ["oracle in answer", "ours in answer", "oracle at starts", "ours at starts",
              "oracle-in-answer we miss", "oracle we share"]
    print(f"  {'kind':12s}" + "".join(f"{h:>26s}" for h in header))
    for kind in kinds:
        print(f"  {kind:12s}" + "".join(f"{v / counts[kind]:26.2f}" for v in share[kind]) + f"  ({counts[kind]})")
    print("FULL's whole greedy answer reproduced (teacher-forced), only these recomputed above the check layer:")
    print(f"  {'picks':38s}" + "".join(f"{k:>14s}" for k in kinds))
    for name in parts:
        print(f"  {name:38s}" + "".join(f"{agree[name].get(k, 0) / counts[k]:14.2f}" for k in kinds))


EOS = 2
ANSWER_LIMIT = 16


def with_full_answer(model, tokens, segments):
    """FULL's greedy answer (its tokens up to and including EOS, at most ANSWER_LIMIT), and the prompt with all but its
    last token appended as question tokens, so that one forward pass predicts every answer token (teacher forcing):
    (tokens, segments, answer, FULL's K/V per layer over those tokens: the last greedy step's pass)."""
    answer = []
    x, seg = tokens, segments
    while True:
        positions = torch.arange(x.shape[1]).unsqueeze(0)
        hidden, full = model.encode(x, positions, block_mask(whole_segments(seg)))
        answer.append(int(model.logits(hidden[0, -1]).argmax()))
        if answer[-1] == EOS or len(answer) == ANSWER_LIMIT:
            return x, seg, answer, full
        x = torch.cat([x, torch.tensor([[answer[-1]]])], dim=1)
        seg = torch.cat([seg, torch.tensor([[1]])], dim=1)


def oracle_picks(full, stored, check_layer, context, count):
    """The oracle's picks: the count context slots of largest K and V deviation of FULL from the stored KV, summed
    over the layers after the check layer (what an ideal rule would see; it needs FULL)."""
    return top(sum(deviation_of(full[i][1], stored[i][1])[0] + deviation_of(full[i][0], stored[i][0])[0]
                   for i in range(check_layer + 1, len(full))), context, count)


def same_answer(model, hidden, answer):
    """(first token FULL's, every token FULL's) for a teacher-forced pass over with_full_answer's tokens."""
    start = hidden.shape[1] - len(answer)
    predicted = model.logits(hidden[0, start:]).argmax(dim=-1).tolist()
    return int(predicted[0] == answer[0]), int(predicted == answer)


def prompt_tensors(prompt):
    """[1, t] token ids and segment ids (prefix 0, chunk c -(c + 1), question 1) of a fixture prompt."""
    parts = [prompt["prefix"]] + prompt["chunks"] + [prompt["question"]]
    tokens = torch.tensor([sum(parts, [])])
    segments = torch.tensor([[0] * len(prompt["prefix"]) + sum(
        ([-(c + 1)] * len(chunk) for c, chunk in enumerate(prompt["chunks"])), []) + [1] * len(prompt["question"])])
    return tokens, segments


def answer_chunks(prompt, vocab):
    """Indices of the chunks whose decoded text holds the gold answer, each followed by the chunk before it (a
    cross_chunk answer's antecedent); every chunk in order when none does."""
    byte_of = {ch: b for b, ch in bytes_to_unicode().items()}
    found = []
    for c, chunk in enumerate(prompt["chunks"]):
        text = bytes(byte_of[ch] for i in chunk for ch in vocab[i]).decode("utf-8", "replace")
        if prompt["answer"] in text:
            found += [c] + ([c - 1] if c > 0 else [])
    return found or list(range(len(prompt["chunks"])))


def bytes_to_unicode():
    """GPT-2's byte-level alphabet (the tokenizer's ByteLevel pre-tokenizer and decoder)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


if __name__ == "__main__":
    main()
