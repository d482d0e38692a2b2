#!/usr/bin/env python3
"""Self-check of packed training rows (no GPU, any PyTorch >= 1.13): every question block of a packed row
computes exactly what the same question alone after the same context computes, targets line up, pads
change nothing. Run: python3 bench/demo-model/check_packing.py"""
import sys, types, numpy as np, torch
sys.path.insert(0, __import__('os').path.dirname(__import__('os').path.abspath(__file__)))
from llama_train import (pairwise_rank_loss, TrainLlama, block_mask, pick_deviating, ape_positions,
                         generated_positions, thinned_context_mask, snapkv_thinned_masks)
from packing import KbIndex, packed_row, packed_batch, answer_weights, ALL_KINDS, ANSWER, CONTEXT, MULTI_HOP_ANSWER, \
    CROSS_CHUNK_ANSWER, NEEDED, UNNAMED, PAD_SEGMENT
torch.manual_seed(0)
c = types.SimpleNamespace(vocab_size=97, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
    num_attention_heads=4, num_key_value_heads=2, head_dim=8, rms_norm_eps=1e-5, tie_word_embeddings=True,
    rope_theta=10000.0)
m = TrainLlama(c).double()
for p in m.parameters():
    torch.nn.init.normal_(p, std=0.3)
rng = np.random.default_rng(0)
# fake examples: one kb, 6 pages x 3 chunks, segs: 0 prefix, chunk segs, question seg, answer seg
seg_ids = [rng.integers(3, 97, size=rng.integers(2, 9)).astype(np.int32) for _ in range(200)]
chunk_seg = {f"p{p}#{i}": 1 + p * 3 + i for p in range(6) for i in range(3)}
examples = []
for q in range(30):
    ids = sorted(rng.choice(list(chunk_seg), size=4, replace=False))
    needed = ids[:rng.integers(1, 3)]
    segs = [0] + [chunk_seg[x] for x in ids] + [100 + q]
    unnamed = [x for x in ids if x.endswith("#2")]  # a page's last chunk never names its subject, in this fake kb
    examples.append((f"q{q}", ("single_hop", "multi_hop", "cross_chunk")[q % 3], segs, 150 + q,
                     {"kb_seed": 7, "chunk_ids": ids, "needed": needed, "unnamed": unnamed}))
idx = KbIndex(examples)
worst = 0
answer_classes = set()
for trial in range(20):
    row = packed_row(idx, examples, seg_ids, 1, 2, rng, 3, 6, 4096)
    tok, pos, seg, tgt, cls, need = row
    t = torch.tensor(tok[None], dtype=torch.long); p = torch.tensor(pos[None])
    h = m(t, p, block_mask(torch.tensor(seg[None])))
    ctx = int((seg == 0).sum())
    for k in range(1, seg.max() + 1):
        sel = np.flatnonzero(seg == k)
        alone = np.concatenate([tok[:ctx], tok[sel]])
        ha = m(torch.tensor(alone[None], dtype=torch.long), torch.arange(len(alone))[None])
        d = (h[0, sel] - ha[0, ctx:]).abs().max().item()
        worst = max(worst, d)
        # targets inside the block are the next tokens of the standalone sequence
        assert (tgt[sel][:-1] == alone[ctx + 1:]).all()
        assert cls[sel][-1] == 0 and (cls[sel] >= ANSWER).sum() >= 1
        answer_classes.update(set(cls[sel][cls[sel] >= ANSWER].tolist()))
        assert len(set(cls[sel][cls[sel] >= ANSWER].tolist())) == 1, "one answer class per block"
    assert (tgt[:ctx - 1] == tok[1:ctx]).all() and tgt[ctx - 1] == tok[ctx]
    # context hidden equals plain causal on the context alone
    hc = m(torch.tensor(tok[None, :ctx], dtype=torch.long), torch.arange(ctx)[None])
    worst = max(worst, (h[0, :ctx] - hc[0]).abs().max().item())
