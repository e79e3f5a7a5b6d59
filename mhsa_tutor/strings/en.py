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
}

FORMULAS: dict[str, str] = {
    "input.given": "Q, K, V given",
    "input.x": "X",
    "input.cross": "X, M (memory)",
    "positions.sinusoidal": "X ← X + P,  P[pos, 2i] = sin(pos / 10000^(2i/d)),  P[pos, 2i+1] = cos(pos / 10000^(2i/d))",
    "positions.learned": "X ← X + P  (P: one learned row per position)",
    "params": "{names}",
    "projections": "Q = X·W_Q,  K = {m}·W_K,  V = {m}·W_V",
    "split.same": "Q{sub}, K{sub}, V{sub} = columns {c} of Q, K, V",
    "split.diff": "Q{sub}, K{sub}, V{sub} = columns {c} of Q, K and columns {v} of V",
    "split.gqa": "Q{sub} = columns {c} of Q;  K{sub}, V{sub} = key/value head {g}: columns {k} of K, {v} of V",
    "rotary": "(a, b) → (a·cos mθ − b·sin mθ, a·sin mθ + b·cos mθ),  θ_j = {base}^(−2j/{dk}),  m = position",
    "scores": "S = Q{sub} K{sub}ᵀ",
    "scaled.sqrt_dk": "S / √d_k = S / √{dk}",
    "scaled.sqrt_seq_len": "S / √T = S / √{Tk}",
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
    "output": "O = Z·W_O",
}

