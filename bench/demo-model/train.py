#!/usr/bin/env python3
"""Train kvrag's demo model: a small Llama that answers questions about the synthetic knowledge base.

One run, seeded, bounded by wall time (default 9 minutes on one H100):

  1. data     train/held-out examples as JSON lines of prompt segments, written by the Java exporter
              (`./kvrag bench-kb export`), either found in --data-dir or made there by calling Java
              (--java / $KVRAG_JAVA and --classpath / $KVRAG_CLASSPATH; the GPU box has no Java of its own)
  2. tokenizer byte-level BPE (HF tokenizers), Llama-3's pre-tokenizer split, vocab <= 8192,
              <|pad|> <|bos|> <|eos|> as ids 0 1 2, trained on the training examples' text
  3. model    LlamaForCausalLM, 12 layers x 256 wide, 8 query / 2 KV heads (GQA), RoPE, 4096 positions,
              tied embeddings: about 11 M parameters (or --init-from a saved one, to train on)
  4. training every example is encoded as the engine encodes prompts: each segment (prefix, chunks,
              question, answer) tokenized on its own, ids concatenated, BOS first, EOS after the answer;
              packed rows (packing.py): one context (the union of 1..3 examples' contexts of one knowledge
              base, in the platform's chunk order) then up to 16 question/answer blocks answerable from it,
              each block seeing the context and itself at the positions it has alone (llama_train.py),
              so each block computes exactly the single-question prompt (sequential encoding);
              loss = CE(answer + EOS) + lm_weight * CE(the prompt's tokens); bf16 autocast, fused AdamW
  5. eval     greedy exact match per question kind on held-out examples every --eval-every seconds,
              and at the end on all of them with the saved bf16 weights computed in fp32 (as the
              engine's CPU backend does)
  6. export   HF format into --out: config.json, model.safetensors (bf16), tokenizer.json,
              tokenizer_config.json (chat template = the prompt layout), generation_config.json;
              a JSON log, a loss-curve PNG and reference outputs for the engine into --report-dir

Run `--dry-run` first: a tiny model, a few hundred examples, a few steps, the whole pipeline in
well under a minute. See docs/DEMO-MODEL.md for the exact command of the real run.
"""

import argparse
import inspect
import json
import math
import os
import random
import shlex
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path

from llama_train import (TrainLlama, ape_positions, block_mask, generated_positions, snapkv_thinned_masks,
                         thinned_context_mask)
from packing import ALL_KINDS, ANSWER, NEEDED, PAD_SEGMENT, UNNAMED, KbIndex, answer_weights, packed_batches, packed_row

START = time.time()

# Llama-3's pre-tokenizer split. With it a run of newlines ends a pre-token, so the engine's
# segment-by-segment encoding equals encoding the whole prompt text (see engine PromptLayout).
LLAMA3_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
                r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
PAD, BOS, EOS = "<|pad|>", "<|bos|>", "<|eos|>"
EXPORT_PARTS = 8  # the training export is cut into this many seeds, fixed so that data do not depend on cores