print("max |block - alone| =", worst)
assert answer_classes == {ANSWER, MULTI_HOP_ANSWER, CROSS_CHUNK_ANSWER}, answer_classes
assert worst < 1e-9
# a padded batch: pads never change real tokens
rows = [packed_row(idx, examples, seg_ids, 1, 2, rng, 3, 6, 4096) for _ in range(4)]
tok, pos, seg, tgt, cls, need = packed_batch(rows)
hb = m(torch.tensor(tok), torch.tensor(pos), block_mask(torch.tensor(seg)))
for i, r in enumerate(rows):
    h1 = m(torch.tensor(r[0][None], dtype=torch.long), torch.tensor(r[1][None]), block_mask(torch.tensor(r[2][None])))
    assert (hb[i, :len(r[0])] - h1[0]).abs().max().item() < 1e-9
    assert np.isfinite(hb[i].detach().numpy()).all()
print("answer targets per row:", [(r[4] >= ANSWER).sum() for r in rows], "blocks:", [r[2].max() for r in rows])
# rows whose chunks are encoded separately (NAIVE's condition): each chunk computes what prefix + that chunk
# computes alone at the same positions; each block what context + that block alone computes under the same rule;
# a chunk's last token predicts nothing but the last chunk's; and the rule changes what later chunks compute
worst = 0
for trial in range(20):
    tok, pos, seg, tgt, cls, need = packed_row(idx, examples, seg_ids, 1, 2, rng, 3, 6, 4096, separate=True)
    t = torch.tensor(tok[None], dtype=torch.long); p = torch.tensor(pos[None])
    h = m(t, p, block_mask(torch.tensor(seg[None])))
    prefix = np.flatnonzero(seg == 0)
    chunks = sorted(set(seg[seg < 0].tolist()), reverse=True)  # -1, -2, ...
    assert len(chunks) >= 2 and prefix.max() < np.flatnonzero(seg < 0).min()
    for c in chunks:
        sel = np.flatnonzero(seg == c)
        ids = np.concatenate([prefix, sel])
        ha = m(torch.tensor(tok[ids][None], dtype=torch.long), torch.tensor(pos[ids][None]))
        worst = max(worst, (h[0, sel] - ha[0, len(prefix):]).abs().max().item())
        has_block = bool((seg > 0).any())
        assert cls[sel[-1]] == (CONTEXT if c == chunks[-1] and has_block else 0), \
            "a chunk's last token predicts across chunks"
    # a separately encoded row asks one-chunk questions only (the fake examples' odd ones are multi-hop)
    assert not (cls == MULTI_HOP_ANSWER).any(), "a separately encoded row asks a multi-hop question"
    ctx = int((seg <= 0).sum())
    for k in range(1, seg.max() + 1):
        sel = np.flatnonzero(seg == k)
        ids = np.concatenate([np.arange(ctx), sel])
        ha = m(torch.tensor(tok[ids][None], dtype=torch.long), torch.tensor(pos[ids][None]),
               block_mask(torch.tensor(seg[ids][None])))
        worst = max(worst, (h[0, sel] - ha[0, ctx:]).abs().max().item())
    whole = m(t, p, block_mask(torch.tensor(np.where(seg < 0, 0, seg)[None])))
    later = np.flatnonzero(seg == chunks[1])
    assert (whole[0, later] - h[0, later]).abs().max().item() > 1e-3, "separate chunks must not see each other"
print("separate chunks: max |packed - alone| =", worst)
# focus flags (train.py --blend-rank-focus needed / continuation): NEEDED on exactly the chunks that the row's
# questions need, UNNAMED on exactly the chunks that never name their subject, each chunk as a whole (a fake
# question's block and a fake chunk's tokens are told apart by their random ids)
block_of = {n: np.concatenate([seg_ids[e[2][-1]], seg_ids[e[3]], [2]]) for n, e in enumerate(examples)}
flagged_rows = 0
unnamed_rows = 0
for trial in range(20):
    tok, pos, seg, tgt, cls, need = packed_row(idx, examples, seg_ids, 1, 2, rng, 3, 6, 4096, separate=True,
                                               ask=ALL_KINDS)
    assert not need[seg >= 0].any(), "a flag outside the chunks"
    asked = [n for k in range(1, seg.max() + 1) for n, b in block_of.items() if np.array_equal(tok[seg == k], b)]
    assert len(asked) == seg.max(), "every question block is one fake question's"
    wanted = set().union(*(idx.needed[n] for n in asked))
    for c in range(1, -int(seg.min()) + 1):
        chunk_tokens = tok[seg == -c]
        (cid,) = [x for x, sgi in chunk_seg.items() if np.array_equal(seg_ids[sgi], chunk_tokens)]
        flags = need[seg == -c]
        assert flags.min() == flags.max() == NEEDED * (cid in wanted) + UNNAMED * cid.endswith("#2"), \
            (cid, wanted, flags)
    needed_flags, unnamed_flags = need & NEEDED > 0, need & UNNAMED > 0
    flagged_rows += int(needed_flags.any() and not needed_flags[seg < 0].all())
    unnamed_rows += int(unnamed_flags.any() and not unnamed_flags[seg < 0].all())
