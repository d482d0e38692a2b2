"""The Llama forward pass used for training: HF LlamaForCausalLM's computation and parameter names, plus
two things HF's class does not take cheaply, explicit position ids per token and a block attention mask.

Why not train HF's class directly: a packed row (see packing.py) holds one context and several
question/answer blocks; each block sees the context and itself, never another block, and starts at the
position right after the context, so every block computes exactly what the same question alone after the
same context computes (what the engine computes at question time). That needs a per-row mask and
positions; here both are plain tensors and the attention is one scaled_dot_product_attention call.

The parameters are named as in HF's state dict (`model.layers.3.self_attn.q_proj.weight`, ...), so
`load_hf` / `to_hf` copy weights one to one; the saved checkpoint is always written by HF's own class.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

from packing import ANSWER, PAD_SEGMENT


class RmsNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        dtype = x.dtype
        x = x.float()
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dtype)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads, self.kv_heads = c.num_attention_heads, c.num_key_value_heads
        self.head_dim = getattr(c, "head_dim", None) or c.hidden_size // c.num_attention_heads
        self.q_proj = nn.Linear(c.hidden_size, self.heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(c.hidden_size, self.kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(c.hidden_size, self.kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.heads * self.head_dim, c.hidden_size, bias=False)

    def projections(self, x, cos, sin):
        """q [b, heads, t, head_dim] and k [b, kv_heads, t, head_dim], both rotated, and v [b, kv_heads, t, head_dim]."""
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        return rotate(q, cos, sin), rotate(k, cos, sin), v

    def forward(self, x, cos, sin, mask, stored=None):
        """stored: None, or (keys, values, fresh) to attend over the stored K/V [b, kv_heads, t, head_dim] wherever
        the [b, t] boolean `fresh` is False (CACHEBLEND's cache, blend_forward). Returns the output and this
        layer's own K (rotated) and V, before any stored entry replaces them."""
        b, t, _ = x.shape
        q, k, v = self.projections(x, cos, sin)
        own = (k, v)
        if stored is not None:
            keep = stored[2][:, None, :, None]
            k = torch.where(keep, k, stored[0].to(k.dtype))
            v = torch.where(keep, v, stored[1].to(v.dtype))
        group = self.heads // self.kv_heads
        if group > 1:
            k = k.repeat_interleave(group, dim=1)
            v = v.repeat_interleave(group, dim=1)
        out = attend(q, k, v, mask)
        return self.o_proj(out.transpose(1, 2).reshape(b, t, -1)), own


def rotate(x, cos, sin):
    """Rotate-half RoPE (HF's apply_rotary_pos_emb); cos/sin are [b, t, head_dim]."""
    half = x.shape[-1] // 2
    rotated = torch.cat((-x[..., half:], x[..., :half]), dim=-1)
    return x * cos.unsqueeze(1).to(x.dtype) + rotated * sin.unsqueeze(1).to(x.dtype)


def attend(q, k, v, mask):
    """mask None: plain causal attention (flash kernels); else a boolean mask, True = may attend: [b, t, t] for every
    head, or [b, kv_heads, t, t], one per KV head (snapkv_thinned_masks), shared by its query heads."""
    if mask is not None and mask.dim() == 3:
        mask = mask.unsqueeze(1)
    elif mask is not None and mask.shape[1] != q.shape[1]:
        mask = mask.repeat_interleave(q.shape[1] // mask.shape[1], dim=1)
    if hasattr(F, "scaled_dot_product_attention"):
        if mask is None:
            return F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    # PyTorch < 2.0 (the build machine's Debian torch): the same arithmetic, written out.
    wide = torch.promote_types(q.dtype, torch.float32)
    scores = (q.to(wide) @ k.to(wide).transpose(-1, -2)) / math.sqrt(q.shape[-1])
    t = q.shape[-2]
    allowed = torch.ones(t, t, dtype=torch.bool, device=q.device).tril() if mask is None else mask
    scores = scores.masked_fill(~allowed, float("-inf"))
    return (scores.softmax(-1) @ v.to(wide)).to(q.dtype)


class Mlp(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = RmsNorm(c.hidden_size, c.rms_norm_eps)
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RmsNorm(c.hidden_size, c.rms_norm_eps)
        self.mlp = Mlp(c)

    def forward(self, x, cos, sin, mask, stored=None):
        """The layer's output and its own (K, V) (Attention.forward)."""
        a, own = self.self_attn(self.input_layernorm(x), cos, sin, mask, stored)
        x = x + a
        return x + self.mlp(self.post_attention_layernorm(x)), own


class Body(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList(Layer(c) for _ in range(c.num_hidden_layers))
        self.norm = RmsNorm(c.hidden_size, c.rms_norm_eps)


class TrainLlama(nn.Module):
    """Tied-embedding Llama. forward(tokens, positions, mask) -> final hidden states [b, t, hidden];
    `logits(hidden)` projects chosen rows only (the loss needs few of them)."""

    def __init__(self, config):
        super().__init__()
        if not config.tie_word_embeddings:
            raise ValueError("TrainLlama expects tied embeddings")
        self.config = config
        self.model = Body(config)
        head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
        self.register_buffer("inv_freq", 1.0 / (rope_theta(config) ** (
            torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim)), persistent=False)

    def rope(self, positions):
        angles = positions.float().unsqueeze(-1) * self.inv_freq
        angles = torch.cat((angles, angles), dim=-1)
        return angles.cos(), angles.sin()

    def forward(self, tokens, positions, mask=None):
        """mask: None, one mask for every layer, or a list of one per layer (snapkv_thinned_masks)."""
        cos, sin = self.rope(positions)
        x = self.model.embed_tokens(tokens)
        per_layer = mask if isinstance(mask, list) else [mask] * len(self.model.layers)
        for layer, layer_mask in zip(self.model.layers, per_layer):
            x, _ = layer(x, cos, sin, layer_mask)
        return self.model.norm(x)

    def encode(self, tokens, positions, mask):
        """Final hidden states and every layer's own (K, V) (Attention.forward)."""
        cos, sin = self.rope(positions)
        x = self.model.embed_tokens(tokens)
        kv = []
        for layer in self.model.layers:
            x, own = layer(x, cos, sin, mask)
            kv.append(own)
        return self.model.norm(x), kv

    def stored_kv(self, tokens, positions, segments, after_prefix=True):
        """What a row's chunks (segment ids < 0) hold as stored KV: the final states and every layer's (K, V) of the
        row with each chunk encoded alone — after the prefix at the engine's positions, keys then turned to the
        chunk's slot (after_prefix), or at the slot itself."""
        if not after_prefix:
            return self.encode(tokens, positions, block_mask(segments))
        encoded_at = engine_positions(positions, segments)
        alone, stored = self.encode(tokens, encoded_at, block_mask(segments))
        turn_cos, turn_sin = self.rope(positions - encoded_at)
        return alone, [(turn_keys(k, turn_cos, turn_sin), v) for k, v in stored]

    def blend_forward(self, tokens, positions, segments, ratio, check_layer, pick=None, rank=False, focus=None,
                      stored_after_prefix=True, focus_first=False):
        """CACHEBLEND (DESIGN §4) on packed rows whose chunks carry negative segment ids (packing.py): first every
        layer's K/V of the row with its chunks encoded alone (the stored chunk KV); then the fused pass: layers below
        `check_layer` fresh for every token; at `check_layer` fresh K/V for every token, and the context tokens
        (prefix, chunks) whose V deviates most from the stored V — floor(ratio * context) per row, ties to the lower
        slot — are picked, with every question block token; above it only the picked tokens' K/V are fresh, the
        others' come from the stored pass. Returns (hidden, rank loss or None): the final states are the stored
        pass's for context tokens (their next-token predictions within their own chunk, as a separately encoded row
        trains them) and the fused pass's for the question blocks. With ratio 1 the blocks' states are a whole-row forward's; on a row encoded
        whole, any ratio gives the plain forward (check_packing.py). pick(stored, own, context) -> [b, t] boolean
        replaces the choice of context tokens (diagnose_blend.py compares rules).

        rank: also compute a loss that asks the check layer's value deviation to put first the chunk tokens whose key
        and value deviate most over the later layers (pairwise_rank_loss; the later layers' side carries no
        gradient). CACHEBLEND's selection rests on that premise; in the committed model its 15 % holds only about a
        third of those tokens (diagnose_blend.py --rank-only), so this teaches the early layers to flag them. focus
        ([b, t] boolean, e.g. the chunks the row's questions need): only the later layers' top tokens inside it
        count as the ones to put first (diagnose_blend.py --anatomy: those are the picks that restore answers);
        focus_first: the later layers' top tokens within focus, as many as CACHEBLEND picks, are the ones to put
        first (pairwise_rank_loss).

        stored_after_prefix: the stored pass computes every chunk as the engine does (DESIGN §4), right after the
        prefix (its first token at the prefix length, engine_positions) and then turns its keys to the chunk's slot;
        False computes each chunk at its slot (what runs 7–11 trained on): the same attention within the chunk, other
        distances to the prefix, so other stored K/V than the engine serves."""
        cos, sin = self.rope(positions)
        whole_mask = block_mask(whole_segments(segments))
        context = segments <= 0
        alone, stored = self.stored_kv(tokens, positions, segments, stored_after_prefix)
        h = self.model.embed_tokens(tokens)
        fresh = ~context if check_layer < 0 else None  # check layer -1: every layer's context KV stored, NAIVE
        check_deviation = None
        later = torch.zeros(segments.shape, device=segments.device)  # the later layers' deviation, for rank
        for l, layer in enumerate(self.model.layers):
            if l > check_layer:
                h, own = layer(h, cos, sin, whole_mask, (stored[l][0], stored[l][1], fresh))
                if rank:
                    later = later + (deviation_of(own[0], stored[l][0]) + deviation_of(own[1], stored[l][1])).detach()
                continue
            h, own = layer(h, cos, sin, whole_mask)
            if l == check_layer:
                check_deviation = deviation_of(own[1], stored[l][1])
                with torch.no_grad():
                    chosen = pick_deviating(check_deviation, context, ratio) if pick is None \
                        else pick(stored, own, context) & context
                fresh = chosen | ~context
        hidden = torch.where(context.unsqueeze(-1), alone, self.model.norm(h))
        if not rank or check_deviation is None:
            return hidden, None
        return hidden, pairwise_rank_loss(torch.log(check_deviation + 1e-12), later, segments < 0, ratio, focus,
                                          focus_first)

    def logits(self, hidden):
        return hidden @ self.model.embed_tokens.weight.t()

    def load_hf(self, hf_model):
        state = {k: v for k, v in hf_model.state_dict().items() if k != "lm_head.weight"}
        self.load_state_dict(state, strict=True)
        return self

    def to_hf(self, hf_model):
        missing, unexpected = hf_model.load_state_dict(self.state_dict(), strict=False)
        if unexpected or any(k != "lm_head.weight" for k in missing):
            raise RuntimeError(f"weights do not match HF's Llama: missing {missing}, unexpected {unexpected}")
        head, embed = hf_model.get_output_embeddings(), hf_model.get_input_embeddings()
        if head.weight.data_ptr() != embed.weight.data_ptr():
            with torch.no_grad():
                head.weight.copy_(embed.weight)
        return hf_model


def rope_theta(config):
    params = getattr(config, "rope_parameters", None)
    if isinstance(params, dict) and "rope_theta" in params:
        if params.get("rope_type", "default") != "default":
            raise ValueError("TrainLlama implements plain RoPE only")
        return float(params["rope_theta"])
    return float(getattr(config, "rope_theta", 10000.0))


def turn_keys(keys, cos, sin):
    """Stored keys moved by the angles of (cos, sin): RoPE composes, so keys rotated for position p and turned by d
    are keys rotated for p + d (the engine's RopeShift). A name of its own so that an emulation of the engine's bf16
    cache can round, or not, what the turn writes back (bf16_sensitivity.py)."""
    return rotate(keys, cos, sin)


def whole_segments(segments):
    """The row with its chunks encoded whole: every chunk segment (< 0) becomes the context's segment 0 (FULL)."""
    return torch.where(segments < 0, torch.zeros_like(segments), segments)


def engine_positions(positions, segments):
    """[b, t] positions at which the engine computes the stored KV of a row's chunks (segment ids < 0): each chunk right
    after the prefix, its first token at the position of the row's first chunk token (the prefix length); every other
    token keeps its position."""
    chunk = segments < 0
    index = torch.arange(segments.shape[1], device=segments.device).expand_as(segments)
    starts = torch.ones_like(chunk)
    starts[:, 1:] = segments[:, 1:] != segments[:, :-1]
    offset = index - torch.where(starts, index, torch.zeros_like(index)).cummax(dim=1).values
    beyond = torch.full_like(positions, torch.iinfo(positions.dtype).max // 2)  # above any position, no GPU sync
    prefix_length = torch.where(chunk, positions, beyond).min(dim=1, keepdim=True).values
    return torch.where(chunk, prefix_length + offset, positions)


def ape_positions(positions, segments):
    """[b, t] positions of APE's layout (DESIGN §4) for a row whose chunks carry negative segment ids: every chunk at
    its stored positions (right after the prefix, engine_positions: no turn), each question block starting at the
    prefix length plus the longest chunk's length instead of after all chunks; the prefix keeps its positions. With
    T = S = 1 APE's merged attention is one softmax over the question's keys, so blend_forward with check layer -1 on
    these positions is APE(1, 1). A row without chunks keeps its positions."""
    chunk = segments < 0
    at = engine_positions(positions, segments)
    none = torch.zeros_like(positions)
    longest_end = torch.where(chunk, at + 1, none).max(dim=1, keepdim=True).values  # P + max n_i
    context_end = torch.where(segments <= 0, positions + 1, none).max(dim=1, keepdim=True).values  # P + sum n_i
    shift = torch.where(chunk.any(dim=1, keepdim=True), context_end - longest_end, none[:, :1])
    blocks = (segments > 0) & (segments != PAD_SEGMENT)
    return torch.where(blocks, positions - shift, at)


def generated_positions(classes, segments):
    """[b, t] boolean: the positions that hold an answer token (the position before predicts it, in the same block): the
    tokens generated at serving time, whose queries SnapKV restricts to the kept entries of the prompt."""
    held = torch.zeros_like(segments, dtype=torch.bool)
    held[:, 1:] = (classes[:, :-1] >= ANSWER) & (segments[:, 1:] == segments[:, :-1])
    return held


def thinned_context_mask(mask, segments, generated, keep):
    """mask [b, t, t] with each generated query's view of the context (segments <= 0, but for the row's first token,
    the attention sink) thinned to a random share `keep`, drawn per query and key: what a compressed cache leaves the
    answer to read (SnapKV keeps the question window and the generated tokens whole; which context entries it keeps
    is left to chance here, so the model learns not to lean on re-reading all of the context while it answers)."""
    context = segments <= 0
    context[:, 0] = False
    thinned = generated.unsqueeze(2) & context.unsqueeze(1)
    dropped = thinned & (torch.rand(mask.shape, device=mask.device) >= keep)
    return mask & ~dropped


def snapkv_thinned_masks(model, tokens, positions, mask, segments, generated, keep, kernel):
    """One [b, kv_heads, t, t] mask per layer: `mask` [b, t, t] with each generated query's view of the context
    (segments <= 0) narrowed to what SnapKV (DESIGN §4) keeps for it in that layer and KV head: the attention
    probabilities of its question block's prompt tokens (the window: the block's tokens that are not generated) over
    the context, summed over the window, averaged over the KV head's query heads, max-pooled over `kernel` positions
    (the bench's pooling), and the floor(keep * context) positions with the most kept (ties to the lower position).
    The prompt's own queries and every non-context key stay as in `mask`. Computed without gradient, the prompt
    attending with the whole `mask`, as SnapKV compresses a prompt already computed; the engine's window is the
    prompt's last w tokens, here the question block (the bench's w = 32 covers a question)."""
    with torch.no_grad():
        b, t = segments.shape
        context = segments <= 0
        blocks = (segments > 0) & (segments != PAD_SEGMENT)
        block_id = torch.where(blocks, segments, torch.zeros_like(segments))
        in_window = blocks & ~generated
        window = F.one_hot(block_id, int(block_id.max()) + 1).float() * in_window.unsqueeze(-1).float()
        take = torch.floor(keep * context.sum(dim=1).double()).long()
        # only the window's queries vote: score those rows alone, not the whole t x t matrix; each row's window
        # positions gathered first, padded with positions outside the window, whose window rows are zero (no vote)
        rows = max(1, int(in_window.sum(dim=1).max()))
        order = torch.sort((~in_window).to(torch.uint8), dim=1, stable=True).indices[:, :rows]
        voters = window.gather(1, order[..., None].expand(-1, -1, window.size(-1)))
        voter_mask = mask.gather(1, order[..., None].expand(-1, -1, t))
        cos, sin = model.rope(positions)
        x = model.model.embed_tokens(tokens)
        masks = []
        for layer in model.model.layers:
            attn = layer.self_attn
            group = attn.heads // attn.kv_heads
            q, k, _ = attn.projections(layer.input_layernorm(x), cos, sin)
            q = q.gather(2, order[:, None, :, None].expand(-1, q.size(1), -1, q.size(-1)))
            scores = q.float() @ k.float().repeat_interleave(group, dim=1).transpose(-1, -2) / math.sqrt(attn.head_dim)
            probs = scores.masked_fill_(~voter_mask.unsqueeze(1), float("-inf")).softmax(-1).float().nan_to_num_(0.0)
            probs = probs.view(b, attn.kv_heads, group, rows, t).mean(dim=2)
            votes = torch.einsum("bqn,bhqk->bhnk", voters, probs) * context[:, None, None, :]
            pooled = F.max_pool1d(votes.reshape(-1, 1, t), kernel, stride=1, padding=kernel // 2).view_as(votes)
            kept = top_positions(pooled, context[:, None, None, :].expand_as(pooled), take[:, None, None, None])
            seen = kept.gather(2, block_id[:, None, :, None].expand(b, attn.kv_heads, t, t))
            dropped = generated[:, None, :, None] & context[:, None, None, :] & ~seen
            masks.append(mask.unsqueeze(1) & ~dropped)
            x, _ = layer(x, cos, sin, mask)
        return masks


def top_positions(scores, allowed, take):
    """Boolean like scores [..., t]: the `take` (broadcast over the leading dims) allowed positions of the largest
    score along the last dim, ties to the lower position (the engine's TopK)."""
    masked = scores.masked_fill(~allowed, float("-inf"))
    order = torch.sort(masked, dim=-1, descending=True, stable=True).indices
    rank = torch.empty_like(order)
    rank.scatter_(-1, order, torch.arange(order.shape[-1], device=order.device).expand_as(order))
    return (rank < take) & allowed


def deviation_of(fresh, stored):
    """[b, kv_heads, t, head_dim] twice -> [b, t]: the squared difference summed over heads and dims, in fp32."""
    return (fresh.float() - stored.float()).pow(2).sum(dim=(1, 3))


def pairwise_rank_loss(score, target, mask, ratio, focus=None, focus_first=False):
    """Per row, the floor(ratio * count) positions of mask with the largest target are the positives (only those
    inside focus, when given: the others join the negatives; with focus_first, the floor(ratio * count) positions of
    the largest target inside focus, however large the target outside it); the mean over (positive, other masked
    position) pairs of softplus(score_other - score_positive), averaged over the rows (a row without positives adds
    0). On log deviations it does not change when every deviation is scaled; ln 2 when all scores are equal."""
    if focus is not None and focus_first:
        take = torch.floor(ratio * mask.sum(dim=1).double()).long().unsqueeze(1)
        positive = top_positions(target, mask & focus, take)
    else:
        positive = pick_deviating(target, mask, ratio)
        if focus is not None:
            positive = positive & focus
    negative = mask & ~positive
    pairs = positive.unsqueeze(2) & negative.unsqueeze(1)
    gaps = score.unsqueeze(1) - score.unsqueeze(2)  # [b, i, j] = score_j - score_i
    per_row = (torch.nn.functional.softplus(gaps) * pairs).sum(dim=(1, 2)) / pairs.sum(dim=(1, 2)).clamp(min=1)
    return per_row.mean()


def pick_deviating(deviation, context, ratio):
    """[b, t] boolean: per row, the floor(ratio * context count) context positions of the largest deviation, ties
    to the lower position (the engine's TopK)."""
    return top_positions(deviation, context, torch.floor(ratio * context.sum(dim=1).double()).long().unsqueeze(1))


def block_mask(segments):
    """[b, t] segment ids -> [b, t, t] boolean: query i may see key j when j <= i and
    - j is in i's own segment, or
    - j is the shared prefix (segment 0), or
    - i is a question block (k > 0) and j is context (segment <= 0).
    Context segments: 0 = the prefix and, in a row encoded whole, every chunk; -(c + 1) = chunk c of a row whose
    chunks are encoded separately (each sees the prefix and itself: what a stored chunk's KV holds). Question
    blocks k > 0; pads carry their own id. A row encoded whole gives the plain rule: context causal, each block
    the context and itself."""
    t = segments.shape[1]
    causal = torch.ones(t, t, dtype=torch.bool, device=segments.device).tril()
    query = segments.unsqueeze(2)
    key = segments.unsqueeze(1)
    same = query == key
    prefix = key == 0
    block_sees_context = (query > 0) & (key <= 0)
    return causal & (same | prefix | block_sees_context)