def log(msg):
    print(f"[{time.time() - START:7.1f}s] {msg}", flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="models/demo", help="HF model directory to write")
    p.add_argument("--report-dir", default="docs/demo-model", help="log JSON, loss PNG, engine reference")
    p.add_argument("--data-dir", default=".cache/demo-data", help="train.jsonl, heldout.jsonl, layout.json")
    p.add_argument("--java", default=os.environ.get("KVRAG_JAVA"), help="java for the exporter ($KVRAG_JAVA)")
    p.add_argument("--classpath", default=os.environ.get("KVRAG_CLASSPATH"),
                   help="classpath of the bench module ($KVRAG_CLASSPATH); @FILE reads it from a file")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--heldout-seed", type=int, default=777, help="exporter seed of the held-out split")
    p.add_argument("--train-examples", type=int, default=250_000)
    p.add_argument("--per-kb", type=int, default=60,
                   help="questions the exporter asks of each knowledge base (packed rows draw on all of them); at 200 a "
                        "knowledge base runs out of the rarer kinds and single-hop fills 46 %% of the rows, at 60 the "
                        "rows follow --mix (runs 23 on; runs 1-22 used 200)")
    p.add_argument("--questions-per-row", type=int, default=16,
                   help="question blocks packed after one context (1: one example per row, as the engine sees it)")
    p.add_argument("--merge-max", type=int, default=3,
                   help="a packed row's context is the union of the contexts of 1..this many examples")
    p.add_argument("--run", type=int, default=0,
                   help="mixed into the batch-order seed: a chained run (--init-from) on the same data sees new rows")
    p.add_argument("--easy-examples", type=int, default=200_000,
                   help="training examples exported with --naming facts-named (every fact sentence names its "
                        "subject) for the curriculum; 0: none")
    p.add_argument("--easy-until", type=float, default=0.6,
                   help="progress at which the share of rows from the easy examples, falling linearly from 1, "
                        "reaches 0")
    p.add_argument("--mix", default="with-bridged", choices=("four-kinds", "with-bridged"),
                   help="the question kinds the training and held-out examples ask (bench-kb export --mix): with-bridged "
                        "(the committed model's since run 24: adds bridged multi-hop, issue 5's harder multi-hop) or "
                        "four-kinds (runs 1-20's)")
    p.add_argument("--extra-chunks", type=int, default=1,
                   help="random chunks the exporter adds to each training context beside needed and distractors")
    p.add_argument("--heldout-examples", type=int, default=2_000)
    p.add_argument("--vocab", type=int, default=8192)
    p.add_argument("--layers", type=int, default=12)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--intermediate", type=int, default=768)
    p.add_argument("--heads", type=int, default=8)
    p.add_argument("--kv-heads", type=int, default=2)
    p.add_argument("--max-positions", type=int, default=4096)
    p.add_argument("--rope-theta", type=float, default=10000.0)
    p.add_argument("--batch-tokens", type=int, default=65_536, help="padded tokens per step")
    p.add_argument("--lr", type=float, default=1.5e-3)
    p.add_argument("--min-lr-ratio", type=float, default=0.1)
    p.add_argument("--decay-from", type=float, default=0.6,
                   help="progress at which the learning rate starts its cosine decay; constant before it (after "
                        "warm-up): reading sets in late and suddenly, it must not meet an already small step size")
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--lm-weight", type=float, default=0.5, help="weight of the LM loss on the prompt's tokens")
    p.add_argument("--multi-hop-weight", type=float, default=1.0,
                   help="weight of a multi-hop question's answer tokens in the answer loss (the hardest kind)")
    p.add_argument("--separate-chunks", type=float, default=0.0,
                   help="share of the rows whose chunks are encoded separately (each sees the prefix and itself, "
                        "the questions see all): what NAIVE/CACHEBLEND/APE give the model (packing.py)")
    p.add_argument("--blend-rows", type=float, default=0.0,
                   help="share of the steps whose batch is computed as CACHEBLEND computes it (chunks encoded alone, "
                        "then --blend-ratio of the context recomputed from --blend-check-layer on, chosen by value "
                        "deviation; llama_train.TrainLlama.blend_forward), asking the --blend-kinds")
    p.add_argument("--blend-rank-focus", choices=["all", "needed", "continuation", "continuation-first"], default="all",
                   help="which of the later layers' top tokens the ranking loss puts first: all of them; only those "
                        "in the chunks the row's questions need (diagnose_blend.py --anatomy: the picks that restore "
                        "answers lie there; but a row asks up to 16 questions, so most of its chunks are needed); or "
                        "only those in continuation chunks, which never name their page's subject (the export's "
                        "\"unnamed\"): question-free, so a check layer can learn it, and where cross_chunk's and "
                        "bridged multi-hop's answers sit; continuation-first: the later layers' top tokens within "
                        "those chunks, as many as CACHEBLEND picks, whatever deviates more elsewhere "
                        "(diagnose_blend.py --rules unnamed: the picks a check layer so taught would make)")
    p.add_argument("--blend-kinds", default=",".join(ALL_KINDS),
                   help="the question kinds blended rows ask (comma-separated; default all). Leaving multi_hop out "
                        "keeps the model from learning to chain lookups over stored chunk KV, i.e. keeps NAIVE's "
                        "multi-hop gap a property of the task (run 8 lost it)")
    p.add_argument("--blend-multi-hop-weight", type=float,
                   help="weight of a multi-hop answer in blended steps' answer loss (default: --multi-hop-weight). "
                        "0 with multi_hop in --blend-kinds lets multi-hop rows teach the ranking loss which tokens "
                        "their two chunks need recomputed (diagnose_blend.py --kinds multi_hop: CACHEBLEND's picks "
                        "restore fewer multi-hop answers than none, the later layers' would restore more) without "
                        "teaching the model to chain lookups over stored chunk KV (NAIVE's gap, run 8)")
    p.add_argument("--blend-cross-chunk-weight", type=float, default=1.0,
                   help="weight of a cross_chunk answer in CACHEBLEND steps' answer loss (APE steps keep 1: no order-free "
                        "reader can tell which unnamed chunk is whose, docs/FUSION.md). Run 18 (session 13) showed that "
                        "weighing multi-hop answers in blended steps moves CACHEBLEND's multi-hop score; its cross_chunk "
                        "loss is what is left")
    p.add_argument("--blend-stored-at", choices=["prefix", "slot"], default="prefix",
                   help="where blended steps compute a chunk's stored KV: right after the prefix, keys then turned to "
                        "the chunk's slot, as the engine stores and serves it (DESIGN §4), or at the slot itself "
                        "(what runs 7-11 trained on, before this option: the model learned stored KV the engine "
                        "never serves)")
    p.add_argument("--ape-rows", type=float, default=0.0,
                   help="share of the blended steps laid out as APE lays out a prompt (DESIGN §4: chunks at their "
                        "stored positions, no turn, the question after the longest chunk) over the stored chunk KV "
                        "(NAIVE's check layer -1; llama_train.ape_positions): APE with T = S = 1, whose chunks overlap "
                        "in position, a layout that sequential rows never show the model")
    p.add_argument("--thin-rows", type=float, default=0.0,
                   help="share of the plain (not blended) steps in which each answer token's query sees only a random "
                        "--thin-keep share of the context (llama_train.thinned_context_mask): what a SnapKV-compressed "
                        "cache leaves the generated tokens, so the model learns to answer without re-reading it all")
    p.add_argument("--thin-keep", type=float, default=0.25, help="the share of the context kept in thinned steps")
    p.add_argument("--thin-by", choices=["random", "snapkv"], default="random",
                   help="which context entries a thinned step's answer tokens see: a random share, drawn per query and "
                        "key, or SnapKV's choice (llama_train.snapkv_thinned_masks: per layer and KV head, the entries "
                        "the question block attends to most, pooled over --thin-kernel positions; the same for every "
                        "answer token of a block, as a compressed cache gives the engine's generated tokens)")
    p.add_argument("--thin-kernel", type=int, default=11, help="SnapKV's pooling kernel in --thin-by snapkv steps")
    p.add_argument("--blend-ratio", type=float, default=0.15, help="CACHEBLEND's recompute ratio in blended steps")
    p.add_argument("--blend-check-layer", type=int, default=1, help="CACHEBLEND's check layer in blended steps")
    p.add_argument("--blend-rank-weight", type=float, default=0.0,
                   help="weight of the loss that asks the check layer's value deviation to rank the chunk tokens as "
                        "the later layers' deviation does, in blended steps (CACHEBLEND's premise; blend_forward)")
    p.add_argument("--max-steps", type=int, default=20_000)
    p.add_argument("--time-budget", type=float, default=540.0, help="seconds for the whole run, start to end")
    p.add_argument("--final-reserve", type=float, default=70.0, help="seconds kept for the final eval and export")
    p.add_argument("--eval-every", type=float, default=100.0, help="seconds between held-out evals")
    p.add_argument("--eval-examples", type=int, default=400, help="held-out examples per periodic eval")
    p.add_argument("--init-from", help="continue training a saved model directory: its tokenizer and weights "
                   "(the model-shape options are then ignored; use a new --seed and a short --warmup)")
    p.add_argument("--dry-run", action="store_true", help="tiny model, few examples and steps: a smoke test")
    args = p.parse_args(argv)
    if args.dry_run:
        args.train_examples = min(args.train_examples, 2_000)
        args.heldout_examples = min(args.heldout_examples, 200)
        args.layers, args.hidden, args.intermediate, args.heads, args.kv_heads = 2, 64, 128, 4, 2
        args.vocab = min(args.vocab, 1024)
        args.max_steps = min(args.max_steps, 30)
        args.warmup = 5
        args.batch_tokens = min(args.batch_tokens, 16_384)
        args.eval_every = 0.0
        args.eval_examples = 64
        args.time_budget = min(args.time_budget, 240.0)
        args.final_reserve = min(args.final_reserve, 30.0)
        if args.data_dir == ".cache/demo-data":
            args.data_dir = ".cache/demo-data-dry"
    if args.hidden % args.heads or args.heads % args.kv_heads:
        p.error("--hidden must divide by --heads and --heads by --kv-heads")
    args.blend_kinds = tuple(args.blend_kinds.split(","))
    unknown = [k for k in args.blend_kinds if k not in ALL_KINDS]
    if unknown:
        p.error(f"--blend-kinds: unknown kind(s) {unknown}; kinds: {', '.join(ALL_KINDS)}")
    if args.blend_multi_hop_weight is None:
        args.blend_multi_hop_weight = args.multi_hop_weight
    if args.blend_multi_hop_weight < 0:
        p.error(f"--blend-multi-hop-weight must not be negative, got {args.blend_multi_hop_weight}")
    if args.blend_cross_chunk_weight < 0:
        p.error(f"--blend-cross-chunk-weight must not be negative, got {args.blend_cross_chunk_weight}")
    if args.thin_kernel < 1 or args.thin_kernel % 2 == 0:
        p.error(f"--thin-kernel must be odd and positive (a centred window), got {args.thin_kernel}")
    return args