assert flagged_rows > 0, "some rows flag some of their chunks as needed and not others"
assert unnamed_rows > 0, "some rows flag some of their chunks as unnamed and not others"
assert worst < 1e-9

# CACHEBLEND rows (TrainLlama.blend_forward): every kind of question is asked; ratio 1 gives the blocks what the
# whole row computes and the context what its chunks compute alone — as the engine stores a chunk, prefix + chunk at
# positions 0.. (stored_after_prefix, the default), or at the chunk's slot (False, runs 7-11); a row encoded whole
# comes out as the plain forward at any ratio; the picks are floor(r * context) per row, ties to the lower position
worst_blend = 0
worst_turn = 0
kinds_asked = set()
for trial in range(10):
    tok, pos, seg, tgt, cls, need = packed_row(idx, examples, seg_ids, 1, 2, rng, 3, 6, 4096, separate=True,
                                               ask=ALL_KINDS)
    kinds_asked |= set(cls[cls >= ANSWER].tolist())
    t = torch.tensor(tok[None], dtype=torch.long); p = torch.tensor(pos[None]); sg = torch.tensor(seg[None])
    whole_seg = torch.tensor(np.where(seg < 0, 0, seg)[None])
    alone = m(t, p, block_mask(sg))
    whole = m(t, p, block_mask(whole_seg))
    want = torch.where(torch.tensor(seg[None] <= 0).unsqueeze(-1), alone, whole)
    prefix = np.flatnonzero(seg == 0)
    after_prefix = want.clone()  # each chunk's rows: prefix + that chunk alone, at positions 0..
    for c in set(seg[seg < 0].tolist()):
        sel = np.flatnonzero(seg == c)
        ids = np.concatenate([prefix, sel])
        ha = m(torch.tensor(tok[ids][None], dtype=torch.long), torch.arange(len(ids))[None])
        after_prefix[0, sel] = ha[0, len(prefix):]
    assert (after_prefix - want).abs().max().item() > 1e-6, "a chunk after the prefix differs from it at its slot"
    for check_layer in (0, 1):
        got, _ = m.blend_forward(t, p, sg, 1.0, check_layer)
        worst_blend = max(worst_blend, (got - after_prefix).abs().max().item())
        at_slot, _ = m.blend_forward(t, p, sg, 1.0, check_layer, stored_after_prefix=False)
        worst_blend = max(worst_blend, (at_slot - want).abs().max().item())
        plain, _ = m.blend_forward(t, p, whole_seg, 0.15, check_layer)
        worst_blend = max(worst_blend, (plain - whole).abs().max().item())
    # check layer -1 is NAIVE: every layer's context KV stored; with chunks stored at their slots that is the row
    # encoded with its chunks apart, the blocks seeing them all (the separate rows' rule above)
    naive, _ = m.blend_forward(t, p, sg, 0.0, -1, stored_after_prefix=False)
    worst_blend = max(worst_blend, (naive - alone).abs().max().item())
    partial, _ = m.blend_forward(t, p, sg, 0.15, 0)  # check layer 0: layer 1 (of 2) is partly stored
    blocks = torch.tensor(seg[None] > 0)
    assert (partial - want)[blocks].abs().max().item() > 1e-6, "a 15 % recompute must differ from the whole row"
    # the blocks read the stored K/V (ratio 0): where a chunk was stored, after the prefix or at its slot, reaches them
    naive_engine, _ = m.blend_forward(t, p, sg, 0.0, 0)
    naive_slot, _ = m.blend_forward(t, p, sg, 0.0, 0, stored_after_prefix=False)
    assert (naive_engine - naive_slot)[blocks].abs().max().item() > 1e-6, "where a chunk was encoded matters"
    # without a prefix the two differ only by a key rotation that RoPE makes exact: a chunk at 0.. turned to its
    # slot is the chunk computed at its slot (a wrong turn, sign or distance, would not cancel); to the rounding of
    # the fp32 cos/sin tables (HF's), so its own bound
    keep = seg != 0
    t0 = torch.tensor(tok[keep][None], dtype=torch.long); s0 = torch.tensor(seg[keep][None])
    p0 = torch.tensor(pos[keep][None] - len(prefix))
    for check_layer in (0, 1):
        turned, _ = m.blend_forward(t0, p0, s0, 0.15, check_layer)
        at_slot, _ = m.blend_forward(t0, p0, s0, 0.15, check_layer, stored_after_prefix=False)
        worst_turn = max(worst_turn, (turned - at_slot).abs().max().item())
    assert worst_turn < 1e-4, worst_turn
