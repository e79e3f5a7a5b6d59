"""The English strings: stage titles, formulas, narration and pitfalls, and the UI.

Pure data. Every language file defines the same four dicts with the same keys and the same
``str.format`` fields (a test holds this), so a new language is one new file.
"""

TITLES: dict[str, str] = {
    "input": "Input",
    "positions": "Positions added to X",
    "params": "Learned weights",
    "projections": "Projections: queries, keys and values",
    "split": "Head {h}: its slice of Q, K and V",
    "rotary": "Head {h}: rotary positions (RoPE) on Q and K",
    "scores": "Head {h}: scores, every query against every key",
    "scaled": "Head {h}: scaled scores",
    "bias.given": "Head {h}: score bias (given)",
    "bias.before": "Head {h}: ALiBi distance bias, added before the scaling",
    "bias": "Head {h}: ALiBi distance bias",
    "masked": "Head {h}: causal mask",
    "masked.causal.padding": "Head {h}: causal mask and padding",
    "masked.sliding": "Head {h}: sliding-window mask",
    "masked.custom": "Head {h}: custom mask",
    "masked.none": "Head {h}: padding mask",
    "softmax": "Head {h}: attention weights",
    "head_output": "Head {h}: weighted sum of values",
    "concat": "Concatenate the heads",
    "output": "Output projection",
    "online_softmax": "Head {h}: online softmax, one key block at a time (FlashAttention)",
    "decode_qkv": "Head {h}: each new token's query, key and value (decoding)",
    "kv_cache": "Head {h}: the KV cache, one row appended per step",
    "decode_scores": "Head {h}: each step's one row of scores over the cache",
    "decode_softmax": "Head {h}: each step's attention weights over the cache",
    "decode_output": "Head {h}: each step's output row",
}

FORMULAS: dict[str, str] = {
    "input.given": "Q, K, V given",
    "input.x": "X",
    "input.cross": "X, M (memory)",
    "positions.sinusoidal": "X ← X + P,  P[pos, 2i] = sin(pos / 10000^(2i/d)),  P[pos, 2i+1] = cos(pos / 10000^(2i/d))",
    "positions.learned": "X ← X + P  (P: one learned row per position)",
    "params": "{names}",
    "projections": "Q = X·W_Q{bq},  K = {m}·W_K{bk},  V = {m}·W_V{bv}",
    "split.same": "Q{sub}, K{sub}, V{sub} = columns {c} of Q, K, V",
    "split.diff": "Q{sub}, K{sub}, V{sub} = columns {c} of Q, K and columns {v} of V",
    "split.gqa": "Q{sub} = columns {c} of Q;  K{sub}, V{sub} = key/value head {g}: columns {k} of K, {v} of V",
    "rotary": "(a, b) → (a·cos mθ − b·sin mθ, a·sin mθ + b·cos mθ),  θ_j = {base}^(−2j/{dk}),  m = position",
    "scores": "S = Q{sub} K{sub}ᵀ",
    "scaled.sqrt_dk": "S / √d_k = S / √{dk}",
    "scaled.sqrt_seq_len": "S / √T = S / √{Tk}",
    "bias.before": "S ← S + B,  B_ij = −(m/{div})·|i − j|,  m = {slope}",
    "bias.given": "S ← S + B{sub},  B{sub} given",
    "rotary.partial": (
        "features 1–{rd} of {dk}: (a, b) → (a·cos mθ − b·sin mθ, a·sin mθ + b·cos mθ),  θ_j = {base}^(−2j/{rd}),"
        "  m = position; features {rd1} unchanged"
    ),
    "bias": "S ← S + B,  B_ij = −m·|i − j|,  m = {slope}",
    "masked": "S_ij = −∞ where j > i (no looking ahead)",
    "masked.padding": "S_ij = −∞ where j > i or key j is padding",
    "masked.sliding": "S_ij = −∞ unless i − {window} < j ≤ i (a window of {window})",
    "masked.sliding.padding": "S_ij = −∞ unless i − {window} < j ≤ i, and where key j is padding",
    "masked.custom": "S_ij = −∞ where blocked[i, j] is true",
    "masked.custom.padding": "S_ij = −∞ where blocked[i, j] is true or key j is padding",
    "masked.none.padding": "S_ij = −∞ where key j is padding",
    "softmax": "A = softmax(S), row by row",
    "head_output": "Z{sub} = A V{sub}",
    "concat": "Z = [{parts}]",
    "output": "O = Z·W_O{bo}",
    "online_softmax": (
        "per key block of B = {B}: m ← max(m, the block's largest score),  r = e^(m_old − m),  "
        "ℓ ← r·ℓ + Σ e^(s − m),  o ← r·o + Σ e^(s − m)·v;  Z = o / ℓ after block {nb}"
    ),
    "decode_qkv": "q_t = x_t·W_Q (head {h}),  k_t = x_t·W_K,  v_t = x_t·W_V (key/value head {g}): the new token's row only",
    "decode_qkv.given": "q_t, k_t, v_t = the new token's rows of Q (head {h}) and of K, V (key/value head {g})",
    "kv_cache": "K ← [K; k_t],  V ← [V; v_t]  (key/value head {g}; the prefill cached tokens 1–{P})",
    "decode_scores.sqrt_dk": "s_tj = q_t·k_j / √{dk} for every cached key j ≤ t",
    "decode_scores.none": "s_tj = q_t·k_j for every cached key j ≤ t",
    "decode_scores.sqrt_seq_len": "s_tj = q_t·k_j / √{Tk} for every cached key j ≤ t",
    "decode_softmax": "a_t = softmax(s_t), over the cached keys only",
    "decode_output": "z_t = Σ_(j ≤ t) a_tj·v_j",
}

