"""Packed training rows: one context, several questions about it.

An example's answer is a few tokens after ~600 tokens of context, so a row that holds one question
gives the model one short lesson in reading per 600 tokens. A knowledge base has far more questions
than any one context can answer; a packed row takes the chunks of 1..merge_max examples of one
knowledge base (the union of their contexts), then up to K questions of that knowledge base whose needed
chunks all sit in that union, each as its own block:

    [BOS] prefix chunk ... chunk | Question: q1\\nAnswer: a1[EOS] | Question: q2\\nAnswer: a2[EOS] | ...
                  segment 0      |           segment 1           |           segment 2           |

Each block attends to the context and to itself (llama_train.block_mask) and its positions start right
after the context, so block k computes exactly what the prompt "context + question k" computes alone: the
prompt layout the engine and the platform use. Chunks are ordered as the platform orders them
(ChunkOrder.byDocument: grouped by page, pages in order of first appearance after a shuffle, chunks in
page order); a single-example row keeps the exporter's own order.

A row may encode its chunks separately (`separate`): each chunk's tokens see the prefix and their own chunk only
(segment -(c + 1) instead of 0), as a chunk's stored KV was computed, while the question blocks see them all —
the condition the engine's NAIVE, CACHEBLEND and APE modes put the model in. Such a row asks only the questions
one chunk answers (single-hop, distractor): a multi-hop or cross-chunk answer needs the chunks to have seen each
other, which is what CACHEBLEND's recompute restores and NAIVE lacks, so the model is not taught to get by
without it (the NAIVE gap the quality report must show stays a property of the task). A CACHEBLEND row asks
the kinds it is given (`ask`; train.py --blend-kinds, every kind by default): llama_train's blend_forward recomputes
part of it as the engine's CACHEBLEND does, its stored pass computing each chunk right after the prefix and turning
its keys to the chunk's slot, as the engine does (train.py --blend-stored-at). A separately encoded row keeps the
whole prompt's positions; it differs from the engine's stored KV in the distances from a chunk to the prefix. A
chunk's last token then predicts nothing (the next chunk's first token is not in its view), except the last
chunk's, which predicts the first block's first token.

Targets: the context's tokens (prefix, chunks) and each block's question tokens carry the LM loss
(class 1), each answer token and its EOS the answer loss (class 2, or 3 for a multi-hop question, so that
training can weigh those); nothing predicts across a block boundary except the context's last token
predicting the first block's first token.
"""

from collections import defaultdict

import numpy as np

# focus flags of a row's chunk tokens (packed_row): in a chunk that the row's questions need, in a chunk that never
# names its page's subject (a continuation: it reads right only after the chunk before it; the export's "unnamed")
NEEDED, UNNAMED = 1, 2
# target classes; the answer tokens of a multi-hop question (plain or bridged) are 3 and of a cross_chunk one 4, so
# that the loss can weigh those kinds on their own
CONTEXT, ANSWER, MULTI_HOP_ANSWER, CROSS_CHUNK_ANSWER = 1, 2, 3, 4
ANSWER_CLASS = {"multi_hop": MULTI_HOP_ANSWER, "bridged_multi_hop": MULTI_HOP_ANSWER,
                "cross_chunk": CROSS_CHUNK_ANSWER}
PAD_SEGMENT = 1 << 20
ONE_CHUNK_KINDS = ("single_hop", "distractor")  # the question kinds a separately encoded row asks (module doc)
ALL_KINDS = ("single_hop", "multi_hop", "distractor", "cross_chunk", "bridged_multi_hop")


def answer_weights(classes, multi_hop_weight, cross_chunk_weight=1.0):
    """Per target class: a multi-hop answer token weighs multi_hop_weight in the answer loss, a cross_chunk one
    cross_chunk_weight, any other answer token 1, a context token 0 (float32)."""
    weights = np.where(classes >= ANSWER, 1.0, 0.0)
    weights = np.where(classes == MULTI_HOP_ANSWER, multi_hop_weight, weights)
    return np.where(classes == CROSS_CHUNK_ANSWER, cross_chunk_weight, weights).astype(np.float32)


class KbIndex:
    """Training examples grouped by knowledge base: chunk id -> segment index, the chunks that never name their
    subject, and each example's question/answer segments and needed chunk ids."""

    def __init__(self, examples):
        self.kbs = defaultdict(list)
        self.chunk_segment = defaultdict(dict)
        self.unnamed = defaultdict(set)
        for n, (_, _, segs, _, rec) in enumerate(examples):
            kb = rec["kb_seed"]
            self.kbs[kb].append(n)
            for cid, seg in zip(rec["chunk_ids"], segs[1:-1]):
                self.chunk_segment[kb][cid] = seg
            self.unnamed[kb].update(rec.get("unnamed", ()))
        self.kb_list = sorted(self.kbs)
        self.needed = [frozenset(rec["needed"]) for (_, _, _, _, rec) in examples]


def chunk_position(chunk_id):
    page, _, pos = chunk_id.rpartition("#")
    return page, int(pos)


def by_document(chunk_ids, rng):
    """The platform's order for a shuffled set of chunks: pages in order of first appearance, chunks in
    page order."""
    shuffled = list(chunk_ids)
    rng.shuffle(shuffled)
    pages = {}
    for cid in shuffled:
        page, pos = chunk_position(cid)
        pages.setdefault(page, []).append((pos, cid))
    return [cid for chunks in pages.values() for _, cid in sorted(chunks)]