assert MULTI_HOP_ANSWER in kinds_asked, "a CACHEBLEND row asks multi-hop questions too"
# APE rows (train.py --ape-rows): every chunk at its stored positions (after the prefix, no turn), each question
# block from the prefix length plus the longest chunk on; blend_forward with check layer -1 on them is the plain
# forward of the row at those positions, chunks apart (APE with T = S = 1: one softmax); with one chunk APE's layout
# is the sequential one (DESIGN §4's exactness property)
worst_ape = 0
for trial in range(10):
    tok, pos, seg, tgt, cls, need = packed_row(idx, examples, seg_ids, 1, 2, rng, 3, 6, 4096, separate=True,
                                               ask=ALL_KINDS)
    t = torch.tensor(tok[None], dtype=torch.long); p = torch.tensor(pos[None]); sg = torch.tensor(seg[None])
    ape = ape_positions(p, sg)[0].numpy()
    prefix_length = int((seg == 0).sum())
    lengths = [int((seg == c).sum()) for c in set(seg[seg < 0].tolist())]
    for c in set(seg[seg < 0].tolist()):
        assert (ape[seg == c] == prefix_length + np.arange((seg == c).sum())).all(), "a chunk at its stored positions"
    assert (ape[seg == 0] == pos[seg == 0]).all()
    for k in range(1, seg.max() + 1):
        sel = np.flatnonzero(seg == k)
        assert (ape[sel] == prefix_length + max(lengths) + np.arange(len(sel))).all(), "a question after the longest"
    got, _ = m.blend_forward(t, torch.tensor(ape[None]), sg, 0.0, -1)
    plain = m(t, torch.tensor(ape[None]), block_mask(sg))
    worst_ape = max(worst_ape, (got - plain).abs().max().item())
    one = (seg >= 0) | (seg == -1)  # the row with its first chunk only: APE's layout is the sequential one
    first = int((seg == -1).sum())
    sequential = np.where(seg[one] > 0, pos[one] - (sum(lengths) - first), pos[one])
    assert (ape_positions(torch.tensor(sequential[None]), torch.tensor(seg[one][None]))[0].numpy() == sequential).all()
padded = torch.tensor([[0, 0, -1, -1, -2, 1, 1, PAD_SEGMENT]]); padded_pos = torch.tensor([[0, 1, 2, 3, 4, 5, 6, 0]])
assert ape_positions(padded_pos, padded).tolist() == [[0, 1, 2, 3, 2, 4, 5, 0]], "pads keep their positions"
assert ape_positions(padded_pos, torch.tensor([[0, 0, 0, 0, 0, 1, 1, PAD_SEGMENT]])).tolist() == \
    padded_pos.tolist(), "a row without chunks keeps its positions"
