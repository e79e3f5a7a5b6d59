"""Every class of bad scenario file the issue lists, as (id, file content, field, phrase).

Shared by tests/test_scenario.py (the loader raises ScenarioError naming the
file and the field) and tests/test_cli_errors.py (exit 2, one ``error:`` line).
``field`` is None when the problem is the file as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass

BASE_X = """\
title = "bad"
tokens = ["a", "b", "c"]
heads = 1
mask = "none"
scale = "sqrt_dk"

[input]
X = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]

[weights]
W_Q = [[1.0, 0.0], [0.0, 1.0]]
W_K = [[1.0, 0.0], [0.0, 1.0]]
W_V = [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]
W_O = [[1.0], [1.0], [1.0]]
"""

BASE_QKV = """\
title = "bad"
tokens = ["a", "b"]
heads = 1

[input]
Q = [[1.0, 0.0], [0.0, 1.0]]
K = [[1.0, 1.0], [0.0, 1.0]]
V = [[1.0, 2.0], [3.0, 4.0]]
"""

BASE_CROSS = """\
title = "bad"
tokens = ["a", "b"]
memory_tokens = ["m", "n", "o"]
heads = 1

[input]
X = [[1.0, 2.0], [3.0, 4.0]]
memory = [[1.0], [2.0], [3.0]]