def packed_row(index, examples, seg_ids, bos, eos, rng, merge_max, per_row, max_len, separate=False,
               ask=ONE_CHUNK_KINDS):
    """One row's token ids, positions, segment ids, targets, target classes and focus flags (numpy arrays; the
    flags: NEEDED on the tokens of the chunks that the row's questions need, UNNAMED on those of the chunks that
    never name their subject, 0 elsewhere); separate: the
    chunks encoded separately (module doc), asking only the question kinds in ask: one-chunk questions by default,
    more for a CACHEBLEND row (llama_train.TrainLlama.blend_forward restores what the chunks lose)."""
    kb = index.kb_list[rng.integers(len(index.kb_list))]
    members = index.kbs[kb]
    m = int(rng.integers(1, merge_max + 1))
    seeds = [members[i] for i in rng.choice(len(members), size=min(m, len(members)), replace=False)]
    prefix_seg = examples[seeds[0]][2][0]
    if len(seeds) == 1:
        chunk_segs = examples[seeds[0]][2][1:-1]
        chunk_order = list(examples[seeds[0]][4]["chunk_ids"])
        chunk_set = set(chunk_order)
    else:
        chunk_set = {cid for s in seeds for cid in examples[s][4]["chunk_ids"]}
        chunk_order = by_document(chunk_set, rng)
        chunk_segs = [index.chunk_segment[kb][cid] for cid in chunk_order]
    parts = [np.array([bos], np.int32), seg_ids[prefix_seg]] + [seg_ids[s] for s in chunk_segs]
    context = np.concatenate(parts)
    context_segments = np.zeros(len(context), np.int64)
    chunk_ends = []
    if separate:
        at = len(parts[0]) + len(parts[1])
        for c, part in enumerate(parts[2:]):
            context_segments[at:at + len(part)] = -(c + 1)
            at += len(part)
            chunk_ends.append(at - 1)
    answerable = [n for n in members if n not in seeds and index.needed[n] <= chunk_set]
    rng.shuffle(answerable)
    questions = seeds + answerable[:max(0, per_row - len(seeds))]
    if separate:
        questions = [n for n in questions if examples[n][1] in ask]

    tokens, positions, segments, targets, classes = [context], [np.arange(len(context))], \
        [context_segments], [np.append(context[1:], -1)], [np.full(len(context), CONTEXT, np.int8)]
    for end in chunk_ends[:-1]:
        classes[0][end] = 0  # the next chunk's first token is outside this chunk's view
    classes[0][-1] = 0  # set below, when the first block is known
    length = len(context)
    needed = set()
    for k, n in enumerate(questions, start=1):
        q, a = seg_ids[examples[n][2][-1]], seg_ids[examples[n][3]]
        block = np.concatenate([q, a, np.array([eos], np.int32)])
        if length + len(block) > max_len:
            break
        needed |= index.needed[n]
        tgt = np.append(block[1:], -1)
        cls = np.full(len(block), CONTEXT, np.int8)
        # the last question token predicts the answer's first
        cls[len(q) - 1:len(block) - 1] = ANSWER_CLASS.get(examples[n][1], ANSWER)
        cls[-1] = 0
        if k == 1:
            targets[0][-1] = block[0]
            classes[0][-1] = CONTEXT
        tokens.append(block)
        positions.append(np.arange(len(context), len(context) + len(block)))
        segments.append(np.full(len(block), k, np.int64))
        targets.append(tgt)
        classes.append(cls)
        length += len(block)
    # train.py --blend-rank-focus needed / continuation
    focus = np.zeros(length, np.int8)
    at = len(parts[0]) + len(parts[1])
    for cid, part in zip(chunk_order, parts[2:]):
        focus[at:at + len(part)] = NEEDED * (cid in needed) + UNNAMED * (cid in index.unnamed[kb])
        at += len(part)
    return tuple(np.concatenate(parts) for parts in (tokens, positions, segments, targets, classes)) + (focus,)


def packed_batch(rows):
    """Right-padded [b, t] arrays from rows; pads get their own segment and no target."""
    width = max(len(r[0]) for r in rows)
    width = (width + 15) // 16 * 16
    b = len(rows)
    tokens = np.zeros((b, width), np.int64)
    positions = np.zeros((b, width), np.int64)
    segments = np.full((b, width), PAD_SEGMENT, np.int64)
    targets = np.full((b, width), -1, np.int64)
    classes = np.zeros((b, width), np.int8)
    focus = np.zeros((b, width), np.int8)
    for i, (tok, pos, seg, tgt, cls, flags) in enumerate(rows):
        n = len(tok)
        tokens[i, :n], positions[i, :n], segments[i, :n], targets[i, :n], classes[i, :n] = tok, pos, seg, tgt, cls
        focus[i, :n] = flags
    return tokens, positions, segments, targets, classes, focus


def packed_batches(index, examples, seg_ids, bos, eos, rng, merge_max, per_row, max_len, batch_tokens,
                   separate_share=0.0, blend=False, blend_kinds=ALL_KINDS):
    """Endless stream of batches of about batch_tokens padded tokens: rows made in pools of 256, sorted
    by length, cut into batches, the batches of a pool shuffled; separate_share of the rows encode their
    chunks separately. blend: every row encodes its chunks separately and asks the question kinds in blend_kinds
    (rows for TrainLlama.blend_forward)."""
    while True:
        pool = [packed_row(index, examples, seg_ids, bos, eos, rng, merge_max, per_row, max_len,
                           separate=blend or (separate_share > 0 and rng.random() < separate_share),
                           ask=blend_kinds if blend else ONE_CHUNK_KINDS)
                for _ in range(256)]
        pool.sort(key=lambda r: len(r[0]))
        cut, i = [], 0
        while i < len(pool):
            j = i + 1
            while j < len(pool) and (j - i + 1) * ((len(pool[j][0]) + 15) // 16 * 16) <= batch_tokens:
                j += 1
            cut.append(pool[i:j])
            i = j
        order = rng.permutation(len(cut))
        for o in order:
            yield packed_batch(cut[o])