print("APE rows: max |blend_forward - plain| =", worst_ape)
assert worst_ape < 1e-9
asked = 0
for trial in range(10):  # train.py --blend-kinds: a CACHEBLEND row asks only the kinds given
    _, _, _, _, cls, _ = packed_row(idx, examples, seg_ids, 1, 2, rng, 3, 6, 4096, separate=True, ask=("single_hop",))
    assert not (cls == MULTI_HOP_ANSWER).any(), "a row asks a kind it was not given"
    asked += int((cls >= ANSWER).any())
assert asked > 0, "rows limited to one kind still ask questions of it"
# train.py --blend-multi-hop-weight: the answer loss weighs a multi-hop answer as told (0: only the ranking loss
# learns from it), any other answer 1, a context token 0
classes = np.array([CONTEXT, ANSWER, MULTI_HOP_ANSWER, CONTEXT, MULTI_HOP_ANSWER])
assert answer_weights(classes, 3.0).tolist() == [0, 1, 3, 0, 3]
assert answer_weights(classes, 0.0).tolist() == [0, 1, 0, 0, 0]
assert answer_weights(classes, 0.0).dtype == np.float32
# --blend-cross-chunk-weight: a cross_chunk answer weighs as told, the others as before
classes = np.array([CONTEXT, ANSWER, MULTI_HOP_ANSWER, CROSS_CHUNK_ANSWER, CROSS_CHUNK_ANSWER])
assert answer_weights(classes, 3.0, 2.0).tolist() == [0, 1, 3, 2, 2]
assert answer_weights(classes, 3.0).tolist() == [0, 1, 3, 1, 1], "cross_chunk answers weigh 1 unless told"
context = torch.tensor([[True, True, True, True, True, False], [True, True, False, False, False, False]])
deviation = torch.tensor([[1.0, 3.0, 3.0, 0.5, 2.0, 9.0], [5.0, 4.0, 9.0, 9.0, 9.0, 9.0]], dtype=torch.float64)
# the ranking loss (a 3-layer model: check layer 1, one layer after it): 0 on a row encoded whole (no chunk to
# rank), and it trains only what feeds the check layer's values
c3 = types.SimpleNamespace(**{**vars(m.config), "num_hidden_layers": 3})
m3 = TrainLlama(c3).double()
for q in m3.parameters():
    torch.nn.init.normal_(q, std=0.3)
t = torch.tensor(tok[None], dtype=torch.long); p = torch.tensor(pos[None]); sg = torch.tensor(seg[None])
_, flat = m3.blend_forward(t, p, torch.tensor(np.where(seg < 0, 0, seg)[None]), 0.15, 1, rank=True)
assert flat.item() == 0, flat.item()  # no chunk encoded alone: nothing to rank
_, rank = m3.blend_forward(t, p, sg, 0.15, 1, rank=True)
rank.backward()
assert 0 <= rank.item() and np.isfinite(rank.item()), rank.item()
assert m3.model.layers[0].self_attn.q_proj.weight.grad.abs().sum().item() > 0, "the layers below the check learn"
assert m3.model.layers[2].mlp.down_proj.weight.grad is None, "the later layers' side carries no gradient"
print("CACHEBLEND ranking loss on a row:", rank.item())
with torch.no_grad():
    everywhere = torch.ones_like(sg, dtype=torch.bool)
    _, same = m3.blend_forward(t, p, sg, 0.15, 1, rank=True, focus=everywhere)
    assert same.item() == rank.item(), "a focus on every token is no focus"
    _, none = m3.blend_forward(t, p, sg, 0.15, 1, rank=True, focus=torch.zeros_like(everywhere))
    assert none.item() == 0, "no positives, no loss"