# ----------------------------------------------------------------------------------------------- data

def read_classpath(cp):
    if cp and cp.startswith("@"):
        return Path(cp[1:]).read_text().strip()
    return cp


def export_data(args, data_dir):
    """Runs the Java exporter: EXPORT_PARTS training parts in parallel, the held-out split, the layout."""
    java = args.java or (".jdk-device/bin/java" if Path(".jdk-device/bin/java").exists() else "java")
    if shutil.which(java) is None:
        sys.exit(f"train.py: no training data in {data_dir} and no Java at '{java}' to export it: pass --java "
                 "or set KVRAG_JAVA (the GPU box has none: unpack the jlink'd JDK, see docs/DEMO-MODEL.md)")
    cp = read_classpath(args.classpath)
    if not cp:
        default = [p for p in ("bench/target/classes", "engine/target/classes") if Path(p).exists()]
        extra = Path("bench/target/classpath.txt")
        cp = ":".join(default + ([extra.read_text().strip()] if extra.exists() else []))
    if not cp:
        sys.exit("train.py: no training data in %s and no classpath for the exporter: pass --classpath "
                 "or set KVRAG_CLASSPATH (see docs/DEMO-MODEL.md)" % data_dir)
    base = [java, "-Xmx2g", "-cp", cp, "dev.kvrag.bench.BenchCli", "bench-kb"]
    data_dir.mkdir(parents=True, exist_ok=True)
    per_part = math.ceil(args.train_examples / EXPORT_PARTS)
    jobs = []
    # (name, first seed, examples per part, extra options): the training set and the curriculum's named facts
    sets = [("train", args.seed * 1000, per_part, [])]
    if args.easy_examples > 0:
        sets.append(("train-easy", args.seed * 1000 + 500, math.ceil(args.easy_examples / EXPORT_PARTS),
                     ["--naming", "facts-named"]))
    for name, first_seed, examples, extra in sets:
        for part in range(EXPORT_PARTS):
            out = data_dir / f"{name}-{part}.jsonl"
            cmd = base + ["export", "--seed", str(first_seed + part), "--split", "train",
                          "--examples", str(examples), "--per-kb", str(args.per_kb), "--mix", args.mix, *extra,
                          "--extra-chunks", str(args.extra_chunks), "--out", str(out)]
            jobs.append((cmd, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    cmd = base + ["export", "--seed", str(args.heldout_seed), "--split", "heldout", "--mix", args.mix,
                  "--examples", str(args.heldout_examples), "--out", str(data_dir / "heldout.jsonl")]
    jobs.append((cmd, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    cmd = base + ["layout", "--out", str(data_dir / "layout.json")]
    jobs.append((cmd, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    commands = []
    for cmd, proc in jobs:
        out, err = proc.communicate()
        if proc.returncode != 0:
            sys.exit("train.py: the exporter failed (%d): %s\n%s" % (proc.returncode, shlex.join(cmd), err.strip()))
        log(out.strip())
        commands.append(shlex.join(cmd))
    for name, *_ in sets:
        with open(data_dir / f"{name}.jsonl", "wb") as joined:
            for part in range(EXPORT_PARTS):
                part_file = data_dir / f"{name}-{part}.jsonl"
                with open(part_file, "rb") as f:
                    while chunk := f.read(1 << 24):
                        joined.write(chunk)
                part_file.unlink()
    (data_dir / "export.json").write_text(json.dumps(export_key(args) | {"commands": commands}, indent=1))
    return commands


def export_key(args):
    return {"seed": args.seed, "heldout_seed": args.heldout_seed, "extra_chunks": args.extra_chunks,
            "per_kb": args.per_kb, "mix": args.mix,
            "easy_examples": math.ceil(args.easy_examples / EXPORT_PARTS) * EXPORT_PARTS,
            "train_examples": math.ceil(args.train_examples / EXPORT_PARTS) * EXPORT_PARTS,
            "heldout_examples": args.heldout_examples}


def ensure_data(args):
    """Examples from --data-dir: an export made by this script for other arguments is made again; files
    put there by hand (no export.json) are used as they are."""
    data_dir = Path(args.data_dir)
    needed = [data_dir / n for n in ("train.jsonl", "heldout.jsonl", "layout.json")]
    meta = data_dir / "export.json"
    if all(p.exists() for p in needed):
        if not meta.exists():
            log(f"using the examples in {data_dir} (exported by hand)")
            return ["(pre-exported) " + str(data_dir)]
        made = json.loads(meta.read_text())
        if {k: made.get(k) for k in export_key(args)} == export_key(args):
            log(f"using the examples in {data_dir}")
            return made["commands"]
        log(f"the examples in {data_dir} were made for other arguments: exporting again")
    log(f"exporting examples into {data_dir} with Java")
    return export_data(args, data_dir)


class Segments:
    """Interns segment strings: examples hold indices, each distinct string is tokenized once."""

    def __init__(self):
        self.index = {}
        self.strings = []

    def add(self, s):
        i = self.index.get(s)
        if i is None:
            i = len(self.strings)
            self.index[s] = i
            self.strings.append(s)
        return i


def read_examples(path, segments, limit=None):
    """Each example: (id, kind, [segment indices of prefix, chunks..., question], answer index, record)."""
    examples = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            segs = [segments.add(e["prefix"])] + [segments.add(c) for c in e["chunks"]] + [segments.add(e["question"])]
            keep = {k: e[k] for k in ("id", "kb_seed", "question_text", "answer_text", "chunks", "chunk_ids",
                                      "needed", "distractors")}
            keep["unnamed"] = e.get("unnamed", [])  # exports before session 17 lack it
            examples.append((e["id"], e["kind"], segs, segments.add(e["answer"]), keep))
            if limit and len(examples) >= limit:
                break
    return examples


# ------------------------------------------------------------------------------------------ tokenizer

def train_tokenizer(args, segments, train):
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers

    rng = random.Random(args.seed)
    sample = set()
    for ex in rng.sample(train, min(len(train), 30_000)):
        sample.update(ex[2])
        sample.add(ex[3])
    texts = [segments.strings[i] for i in sorted(sample)]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_SPLIT), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=args.vocab, min_frequency=2, show_progress=False,
                                  special_tokens=[PAD, BOS, EOS],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(texts, trainer=trainer, length=len(texts))
    for i, t in enumerate((PAD, BOS, EOS)):
        if tok.token_to_id(t) != i:
            raise SystemExit(f"train.py: special token {t} got id {tok.token_to_id(t)}, expected {i}")
    log(f"tokenizer: {tok.get_vocab_size()} entries from {len(texts)} distinct segments")
    return tok


def encode_all(tok, segments):
    import numpy as np

    ids = []
    batch = 20_000
    for start in range(0, len(segments.strings), batch):
        for enc in tok.encode_batch(segments.strings[start:start + batch], add_special_tokens=False):
            ids.append(np.asarray(enc.ids, dtype=np.int32))
    return ids


def build_sequences(examples, seg_ids, bos, eos):
    """Flat token array, per-example offsets, lengths and answer starts (index of the first answer token)."""
    import numpy as np

    lengths = np.empty(len(examples), dtype=np.int64)
    answer_start = np.empty(len(examples), dtype=np.int64)
    for n, (_, _, segs, ans, _) in enumerate(examples):
        prompt = 1 + sum(len(seg_ids[i]) for i in segs)
        answer_start[n] = prompt
        lengths[n] = prompt + len(seg_ids[ans]) + 1
    offsets = np.zeros(len(examples) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    flat = np.empty(int(offsets[-1]), dtype=np.int32)
    for n, (_, _, segs, ans, _) in enumerate(examples):
        parts = [np.array([bos], dtype=np.int32)] + [seg_ids[i] for i in segs] + [seg_ids[ans], np.array([eos], np.int32)]
        flat[offsets[n]:offsets[n + 1]] = np.concatenate(parts)
    return flat, offsets, lengths, answer_start


# ------------------------------------------------------------------------------------------- batching

def pad_to(n, multiple=16):
    return (n + multiple - 1) // multiple * multiple


# ------------------------------------------------------------------------------------------ the model

def make_model(args, vocab_size, bos, eos, pad):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    kw = dict(
        vocab_size=vocab_size, hidden_size=args.hidden, intermediate_size=args.intermediate,
        num_hidden_layers=args.layers, num_attention_heads=args.heads, num_key_value_heads=args.kv_heads,
        head_dim=args.hidden // args.heads, max_position_embeddings=args.max_positions,
        rms_norm_eps=1e-5, hidden_act="silu", tie_word_embeddings=True,
        attention_bias=False, mlp_bias=False, initializer_range=0.02,
        bos_token_id=bos, eos_token_id=eos, pad_token_id=pad)
    # transformers 5 takes RoPE settings as rope_parameters, older versions as rope_theta.
    if "rope_parameters" in inspect.signature(LlamaConfig.__init__).parameters:
        kw["rope_parameters"] = {"rope_type": "default", "rope_theta": args.rope_theta}
    else:
        kw["rope_theta"] = args.rope_theta
    config = LlamaConfig(**kw)
    config._attn_implementation = "sdpa"
    torch.manual_seed(args.seed)
    model = LlamaForCausalLM(config)
    return model


def lr_at(step, progress, args):
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    if progress <= args.decay_from:
        return args.lr
    t = min(1.0, (progress - args.decay_from) / max(1e-9, 1 - args.decay_from))
    return args.lr * (args.min_lr_ratio + (1 - args.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * t)))


# ------------------------------------------------------------------------------------------------ eval

def normalize(answer):
    return " ".join(answer.strip().strip(".").lower().split())


def greedy_answers(model, prompts, eos, pad, device, autocast, max_new=20, batch_rows=64):
    """Greedy continuation of each prompt (token id lists) up to EOS; returns the generated id lists.
    Prompts are left-padded per batch; generate() derives positions from the attention mask, so a
    padded row computes what it would alone."""
    import torch

    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
    out = [None] * len(prompts)
    model.eval()
    with torch.no_grad(), torch.autocast("cuda", dtype=torch.bfloat16, enabled=autocast and device.type == "cuda"):
        for s in range(0, len(order), batch_rows):
            rows = order[s:s + batch_rows]
            width = max(len(prompts[i]) for i in rows)
            ids = torch.full((len(rows), width), pad, dtype=torch.long)
            mask = torch.zeros((len(rows), width), dtype=torch.long)
            for r, i in enumerate(rows):
                p = prompts[i]
                ids[r, width - len(p):] = torch.tensor(p, dtype=torch.long)
                mask[r, width - len(p):] = 1
            gen = model.generate(input_ids=ids.to(device), attention_mask=mask.to(device), max_new_tokens=max_new,
                                 do_sample=False, eos_token_id=eos, pad_token_id=pad, num_beams=1)
            for r, i in enumerate(rows):
                new = gen[r, width:].tolist()
                if eos in new:
                    new = new[:new.index(eos) + 1]
                out[i] = new
    return out


def evaluate(model, tok, examples, flat, offsets, answer_start, eos, pad, device, autocast):
    prompts = [flat[offsets[n]:offsets[n] + answer_start[n]].tolist() for n in range(len(examples))]
    generated = greedy_answers(model, prompts, eos, pad, device, autocast)
    hits = {k: [0, 0] for k in ALL_KINDS}
    predictions = []
    for n, ex in enumerate(examples):
        text = tok.decode([t for t in generated[n] if t != eos])
        ok = normalize(text) == normalize(ex[4]["answer_text"])
        hits[ex[1]][0] += ok
        hits[ex[1]][1] += 1
        predictions.append((text, generated[n]))
    em = {k: (h / c if c else None) for k, (h, c) in hits.items()}
    total = sum(c for _, c in hits.values())
    em["all"] = sum(h for h, _ in hits.values()) / total if total else None
    counts = {k: c for k, (_, c) in hits.items()}
    return em, counts, predictions


def em_table(em, counts):
    keys = [*ALL_KINDS, "all"]
    width = {k: max(11, len(k)) for k in keys}
    head = "  ".join(f"{k:>{width[k]}}" for k in keys)
    row = "  ".join(f"{(em[k] if em[k] is not None else float('nan')):{width[k]}.3f}" for k in keys)
    n = "  ".join(f"{counts.get(k, sum(counts.values())):{width[k]}d}" for k in keys)
    return f"exact match  {head}\n             {row}\n  questions  {n}"


# ---------------------------------------------------------------------------------------------- export

def tokenizer_config(chat_template, max_positions):
    special = {str(i): {"content": t, "lstrip": False, "normalized": False, "rstrip": False,
                        "single_word": False, "special": True} for i, t in enumerate((PAD, BOS, EOS))}
    return {"added_tokens_decoder": special, "bos_token": BOS, "eos_token": EOS, "pad_token": PAD,
            "add_bos_token": False, "add_eos_token": False, "clean_up_tokenization_spaces": False,
            "model_max_length": max_positions, "tokenizer_class": "PreTrainedTokenizerFast",
            "chat_template": chat_template}


def save_model(model, tok, layout, args, out):
    import torch
    from transformers import GenerationConfig

    out.mkdir(parents=True, exist_ok=True)
    model = model.to(torch.bfloat16)
    model.generation_config = GenerationConfig(bos_token_id=1, eos_token_id=2, pad_token_id=0, do_sample=False,
                                               max_new_tokens=32)
    # Shards of at most 12 MB: the device tool returns files of at most 16 MiB each (the engine reads
    # sharded checkpoints through model.safetensors.index.json).
    model.save_pretrained(out, safe_serialization=True, max_shard_size="12MB")
    tok.save(str(out / "tokenizer.json"))
    (out / "tokenizer_config.json").write_text(json.dumps(tokenizer_config(layout["chat_template"],
                                                                          args.max_positions), indent=2) + "\n")
    for stray in ("chat_template.jinja", "special_tokens_map.json"):
        if (out / stray).exists():
            (out / stray).unlink()
    size = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
    log(f"saved {out}: " + ", ".join(f"{f.name} {f.stat().st_size / 1e6:.1f} MB" for f in sorted(out.iterdir())
                                      if f.is_file()) + f"; {size / 1e6:.1f} MB in all")
    return size


def check_chat_template(out, examples, seg_ids, segments, layout):
    """The exported chat template must render exactly the segment text, and its tokens the segment ids."""
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(str(out))
    mismatches = 0
    for ex in examples[:50]:
        _, _, segs, _, rec = ex
        user = "".join(rec["chunks"]) + layout["question_label"] + rec["question_text"]
        rendered = hf.apply_chat_template([{"role": "user", "content": user}], tokenize=False,
                                          add_generation_prompt=True)
        expected_text = BOS + "".join(segments.strings[i] for i in segs)
        ids = hf(rendered, add_special_tokens=False)["input_ids"]
        expected_ids = [1] + [t for i in segs for t in seg_ids[i].tolist()]
        if rendered != expected_text or list(ids) != expected_ids:
            mismatches += 1
            if mismatches == 1:
                log("chat template MISMATCH on " + ex[0] + ":\n" + repr(rendered[-200:]) + "\n" + repr(expected_text[-200:]))
    log(f"chat template vs prompt layout: {50 - mismatches}/50 identical in text and ids")
    return mismatches


def plot(history, evals, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.5))
    steps = [h["step"] for h in history]
    a.plot(steps, [h["answer_loss"] for h in history], label="answer loss")
    a.plot(steps, [h["context_loss"] for h in history], label="context LM loss")
    a.set_yscale("log")
    a.set_xlabel("step")
    a.set_ylabel("cross-entropy (nats)")
    a.legend()
    a.grid(alpha=0.3)
    for k in [*ALL_KINDS, "all"]:
        b.plot([e["step"] for e in evals], [e["em"][k] if e["em"].get(k) is not None else float("nan") for e in evals],
               marker="o", label=k)
    b.set_xlabel("step")
    b.set_ylabel("held-out exact match")
    b.set_ylim(0, 1)
    b.legend()
    b.grid(alpha=0.3)
    fig.suptitle("kvrag demo model")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ------------------------------------------------------------------------------------------------ main

def main(argv):
    args = parse_args(argv)
    import numpy as np
    import torch

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    log(f"torch {torch.__version__} on {torch.cuda.get_device_name() if device.type == 'cuda' else 'cpu'}; "
        f"args: {' '.join(argv)}")
    report = Path(args.report_dir)
    report.mkdir(parents=True, exist_ok=True)
    out = Path(args.out)
    run_log = {"command": "python3 bench/demo-model/train.py " + shlex.join(argv), "args": vars(args),
               "torch": torch.__version__, "phases": {}}

    # 1. data
    t = time.time()
    run_log["export_commands"] = ensure_data(args)
    data_dir = Path(args.data_dir)
    layout = json.loads((data_dir / "layout.json").read_text())
    segments = Segments()
    train = read_examples(data_dir / "train.jsonl", segments, args.train_examples)
    heldout = read_examples(data_dir / "heldout.jsonl", segments, args.heldout_examples)
    easy_file = data_dir / "train-easy.jsonl"
    easy = read_examples(easy_file, segments, args.easy_examples) if args.easy_examples > 0 and easy_file.exists() \
        else []
    if not train or not heldout:
        sys.exit("train.py: no examples in " + str(data_dir))
    if args.blend_rank_focus.startswith("continuation") and not any(rec["unnamed"] for *_, rec in train):
        sys.exit(f"train.py: --blend-rank-focus continuation needs the export's \"unnamed\" chunk ids, which "
                 f"{data_dir / 'train.jsonl'} lacks (written before session 17): delete {data_dir} to export again")
    run_log["phases"]["data_s"] = time.time() - t
    log(f"{len(train)} train ({len(easy)} more with named facts) and {len(heldout)} held-out examples, {len(segments.strings)} distinct segments")

    # 2. tokenizer
    t = time.time()
    if args.init_from:
        from tokenizers import Tokenizer
        tok = Tokenizer.from_file(str(Path(args.init_from) / "tokenizer.json"))
        log(f"tokenizer of {args.init_from}: {tok.get_vocab_size()} entries")
    else:
        tok = train_tokenizer(args, segments, train)
    seg_ids = encode_all(tok, segments)
    bos, eos, pad = tok.token_to_id(BOS), tok.token_to_id(EOS), tok.token_to_id(PAD)
    h_flat, h_offsets, h_lengths, h_answer_start = build_sequences(heldout, seg_ids, bos, eos)
    _, _, lengths, _ = build_sequences(train[:20_000], seg_ids, bos, eos)
    index = KbIndex(train)
    easy_index = KbIndex(easy) if easy else None
    sample_rng = np.random.default_rng(args.seed + 3)
    sample = [packed_row(index, train, seg_ids, bos, eos, sample_rng, args.merge_max, args.questions_per_row,
                         args.max_positions) for _ in range(2_000)]
    chunk_tokens = [len(seg_ids[i]) for ex in train[:5000] for i in ex[2][1:-1]]
    chunk_chars = [len(segments.strings[i]) for ex in train[:5000] for i in ex[2][1:-1]]
    data_stats = {
        "train_examples": len(train), "heldout_examples": len(heldout), "knowledge_bases": len(index.kb_list),
        "mean_example_tokens": float(lengths.mean()), "max_example_tokens": int(lengths.max()),
        "mean_chunk_tokens": float(np.mean(chunk_tokens)),
        "mean_packed_row_tokens": float(np.mean([len(r[0]) for r in sample])),
        "mean_questions_per_packed_row": float(np.mean([int(r[2].max()) for r in sample])),
        "answer_targets_per_1000_tokens": float(1000 * sum(int((r[4] >= ANSWER).sum()) for r in sample)
                                                / sum(len(r[0]) for r in sample)),
        "chars_per_token": float(np.sum(chunk_chars) / np.sum(chunk_tokens)),
        "heldout_kinds": {k: sum(1 for e in heldout if e[1] == k) for k in ALL_KINDS}}
    run_log["data"] = data_stats
    run_log["phases"]["tokenize_s"] = time.time() - t
    log("data: " + json.dumps(data_stats))

    # 3. model: HF's class holds the weights for evaluation and export; TrainLlama (same names) trains them
    if args.init_from:
        from transformers import AutoModelForCausalLM
        model = AutoModelForCausalLM.from_pretrained(args.init_from, dtype=torch.float32,
                                                     attn_implementation="sdpa").to(device)
        if model.config.vocab_size < tok.get_vocab_size():
            sys.exit(f"train.py: {args.init_from} has {model.config.vocab_size} embeddings for a tokenizer of "
                     f"{tok.get_vocab_size()}")
    else:
        model = make_model(args, pad_to(tok.get_vocab_size(), 64), bos, eos, pad).to(device)
    c = model.config
    trainee = TrainLlama(c).to(device).load_hf(model)
    params = sum(p.numel() for p in trainee.parameters())
    run_log["parameters"] = params
    run_log["model_config"] = c.to_dict()
    log(f"model: {c.num_hidden_layers} layers x {c.hidden_size}, {c.num_attention_heads}/{c.num_key_value_heads} "
        f"heads, vocab {c.vocab_size}: {params / 1e6:.2f} M parameters"
        + (f", continued from {args.init_from}" if args.init_from else ""))
    decay = [p for n, p in trainee.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in trainee.named_parameters() if p.dim() < 2]
    fused = device.type == "cuda"
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}],
                                  lr=args.lr, betas=(0.9, 0.95), eps=1e-8, fused=fused)

    # 4. training
    deadline = START + args.time_budget - args.final_reserve
    train_start = time.time()
    rng = np.random.default_rng([args.seed, args.run])
    stream = packed_batches(index, train, seg_ids, bos, eos, rng, args.merge_max, args.questions_per_row,
                            args.max_positions, args.batch_tokens, args.separate_chunks)
    easy_stream = packed_batches(easy_index, easy, seg_ids, bos, eos, rng, args.merge_max, args.questions_per_row,
                                 args.max_positions, args.batch_tokens) if easy_index else None
    blend_stream = packed_batches(index, train, seg_ids, bos, eos, rng, args.merge_max, args.questions_per_row,
                                  args.max_positions, args.batch_tokens, blend=True,
                                  blend_kinds=args.blend_kinds) if args.blend_rows > 0 else None
    easy_steps = 0
    blend_steps = 0
    ape_steps = 0
    thin_steps = 0
    eval_rng = random.Random(args.seed + 1)
    eval_idx = sorted(eval_rng.sample(range(len(heldout)), min(args.eval_examples, len(heldout))))
    history, evals = [], []
    step, tokens_seen, real_tokens, questions_seen = 0, 0, 0, 0
    last_eval = time.time()
    acc_answer = torch.zeros((), device=device)
    acc_context = torch.zeros((), device=device)
    acc_n = 0
    acc_rank = torch.zeros((), device=device)
    rank_n = 0
    # the focus flag of --blend-rank-focus (packing.NEEDED / UNNAMED; none for "all")
    focus_flag = {"needed": NEEDED, "continuation": UNNAMED, "continuation-first": UNNAMED}.get(args.blend_rank_focus)
    focus_first = args.blend_rank_focus == "continuation-first"
    log(f"training until step {args.max_steps} or {deadline - time.time():.0f} s from now")
    while step < args.max_steps and time.time() < deadline:
        progress = max(step / args.max_steps, (time.time() - train_start) / max(1.0, deadline - train_start))
        take_easy = easy_stream is not None and rng.random() < 1 - progress / max(args.easy_until, 1e-9)
        easy_steps += take_easy
        take_blend = blend_stream is not None and not take_easy and rng.random() < args.blend_rows
        blend_steps += take_blend
        take_ape = take_blend and args.ape_rows > 0 and rng.random() < args.ape_rows
        ape_steps += take_ape
        take_thin = not take_blend and not take_easy and args.thin_rows > 0 and rng.random() < args.thin_rows
        thin_steps += take_thin
        tokens, positions, segments_np, targets, classes, focus_flags = next(
            easy_stream if take_easy else blend_stream if take_blend else stream)
        real = segments_np != PAD_SEGMENT
        row_blocks = np.where(real, segments_np, 0).max(axis=1)
        blocks = int(row_blocks.max())
        x = torch.from_numpy(tokens).to(device, non_blocking=True)
        pos = torch.from_numpy(positions).to(device, non_blocking=True)
        # One block per row and the chunks encoded whole: the block mask is plain causal attention on every real
        # token (flash kernels).
        separate = bool((segments_np < 0).any())
        row_segments = torch.from_numpy(segments_np).to(device, non_blocking=True)
        mask = block_mask(row_segments) if (blocks > 1 or separate or take_thin) and not take_blend else None
        if take_thin:
            generated = generated_positions(torch.from_numpy(classes).to(device, non_blocking=True), row_segments)
            if args.thin_by == "random":
                mask = thinned_context_mask(mask, row_segments, generated, args.thin_keep)
        # the positions that predict something, chosen here so that only their rows reach the vocabulary
        flat_classes = classes.reshape(-1)
        chosen_np = np.flatnonzero(flat_classes > 0)
        chosen_classes = flat_classes[chosen_np]
        chosen = torch.from_numpy(chosen_np).to(device, non_blocking=True)
        tgt = torch.from_numpy(targets.reshape(-1)[chosen_np]).to(device, non_blocking=True)
        is_answer = torch.from_numpy(chosen_classes >= ANSWER).to(device, non_blocking=True)
        weights = answer_weights(chosen_classes, args.blend_multi_hop_weight if take_blend else args.multi_hop_weight,
                                 args.blend_cross_chunk_weight if take_blend and not take_ape else 1.0)
        answer_weight = torch.from_numpy(weights).to(device, non_blocking=True)
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, progress, args)
        trainee.train()
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            if take_ape:
                hidden, rank_loss = trainee.blend_forward(x, ape_positions(pos, row_segments), row_segments, 0.0, -1)
            elif take_blend:
                focus = torch.from_numpy(focus_flags & focus_flag > 0).to(device, non_blocking=True) \
                    if focus_flag else None
                hidden, rank_loss = trainee.blend_forward(x, pos, row_segments, args.blend_ratio, args.blend_check_layer,
                                                          rank=args.blend_rank_weight > 0, focus=focus,
                                                          focus_first=focus_first,
                                                          stored_after_prefix=args.blend_stored_at == "prefix")
            else:
                if take_thin and args.thin_by == "snapkv":
                    mask = snapkv_thinned_masks(trainee, x, pos, mask, row_segments, generated, args.thin_keep,
                                                args.thin_kernel)
                hidden, rank_loss = trainee(x, pos, mask), None
            logits = trainee.logits(hidden.reshape(-1, hidden.size(-1))[chosen])
        ce = torch.nn.functional.cross_entropy(logits.float(), tgt, reduction="none")
        answer_loss = (ce * answer_weight).sum() / answer_weight.sum().clamp(min=1e-6)
        context_loss = (ce * ~is_answer).sum() / (~is_answer).sum().clamp(min=1)
        loss = answer_loss + args.lm_weight * context_loss
        if rank_loss is not None:
            loss = loss + args.blend_rank_weight * rank_loss.float()
            acc_rank += rank_loss.detach().float()
            rank_n += 1
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(trainee.parameters(), 1.0)
        optimizer.step()
        step += 1
        tokens_seen += tokens.size
        real_tokens += int(real.sum())
        questions_seen += int(row_blocks.sum())
        acc_answer += answer_loss.detach()
        acc_context += context_loss.detach()
        acc_n += 1
        if step % 50 == 0 or step == 1 or args.dry_run:
            elapsed = time.time() - train_start
            entry = {"step": step, "time_s": round(elapsed, 1), "lr": optimizer.param_groups[0]["lr"],
                     "answer_loss": acc_answer.item() / acc_n, "context_loss": acc_context.item() / acc_n,
                     "grad_norm": float(grad_norm), "tokens_per_s": real_tokens / max(elapsed, 1e-6),
                     "questions_per_s": questions_seen / max(elapsed, 1e-6),
                     "padding": 1 - real_tokens / max(tokens_seen, 1), "easy_steps": easy_steps,
                     "blend_steps": blend_steps, "ape_steps": ape_steps, "thin_steps": thin_steps,
                     "rank_loss": acc_rank.item() / rank_n if rank_n else None}
            history.append(entry)
            acc_answer.zero_()
            acc_context.zero_()
            acc_n = 0
            acc_rank.zero_()
            rank_n = 0
            log(f"step {step:5d}  lr {entry['lr']:.2e}  answer {entry['answer_loss']:.4f}  "
                f"context {entry['context_loss']:.4f}  |g| {entry['grad_norm']:.2f}  "
                f"{entry['tokens_per_s'] / 1e6:.2f} M tok/s  {entry['questions_per_s']:.0f} q/s  "
                f"pad {entry['padding']:.1%}  easy {easy_steps}  blend {blend_steps} (ape {ape_steps})  "
                f"thin {thin_steps}"
                + (f"  rank {entry['rank_loss']:.3f}" if entry["rank_loss"] is not None else ""))
            if not math.isfinite(entry["answer_loss"]):
                log("loss is not finite: stopping training, saving what there is")
                break
        if args.eval_every > 0 and time.time() - last_eval > args.eval_every and time.time() < deadline - 20:
            try:
                sub = [heldout[i] for i in eval_idx]
                sub_off = np.concatenate([[0], np.cumsum([h_lengths[i] for i in eval_idx])])
                sub_flat = np.concatenate([h_flat[h_offsets[i]:h_offsets[i + 1]] for i in eval_idx])
                trainee.to_hf(model)
                em, counts, _ = evaluate(model, tok, sub, sub_flat, sub_off, [h_answer_start[i] for i in eval_idx],
                                         eos, pad, device, autocast=True)
                evals.append({"step": step, "time_s": round(time.time() - train_start, 1), "em": em})
                log(f"held-out eval at step {step}:\n" + em_table(em, counts))
            except Exception:  # an eval bug must not cost the run
                log("periodic eval failed:\n" + traceback.format_exc())
            last_eval = time.time()
    train_s = time.time() - train_start
    run_log.update({"steps": step, "easy_steps": easy_steps, "blend_steps": blend_steps, "ape_steps": ape_steps,
                    "thin_steps": thin_steps, "tokens_seen_padded": int(tokens_seen), "tokens_seen": int(real_tokens),
                    "questions_seen": int(questions_seen),
                    "train_s": train_s, "history": history, "evals": evals})
    log(f"trained {step} steps in {train_s:.0f} s, {real_tokens / 1e6:.0f} M tokens, {questions_seen} questions")
    try:
        trainee.to_hf(model)
    except Exception:
        log("copying the weights into HF's class failed:\n" + traceback.format_exc())
        torch.save(trainee.state_dict(), report / "emergency_state_dict.pt")
        raise

    # 5./6. export first (nothing after this may lose the model), then final checks
    try:
        run_log["export_bytes"] = save_model(model, tok, layout, args, out)
    except Exception:
        log("saving the model failed:\n" + traceback.format_exc())
        torch.save(model.state_dict(), report / "emergency_state_dict.pt")
        raise
    try:
        run_log["chat_template_mismatches"] = check_chat_template(out, heldout, seg_ids, segments, layout)
    except Exception:
        log("chat template check failed:\n" + traceback.format_exc())
    try:
        from transformers import AutoModelForCausalLM
        saved = AutoModelForCausalLM.from_pretrained(str(out), dtype=torch.float32).to(device)
        em, counts, predictions = evaluate(saved, tok, heldout, h_flat, h_offsets, h_answer_start, eos, pad, device,
                                           autocast=False)
        run_log["final_heldout_em"] = em
        run_log["final_heldout_counts"] = counts
        log("final held-out eval (saved bf16 weights, fp32 compute):\n" + em_table(em, counts))
        write_reference(saved, heldout, h_flat, h_offsets, h_answer_start, predictions, args, report, device)
    except Exception:
        log("final eval failed:\n" + traceback.format_exc())
    run_log["wall_time_s"] = time.time() - START
    (report / "train_log.json").write_text(json.dumps(run_log, indent=1, default=str) + "\n")
    try:
        plot(history, evals + ([{"step": step, "em": run_log["final_heldout_em"]}]
                               if "final_heldout_em" in run_log else []), report / "loss.png")
    except Exception:
        log("plot failed:\n" + traceback.format_exc())
    log(f"done in {run_log['wall_time_s']:.0f} s; log {report / 'train_log.json'}, curve {report / 'loss.png'}")


def write_reference(model, heldout, flat, offsets, answer_start, predictions, args, report, device):
    """For the engine's parity test: the last-position fp32 logits of 4 held-out prompts, and the greedy
    answers (ids) of the first 500 held-out questions, from the saved weights in fp32; with the mix, since the
    held-out questions are the mix's (the engine rebuilds them from seed and mix)."""
    import torch

    prompts = []
    with torch.no_grad():
        for n in range(min(4, len(heldout))):
            ids = flat[offsets[n]:offsets[n] + answer_start[n]].tolist()
            logits = model(input_ids=torch.tensor([ids], device=device)).logits[0, -1].float().cpu()
            prompts.append({"id": heldout[n][0], "input_ids": ids,
                            "last_logits": [round(v, 5) for v in logits.tolist()]})
    answers = [{"id": heldout[n][0], "kind": heldout[n][1], "gold": heldout[n][4]["answer_text"],
                "greedy_text": predictions[n][0], "greedy_ids": predictions[n][1]}
               for n in range(min(500, len(heldout)))]
    (report / "engine_reference.json").write_text(json.dumps(
        {"heldout_seed": args.heldout_seed, "heldout_examples": args.heldout_examples, "mix": args.mix,
         "prompts": prompts, "answers": answers}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