NOTES: dict[str, str] = {
    "input.narration.from_x": (
        "Each token is a row vector of d_model = {d_model} numbers: its embedding, usually with its position "
        "added. X stacks the {T} rows (it is {T} × {d_model}); the queries, keys and values are all computed "
        "from it, which is what makes this self-attention."
    ),
    "input.narration.cross": (
        "This is cross-attention: X holds the decoder's {T} states and the memory M the encoder's {Tk} states. "
        "The queries will come from X, the keys and values from M."
    ),
    "positions.narration.sinusoidal": (
        "The Transformer (Vaswani et al. 2017, §3.5) adds a position vector to each row: "
        "P[pos, 2i] = sin(pos / 10000^(2i/{d_model})) and P[pos, 2i+1] = cos(pos / 10000^(2i/{d_model})), for "
        "pos = 0 to {T_1} (pos counts from 0: position 1 has pos = 0). The projections below use X + P."
    ),
    "positions.narration.learned": (
        "A learned position vector (one row per position, as in BERT and GPT-2) is added to each token: the "
        "projections below use X + P."
    ),
    "positions.narration.order_blind": (
        "Why: without a mask, attention itself does not see order: shuffle the tokens and every token gets the "
        "same output as before, only in another row; the same word at two places gets exactly the same output."
    ),
    "positions.narration.order_causal": (
        "Why, even under a causal mask: the mask alone does make the outputs depend on order (each token sees "
        "only those up to itself), but it says nothing about how far apart two tokens are, and the same word "
        "at two places still brings the same query, key and value. Positions put that into the vectors."
    ),
    "positions.pitfall.always": (
        "Pitfall: positions are added to the input, not appended, and they change every number after this point."
    ),
    "input.narration.given_qkv": (
        "This scenario gives the queries, keys and values directly, so there are no weights to apply: Q is {T} × "
        "{hk}, K is {Tk} × {gk} and V is {Tk} × {gv}. One row per token."
    ),
    "input.narration.reconstructed": (
        "Not all of them are printed in {article}: as the source line says, some were reconstructed here so "
        "that the article's printed numbers come out."
    ),
    "input.narration.position": (
        "Attention by itself ignores order: shuffle the tokens and each one gets the same output, only in "
        "another row. Order has to come from elsewhere: a position vector added to each embedding (sines and "
        "cosines in Vaswani et al. 2017), a rotation of q and k by position (RoPE) or a distance bias on the "
        "scores (ALiBi); this scenario has none of them."
    ),
    "params.narration.learned": (
        "These are the learned parameters. W_Q turns a row of d_model = {d_model} numbers into {hk} numbers "
        "(heads = {heads}, d_k = {d_k} each); W_K does the same for the rows the keys come from ({d_src} "
        "numbers each), and W_V makes {hv} numbers of them. Training sets them; this scenario gives their "
        "values, so every step can be followed by hand."
    ),
    "params.narration.identity": (
        "Here W_Q, W_K and W_V are identity matrices: they pass the states through unchanged, so Q = X, "
        "K = {m} and V = {m}. Plain dot-product attention has no such weights; a Transformer learns them."
    ),
    "params.narration.gqa": (
        "These are the learned parameters. W_Q turns a row of d_model = {d_model} numbers into {hk} numbers: "
        "H = {heads} query heads, d_k = {d_k} each. W_K makes only {gk} numbers and W_V {gv}: G = "
        "{G} key/value heads ({kv_share}), each serving {per} query heads. Training sets them; this "
        "scenario gives their values, so every step can be followed by hand."
    ),
    "params.narration.has_wo": (
        "W_O ({hv} × {d_out}) is used at the very end: it maps the concatenated heads to {d_out} numbers per token."
    ),
    "params.narration.has_bias": (
        "{biases} are biases: one number per column of their W, added to every row after the product "
        "(nn.MultiheadAttention's in_proj_bias and out_proj.bias). A bias shifts a whole column by the same "
        "amount, whatever the token."
    ),
    "projections.narration.in_bias": (
        "Then the bias is added: every row gets the same {in_biases}, one number per column. So each cell here "
        "is a dot product plus one number, e.g. Q[i, j] = x_i · W_Q[:, j] + b_Q[j]."
    ),
    "output.narration.out_bias": (
        "Then b_O is added to every row, one number per column: O[i, j] = z_i · W_O[:, j] + b_O[j]."
    ),
    "projections.narration.always": (
        "Every row is multiplied by each weight matrix. The query Q = X·W_Q says what a token is looking for, "
        "the key K = {m}·W_K what it offers, and the value V = {m}·W_V what it passes on. Each cell is the "
        "dot product of one input row with one column of W."
    ),
    "split.narration.always": (
        "Head {h} takes columns {c0}–{c1} of Q and K (d_k = {d_k}) and columns {v0}–{v1} of V (d_v = {d_v}), "
        "the same slice PyTorch's nn.MultiheadAttention gives it. Each head computes attention on its own "
        "slice, independently of the others."
    ),
    "split.narration.from_x_multi": (
        "Slicing Q is the same as giving the head its own weights: Q{sub} = X·W_Q[:, {c0}–{c1}], and that "
        "block of W_Q's columns is the paper's W{sub}^Q (Vaswani et al. 2017), likewise for K and V. So "
        "'split one big Q' and 'each head has its own W^Q' describe the same computation."
    ),
    "split.narration.gqa": (
        "{kv_share_cap}: H = {heads} query heads share G = {G} key/value heads. Query head {h} uses "
        "key/value head {g} (⌊(h − 1)·G/H⌋ + 1), columns {k} of K and {v} of V, shared by query heads "
        "{shared}; as F.scaled_dot_product_attention(..., enable_gqa=True) repeats them. Fewer keys and "
        "values to store while generating, the same number of queries."
    ),
    "rotary.narration.always": (
        "RoPE (Su et al. 2021) puts the position into q and k by turning them: each pair of features (the "
        "{style} pairing) is rotated by the angle m·θ_j, where m is the token's position counted from 0 (m = 0 for position 1) "
        "and θ_j = {base}^(−2j/{rd}). V is not rotated. The scores below use the rotated Q and K."
    ),
    "rotary.narration.partial": (
        "Partial rotary: only the first {rd} of the {d_k} features of each head are rotated (GPT-J's rotary_dim, "
        "GPT-NeoX's rotary_pct); features {rd1} pass unchanged, so they carry no position and their part "
        "of q·k is the same wherever the tokens stand."
    ),
    "rotary.narration.rope_offset": (
        "Why it works: a rotation by m·θ dotted with a rotation by n·θ depends only on m − n. Here q of "
        "'{qi}' (m = {i}) and k of '{kj}' (n = {j}) give {now}; move both one place on (m = {i1}, n = {j1}) "
        "and they still give {later}: only the offset m − n = {off} counts."
    ),
    "rotary.pitfall.always": (
        "Pitfall: two pairings are in use and they disagree. The paper, GPT-J and Meta's original LLaMA code "
        "pair neighbours (x₀, x₁), (x₂, x₃)… ('interleaved'); GPT-NeoX and Hugging Face's rotate_half pair "
        "x_j with x_(j + d/2) ('half'). Weights trained with one give wrong scores with the other."
    ),
    "scores.narration.always": (
        "Each score S_ij = q_i · k_j measures how well query i matches key j: the larger the dot product, the "
        "more token i will look at token j. S is {T} × {Tk}: one row per query, one column per key."
    ),
    "scores.narration.luong": (
        "{article} propose three scores of a decoder state against each encoder state; 'dot', the plain dot "
        "product, unscaled, is the one used here. The Transformer later divided it by √d_k (here √{d_k} "
        "{sqrt_dk_eq}). Their model also has an output layer W_c after the attention, which this scenario "
        "leaves out."
    ),
    "scores.pitfall.warfield_z": (
        "Note: {article} calls QKᵀ the 'Z' matrix. Elsewhere, and in this tutor, Z is a head's output A·V; "
        "the scores are S."
    ),
    "scores.pitfall.unscaled": (
        "Note: these scores go into the softmax as they are. The Transformer's scaled dot-product attention "
        "divides them by √d_k (here √{d_k} {sqrt_dk_eq}) first, so that their spread does not grow with the "
        "key size."
    ),
    "scaled.narration.sqrt_dk": (
        "Why √d_k: if the components of q and k were independent with mean 0 and variance 1, q·k, a sum of "
        "d_k products, would have variance d_k; dividing by √d_k brings it back to 1, whatever the head size. "
        "Without it, at large d_k the scores spread so far that the softmax saturates towards one-hot and "
        "its gradients vanish. Here d_k = {d_k} and √{d_k} {div_eq}."
    ),
    "scaled.narration.sqrt_seq_len": (
        "This scenario divides by √T = √{Tk} {div_eq}, the square root of the sequence length."
    ),
    "scaled.narration.row": (
        "What the division changes, row '{row_tok}': without it the weights would be {w_unscaled}; with it "
        "they are {w_scaled}."
    ),
    "scaled.pitfall.sqrt_seq_len_warfield": (
        "Pitfall: {article} divides by √(sequence length), as this scenario does to reproduce it. The "
        "standard (Vaswani et al. 2017, PyTorch) divides by √d_k = √{d_k} {sqrt_dk_eq}, the size of one "
        "head's keys: the variance of q·k grows with d_k; the number of tokens has nothing to do with it."
    ),
    "scaled.pitfall.seq_len_common": (
        "Common mistake: dividing by √(sequence length), as this scenario does. The standard (Vaswani et al. "
        "2017, PyTorch) divides by √d_k = √{d_k} {sqrt_dk_eq}, the size of one head's keys: the variance of "
        "q·k grows with d_k; the number of tokens has nothing to do with it."
    ),
    "scaled.pitfall.codingopera": (
        "Pitfall: d_k is the size of one head's keys (here {d_k}), not d_model and not the number of tokens. "
        "{article}'s example has a mismatch here: it says 'the key dimension is 3' next to keys of 4 numbers "
        "and √4; there d_k = 4."
    ),
    "scaled.pitfall.dk_not_dmodel": (
        "Common mistake: dividing by √d_model. d_k is the size of one head's keys: here d_k = {d_k}, while "
        "d_model = {d_model}."
    ),
    "bias.narration.always": (
        "ALiBi (Press et al. 2022) adds no positions to the input. Instead each head adds −m·|i − j| to its "
        "scaled scores: the farther key j is from query i, the lower its score. This head's slope is m = "
        "{slope}; the heads' slopes are {slopes}, so some heads look far and some near."
    ),
    "bias.narration.slopes_given": (
        "The slopes here are the scenario's own ({slopes}), not the paper's 2^(−8h/H): a model may set them "
        "differently, and the bias is only as far-reaching as its slopes."
    ),
    "bias.narration.before": (
        "ALiBi (Press et al. 2022) lowers the score of a key by its distance, −m·|i − j|; this head's slope is "
        "m = {slope} (the heads': {slopes}). Here it is added to the raw scores q·k before they are divided by "
        "{div}, as Falcon does; the "
        "division then scales the bias too: (S + B′)/{div} = S/{div} + B′/{div} with B′_ij = −m·|i − j|. So it is "
        "shown after the scaling as B = −(m/{div})·|i − j|: the same numbers the model adds. (Bloom adds m·j "
        "instead, which differs from −m·|i − j| by the same number in each causal row, so its weights are the same.)"
    ),
    "bias.narration.given": (
        "This bias B is given as data, one {T} × {Tk} matrix per head, and added to the scores as it is. T5 "
        "learns one number per head for each bucket of the relative distance j − i and adds it here (and does "
        "not scale its scores); no formula makes these numbers, training did. Near-diagonal cells larger than "
        "the rest make a head look near."
    ),
    "bias.pitfall.always": (
        "Pitfall: the slopes are fixed, not learned: 2^(−8h/H) for H heads (a power of 2), and for other "
        "head counts, with n the largest power of 2 below H, the paper takes the n slopes for n heads and "
        "appends the first H − n odd-numbered slopes (1st, 3rd, …) of the 2n-head list. The bias goes on the "
        "scaled scores, before the mask and the softmax."
    ),
    "masked.narration.always": (
        "A causal mask: token i may look only at tokens 1 … i, never ahead. A language model is trained to "
        "predict every next token of a sentence at once, in parallel; without the mask each position could "
        "read the very token it must predict. The scores of later tokens become −∞, so after the softmax "
        "their weight is exactly 0."
    ),
    "masked.pitfall.warfield": (
        "Pitfall: the Korean translation of {article} words this as replacing 'key values' (키 값) with −∞. It "
        "is the scores S_ij of the later keys that become −∞; the keys K themselves are unchanged."
    ),
    "masked.narration.sliding": (
        "A sliding window of W = {window}, one-sided as in Mistral 7B (Jiang et al. 2023; Longformer's window is "
        "two-sided): query i sees only keys j with i − {window} < j "
        "≤ i, itself and the {window_1} before it. Every other score becomes −∞, so its weight is exactly 0."
    ),
    "masked.narration.custom": (
        "A custom mask: wherever blocked[i, j] is true (as nn.MultiheadAttention's boolean attn_mask), the "
        "score becomes −∞ and its weight exactly 0."
    ),
    "masked.narration.padding": (
        "Padding: the keys {padded} are filler added to make sequences the same length (key_padding_mask). "
        "No query may attend to them, so their scores become −∞ in every row."
    ),
    "masked.narration.dead_row": (
        "Every key of {dead} is blocked, so that row has no finite score at all: its softmax is 0/0 and gives "
        "NaN, and so does its output. nn.MultiheadAttention returns NaN here too."
    ),
    "masked.pitfall.dead_row": (
        "How real code avoids the NaN: it never lets a row lose every key (a causal mask always keeps the "
        "diagonal; left padding is paired with a mask that keeps one key), or it fills such rows with 0 "
        "afterwards (newer PyTorch SDPA kernels do). Adding −1e9 instead of −∞ hides the problem: the row "
        "gets uniform weights over keys it should never see."
    ),
    "masked.pitfall.always": (
        "Common mistake: setting weights to 0 after the softmax. The rows would then sum to less than 1 (dividing "
        "each row by its new sum would fix that); −∞ on the scores before the softmax gives weights of exactly "
        "0 and rows that sum to 1 at once."
    ),
    "softmax.narration.always": (
        "Softmax turns each row of scores into weights: A_ij = e^(s_ij) / Σ_k e^(s_ik). Each weight lies "
        "between 0 and 1 and each row sums to 1. Subtracting the row's largest score first gives the same "
        "weights without overflow."
    ),
    "softmax.pitfall.self_codingopera": (
        "{article} claims a token always attends most to itself. Not here: '{tok}' gives itself {w_self} but "
        "'{other}' {w_other} (head {h}). The score q·k depends on the vectors' lengths and directions, not on "
        "which token they came from, and nothing makes q_i·k_i the largest."
    ),
    "softmax.pitfall.one_hot": (
        "Effectively one-hot (head {h}): in {one_hot} of the {T} rows one weight is above 0.999, so that query copies a "
        "single value row and takes almost nothing from the others. When scores are this far apart (gaps of "
        "about 7 or more after scaling), the softmax acts as a hard choice; moderate scores keep it soft."
    ),
    "softmax.pitfall.self_not_highest": (
        "Common mistake: assuming a token attends most to itself. Not here: '{tok}' gives itself {w_self} but "
        "'{other}' {w_other} (head {h}). The score q·k depends on the vectors' lengths and directions, and in "
        "a real model W_Q ≠ W_K, so q_i and k_i are different vectors: nothing makes q_i·k_i the largest."
    ),
    "softmax.narration.q_equals_k": (
        "Here Q = K, and still '{tok}' is not its own strongest match: q_i·k_i = |q_i|², but q_i·k_j = "
        "|q_i| |k_j| cos θ is larger when k_j is long enough and points the same way."
    ),
    "softmax.narration.q_equals_k_acting": (
        "Q = K here is a convenience of the reconstruction ({article} printed Q and K as images, which are "
        "lost), not something a real model does: its W_Q and W_K differ."
    ),
    "softmax.pitfall.rounded": (
        "Rounding by hand changes results: this run rounds {rounded} before the next step uses them, as the "
        "scenario's [rounding] table says. Run with --exact to see the unrounded numbers."
    ),
    "softmax.pitfall.rounded_acting": (
        "{article} prints 0.7685 where the exact weight is 0.7604: most likely it rounded the scaled scores "
        "to 1 decimal, as this run does. The evidence: 0.7685 / 0.2315 ≈ e^1.2, so the two scaled scores must "
        "be 1.2 apart. With whole-number vectors, as its printed outputs suggest, q·k is a whole number and "
        "q·k/√3 moves in steps of 1/√3 ≈ 0.5774, so no gap is 1.2: the nearest, 2/√3 ≈ 1.1547, gives 0.7604. "
        "Rounded to 1 decimal, the scaled scores are exactly 1.2 apart."
    ),
    "softmax.pitfall.exact_ignores_rounding": (
        "This run ignores the scenario's hand rounding (--exact), so some numbers differ from a run that rounds them."
    ),
    "softmax.pitfall.dead_row": (
        "NaN in row {dead}: every key was masked, e^−∞ = 0 for all of them, and 0/0 is not a "
        "number. It is not an overflow; the masked stage says why it happens."
    ),
    "head_output.narration.always": (
        "Each token's new vector is the weighted sum of the value vectors: z_i = Σ_j A_ij v_j. Z{sub} is {T} × "
        "{d_v}: for every token, a mix of the value vectors of the tokens it attends to, in the proportions "
        "of its weights."
    ),
    "head_output.narration.hand_roles": (
        "{article} argues for several heads by accuracy: one head can give too much weight to a wrong word, "
        "and several heads understand the meaning more accurately. That different heads attend to different "
        "things, such as 'it' to different words, is Vaswani et al. (2017, §3.2.2 and their attention "
        "figures): heads attend to different representation subspaces. The roles the heads play here were "
        "built by hand for this example, through the weights; in a trained model the roles emerge from "
        "training and are rarely this clean."
    ),
    "concat.narration.single_head": (
        "With one head there is nothing to place beside it: the concatenation is Z₁ itself, {T} × {hv}."
    ),
    "concat.narration.multi_head": (
        "The heads' outputs are placed side by side: Z = [{parts}] is {T} × {hv}. Each head keeps its own "
        "columns, so what different heads found stays apart."
    ),
    "concat.narration.same_rows": (
        "'{twin_a}' and '{twin_b}' bring the same vectors into attention, so their rows here are identical: "
        "attention alone cannot tell where a token stands. A positional encoding added to the embeddings is "
        "what would tell them apart."
    ),
    "concat.narration.no_wo": (
        "This scenario stops here: it has no W_O. Real multi-head attention always ends with W_O (PyTorch's "
        "out_proj), which mixes the heads and maps them back to d_model."
    ),
    "concat.narration.no_wo_article": "{article} shows this computation without W_O, and so does this scenario.",
    "concat.narration.no_wo_aten": (
        "{article}'s multi-head formula does end with W_O (concatenate(Z₁, …, Z₈)·W_O); this one-head example "
        "stops before it."
    ),
    "concat.pitfall.added_aten": (
        "Pitfall: {article} says the head results are 'added'. They are concatenated, then multiplied by W_O. "
        "The output stage shows how close the two are: the product is a sum over heads, each through its own "
        "block of W_O."
    ),
    "concat.pitfall.added": (
        "Common mistake: adding the heads' outputs. They are placed side by side, so Z has {hv} columns where "
        "one head has {d_v}, and no head's numbers are mixed with another's here."
    ),
    "output.narration.always": (
        "W_O ({hv} × {d_out}) maps the concatenated heads to the final output O = Z·W_O, one row per token. "
        "This is where the heads' findings are combined."
    ),
    "output.narration.blocks": (
        "Z·W_O is a sum over heads: O = {sum_parts}, where W_O⁽ʰ⁾ is head h's block of {d_v} rows of W_O. "
        "For O[{bi}, {bj}]: {terms}."
    ),
    "output.narration.residual": (
        "W_O maps back to d_model = {d_model} numbers per token so that the residual connection x + MHA(x) "
        "can add each output row to its input row."
    ),
    "output.pitfall.aten": (
        "Pitfall: {article} writes this weight as W^Q; it is W_O, a learned matrix of its own. (W^Q₁ is also "
        "reused for head 2, which needs correcting: every head has its own query, key and value weights, here its own columns of W_Q, "
        "W_K and W_V.)"
    ),
    "online_softmax.narration.always": (
        "FlashAttention never holds a whole row of {Tk} weights: it reads the keys and values in blocks of "
        "B = {B} ({nb} blocks) and keeps, per query row, three running numbers: the largest score so far m, "
        "the sum ℓ of e^(s − m) and the unnormalised output o. When a block raises the max, everything "
        "summed so far was measured against the old max, so it is multiplied by r = e^(m_old − m_new) "
        "(at most 1) before the block's own terms are added. After the last block, Z = o / ℓ. Column block b "
        "of O is o after block b (its {dv} columns {b_cols})."
    ),
    "online_softmax.narration.saves": (
        "What it saves: the ordinary path keeps the {T} × {Tk} matrices S and A of every head; here each row "
        "needs only m, ℓ and o ({state} numbers) and one block of scores at a time ({T} × {Bk}), so memory "
        "grows with T, not T²; on a GPU the blocks stay in fast on-chip memory."
    ),
    "online_softmax.narration.check": "Check: {check}",
    "online_softmax.narration.masked": (
        "Masked keys score −∞ and add e^−∞ = 0, as in the ordinary softmax; a block with no key left changes "
        "nothing (r = 1 while no key has been seen, m stays −∞)."
    ),
    "online_softmax.pitfall.always": (
        "Common mistakes: forgetting to rescale (r = 1: the old terms stay measured against a smaller max and "
        "count too much), rescaling with the wrong sign (e^(m_new − m_old) ≥ 1 instead of ≤ 1), and not "
        "updating the max (e^(s − m) then overflows once a later score is large)."
    ),
    "decode_qkv.narration.always": (
        "Generation: the first {P} tokens are the prefill, computed in one pass as above; then the last {N} "
        "tokens ({steps_tokens}) come one at a time. At each step only the new token is projected: one row of "
        "q (query head {h}) and one row of k and v (key/value head {g}), never the whole prefix again."
    ),
    "decode_qkv.narration.rope": (
        "RoPE turns q and k by the token's TRUE position t (its row, counted from 0: {positions}), not by 0: "
        "the cached keys were turned by their own positions, and q·k depends only on the difference."
    ),
    "decode_qkv.pitfall.rope": (
        "Common mistake: rotating the new token at position 0 because it is the first row of this step's "
        "input. Its score with key j then depends on 0 − j instead of t − j, and the row no longer matches "
        "full attention."
    ),
    "kv_cache.narration.always": (
        "The cache holds the rotated keys and the values of every token so far: rows 1–{P} from the prefill, "
        "then one row appended per step. Before step s the cache holds t rows (tokens 1 … t); after it, "
        "t + 1. Here is the cache after the last step; the row of token t is appended at its step."
    ),
    "kv_cache.narration.gqa": (
        "Under GQA query head {h} reads the cache of key/value head {g}, shared by query heads {shared}: "
        "the cache holds {G} key/value heads, not {heads}, which is why GQA shrinks it."
    ),
    "kv_cache.narration.steps": "The cache, step by step: {steps}",
    "kv_cache.pitfall.always": (
        "Common mistake: re-projecting the whole prefix at every step (k_j = x_j·W_K for every j again). It "
        "gives the same numbers, at t times the work: the cache exists so that each key and value is "
        "computed once."
    ),
    "decode_scores.narration.always": (
        "Each step has one query, so one row of scores: the new q against every cached key (j ≤ t), "
        "scaled as in the full pass{extra}. Keys after t are not in the cache yet (−∞ here, never computed): "
        "the causal mask is implicit."
    ),
    "decode_softmax.narration.always": (
        "The softmax of that one row, over the cached keys only: each step's weights sum to 1."
    ),
    "decode_output.narration.always": (
        "The step's output is z_t = Σ_j a_tj·v_j over the cached values: the row the model feeds on to "
        "predict the next token."
    ),
    "decode_output.narration.check": "Check: {check}",
}