score = torch.tensor([[0.0, 1.0, 2.0, 3.0]], dtype=torch.float64)
target = torch.tensor([[4.0, 3.0, 2.0, 1.0]], dtype=torch.float64)
mask = torch.ones(1, 4, dtype=torch.bool)
focused = pairwise_rank_loss(score, target, mask, 0.5, torch.tensor([[False, True, True, True]]))
softplus = torch.nn.functional.softplus
expected = sum(softplus(score[0, j] - 1.0) for j in (0, 2, 3)) / 3  # position 1 against 0, 2, 3
assert abs(focused.item() - expected.item()) < 1e-12, (focused.item(), expected.item())
first = pairwise_rank_loss(score, target, mask, 0.5, torch.tensor([[False, True, True, True]]), focus_first=True)
expected = sum(softplus(score[0, j] - score[0, i]) for i in (1, 2) for j in (0, 3)) / 4  # 1 and 2 against 0 and 3
assert abs(first.item() - expected.item()) < 1e-12, (first.item(), expected.item())
picked = pick_deviating(deviation, context, 0.5)
assert picked.tolist() == [[False, True, True, False, False, False], [True, False, False, False, False, False]], \
    picked.tolist()
picked = pick_deviating(deviation, context, 0.2)  # one of row 0's two equal largest: the lower position
assert picked.tolist() == [[False, True, False, False, False, False], [False] * 6], picked.tolist()
print("CACHEBLEND rows: max |blend_forward - reference| =", worst_blend, "; stored keys turned to the slot:",
      worst_turn)
assert worst_blend < 1e-9
# thinned rows (train.py --thin-rows): the generated positions are those holding an answer token; only their view of
# the context (but the first token) is thinned, the prompt's queries and the blocks' own tokens stay whole
thinned_rows = 0
for trial in range(10):
    tok, pos, seg, tgt, cls, need = packed_row(idx, examples, seg_ids, 1, 2, rng, 3, 6, 4096, separate=trial % 2 == 0)
    sg = torch.tensor(seg[None]); full = block_mask(sg)
    generated = generated_positions(torch.tensor(cls[None]), sg)[0].numpy()
    for k in range(1, seg.max() + 1):
        sel = np.flatnonzero(seg == k)
        first_answer = sel[np.flatnonzero(cls[sel] >= ANSWER)[0]]  # the last question token: it predicts the answer
        assert (generated[sel] == (sel > first_answer)).all(), "generated = the answer's tokens"
    assert not generated[seg <= 0].any()
    assert torch.equal(thinned_context_mask(full, sg, torch.tensor(generated[None]), 1.0), full), "keep 1: no change"
    none = thinned_context_mask(full, sg, torch.tensor(generated[None]), 0.0)[0].numpy()
    assert (none[~generated] == full[0].numpy()[~generated]).all(), "the prompt's queries keep their view"
    g = np.flatnonzero(generated)
    if len(g) == 0:
        continue  # a row without question blocks
    thinned_rows += 1
    context = (seg <= 0) & (np.arange(len(seg)) > 0)
    assert not none[np.ix_(g, np.flatnonzero(context))].any(), "keep 0: no context but the first token"
    assert none[g, 0].all() and (none[np.ix_(g, np.flatnonzero(~context))] == full[0].numpy()[
        np.ix_(g, np.flatnonzero(~context))]).all(), "the first token and the blocks' own tokens stay"
    half = thinned_context_mask(full, sg, torch.tensor(generated[None]), 0.5)[0].numpy()
    share = half[np.ix_(g, np.flatnonzero(context))].mean() / full[0].numpy()[np.ix_(g, np.flatnonzero(context))].mean()
    assert 0.3 < share < 0.7, share