[weights]
W_Q = [[1.0], [1.0]]
W_K = [[1.0]]
W_V = [[1.0]]
"""

CHECK = """
[expected.c]
stage = "softmax"
head = 1
matrix = "A"
row = "a"
value = [0.5, 0.25, 0.25]
decimals = 2
"""


def sub(base: str, old: str, new: str) -> str:
    """``base`` with the one occurrence of ``old`` replaced (fails loudly if it is not there once)."""
    assert base.count(old) == 1, old
    return base.replace(old, new)


@dataclass(frozen=True)
class Bad:
    """A bad file: what the loader must say about it."""

    id: str
    content: str | bytes
    field: str | None  # the field the message must name, None for the file as a whole
    phrase: str  # what the message must also say (what was wrong or expected)


X_ROW = "[3.0, 4.0]"
HUGE_INT = "9" * 400

CASES: list[Bad] = [
    # ---- the file as a whole
    Bad("binary", b"\x00\x01\x02\x03title = 1", None, "binary"),
    Bad("not_utf8", b'title = "caf\xe9"\n', None, "UTF-8"),
    Bad("not_toml", "this is not a scenario, just prose.\n", None, "not valid TOML"),
    Bad("toml_syntax", sub(BASE_X, 'title = "bad"', 'title = "bad'), None, "not valid TOML"),
    Bad("toml_duplicate_key", BASE_X + "\n[input]\nX = [[1.0]]\n", None, "not valid TOML"),
    Bad("empty", "", None, "empty"),
    Bad("whitespace_only", " \n\t\n  \n", None, "empty"),
    Bad("comments_only", "# nothing here\n", "title", "missing"),
    Bad("digits_beyond_int_limit", sub(BASE_X, "heads = 1", "heads = " + "9" * 5000), None, "TOML"),
    Bad("nested_too_deep", "title = " + "[" * 5000 + "]" * 5000 + "\n", None, "TOML"),
    # ---- missing keys and sections
    Bad("missing_title", sub(BASE_X, 'title = "bad"\n', ""), "title", "missing"),
    Bad("missing_tokens", sub(BASE_X, 'tokens = ["a", "b", "c"]\n', ""), "tokens", "missing"),
    Bad("missing_heads", sub(BASE_X, "heads = 1\n", ""), "heads", "missing"),
    Bad("missing_input", sub(BASE_X, "[input]\nX = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]\n", ""), "input", "missing"),
    Bad("missing_X_in_input", sub(BASE_X, "X = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]\n", ""), "input", "X"),
    Bad("missing_W_Q", sub(BASE_X, "W_Q = [[1.0, 0.0], [0.0, 1.0]]\n", ""), "weights.W_Q", "missing"),
    Bad("missing_W_K", sub(BASE_X, "W_K = [[1.0, 0.0], [0.0, 1.0]]\n", ""), "weights.W_K", "missing"),
    Bad("missing_weights", BASE_X.split("[weights]")[0], "weights.W_Q", "missing"),
    Bad("missing_V", sub(BASE_QKV, "V = [[1.0, 2.0], [3.0, 4.0]]\n", ""), "input.V", "missing"),
    Bad("missing_memory", sub(BASE_CROSS, "memory = [[1.0], [2.0], [3.0]]\n", ""), "input.memory", "missing"),
    Bad("missing_memory_tokens", sub(BASE_CROSS, 'memory_tokens = ["m", "n", "o"]\n', ""), "memory", "memory_tokens"),
    # ---- unknown keys and sections: a typo is never ignored
    Bad("unknown_top_key", sub(BASE_X, "heads = 1", "heads = 1\nhead = 2"), "head", "did you mean heads?"),
    Bad("typo_title", sub(BASE_X, 'title = "bad"', 'titel = "bad"'), "titel", "did you mean title?"),
    Bad("unknown_section", BASE_X + "\n[extras]\nx = 1\n", "extras", "not a known key"),
    Bad("unknown_input_key", sub(BASE_X, "[weights]", "Y = [[1.0]]\n\n[weights]"), "input.Y", "not a known key"),
    Bad("typo_weight", sub(BASE_X, "W_O = ", "W_OO = "), "weights.W_OO", "did you mean W_O?"),
    Bad("typo_rounding", BASE_X + "\n[rounding]\nscaeld = 1\n", "rounding.scaeld", "did you mean scaled?"),
    Bad("unknown_checkpoint_key", BASE_X + CHECK + 'nte = "x"\n', "expected.c.nte", "did you mean note?"),
    Bad("unknown_article", sub(BASE_X, "heads = 1", 'heads = 1\narticle = "warfield"'), "article", "warfield2024"),
    Bad("article_not_string", sub(BASE_X, "heads = 1", "heads = 1\narticle = 2000"), "article", "expected one of"),
    Bad("title_ko_not_string", sub(BASE_X, "heads = 1", "heads = 1\ntitle_ko = 1"), "title_ko", "expected a string"),
    Bad("source_ko_not_string", sub(BASE_X, "heads = 1", "heads = 1\nsource_ko = []"), "source_ko", "a string"),
    Bad("note_ko_not_string", BASE_X + CHECK + "note_ko = 3\n", "expected.c.note_ko", "expected a string"),
    # ---- wrong types
    Bad("title_not_string", sub(BASE_X, 'title = "bad"', "title = 1"), "title", "expected a string"),
    Bad("description_not_string", sub(BASE_X, "heads = 1", "heads = 1\ndescription = 5"), "description", "string"),
    Bad("tokens_a_string", sub(BASE_X, '["a", "b", "c"]', '"a b c"'), "tokens", "expected a list of strings"),
    Bad("token_a_number", sub(BASE_X, '["a", "b", "c"]', '["a", 2, "c"]'), "tokens[2]", "expected a string"),
    Bad("token_a_boolean", sub(BASE_X, '["a", "b", "c"]', '["a", "b", true]'), "tokens[3]", "expected a string"),
    Bad("heads_a_string", sub(BASE_X, "heads = 1", 'heads = "1"'), "heads", "expected an integer"),
    Bad("heads_a_float", sub(BASE_X, "heads = 1", "heads = 1.5"), "heads", "expected an integer"),
    Bad("heads_true", sub(BASE_X, "heads = 1", "heads = true"), "heads", "expected an integer"),
    Bad("heads_a_list", sub(BASE_X, "heads = 1", "heads = [1]"), "heads", "expected an integer"),
    Bad("mask_a_number", sub(BASE_X, 'mask = "none"', "mask = 0"), "mask", "expected one of"),
    Bad("string_in_matrix", sub(BASE_X, X_ROW, '[3.0, "4"]'), "input.X[2][2]", "expected a number"),
    Bad("boolean_in_matrix", sub(BASE_X, X_ROW, "[true, 4.0]"), "input.X[2][1]", "expected a number"),
    Bad("date_in_matrix", sub(BASE_X, X_ROW, "[3.0, 1979-05-27]"), "input.X[2][2]", "expected a number"),
    Bad("matrix_a_string", sub(BASE_QKV, "V = [[1.0, 2.0], [3.0, 4.0]]", 'V = "identity"'), "input.V", "matrix"),
    Bad("matrix_a_number", sub(BASE_QKV, "V = [[1.0, 2.0], [3.0, 4.0]]", "V = 1.0"), "input.V", "matrix"),
    Bad("input_not_a_table", 'title = "bad"\ntokens = ["a"]\nheads = 1\ninput = 3\n', "input", "expected a table"),
    Bad("rounding_a_string", BASE_X + '\n[rounding]\nscaled = "1"\n', "rounding.scaled", "expected an integer"),
    # ---- ragged, mis-shaped, shapes that do not fit each other
    Bad("ragged_X", sub(BASE_X, X_ROW, "[3.0]"), "input.X", "ragged"),
    Bad(
        "ragged_W_Q",
        sub(BASE_X, "W_Q = [[1.0, 0.0], [0.0, 1.0]]", "W_Q = [[1.0, 0.0], [0.0]]"),
        "weights.W_Q",
        "ragged",
    ),
    Bad("flat_matrix", sub(BASE_QKV, "V = [[1.0, 2.0], [3.0, 4.0]]", "V = [1.0, 2.0]"), "input.V", "expected a list"),
    Bad("matrix_3d", sub(BASE_X, X_ROW, "[[3.0], [4.0]]"), "input.X[2][1]", "expected a number"),
    Bad("empty_matrix", sub(BASE_QKV, "V = [[1.0, 2.0], [3.0, 4.0]]", "V = []"), "input.V", "empty"),
    Bad("empty_row", sub(BASE_QKV, "V = [[1.0, 2.0], [3.0, 4.0]]", "V = [[], []]"), "input.V", "empty"),
    Bad("X_rows_vs_tokens", sub(BASE_X, ", [5.0, 6.0]]", "]"), "input.X", "expected 3 rows"),
    Bad(
        "W_Q_rows_vs_d_model",
        sub(BASE_X, "W_Q = [[1.0, 0.0], [0.0, 1.0]]", "W_Q = [[1.0, 0.0]]"),
        "weights.W_Q",
        "expected 2 rows",
    ),
    Bad(
        "W_K_cols_vs_W_Q",
        sub(BASE_X, "W_K = [[1.0, 0.0], [0.0, 1.0]]", "W_K = [[1.0], [0.0]]"),
        "weights.W_K",
        "expected 2×2",
    ),
    Bad("W_V_rows", sub(BASE_X, "W_V = [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]", "W_V = [[1.0]]"), "weights.W_V", "2 rows"),
    Bad("W_O_rows_vs_concat", sub(BASE_X, "W_O = [[1.0], [1.0], [1.0]]", "W_O = [[1.0]]"), "weights.W_O", "3 rows"),
    Bad("heads_not_dividing_W_Q", sub(BASE_X, "heads = 1", "heads = 3"), "weights.W_Q", "cannot split"),
    Bad("heads_not_dividing_W_V", sub(BASE_X, "heads = 1", "heads = 2"), "weights.W_V", "cannot split"),
    Bad("heads_not_dividing_Q", sub(BASE_QKV, "heads = 1", "heads = 3"), "input.Q", "cannot split"),
    Bad(
        "K_narrower_than_Q",
        sub(BASE_QKV, "K = [[1.0, 1.0], [0.0, 1.0]]", "K = [[1.0], [0.0]]"),
        "input.K",
        "as wide as Q",
    ),
    Bad("memory_rows_vs_memory_tokens", sub(BASE_CROSS, "[3.0]]", "[3.0], [4.0]]"), "input.memory", "3 rows"),
    Bad("W_K_rows_vs_memory", sub(BASE_CROSS, "W_K = [[1.0]]", "W_K = [[1.0], [1.0]]"), "weights.W_K", "memory"),
    Bad("X_and_Q_together", sub(BASE_X, "[weights]", "Q = [[1.0]]\n\n[weights]"), "input.Q", "either X"),
    Bad(
        "weights_with_given_QKV",
        BASE_QKV + "\n[weights]\nW_Q = [[1.0]]\n",
        "weights.W_Q",
        "expected only W_O (and b_O) in [weights]",
    ),
    Bad("causal_cross_attention", sub(BASE_CROSS, "heads = 1", 'heads = 1\nmask = "causal"'), "mask", "cross"),
    # ---- heads < 1, empty tokens
    Bad("heads_zero", sub(BASE_X, "heads = 1", "heads = 0"), "heads", "from 1 to 128"),
    Bad("heads_negative", sub(BASE_X, "heads = 1", "heads = -2"), "heads", "from 1 to 128"),
    Bad("tokens_empty", sub(BASE_X, '["a", "b", "c"]', "[]"), "tokens", "at least one token"),
    Bad("token_empty_string", sub(BASE_X, '["a", "b", "c"]', '["a", "", "c"]'), "tokens[2]", "empty"),
    Bad("memory_tokens_empty", sub(BASE_CROSS, '["m", "n", "o"]', "[]"), "memory_tokens", "at least one"),
    # ---- NaN, ±inf, overflow
    Bad("nan", sub(BASE_X, X_ROW, "[3.0, nan]"), "input.X[2][2]", "finite"),
    Bad("inf", sub(BASE_X, X_ROW, "[inf, 4.0]"), "input.X[2][1]", "finite"),
    Bad(
        "minus_inf",
        sub(BASE_X, "W_O = [[1.0], [1.0], [1.0]]", "W_O = [[1.0], [-inf], [1.0]]"),
        "weights.W_O[2][1]",
        "finite",
    ),
    Bad("nan_in_Q", sub(BASE_QKV, "Q = [[1.0, 0.0]", "Q = [[1.0, -nan]"), "input.Q[1][2]", "finite"),
    Bad("value_1e200", sub(BASE_X, X_ROW, "[1e200, 4.0]"), "input.X[2][1]", "overflow"),
    Bad("value_minus_1e300", sub(BASE_X, "W_Q = [[1.0, 0.0]", "W_Q = [[-1e300, 0.0]"), "weights.W_Q[1][1]", "overflow"),
    Bad("huge_integer", sub(BASE_X, X_ROW, f"[3.0, {HUGE_INT}]"), "input.X[2][2]", "overflow"),
    # ---- unknown mask or scale
    Bad("unknown_mask", sub(BASE_X, 'mask = "none"', 'mask = "casual"'), "mask", "'causal'"),
    Bad("unknown_scale", sub(BASE_X, 'scale = "sqrt_dk"', 'scale = "sqrt_d"'), "scale", "'sqrt_dk'"),
    Bad("scale_wrong_case", sub(BASE_X, 'scale = "sqrt_dk"', 'scale = "SQRT_DK"'), "scale", "expected one of"),
    # ---- [rounding] and [expected] that do not fit the scenario
    Bad(
        "rounding_absent_stage",
        sub(BASE_X, 'scale = "sqrt_dk"', 'scale = "none"') + "\n[rounding]\nscaled = 1\n",
        "rounding.scaled",
        "does not have",
    ),
    Bad("rounding_too_many_decimals", BASE_X + "\n[rounding]\nscores = 13\n", "rounding.scores", "0 to 12"),
    Bad(
        "checkpoint_unknown_stage",
        BASE_X + sub(CHECK, '"softmax"', '"attention"'),
        "expected.c.stage",
        "expected a stage",
    ),
    Bad("checkpoint_head_out_of_range", BASE_X + sub(CHECK, "head = 1", "head = 2"), "expected.c.head", "1 to 1"),
    Bad(
        "checkpoint_unknown_token", BASE_X + sub(CHECK, 'row = "a"', 'row = "z"'), "expected.c.row", "expected a token"
    ),
    Bad(
        "checkpoint_wrong_length", BASE_X + sub(CHECK, "0.5, 0.25, 0.25", "0.5, 0.5"), "expected.c.value", "expected 3"
    ),
    Bad(
        "checkpoint_huge_cell",
        BASE_X
        + sub(CHECK, 'row = "a"', 'row = "a"\ncol = "b"').replace("value = [0.5, 0.25, 0.25]", f"value = {HUGE_INT}"),
        "expected.c.value",
        "too large",
    ),
    Bad(
        "checkpoint_nan_cell",
        BASE_X + sub(CHECK, 'row = "a"', 'row = "a"\ncol = "b"').replace("value = [0.5, 0.25, 0.25]", "value = nan"),
        "expected.c.value",
        "finite",
    ),
]


# ---- the variants (issue 14): each new field's wrong values
BASE_X2 = sub(BASE_X, "W_V = [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]", "W_V = [[1.0, 0.0], [0.0, 1.0]]").replace(
    "W_O = [[1.0], [1.0], [1.0]]", "W_O = [[1.0], [1.0]]"
)  # d_k = d_v = 2, so heads = 2 splits every matrix
BASE_X2H = sub(BASE_X2, "heads = 1", "heads = 2")
VARIANT_CASES: list[Bad] = [
    Bad(
        "rope_odd_dk",
        BASE_X.replace("[[1.0, 0.0], [0.0, 1.0]]", "[[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]") + "\n[rope]\n",
        "rope",
        "even d_k",
    ),
    Bad("rope_odd_dk_given", sub(BASE_QKV, "heads = 1", "heads = 2") + "\n[rope]\n", "rope", "d_k = 1"),
    Bad("rope_bad_style", BASE_X2 + '\n[rope]\nstyle = "halves"\n', "rope.style", "did you mean"),
    Bad("rope_bad_base", BASE_X2 + "\n[rope]\nbase = 0.5\n", "rope.base", "greater than 1"),
    # base 1 would turn every pair by the same angle (θ_j = 1^(−2j/d) = 1): not a rotary embedding
    Bad("rope_base_one", BASE_X2 + "\n[rope]\nbase = 1\n", "rope.base", "greater than 1"),
    Bad("rope_unknown_key", BASE_X2 + "\n[rope]\ntheta = 2.0\n", "rope.theta", "not a known key"),
    Bad("window_zero", sub(BASE_X, 'mask = "none"', 'mask = "sliding"\nwindow = 0'), "window", "from 1 to 4096"),
    Bad("window_missing", sub(BASE_X, 'mask = "none"', 'mask = "sliding"'), "window", "missing"),
    Bad("window_without_sliding", sub(BASE_X, 'mask = "none"', 'mask = "causal"\nwindow = 2'), "window", "sliding"),
    Bad("window_not_int", sub(BASE_X, 'mask = "none"', 'mask = "sliding"\nwindow = 1.5'), "window", "integer"),
    Bad("kv_heads_not_divisor", sub(BASE_X2H, "heads = 2", "heads = 2\nkv_heads = 3"), "kv_heads", "1 to 2"),
    Bad(
        "kv_heads_not_dividing",
        sub(BASE_X, "heads = 1", "heads = 3\nkv_heads = 2").replace("W_O = [[1.0], [1.0], [1.0]]\n", ""),
        "kv_heads",
        "does not divide",
    ),
    Bad("kv_heads_zero", sub(BASE_X, "heads = 1", "heads = 1\nkv_heads = 0"), "kv_heads", "is 0"),
    Bad(
        "kv_heads_wrong_W_K",
        sub(BASE_X2H, "heads = 2", "heads = 2\nkv_heads = 1"),
        "weights.W_K",
        "kv_heads·d_k",
    ),
    Bad(
        "blocked_wrong_shape",
        sub(BASE_X, 'mask = "none"', 'mask = "custom"').replace("[weights]", "blocked = [[true, false]]\n\n[weights]"),
        "input.blocked",
        "expected 3×3",
    ),
    Bad(
        "blocked_not_bool",
        sub(BASE_X, 'mask = "none"', 'mask = "custom"').replace(
            "[weights]", "blocked = [[1, 0, 0], [0, 0, 0], [0, 0, 0]]\n\n[weights]"
        ),
        "input.blocked[1][1]",
        "true or false",
    ),
    Bad("blocked_missing", sub(BASE_X, 'mask = "none"', 'mask = "custom"'), "input.blocked", "missing"),
    Bad(
        "blocked_without_custom",
        sub(
            BASE_X,
            "[weights]",
            "blocked = [[true, false, false], [false, false, false], [false, false, false]]\n\n[weights]",
        ),
        "input.blocked",
        "custom",
    ),
    Bad(
        "padding_wrong_length",
        sub(BASE_X, "[weights]", "padding = [true, false]\n\n[weights]"),
        "input.padding",
        "expected 3",
    ),
    Bad("padding_not_list", sub(BASE_X, "[weights]", "padding = true\n\n[weights]"), "input.padding", "one boolean"),
    Bad(
        "positions_with_qkv", sub(BASE_QKV, "heads = 1", 'heads = 1\npositions = "sinusoidal"'), "positions", "input.X"
    ),
    Bad(
        "positions_unknown", sub(BASE_X, "heads = 1", 'heads = 1\npositions = "sinusoid"'), "positions", "did you mean"
    ),
    Bad("learned_without_P", sub(BASE_X, "heads = 1", 'heads = 1\npositions = "learned"'), "input.P", "missing"),
    Bad(
        "P_wrong_shape",
        sub(BASE_X, "heads = 1", 'heads = 1\npositions = "learned"').replace(
            "[weights]", "P = [[1.0, 2.0]]\n\n[weights]"
        ),
        "input.P",
        "expected 3×2",
    ),
    Bad("P_without_learned", sub(BASE_X, "[weights]", "P = [[1.0, 2.0]]\n\n[weights]"), "input.P", "learned"),
    Bad("bias_unknown", sub(BASE_X, "heads = 1", 'heads = 1\nbias = "alibis"'), "bias", "did you mean"),
    Bad("sliding_cross", sub(BASE_CROSS, "heads = 1", 'heads = 1\nmask = "sliding"\nwindow = 1'), "mask", "cross"),
]
CASES += VARIANT_CASES


#: One case of each kind of failure, for the layers above the validator (reading a file, the CLI's
#: error line): the validator itself is tested on every case, the layers above only pass its error on.
SAMPLE_IDS = ("binary", "not_utf8", "not_toml", "missing_title", "typo_weight", "ragged_X", "nan", "unknown_mask")
SAMPLE = tuple(c for c in CASES if c.id in SAMPLE_IDS)