NOTES: dict[str, str] = {
    "input.narration.from_x": (
        "Each token is a row vector of d_model = {d_model} numbers: its embedding, usually with its position "
        "mixed in. X stacks the {T} rows into a {T} × {d_model} matrix; everything below is computed from it."
    ),
    "input.narration.cross": (
        "This is cross-attention: the memory M holds the encoder's {Tk} states. The queries will come from X "
        "(the decoder), the keys and values from M."
    ),
    "positions.narration.sinusoidal": (
        "Attention itself does not see order: shuffle the tokens and every token gets the same output as "
        "before. So the Transformer (Vaswani et al. 2017, §3.5) adds a position vector to each row: "
        "P[pos, 2i] = sin(pos / 10000^(2i/{d_model})) and P[pos, 2i+1] = cos(pos / 10000^(2i/{d_model})), for "
        "positions 0 to {T_1}. The projections below use X + P."
    ),
    "positions.narration.learned": (
        "Attention itself does not see order, so a learned position vector (one row per position, as in BERT "
        "and GPT-2) is added to each token: the projections below use X + P."
    ),
    "positions.pitfall.always": (
        "Pitfall: positions are added to the input, not appended, and they change every number after this "
        "point. Without them, the same word at two places gets exactly the same output."
    ),
    "input.narration.given_qkv": (
        "The source gives the queries, keys and values directly, so there are no weights to apply: Q is {T} × "
        "{hk}, K is {Tk} × {gk} and V is {Tk} × {gv}. One row per token."
    ),
    "params.narration.always": (
        "These are the learned parameters. W_Q turns a {d_model}-wide row into {hk} numbers (d_k = {d_k} per "
        "head, {heads} head(s)); W_K does the same for the rows the keys come from ({d_src} wide), and W_V "
        "makes {hv} numbers of them. Training sets them; here they are fixed so that every step can be "
        "followed by hand."
    ),
    "params.narration.gqa": (
        "These are the learned parameters. W_Q turns a {d_model}-wide row into {hk} numbers: {heads} query heads "
        "of d_k = {d_k}. W_K and W_V have only {G} key/value head(s) of columns ({gk} each, grouped-query "
        "attention): each key/value head serves {per} query head(s). Training sets them; here they are fixed so "
        "that every step can be followed by hand."
    ),
    "params.narration.has_wo": (
        "W_O ({hv} × {d_out}) is used at the very end, to mix the concatenated heads into the output."
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
    "split.narration.gqa": (
        "Grouped-query attention: {heads} query heads share {G} key/value head(s). Query head {h} uses "
        "key/value head {g} (⌊(h − 1)·G/H⌋ + 1), columns {k} of K and {v} of V, shared by query heads "
        "{shared}; as F.scaled_dot_product_attention(..., enable_gqa=True) repeats them. Fewer keys and "
        "values to store while generating, the same number of queries."
    ),
    "rotary.narration.always": (
        "RoPE (Su et al. 2021) puts the position into q and k by turning them: each pair of features (the "
        "{style} pairing) is rotated by the angle m·θ_j, where m is the token's position (0 for the first) "
        "and θ_j = {base}^(−2j/{d_k}). V is not rotated. The scores below use the rotated Q and K."
    ),
    "rotary.narration.rope_offset": (
        "Why it works: a rotation by m·θ dotted with a rotation by n·θ depends only on m − n. Here q of "
        "'{qi}' at position {i} and k of '{kj}' at position {j} give {now}; move both one place on (to {i1} "
        "and {j1}) and they still give {later}: only the offset {off} counts."
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
    "scores.pitfall.unscaled": (
        "Note: plain dot-product attention, as seed 004 writes it (and the classic encoder–decoder attention "
        "in seed 001), uses these scores as they are. The Transformer divides them by √d_k = √{d_k} ≈ "
        "{sqrt_dk}: smaller differences between scores, so a softer softmax that spreads the weight more "
        "evenly."
    ),
    "scaled.narration.sqrt_dk": (
        "Dividing by √d_k = √{d_k} ≈ {div} keeps the scores from growing with the key width: the variance of "
        "a dot product of d_k terms grows with d_k (its typical size with √d_k), and without the division the "
        "softmax would put almost all the weight on one key."
    ),
    "scaled.narration.sqrt_seq_len": (
        "This scenario divides by √T = √{Tk} ≈ {div}, the square root of the sequence length, because its source does."
    ),
    "scaled.pitfall.sqrt_seq_len": (
        "Pitfall: the standard (the Transformer paper, PyTorch) divides by √d_k = √{d_k} ≈ {sqrt_dk}, the key "
        "width of one head, not by √(sequence length) as seed 000 writes. The division is there because the "
        "variance of a dot product of d_k terms grows with d_k; the number of tokens has nothing to do with "
        "it."
    ),
    "scaled.pitfall.sqrt_dk": (
        "Pitfall: d_k is the width of one head's keys (here {d_k}), not d_model and not the number of tokens. "
        "Seed 001 slips on this in its own example: it writes 'the key dimension is 3' next to 4-wide keys "
        "and √4; there d_k = 4."
    ),
    "bias.narration.always": (
        "ALiBi (Press et al. 2022) adds no positions to the input. Instead each head adds −m·|i − j| to its "
        "scaled scores: the farther key j is from query i, the lower its score. This head's slope is m = "
        "{slope}; the {heads} head(s) have {slopes}, so some heads look far and some near."
    ),
    "bias.pitfall.always": (
        "Pitfall: the slopes are fixed, not learned: 2^(−8h/H) for H heads (a power of two), and for other "
        "head counts the paper interleaves the lists of the two nearest powers of two. The bias goes on the "
        "scaled scores, before the mask and the softmax."
    ),
    "masked.narration.always": (
        "A causal mask: token i may look only at tokens 1…i, never ahead. The scores of later tokens become "
        "−∞, so after the softmax their weight is exactly 0."
    ),
    "masked.narration.sliding": (
        "A sliding window of W = {window} (Longformer, Mistral): query i sees only keys j with i − {window} < j "
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
        "Pitfall: the mask goes on the scores, before the softmax: e^−∞ = 0, and every row still sums to 1. "
        "Zeroing weights after the softmax would leave rows that no longer sum to 1."
    ),
    "softmax.narration.always": (
        "Softmax turns each row of scores into weights: A_ij = e^(s_ij) / Σ_k e^(s_ik). Each weight lies "
        "between 0 and 1 and each row sums to 1. Subtracting the row's largest score first gives the same "
        "weights without overflow."
    ),
    "softmax.pitfall.self_not_highest": (
        "Seed 001 claims a token always attends most to itself. Not here: '{tok}' gives itself {w_self} but "
        "'{other}' {w_other} (head {h}). Attention follows q·k, and nothing makes q_i·k_i the largest."
    ),
    "softmax.pitfall.rounded": (
        "Rounding by hand changes results: this run rounds {rounded} before the next step uses them, as the "
        "source did; the source check shows what that changes. (It is why acting_machines prints 0.7685 where "
        "the exact weight is 0.7604.) Run with --exact to see the unrounded numbers."
    ),
    "softmax.pitfall.exact_ignores_rounding": (
        "This run ignores the source's hand rounding (--exact), so some numbers differ from what the source "
        "prints: the source check below shows where and why."
    ),
    "softmax.pitfall.dead_row": (
        "The row(s) {dead} show NaN: every key was masked, e^−∞ = 0 for all of them, and 0/0 is not a "
        "number. It is not an overflow; the masked stage says why it happens."
    ),
    "head_output.narration.always": (
        "Each token's new vector is the weighted sum of the value rows: z_i = Σ_j A_ij v_j. Z is {T} × {d_v}: "
        "for every token, a mix of the tokens it attends to."
    ),
    "concat.narration.single_head": (
        "With one head there is nothing to place beside it: the concatenation is Z₁ itself, {T} × {hv}."
    ),
    "concat.narration.multi_head": (
        "The heads' outputs are placed side by side: Z = [Z₁ | … | Z_{heads}] is {T} × {hv}. Each head keeps "
        "its own columns, so what different heads found stays apart."
    ),
    "concat.narration.no_wo": "This scenario has no W_O, so the concatenation is the final output.",
    "concat.pitfall.multi_head": (
        "Pitfall: seed 003 says the head results are 'added'. They are concatenated, then multiplied by W_O; "
        "adding would blend the heads before any learned weight could tell them apart."
    ),
    "output.narration.always": (
        "W_O ({hv} × {d_out}) mixes the concatenated heads into the final output O = Z·W_O, one row per "
        "token. This is where the heads' findings are combined."
    ),
    "output.pitfall.always": (
        "Pitfall: seed 003 writes this weight as W^Q; it is W_O, a learned matrix of its own. (It also reuses "
        "W^Q₁ for head 2: every head has its own query, key and value weights, here its own columns of W_Q, "
        "W_K and W_V.)"
    ),
}

UI: dict[str, str] = {
    "tokens": "tokens",
    "memory_tokens": "memory",
    "sizes": "sizes",
    "mask_scale": "mask, scale",
    "variants": "variants",
    "source": "source",
    "exact": "--exact",
    "exact_note": "the source's hand rounding is ignored",
    "cp_title": "Source check",
    "cp_where": "checkpoint",
    "cp_source": "source",
    "cp_computed": "computed",
    "cp_decimals": "decimals",
    "cp_differs": "✗ {where}: the source prints {want}, this run gives {got}. {note}",
    "step_prompt": "Enter/n next · b back · number jump · q quit · ? keys >",
    "step_help": "Keys: Enter or n = next stage, b = back, a number = jump to that stage, q = quit, ? = these keys.",
    "step_end": "That was the last stage.",
    "step_first": "This is the first stage.",
    "step_nostage": "There is no stage {n} here; choose {valid}.",
    "step_unknown": "Unknown key {key!r}; press ? for the keys.",
    "example": "Example:",
    "ex_given": "(given: nothing to compute)",
    "ex_split": (
        "(head {h} takes {w} columns: its column {c} is column ({h} − 1)·{w} + {c} = {src} of the whole matrix)"
    ),
    "ex_split_shared": "Query head {q} uses key/value head {h}, which query heads {shared} share (GQA).",
    "ex_blocked": "'{col}' (position {j}) comes after '{row}' (position {i}): j > i, so the causal mask blocks it.",
    "ex_self": "A token may always attend to itself (j = i = {i}), so the score is kept.",
    "ex_kept": "'{col}' (position {j}) is not after '{row}' (position {i}): j ≤ i, so the score is kept.",
    "ex_blocked_sliding": (
        "'{col}' (position {j}) is {w} or more places before '{row}' (position {i}): j ≤ i − {w}, so the "
        "sliding window blocks it."
    ),
    "ex_kept_sliding": "'{col}' (position {j}) is inside the window of '{row}': {i} − {w} < {j} ≤ {i}, so the score is kept.",
    "ex_blocked_custom": "blocked[{row}, {col}] is true, so the custom mask blocks it.",
    "ex_kept_custom": "blocked[{row}, {col}] is false, so the mask keeps it.",
    "ex_blocked_padding": "'{col}' is padding (key_padding_mask is true for it), so no query may attend to it.",
    "ex_rot": (
        "{name} of '{row}' sits at position {m}; feature {c} pairs with feature {o} ({style} pairing, pair "
        "j = {pj}), turned by the angle m·θ_j = {m} × {theta} = {angle} rad."
    ),
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
        "Rounded by hand to {d} decimal(s), as the source did: {v} is what the next stage uses; exactly it is {e}."
    ),
    "rounded_caption": (
        "{name}: rounded by hand to {decimals} decimal(s), as the source did; exact values with --exact"
    ),
    "quiz_title": "Quiz: {title} · {n} question(s)",
    "quiz_rule": (
        "Work each number out by hand and type it (q stops). An answer is right within half a unit of its "
        "last decimal (0.77 accepts 0.765 to 0.775), and within 5 % of the value: type at least two "
        "significant figures."
    ),
    "quiz_rule_tol": (
        "Work each number out by hand and type it (q stops). An answer is right within ±{tol} of the value."
    ),
    "quiz_seed": "seed {seed}: --seed {seed} asks these questions again.",
    "quiz_question": "Question {k}/{n}",
    "quiz_ask_positions": "Compute {label}: the position added to row '{row}', feature {n}.",
    "quiz_ask_projections": "Compute {label}: row '{row}' of the input times column {n} of W_{m}.",
    "quiz_ask_scores": "Compute the score {label}: the query of '{row}' dotted with the key of '{col}'.",
    "quiz_ask_scaled": "Scale the score: compute {label}.",
    "quiz_ask_rotary": "Rotate by position: compute {label}, using the angle and the paired feature given.",
    "quiz_ask_bias": "Add ALiBi's distance bias: compute {label}.",
    "quiz_ask_softmax": (
        "Compute the attention weight {label}: the softmax of row '{row}' of the scores, at key '{col}'."
    ),
    "quiz_ask_head_output": (
        "Compute head {h}'s output {label}: the weights of '{row}' times column {n} of head {h}'s values, summed."
    ),
    "quiz_ask_concat": (
        "Which number is {label}, column {n} of the concatenated heads? (Each head gives {dv} column(s).)"
    ),
    "quiz_ask_output": "Compute the output {label}: row '{row}' of the concatenated heads times column {n} of W_O.",
    "quiz_prompt": "answer (q to stop) >",
    "quiz_not_number": "{text!r} is not a number; type a number such as 0.77, or q to stop.",
    "quiz_right": "✓ Right: {label} = {value}",
    "quiz_wrong": "✗ Not quite: you typed {got}, but {label} = {value}. Here is how it is computed:",
    "quiz_summary": "Summary",
    "quiz_you": "you typed",
    "quiz_none": "No question was answered.",
    "quiz_all_right": "Nothing to revisit: every answer was right.",
    "quiz_revisit": (
        "Worth revisiting: {stages}. `mhsa-tutor run <scenario> --stage {first}` shows it again; `mhsa-tutor "
        "explain` works out any cell."
    ),
    "quiz_stopped": "Stopped after {k} of {n} questions.",
    "quiz_score": "score: {k}/{n}",
    "new_header": (
        "A scenario written by `mhsa-tutor new` (seed {seed}). Edit any number or token, then run it:\n  "
        "mhsa-tutor run {path}\n  mhsa-tutor explain {path} --stage scores --row 1 --col 1"
    ),
    "new_values_small_int": (
        "Every number is a small integer from -2 to 2, so each step can be done by hand; W_Q and W_K stay "
        "within -1 to 1, which keeps the scores small enough for the softmax to spread its weight."
    ),
    "new_values_normal": (
        "X is drawn from the standard normal, the weights from the normal divided by √d_model = √{d}; all "
        "rounded to 2 decimals."
    ),
    "new_sizes": (
        "Sizes: T = {T} token(s), d_model = {d}, heads = {h}, so each head has d_k = d_v = d_model / heads = {dk}."
    ),
    "new_title": "Shown at the top of every view.",
    "new_description": "Optional: a sentence about the scenario, shown under the title.",
    "new_source": "Optional: where the numbers come from.",
    "new_tokens": "One row of X per token, in order ({T} token(s)).",
    "new_heads": (
        "Number of heads: the columns of W_Q, W_K and W_V must be a multiple of it (here {hk} = {h} × {dk})."
    ),
    "new_mask": '"none": every token attends to every token; "causal": only to itself and the tokens before it.',
    "new_scale": (
        '"sqrt_dk" divides the scores by √d_k, as the Transformer does; "none" and "sqrt_seq_len" are the alternatives.'
    ),
    "new_positions": '"sinusoidal": the Transformer sine/cosine positions are added to X; "learned": P (below X) is.',
    "new_window": "The sliding window W: token i sees tokens i − W + 1 … i.",
    "new_bias": '"alibi": each head adds −m·|i − j| to its scaled scores (Press et al. 2022).',
    "new_kv_heads": "Key/value heads G = {G}: W_K and W_V have G·d_k = {gk} columns; query heads share them in order.",
    "new_rope": 'RoPE (Su et al. 2021): Q and K of each head are rotated by their positions; style "half" or "interleaved".',
    "new_P": "P: the learned position of each token, T × d_model = {T} × {d}; the projections use X + P.",
    "new_X": "X: one row per token, d_model numbers each: T × d_model = {T} × {d}.",
    "new_W_Q": "W_Q: d_model × (heads · d_k) = {d} × {hk}. Q = X · W_Q; head h uses columns (h − 1)·d_k + 1 … h·d_k.",
    "new_W_K": "W_K: d_model × (heads · d_k) = {d} × {hk}, like W_Q. K = X · W_K.",
    "new_W_V": "W_V: d_model × (heads · d_v) = {d} × {hk}. V = X · W_V.",
    "new_W_O": (
        "W_O: (heads · d_v) × d_out = {hk} × {d}. O = Z · W_O mixes the concatenated heads; delete W_O to "
        "stop at the concatenation."
    ),
    "new_rounding": (
        "Optional: round a stage by hand before the next stage uses it, as a source on paper may have "
        "done:\n[rounding]\nscaled = 2"
    ),
    "new_wrote": "Wrote {path}: {T} token(s), d_model {d}, {h} head(s).\nRun it with: mhsa-tutor run {cmd}",
    "rounded_join": "; ",
    "rounded_item": "the {stage} values to {d} decimal(s)",
    "stage_name_projections": "projections",
    "stage_name_scores": "scores",
    "stage_name_scaled": "scaled",
    "stage_name_softmax": "softmax",
    "stage_name_head_output": "head_output",
    "stage_name_concat": "concat",
    "stage_name_output": "output",
}