assert thinned_rows >= 5, thinned_rows
print("thinned rows: generated views checked")
# thinned as SnapKV thins (train.py --thin-by snapkv): per layer and KV head, each block's generated queries see the
# same floor(keep * context) context positions, those SnapKV picks from the block's window; nothing else changes
KERNEL = 3
cfg = m.config
snap_rows = 0
for trial in range(6):
    tok, pos, seg, tgt, cls, need = packed_row(idx, examples, seg_ids, 1, 2, rng, 3, 6, 4096, separate=trial % 2 == 0)
    sg = torch.tensor(seg[None]); full = block_mask(sg); t = torch.tensor(tok[None], dtype=torch.long)
    p = torch.tensor(pos[None]); gen = generated_positions(torch.tensor(cls[None]), sg)
    whole = snapkv_thinned_masks(m, t, p, full, sg, gen, 1.0, KERNEL)
    assert len(whole) == cfg.num_hidden_layers and all(
        torch.equal(w[0], full[0].expand(cfg.num_key_value_heads, -1, -1)) for w in whole), "keep 1: no change"
    masks = snapkv_thinned_masks(m, t, p, full, sg, gen, 0.5, KERNEL)
    g = gen[0].numpy()
    context = seg <= 0
    take = int(np.floor(0.5 * context.sum()))
    if not g.any():
        continue
    snap_rows += 1
    f = full[0].numpy()
    group = cfg.num_attention_heads // cfg.num_key_value_heads
    # the reference for layer 0 (its input is the embedding), written out in float64 with loops
    with torch.no_grad():
        a0 = m.model.layers[0].self_attn
        cos, sin = m.rope(p)
        q0, k0, _ = a0.projections(m.model.layers[0].input_layernorm(m.model.embed_tokens(t)), cos, sin)
    q0, k0 = q0[0].numpy(), k0[0].numpy()
    for layer, lm in enumerate(masks):
        lm = lm[0].numpy()
        assert (lm[:, ~g] == f[~g]).all(), "the prompt's queries keep their view"
        assert (lm[:, :, ~context] == f[:, ~context]).all(), "non-context keys stay"
        for kv in range(cfg.num_key_value_heads):
            choice = lm[kv]
            for k in range(1, seg.max() + 1):
                rows = np.flatnonzero((seg == k) & g)
                if len(rows) == 0:
                    continue
                seen = choice[np.ix_(rows, np.flatnonzero(context))]
                assert (seen == seen[0]).all(), "a block's generated queries see one set"
                assert seen[0].sum() == take, (seen[0].sum(), take)
                if layer == 0:
                    win = np.flatnonzero((seg == k) & ~g)
                    votes = np.zeros(len(seg))
                    for i in win:
                        for h in range(kv * group, (kv + 1) * group):
                            allowed = np.flatnonzero(f[i])
                            sc = np.array([q0[h, i] @ k0[kv, j] for j in allowed]) / np.sqrt(cfg.head_dim)
                            pr = np.exp(sc - sc.max()); pr /= pr.sum()
                            votes[allowed] += pr / group
                    votes[~context] = 0
                    pooled = np.array([votes[max(0, j - KERNEL // 2):j + KERNEL // 2 + 1].max() for j in range(len(seg))])
                    ctx = np.flatnonzero(context)
                    want = np.zeros(len(seg), dtype=bool)
                    want[ctx[np.argsort(-pooled[ctx], kind="stable")[:take]]] = True
                    assert (choice[rows[0]][context] == want[context]).all(), f"layer 0, kv head {kv}, block {k}"
    with torch.no_grad():
        plain = m(t, p, full)[0]
        thinned = m(t, p, masks)[0]
    assert (thinned[~g] - plain[~g]).abs().max().item() < 1e-12, "only the generated tokens compute differently"
    assert (thinned[g] - plain[g]).abs().max().item() > 1e-6, "the generated tokens read less"
assert snap_rows >= 3, snap_rows
rows = [packed_row(idx, examples, seg_ids, 1, 2, rng, 3, 6, 4096) for _ in range(3)]
tok, pos, seg, tgt, cls, need = packed_batch(rows)  # a padded batch: each row's masks are the row's alone
sg = torch.tensor(seg)
batch_masks = snapkv_thinned_masks(m, torch.tensor(tok), torch.tensor(pos), block_mask(sg), sg,
                                   generated_positions(torch.tensor(cls), sg), 0.5, KERNEL)
for i, r in enumerate(rows):
    n = len(r[0]); sg1 = torch.tensor(r[2][None])
    alone = snapkv_thinned_masks(m, torch.tensor(r[0][None], dtype=torch.long), torch.tensor(r[1][None]),
                                 block_mask(sg1), sg1, generated_positions(torch.tensor(r[4][None]), sg1), 0.5, KERNEL)
    assert all(torch.equal(bm[i, :, :n, :n], am[0]) for bm, am in zip(batch_masks, alone)), "pads change no choice"
print("SnapKV-thinned rows: per layer and KV head, each block's generated queries see SnapKV's choice")
print("OK")