UI: dict[str, str] = {
    "tokens": "tokens",
    "memory_tokens": "memory",
    "sizes": "sizes",
    "mask_scale": "mask, scale",
    "var_positions": "positions = {v}",
    "var_rope": "rope = {style} (base {base})",
    "var_alibi": "bias = alibi (m = {m})",
    "var_alibi_before": "bias = alibi (m = {m}, added before the scaling)",
    "var_bias_given": "bias = given (input.B)",
    "var_rope_dims": "rotary dims = {n}",
    "var_window": "window = {w}",
    "var_kv_heads": "kv_heads = {g}",
    "var_padding": "padding: {keys}",
    "sizes_line": "d_model = {d_model}, heads = {heads}, d_k = {d_k}, d_v = {d_v}",
    "mask_scale_line": "mask = {mask}, scale = {scale}",
    "mask_name_none": "none",
    "mask_name_causal": "causal",
    "mask_name_sliding": "sliding",
    "mask_name_custom": "custom",
    "scale_name_sqrt_dk": "sqrt_dk",
    "scale_name_sqrt_seq_len": "sqrt_seq_len",
    "scale_name_none": "none",
    "variants": "variants",
    "source": "source",
    "article": "article",
    "progress": "stage {k}/{n}",
    "progress_head": "head {h}",
    "exact": "--exact",
    "exact_note": "the scenario's hand rounding is ignored",
    "list_name": "name",
    "learn_lesson": "Lesson {k}/{n} · {title}",
    "learn_goal": "Goal: {goal}",
    "learn_scenario": "On {scenario} (tokens {tokens}); on your own: mhsa-tutor run {scenario} --step",
    "learn_walk_prompt": "[{k}/{n}] Enter/n next · s questions · q stop >",
    "learn_questions": "Your turn, on this lesson's numbers (questions: {n}). Fractions such as 3/2 are fine.",
    "learn_try_again": "✗ Not quite: {got} is not it. Here is the arithmetic up to its last step; try again:",
    "learn_missed": "Into your mistake book: `mhsa-tutor learn --review` asks it again.",
    "learn_lesson_done": "✓ Lesson {k} done: {right} of {n} right at the first or second try.",
    "learn_next_prompt": "Enter: lesson {k}, {title} · q: stop here (learn resumes there) >",
    "learn_course_done": "✓ That was the last lesson: the course is done.",
    "learn_after": 'Next: compute more cells with `mhsa-tutor quiz first_steps`, walk any scenario with `mhsa-tutor run NAME --step` (`mhsa-tutor list` shows them), or write your own with `mhsa-tutor new mine.toml --tokens "the cat sat"`.',
    "learn_book_waiting": "Cells in your mistake book: {n}. `mhsa-tutor learn --review` asks them again.",
    "learn_stopped": "Stopped. `mhsa-tutor learn` resumes at lesson {k}.",
    "learn_list_title": "The course (✓ done, ▶ current, ✗ cells missed):",
    "learn_list_hint": "`mhsa-tutor learn` resumes at ▶; `mhsa-tutor learn N` goes to lesson N.",
    "learn_review_none": "Your mistake book is empty: nothing to review.",
    "learn_review_title": "Review of your mistake book (cells: {n}).",
    "learn_review_done": "Review done: {right} of {n} right; {left} left in the book.",
    "learn_reset_ask": "Start the course over? This forgets your progress (lessons done: {done}; cells in the mistake book: {book}). [y/N] >",
    "learn_reset_done": "Progress cleared: `mhsa-tutor learn` starts at lesson 1.",
    "learn_reset_kept": "Nothing changed.",
    "learn_state": "Progress is kept in {path}.",
    "lesson_projections_title": "From words to queries, keys and values",
    "lesson_projections_goal": "Each token's row of X times W_Q, W_K and W_V gives its query, key and value: one dot product per number.",
    "lesson_scores_title": "Scores: one dot product per pair",
    "lesson_scores_goal": "A head's score for query i and key j is q_i · k_j, the dot product of two short rows.",
    "lesson_scaling_title": "Scaling by √d_k",
    "lesson_scaling_goal": "Dividing the scores by √d_k keeps them moderate, so the softmax stays soft as d_k grows.",
    "lesson_softmax_title": "Softmax: scores into weights",
    "lesson_softmax_goal": "Each row of scaled scores becomes weights between 0 and 1 that sum to 1: e^s over the row's sum of e^s.",
    "lesson_weighted_sum_title": "The weighted sum of values",
    "lesson_weighted_sum_goal": "A head's output for a token is the average of the value rows, weighted by that token's attention weights.",
    "lesson_heads_title": "Two heads, concatenated, projected",
    "lesson_heads_goal": "Each head attends on its own slice; their outputs are put side by side and multiplied by W_O.",
    "lesson_causal_title": "The causal mask",
    "lesson_causal_goal": "A decoder may not look ahead: later keys get a score of −∞, so their weight is exactly 0.",
    "lesson_positions_title": "Sinusoidal positions",
    "lesson_positions_goal": "Attention ignores order by itself; adding sine and cosine positions to X tells equal words apart.",
    "lesson_rope_title": "RoPE: rotary positions",
    "lesson_rope_goal": "Rotating q and k by their positions makes every score depend only on the offset between them.",
    "lesson_alibi_title": "ALiBi: a penalty for distance",
    "lesson_alibi_goal": "ALiBi adds −m·|i − j| to the scaled scores, so far keys fade, with a different slope m per head.",
    "lesson_gqa_title": "Grouped-query attention",
    "lesson_gqa_goal": "Several query heads share one key/value head: fewer keys and values to keep, the same scores per pair.",
    "lesson_sliding_window_title": "Sliding-window attention",
    "lesson_sliding_window_goal": "Each token sees only the last W tokens: the keys outside the window are masked like future ones.",
    "lesson_padding_title": "Padding masks",
    "lesson_padding_goal": "Padding tokens are not words: their keys are masked, and a row with nothing left to see needs care.",
    "lesson_projection_bias_title": "Biases in the projections",
    "lesson_projection_bias_goal": "Q = X·W_Q + b_Q: a bias row is added to every token's query, key and value.",
    "lesson_kv_cache_title": "Generating with a KV cache",
    "lesson_kv_cache_goal": "At inference each new token is projected alone, turned by RoPE at its true position, and its query meets the cached keys and values of the tokens before it.",
    "lesson_online_softmax_title": "FlashAttention's online softmax",
    "lesson_online_softmax_goal": "Softmax and A·V one key block at a time: keep a running max, sum and output, and rescale them by e^(m_old − m_new) when the max moves.",
    "list_group_start": "Start here",
    "list_group_modern": "What models do today: positions, RoPE, ALiBi, GQA, windows, padding",
    "list_group_articles": "Article reproductions: each article's numbers to the digit, its mistakes pointed out",
    "list_start_here": "(start here)",
    "list_title": "title",
    "list_shows": "what it shows",
    "list_tokens": "tokens",
    "list_heads": "heads",
    "list_article": "article",
    "list_self": "self-attention",
    "list_cross": "cross-attention",
    "list_causal": "causal mask",
    "list_sliding": "sliding window",
    "list_custom": "custom mask",
    "list_padding": "padding mask",
    "list_positions_sinusoidal": "sinusoidal positions",
    "list_positions_learned": "learned positions",
    "list_rope": "RoPE",
    "list_alibi": "ALiBi",
    "list_gqa": "{g} key/value heads (GQA)",
    "list_mqa": "1 key/value head (MQA)",
    "kv_share_gqa": "grouped-query attention",
    "kv_share_mqa": "multi-query attention: one key/value head for all",
    "kv_share_cap_gqa": "Grouped-query attention",
    "kv_share_cap_mqa": "Multi-query attention",
    "list_given_qkv": "Q, K, V given",
    "list_scale_none": "no scaling",
    "list_scale_sqrt_seq_len": "scaled by √T",
    "list_rounding": "hand rounding",
    "cp_title": "Source check",
    "cp_where": "checkpoint",
    "cp_source": "source",
    "cp_computed": "computed",
    "cp_decimals": "decimals",
    "cp_differs": "✗ {where}: the source prints {want}, this run gives {got}. {note}",
    "cp_differs_expected": "✗ {where}: the formula gives {want}, this run gives {got}. {note}",
    "cp_title_expected": "Check against the paper's formula",
    "cp_title_mixed": "Checks: values the source printed, and values expected from the formula",
    "cp_expected": "expected (formula)",
    "cp_source_or_expected": "source or expected",
    "step_prompt": "Enter/n next · b back · number jump · q quit · ? keys >",
    "step_help": "Keys: Enter or n = next stage, b = back, a number = jump to that stage, q = quit, ? = these keys.",
    "step_end": "That was the last stage.",
    "step_folded": "More about this stage: {n} notes ({pitfalls} of them common mistakes or caveats). Press i to read them.",
    "step_next": (
        "Next: `mhsa-tutor quiz {cmd}` asks you to compute cells, `mhsa-tutor learn` is the guided course, "
        "and `mhsa-tutor export {cmd} -o page.html` writes the interactive page (click any number)."
    ),
    "next_steps": (
        "Next: `mhsa-tutor run {cmd} --step` walks one stage at a time, `mhsa-tutor quiz {cmd}` asks you to "
        "compute cells, `mhsa-tutor learn` is the guided course, and `mhsa-tutor export {cmd} -o page.html` "
        "writes the interactive page (click any number)."
    ),
    "step_first": "This is the first stage.",
    "step_nostage": "There is no stage {n} here; choose {valid}.",
    "step_unknown": "Unknown key {key!r}; press ? for the keys.",
    "slide_keys": "q quit · → next · ← back · c cells · i notes · l stages, keys",
    "slide_keys_short": "q quit · → next · ← back · l list",
    "slide_cursor_keys": "q quit · ←↑↓→ move · Tab matrix · c Esc done",
    "slide_cursor_keys_short": "q quit · ←↑↓→ move · c done",
    "slide_cursor": "Cursor on {cell}: its arithmetic is under the matrices.",
    "slide_no_cells": "This stage has no cell to work out.",
    "slide_scroll": "lines {a}–{b} of {n}, ↑↓ PgUp PgDn scroll",
    "slide_jump": "go to stage {n}, Enter",
    "slide_unknown": "{key!r} is not a key here; l lists the stages, q quits",
    "slide_list_title": "Stages (number then Enter goes there)",
    "slide_list_hint": "Keys: → n space Enter next · ← b back · g Home first · G End last · number+Enter jump · ↑ ↓ PgUp PgDn scroll · c a cursor over the cells (arrows move it, Tab changes matrix; its arithmetic shows) · i the stage's other notes · l ? this list (l or Esc closes it) · q Esc quit",
    "example": "Example:",
    "reads_title": "reads:",
    "reads_here": "↑ above",
    "reads_stage": "stage {k} · {name}",
    "reads_legend_example": "reversed",
    "reads_legend_example_is": "the worked cell",
    "reads_legend_operand": "underlined",
    "reads_legend_operand_is": "cells it reads, on this slide",
    "ex_given": "(given: nothing to compute)",
    "ex_split": (
        "(head {h} takes {w} columns: its column {c} is column ({h} − 1)·{w} + {c} = {src} of the whole matrix)"
    ),
    "ex_split_shared": "Query head {q} uses key/value head {h}, which query heads {shared} share ({kv_abbr}).",
    "ex_blocked": "'{col}' (position {j}) comes after '{row}' (position {i}): j > i, so the causal mask blocks it.",
    "ex_self": "A token may always attend to itself (j = i = {i}), so the score is kept.",
    "ex_kept": "'{col}' (position {j}) is not after '{row}' (position {i}): j ≤ i, so the score is kept.",
    "ex_more": "{n} more",
    "ex_blocked_sliding": (
        "'{col}' (position {j}) is {w} or more places before '{row}' (position {i}): j ≤ i − {w}, so the "
        "sliding window blocks it."
    ),
    "ex_blocked_sliding_future": (
        "'{col}' (position {j}) comes after '{row}' (position {i}): j > i, and the sliding window only looks "
        "back, so it blocks it."
    ),
    "ex_kept_sliding": "'{col}' (position {j}) is inside the window of '{row}': {i} − {w} < {j} ≤ {i}, so the score is kept.",
    "ex_blocked_custom": "blocked[{row}, {col}] is true, so the custom mask blocks it.",
    "ex_kept_custom": "blocked[{row}, {col}] is false, so the mask keeps it.",
    "ex_blocked_padding": "'{col}' is padding (key_padding_mask is true for it), so no query may attend to it.",
    "ex_rot": (
        "{name} of '{row}' is at position {pos}, so m = {m} (RoPE counts from 0); feature {c} pairs with feature {o} ({style} pairing, pair "
        "j = {pj}), turned by the angle m·θ_j = {m} × {theta} {angle} rad."
    ),
    "ex_bias_before": "This head's slope is m = {m}, divided by {div} with the scores; '{row}' is position {i} and '{col}' position {j}: |i − j| = {d}.",
    "ex_bias_given": "B is given (the scenario's input.B), not computed: head {h}, row '{row}', column '{col}'.",
    "ex_rot_pass": "Feature {c} is beyond the {rd} rotated features (partial rotary): it passes unchanged.",
    "ex_bias": "This head's slope is m = {m}; '{row}' is position {i} and '{col}' position {j}: |i − j| = {d}.",
    "ex_dead_row": (
        "Every key of row '{row}' is blocked, so every score is −∞: each e^−∞ is 0, the sum is 0, and 0/0 is NaN "
        "(as in nn.MultiheadAttention). Real code avoids such rows or sets them to 0 afterwards."
    ),
    "ex_stable": (
        "Subtract the row's largest score, {m}, from every score first: the weights stay the same and e^x "
        "cannot overflow."
    ),
    "ex_concat": "Column {c} of the concatenation is column {c2} of head {h}'s output.",
    "ex_rounded": (
        "Rounded by hand as the scenario says (decimals kept: {d}): {v} is what the next stage uses; unrounded: {e}."
    ),
    "rounded_caption": (
        "{name}: rounded by hand as the scenario says (decimals kept: {decimals}); exact values with --exact"
    ),
    "quiz_title": "Quiz: {title} · questions: {n}",
    "quiz_rule": (
        "Work each number out by hand and type it (q stops). An answer is right within half a unit of its "
        "last decimal (0.77 accepts 0.765 to 0.775; digits beyond the 4th decimal never make it stricter), "
        "but never further than 5 % of the value or 0.005, whichever is larger: type at least two "
        "significant figures. Where the scenario rounds by hand, its unrounded value counts too."
    ),
    "quiz_rule_tol": (
        "Work each number out by hand and type it (q stops). An answer is right within ±{tol} of the value "
        "(or of its unrounded value, where the scenario rounds by hand)."
    ),
    "quiz_seed": "seed {seed}: --seed {seed} asks these questions again.",
    "quiz_question": "Question {k}/{n}",
    "quiz_ask_positions": "Compute {label}: the position added to row '{row}', feature {n}.",
    "quiz_ask_projections": "Compute {label}: row '{row}' of the input times column {n} of W_{m}.",
    "quiz_ask_scores": "Compute the score {label}: the query of '{row}' dotted with the key of '{col}'.",
    "quiz_ask_scaled": "Scale the score: compute {label}.",
    "quiz_ask_rotary": "Rotate by position: compute {label}, using the angle and the paired feature given.",
    "quiz_ask_bias": "Add ALiBi's distance bias: compute {label}.",
    "quiz_ask_bias_given": "Add the given score bias: compute {label}.",
    "quiz_ask_softmax": (
        "Compute the attention weight {label}: the softmax of row '{row}' of the scores, at key '{col}'."
    ),
    "quiz_ask_head_output": (
        "Compute head {h}'s output {label}: the weights of '{row}' times column {n} of head {h}'s values, summed."
    ),
    "quiz_ask_concat": (
        "Which number is {label}, column {n} of the concatenated heads? (Each head gives d_v = {dv} of the columns.)"
    ),
    "quiz_ask_plus_bias": " Then add the bias {bias}[{n}].",
    "quiz_ask_output": "Compute the output {label}: row '{row}' of the concatenated heads times column {n} of W_O.",
    "quiz_prompt": "answer (q to stop) >",
    "quiz_not_number": "{text!r} is not a number; type a number such as 0.77, or q to stop.",
    "quiz_right": "✓ Right: {label} = {value}",
    "quiz_wrong": "✗ Not quite: you typed {got}, but {label} = {value}. Here is how it is computed:",
    "slip_unscaled_scaled": "Your {got} is the unscaled score q·k: divide it by {div_name} = {div}.",
    "slip_unscaled": "Your {got} is what the scores give without scaling: divide each score by {div_name} = {div} before the softmax.",
    "slip_by_dk": "Your {got} divides the scores by d_k = {dk}: divide by √d_k = {sqrt_dk} instead.",
    "slip_by_sqrt_t": "Your {got} divides the scores by √T = √{T} = {sqrt_t} (the sequence length): this scenario divides by {div_name} = {div}.",
    "slip_by_sqrt_dk": (
        "Your {got} divides the scores by √d_k = {sqrt_dk}: that is the standard scaling (Vaswani et al. 2017, "
        "PyTorch), right in practice; this scenario follows its source and divides by {div_name} = {div}."
    ),
    "slip_by_sqrt_t_scale_none": "Your {got} divides the scores by √T = √{T} = {sqrt_t}: this scenario does not scale the scores.",
    "slip_by_sqrt_dk_scale_none": (
        "Your {got} divides the scores by √d_k = {sqrt_dk}: that is the standard scaling (Vaswani et al. 2017, "
        "PyTorch); this scenario, as its source, does not scale the scores."
    ),
    "slip_by_sqrt_dk_same_t": (
        "Your {got} divides the scores by √d_k = {sqrt_dk}, the standard scaling (Vaswani et al. 2017, PyTorch); "
        "here T = d_k = {dk}, so √T gives the same number. This scenario, as its source, does not scale the scores."
    ),
    "slip_no_mask": (
        "Your {got} leaves the mask out: the keys after '{row}' must get −∞ before the softmax, so their weights "
        "are 0 and the row's weights are shared among the keys it may see."
    ),
    "slip_window_ignored": (
        "Your {got} ignores the sliding window: only the keys j with i − {w} < j ≤ i are kept; the ones {w} or "
        "more places back get −∞ too."
    ),
    "slip_padding_ignored": "Your {got} attends to the padding ({padded}): those keys get −∞ in every row.",
    "slip_wrong_kv_head": (
        "Your {got} uses key/value head {other}; query head {h} uses key/value head {g} = ⌊(h − 1)·G/H⌋ + 1, "
        "whose K and V columns are {cols}."
    ),
    "slip_rope_pairing": (
        "Your {got} pairs the features the '{other_style}' way; this scenario rotates with the '{style}' "
        "pairing ({pairs})."
    ),
    "slip_several": "Your {got} matches more than one mistake here:",
    "slip_wrong_axis": "Your {got} takes the softmax down a column, over the queries: take it along the row of '{row}', over the keys, so that each row sums to 1.",
    "slip_mask_after": "Your {got} takes the softmax before the mask and then zeroes the future keys, so the row no longer sums to 1: set the future scores to −∞ first, then take the softmax.",
    "slip_mask_after_renorm": "Your {got} masks after the softmax and renormalises the row: that gives the same weights, so check the arithmetic.",
    "slip_transposed": "Your {got} is K·Qᵀ, the cell [{col}, {row}]: the scores are Q·Kᵀ, query '{row}' along the row, key '{col}' down the column.",
    "slip_other_head": "Your {got} uses head {other}'s columns: head {h} takes columns {c0}–{c1}.",
    "slip_added": "Your {got} adds the heads' outputs: the heads are set side by side, so column {n} of Z is column {ch} of head {h} alone.",
    "slip_no_bias": "Your {got} leaves out the bias: add {bias}[{n}] = {b} to the dot product, as every row of this column gets it.",
    "slip_no_wo": "Your {got} is the concatenated Z without W_O: multiply that row of Z by column {n} of W_O.",
    "slip_exact": (
        "Your {got} is the exact value, but this scenario rounds the {stage_name} values by hand (decimals "
        "kept: {d}) and the later steps use the rounded numbers."
    ),
    "slip_rounded": (
        "Your {got} comes from rounding the {stage_name} values (decimals kept: {d}) before the next step: "
        "keep at least 4 decimals until the end."
    ),
    "quiz_summary": "Summary",
    "quiz_you": "you typed",
    "quiz_none": "No question was answered.",
    "quiz_all_right": "Nothing to revisit: every answer was right.",
    "quiz_revisit": (
        "Worth revisiting: {stages}. `mhsa-tutor run {cmd} --stage {first}` shows it again; `mhsa-tutor "
        "explain` works out any cell."
    ),
    "quiz_stopped": "Stopped after {k} of {n} questions.",
    "quiz_score": "score: {k}/{n}",
    # the page (views/page): its own words
    "page_about": "About this scenario",
    "page_theme": "Light / dark",
    "page_too_big": "This page holds {n} numbers: practice questions are embedded in pages of up to {limit} numbers. `mhsa-tutor quiz` asks them in the terminal at any size.",
    "page_practice": "Practice",
    "page_practice_title": "Practice on this stage",
    "page_answer": "Your answer",
    "page_check": "Check",
    "page_another": "Another cell",
    "page_mistakes": "Mistakes so far",
    "page_clear": "Clear the list",
    "page_you_typed": "you typed",
    "page_not_number": "‘{text}’ is not a number; type a number such as 0.77.",
    "page_rule": (
        "Work the asked number out by hand and type it. An answer is right within half a unit of its last "
        "decimal (0.77 accepts 0.765 to 0.775), and within 5 % of the value: type at least two significant figures."
    ),
    "page_no_question": "This stage has no number to compute. Go to a stage such as the scores or the softmax.",
    # the heatmap (views/page/heatmap.py)
    "heatmap_queries": "queries (rows)",
    "heatmap_keys": "keys (columns)",
    "new_header": (
        "A scenario written by `mhsa-tutor new` (seed {seed}). Edit any number or token, then run it:\n  "
        "mhsa-tutor run {path}\n  mhsa-tutor explain {path} --stage scores --row 1 --col 1"
    ),
    "new_values_small_int": (
        "Every number is a small integer from −2 to 2, so each step can be done by hand; W_Q and W_K stay "
        "within −1 to 1 to keep the scores small."
    ),
    "new_soft": "No softmax row of any head is one-hot here: every query spreads its weight over its keys.",
    "new_one_hot": (
        "Honestly: with these sizes and values, {n} softmax rows stay effectively one-hot (one weight above "
        "0.999 each); smaller numbers in W_Q and W_K soften them."
    ),
    "new_values_normal": (
        "X is drawn from the standard normal, the weights from the normal divided by √d_model = √{d}; all "
        "rounded to 2 decimals."
    ),
    "new_sizes": ("Sizes: T = {T}, d_model = {d}, heads = {h}, so each head has d_k = d_v = d_model / heads = {dk}."),
    "new_title": "Shown at the top of every view.",
    "new_description": "Optional: a sentence about the scenario, shown under the title.",
    "new_source": "Optional: where the numbers come from.",
    "new_tokens": "One row of X per token, in order (T = {T}).",
    "new_heads": (
        "Number of heads: the columns of W_Q, W_K and W_V must be a multiple of it (here {hk} = {h} × {dk})."
    ),
    "new_mask": (
        '"none": every token attends to every token; "causal": only to itself and the tokens before it; '
        '"sliding": only to itself and the window − 1 tokens just before it.'
    ),
    "new_scale": (
        '"sqrt_dk" divides the scores by √d_k, as the Transformer does; "none" and "sqrt_seq_len" are the alternatives.'
    ),
    "new_positions": '"sinusoidal": the Transformer sine/cosine positions are added to X; "learned": P (below X) is.',
    "new_window": "The sliding window W: token i sees tokens i − W + 1 … i.",
    "new_bias": '"alibi": each head adds −m·|i − j| to its scaled scores (Press et al. 2022).',
    "new_kv_heads": "Key/value heads G = {G}: W_K and W_V have G·d_k = {gk} columns; query heads share them in order.",
    "new_rope": 'RoPE (Su et al. 2021): Q and K of each head are rotated by their positions; style "half" or "interleaved".',
    "new_bias_term": "{name}: the bias added to every row of the product with {w}, one value per column ({n}).",
    "from_model_arrays": "Its matrices are in {npz} ({mb} MB): keep that file beside {path}.",
    "from_model_wrote": (
        "Wrote {path}: layer {layer} of the {model} model, T = {T} tokens, d_model = {d}, heads = {h}.\n"
        "Run it with: mhsa-tutor run {cmd}"
    ),
    "new_P": "P: the learned position of each token, T × d_model = {T} × {d}; the projections use X + P.",
    "new_X": "X: one row per token, d_model numbers each: T × d_model = {T} × {d}.",
    "new_W_Q": "W_Q: d_model × (heads · d_k) = {d} × {hk}. Q = X · W_Q; head h uses columns (h − 1)·d_k + 1 … h·d_k.",
    "new_W_K": "W_K: d_model × (heads · d_k) = {d} × {hk}, like W_Q. K = X · W_K.",
    "new_W_V": "W_V: d_model × (heads · d_v) = {d} × {hk}. V = X · W_V.",
    "new_W_K_gqa": (
        "W_K: d_model × (kv_heads · d_k) = {d} × {gk}: one block of d_k columns per key/value head. K = X · W_K."
    ),
    "new_W_V_gqa": "W_V: d_model × (kv_heads · d_v) = {d} × {gk}, like W_K. V = X · W_V.",
    "new_W_O": (
        "W_O: (heads · d_v) × d_out = {hk} × {d}. O = Z · W_O mixes the concatenated heads; delete W_O to "
        "stop at the concatenation."
    ),
    "new_rounding": (
        "Optional: round a stage by hand before the next stage uses it, as a source on paper may have "
        "done:\n[rounding]\nscaled = 2"
    ),
    "export_wrote": "Wrote {path} ({kind}, {size}).",
    "export_open_html": "Open it in a web browser (it works offline), e.g. {opener} {path}; click any number to see its arithmetic.",
    "export_open_svg": "Open it in a web browser or an image viewer, e.g. {opener} {path}.",
    "export_open_md": "Read it in any text editor, or a markdown viewer (its maths is GitHub's $…$).",
    "export_open_json": "Read it with any JSON tool, e.g. python3 -m json.tool {path}; every number is unrounded.",
    "export_open_npz": "Load it in Python with numpy.load: every stage's matrices as unrounded float64 arrays, "
    "named stage/matrix (a head's stages: stage/h1/matrix, …).",
    "new_wrote": "Wrote {path}: T = {T}, d_model = {d}, heads = {h}.\nRun it with: mhsa-tutor run {cmd}",
    "rounded_join": "; ",
    "rounded_item": "the {stage} values (decimals kept: {d})",
    "stage_name_input": "input",
    "stage_name_positions": "positions",
    "stage_name_params": "params",
    "stage_name_split": "split",
    "stage_name_rotary": "rotary",
    "stage_name_bias": "bias",
    "stage_name_masked": "masked",
    "stage_name_projections": "projections",
    "stage_name_scores": "scores",
    "stage_name_scaled": "scaled",
    "stage_name_softmax": "softmax",
    "stage_name_head_output": "head_output",
    "stage_name_concat": "concat",
    "stage_name_output": "output",
    "stage_name_online_softmax": "online_softmax",
    "stage_name_decode_qkv": "decode_qkv",
    "stage_name_kv_cache": "kv_cache",
    "stage_name_decode_scores": "decode_scores",
    "stage_name_decode_softmax": "decode_softmax",
    "stage_name_decode_output": "decode_output",
    "check_full": (
        "{mark} step {step} ('{tok}', position {pos}): z_t equals row '{tok}' of full causal attention "
        "(largest difference {diff}, tolerance {tol})"
    ),
    "check_ordinary": (
        "{mark} Z{sub} from the online softmax equals the ordinary softmax·V (largest difference {diff}, "
        "tolerance {tol}; NaN rows match NaN rows)"
    ),
    "check_join": "; ",
    "unit_rad": "rad",  # an angle's unit in the arithmetic lines
    "decode_step": (
        "step {step} ('{tok}', position {pos}): the cache held {before} rows and now holds {after}: "
        "{after} × {G} × ({dk} + {dv}) = {numbers} numbers, {bytes} bytes in fp16 for this layer "
        "({per_token} bytes a token); reading the {before} cached rows instead of recomputing them saves "
        "{rows} key and value projections ({macs} multiply-adds)"
    ),
    "decode_step_given": (
        "step {step} ('{tok}', position {pos}): the cache held {before} rows and now holds {after}: "
        "{after} × {G} × ({dk} + {dv}) = {numbers} numbers, {bytes} bytes in fp16 for this layer "
        "({per_token} bytes a token); {rows} cached key and value rows are read, not recomputed"
    ),
    "decode_extra_alibi": ", with ALiBi's bias −m·(t − j)",
    "decode_extra_window": ", with the window of {window}",
    "decode_extra_padding": ", with padding keys masked",
    "ex_os_final": "After the last block ({b}), divide the running output by the running sum once.",
    "ex_os_block": "Block {b} holds the keys {keys}.",
    "ex_os_none_seen": "No key has been seen yet (every key so far is masked): there is nothing to rescale, so r = 1.",
    "ex_os_first": "(the first block with a key: m_old = −∞, and the state so far is 0)",
    "ex_os_o": "Column {col} of O is feature {d} of o after block {b}.",
    "ex_dec_new": ("Step {step}: '{tok}' (position {pos}) is projected from its own row only; head {h}'s columns."),
    "ex_dec_rope": "RoPE turns it by its true position t = {pos} (counted from 0), not by 0.",
    "ex_cache_prefill": "'{tok}' (position {pos}) was cached by the prefill: its rotated key and its value, key/value head {g}.",
    "ex_cache_step": (
        "'{tok}' (position {pos}) was appended at step {step}: the k and v computed then (decode_qkv), "
        "key/value head {g}; the cache is never recomputed."
    ),
    "ex_dec_not_cached": "'{key}' (position {j}) comes after '{tok}' (position {pos}): it is not in the cache yet at this step.",
    "quiz_ask_online_softmax_m": "Online softmax: compute the running max {label} after block {n} of row '{row}'.",
    "quiz_ask_online_softmax_r": "Online softmax: compute the rescale factor {label} = e^(m_old − m_new) at block {n} of row '{row}'.",
    "quiz_ask_online_softmax_l": "Online softmax: compute the running sum {label} after block {n} of row '{row}'.",
    "quiz_ask_online_softmax_O": "Online softmax: compute the running output {label} (column {n}) of row '{row}'.",
    "quiz_ask_online_softmax_Z": "Online softmax: compute the result {label} = o / ℓ after the last block.",
    "quiz_ask_online_softmax": "Online softmax: compute {label}.",
    "quiz_ask_decode_qkv": "Decoding: compute feature {n} of the new token's {m}, {label} (its own row only; RoPE as the givens say).",
    "quiz_ask_decode_scores": "Decoding: compute the score {label}: the new query against the cached key of '{col}', scaled.",
    "quiz_ask_decode_softmax": "Decoding: compute the weight {label}: the softmax of the step's row of scores over the cache.",
    "quiz_ask_decode_output": "Decoding: compute the output {label}: the step's weights times column {n} of the cached values.",
    "slip_rope_zero": (
        "Your {got} rotates the new token at position 0: RoPE turns it by its true position t = {t}, as the "
        "cached keys were turned by theirs."
    ),
    "slip_reprojected": (
        "Your {got} re-projects the prefix (k_j = x_j·W_K) instead of reading the cache, whose keys were turned "
        "by RoPE at their positions: read row '{col}' of the cache."
    ),
    "slip_own_cache": (
        "Your {got} reads the cache of key/value head {h}: under GQA query head {h} reads the cache of key/value "
        "head {g}."
    ),
    "slip_no_rescale": (
        "Your {got} forgets to rescale: multiply the old sum and output by r = e^(m_old − m_new) = {r} before "
        "adding the block (the max moved from {m_old} to {m_new})."
    ),
    "slip_rescale_sign": (
        "Your {got} rescales with the wrong sign, e^(m_new − m_old): the factor is e^(m_old − m_new) = {r}, at "
        "most 1, because the old terms were measured against the smaller max."
    ),
    "slip_stale_max": (
        "Your {got} keeps the old max {m_old}: update it first, m = max(m_old, the block's scores) = {m_new}, "
        "then measure the block and rescale the rest against it."
    ),
    "list_tiling": "online softmax in key blocks of {b}",
    "list_decode": "KV-cache decoding of the last {n}",
    "new_decode": "the last `steps` tokens are generated one at a time with a KV cache, after a prefill of the others",
    "new_tiling": "also compute each head's softmax and A·V as FlashAttention does: online, over key blocks of `block`",
    # the offline page's controls and panel, and the attention heatmap (views/page)
    "page_prev": "← Previous",
    "page_next": "Next →",
    "page_stages": "Stages",
    "page_lang": "한국어",
    "page_arith": "Arithmetic of the cell",
    "page_hint": "Click a number (or focus it and press Enter) to see how it was computed.",
    "page_keys": "Keys: → / ← next and previous stage, Home / End first and last.",
    "page_inputs": "Read from (highlighted)",
    "page_legend": "Shading: attention weight",
    "page_masked": "masked (−∞ before softmax)",
    "page_min": "min",
    "page_max": "max",
    "heatmap_head": "head {h}",
    "heatmap_weight": "weight",
    "heatmap_masked": " (masked)",
    "heatmap_title": "attention weights",
}
