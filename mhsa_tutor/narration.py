"""The narration catalogue: every sentence the tutor says about a stage, in English and Korean.

All teaching text lives in ``CATALOGUE`` (keyed by stage id) and ``UI``; code
elsewhere only picks entries and fills in the scenario's numbers with
``str.format`` fields (see ``facts``). Each entry has both languages: a test
fails when one is missing.

An entry is a ``Note``: ``kind`` is ``"narration"`` (what, why, shapes) or
``"pitfall"`` (where the sources go wrong, or learners often do), and ``when``
names the condition (in ``CONDITIONS``) under which it applies.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from mhsa_tutor.numbers import vec
from mhsa_tutor.trace import Matrix, Stage, Trace

LANGS = ("en", "ko")


@dataclass(frozen=True)
class Note:
    """One catalogue entry; ``text`` maps a language to a format string."""

    kind: str
    when: str
    text: Mapping[str, str]


def _n(when: str, en: str, ko: str) -> Note:
    return Note("narration", when, {"en": en, "ko": ko})


def _p(when: str, en: str, ko: str) -> Note:
    return Note("pitfall", when, {"en": en, "ko": ko})


#: Stage titles for display (the trace's own titles are English).
TITLES: dict[str, Mapping[str, str]] = {
    "input": {"en": "Input", "ko": "입력"},
    "params": {"en": "Learned weights", "ko": "학습되는 가중치"},
    "projections": {"en": "Projections: queries, keys and values", "ko": "투영: 쿼리, 키, 밸류"},
    "split": {"en": "Head {h}: its slice of Q, K and V", "ko": "헤드 {h}: Q, K, V 중 이 헤드의 열"},
    "scores": {
        "en": "Head {h}: scores, every query against every key",
        "ko": "헤드 {h}: 점수, 모든 쿼리와 모든 키의 내적",
    },
    "scaled": {"en": "Head {h}: scaled scores", "ko": "헤드 {h}: 점수 스케일링"},
    "masked": {"en": "Head {h}: causal mask", "ko": "헤드 {h}: 인과 마스킹"},
    "softmax": {"en": "Head {h}: attention weights", "ko": "헤드 {h}: 어텐션 가중치(소프트맥스)"},
    "head_output": {"en": "Head {h}: weighted sum of values", "ko": "헤드 {h}: 밸류의 가중합"},
    "concat": {"en": "Concatenate the heads", "ko": "헤드 이어 붙이기(concatenate)"},
    "output": {"en": "Output projection", "ko": "출력 투영"},
}

CATALOGUE: dict[str, tuple[Note, ...]] = {
    "input": (
        _n(
            "from_x",
            "Each token is a row vector of d_model = {d_model} numbers: its embedding, usually with its position "
            "mixed in. X stacks the {T} rows into a {T} × {d_model} matrix; everything below is computed from it.",
            "각 토큰은 d_model = {d_model}개의 숫자로 된 행 벡터입니다. 보통 임베딩에 위치 정보를 더한 값입니다. "
            "X는 이 {T}개의 행을 쌓은 {T} × {d_model} 행렬이고, 아래의 모든 계산이 여기서 출발합니다.",
        ),
        _n(
            "cross",
            "This is cross-attention: the memory M holds the encoder's {Tk} states. The queries will come from X "
            "(the decoder), the keys and values from M.",
            "이것은 크로스 어텐션입니다. 메모리 M에는 인코더의 상태 {Tk}개가 들어 있습니다. 쿼리는 X(디코더)에서, "
            "키와 밸류는 M에서 만들어집니다.",
        ),
        _n(
            "given_qkv",
            "The source gives the queries, keys and values directly, so there are no weights to apply: Q is "
            "{T} × {hk}, K is {Tk} × {hk} and V is {Tk} × {hv}. One row per token.",
            "출처가 쿼리, 키, 밸류를 바로 주기 때문에 곱할 가중치가 없습니다. Q는 {T} × {hk}, K는 {Tk} × {hk}, "
            "V는 {Tk} × {hv}이고, 행 하나가 토큰 하나입니다.",
        ),
    ),
    "params": (
        _n(
            "always",
            "These are the learned parameters. W_Q turns a {d_model}-wide row into {hk} numbers (d_k = {d_k} "
            "per head, {heads} head(s)); W_K does the same for the rows the keys come from ({d_src} wide), and W_V "
            "makes {hv} numbers of them. Training sets them; here they are fixed so that every step can be "
            "followed by hand.",
            "학습되는 매개변수입니다. W_Q는 너비 {d_model}인 행을 {hk}개의 숫자(헤드당 d_k = {d_k}, 헤드 "
            "{heads}개)로 바꾸고, W_K는 키를 만들 행(너비 {d_src})을 같은 크기로, W_V는 그 행을 {hv}개의 숫자로 "
            "바꿉니다. 실제로는 학습으로 정해지지만, 여기서는 손으로 따라갈 수 있도록 값을 고정해 두었습니다.",
        ),
        _n(
            "has_wo",
            "W_O ({hv} × {d_out}) is used at the very end, to mix the concatenated heads into the output.",
            "W_O({hv} × {d_out})는 맨 마지막에 이어 붙인 헤드들의 출력을 섞는 데 쓰입니다.",
        ),
    ),
    "projections": (
        _n(
            "always",
            "Every row is multiplied by each weight matrix. The query Q = X·W_Q says what a token is looking for, "
            "the key K = {m}·W_K what it offers, and the value V = {m}·W_V what it passes on. Each cell is the dot "
            "product of one input row with one column of W.",
            "각 행에 가중치 행렬을 곱합니다. 쿼리 Q = X·W_Q는 토큰이 무엇을 찾는지, 키 K = {m}·W_K는 무엇을 "
            "내놓는지, 밸류 V = {m}·W_V는 무엇을 전달하는지를 나타냅니다. 각 칸은 입력의 한 행과 W의 한 열의 "
            "내적입니다.",
        ),
    ),
    "split": (
        _n(
            "always",
            "Head {h} takes columns {c0}–{c1} of Q and K (d_k = {d_k}) and columns {v0}–{v1} of V (d_v = {d_v}), "
            "the same slice PyTorch's nn.MultiheadAttention gives it. Each head computes attention on its own "
            "slice, independently of the others.",
            "{h}번 헤드는 Q와 K의 {c0}–{c1}번째 열(d_k = {d_k})과 V의 {v0}–{v1}번째 열(d_v = {d_v})을 "
            "가져갑니다. PyTorch의 nn.MultiheadAttention과 같은 방식입니다. 각 헤드는 자기 열만 가지고 다른 "
            "헤드와 독립적으로 어텐션을 계산합니다.",
        ),
    ),
    "scores": (
        _n(
            "always",
            "Each score S_ij = q_i · k_j measures how well query i matches key j: the larger the dot product, the "
            "more token i will look at token j. S is {T} × {Tk}: one row per query, one column per key.",
            "점수 S_ij = q_i · k_j는 쿼리 i와 키 j가 얼마나 잘 맞는지를 잽니다. 내적이 클수록 토큰 i가 토큰 j를 "
            "더 많이 보게 됩니다. S는 {T} × {Tk} 행렬로, 행은 쿼리, 열은 키입니다.",
        ),
        _p(
            "unscaled",
            "Note: plain dot-product attention, as seed 004 writes it (and the classic encoder–decoder attention "
            "in seed 001), uses these scores as they are. The Transformer divides them by √d_k = √{d_k} ≈ {sqrt_dk}: "
            "smaller differences between scores, so a softer softmax that spreads the weight more evenly.",
            "참고: 시드 004가 쓰는 단순 내적(dot-product) 어텐션(시드 001의 고전적인 인코더–디코더 어텐션도 "
            "마찬가지)은 이 점수를 그대로 씁니다. 트랜스포머는 점수를 √d_k(= √{d_k} ≈ {sqrt_dk})로 나눕니다. 그러면 점수 "
            "사이의 차이가 줄어 소프트맥스가 덜 뾰족해지고, 가중치가 더 고르게 퍼집니다.",
        ),
    ),
    "scaled": (
        _n(
            "sqrt_dk",
            "Dividing by √d_k = √{d_k} ≈ {div} keeps the scores from growing with the key width: the variance of a "
            "dot product of d_k terms grows with d_k (its typical size with √d_k), and without the division the "
            "softmax would put almost all the weight on one key.",
            "√d_k(= √{d_k} ≈ {div})로 나누면 키의 너비가 커져도 점수가 덩달아 커지지 않습니다. d_k개 항을 더한 "
            "내적은 분산이 d_k에 비례해 커지는데(전형적인 크기는 √d_k에 비례), 나누지 않으면 소프트맥스가 "
            "가중치를 거의 전부 키 하나에 몰아 줍니다.",
        ),
        _n(
            "sqrt_seq_len",
            "This scenario divides by √T = √{Tk} ≈ {div}, the square root of the sequence length, because its "
            "source does.",
            "이 시나리오는 출처를 따라 시퀀스 길이의 제곱근인 √T(= √{Tk} ≈ {div})로 나눕니다.",
        ),
        _p(
            "sqrt_seq_len",
            "Pitfall: the standard (the Transformer paper, PyTorch) divides by √d_k = √{d_k} ≈ {sqrt_dk}, the key "
            "width of one head, not by √(sequence length) as seed 000 writes. The division is there because the "
            "variance of a dot product of d_k terms grows with d_k; the number of tokens has nothing to do with it.",
            "주의: 표준(트랜스포머 논문, PyTorch)은 한 헤드의 키 너비의 제곱근인 √d_k(= √{d_k} ≈ {sqrt_dk})로 "
            "나눕니다. 시드 000은 시퀀스 길이의 제곱근으로 나누지만, 이는 표준이 아닙니다. 나누는 이유는 d_k개 "
            "항을 더한 내적의 분산이 d_k에 비례해 커지기 때문이며, 토큰 수와는 관계가 없습니다.",
        ),
        _p(
            "sqrt_dk",
            "Pitfall: d_k is the width of one head's keys (here {d_k}), not d_model and not the number of tokens. "
            "Seed 001 slips on this in its own example: it writes 'the key dimension is 3' next to 4-wide keys "
            "and √4; there d_k = 4.",
            "주의: d_k는 한 헤드의 키 너비(여기서는 {d_k})이며, d_model도 토큰 수도 아닙니다. 시드 001은 자기 "
            "예제에서 이를 헷갈립니다. 키의 너비가 4이고 √4로 나누면서 '키의 차원은 3'이라고 썼는데, 그 예제의 "
            "d_k는 4입니다.",
        ),
    ),
    "masked": (
        _n(
            "always",
            "A causal mask: token i may look only at tokens 1…i, never ahead. The scores of later tokens become "
            "−∞, so after the softmax their weight is exactly 0.",
            "인과(causal) 마스킹입니다. 토큰 i는 1…i번째 토큰만 볼 수 있고, 뒤에 오는 토큰은 볼 수 없습니다. "
            "뒤쪽 토큰의 점수를 −∞로 바꾸므로 소프트맥스를 거치면 그 가중치는 정확히 0이 됩니다.",
        ),
        _p(
            "always",
            "Pitfall: the mask goes on the scores, before the softmax: e^−∞ = 0, and every row still sums to 1. "
            "Zeroing weights after the softmax would leave rows that no longer sum to 1.",
            "주의: 마스킹은 소프트맥스 전에 점수에 적용합니다. e^−∞ = 0이므로 각 행의 합은 여전히 1입니다. "
            "소프트맥스 뒤에 가중치를 0으로 만들면 행의 합이 더 이상 1이 되지 않습니다.",
        ),
    ),
    "softmax": (
        _n(
            "always",
            "Softmax turns each row of scores into weights: A_ij = e^(s_ij) / Σ_k e^(s_ik). Each weight lies between "
            "0 and 1 and each row sums to 1. Subtracting the row's largest score first gives the same weights "
            "without overflow.",
            "소프트맥스는 점수의 각 행을 가중치로 바꿉니다: A_ij = e^(s_ij) / Σ_k e^(s_ik). 가중치는 0과 1 "
            "사이이고 각 행의 합은 1입니다. 먼저 행의 최댓값을 빼도 가중치는 같고, 오버플로를 막을 수 있습니다.",
        ),
        _p(
            "self_not_highest",
            "Seed 001 claims a token always attends most to itself. Not here: '{tok}' gives itself {w_self} but "
            "'{other}' {w_other} (head {h}). Attention follows q·k, and nothing makes q_i·k_i the largest.",
            "시드 001은 토큰이 항상 자기 자신에게 가장 크게 주목한다고 말하지만, 여기서는 그렇지 않습니다. "
            "'{tok}' 행에서 자기 자신의 가중치는 {w_self}인데, '{other}'의 가중치({w_other})가 더 큽니다"
            "({h}번 헤드). 어텐션은 q·k를 따를 뿐이고, q_i·k_i가 가장 크다는 보장은 없습니다.",
        ),
        _p(
            "rounded",
            "Rounding by hand changes results: this run rounds {rounded} before the next step uses them, as the "
            "source did; the source check shows what that changes. (It is why acting_machines prints 0.7685 where "
            "the exact weight is 0.7604.) Run with --exact to see the unrounded numbers.",
            "손계산으로 반올림하면 결과가 달라집니다. 이 실행은 출처처럼 {rounded} 반올림한 뒤 다음 단계에 씁니다. "
            "무엇이 달라지는지는 출처 대조에서 볼 수 있습니다. (acting_machines의 출처가 정확한 값 0.7604 대신 "
            "0.7685를 싣는 것도 이 때문입니다.) --exact로 실행하면 반올림하지 않은 값을 볼 수 있습니다.",
        ),
        _p(
            "exact_ignores_rounding",
            "This run ignores the source's hand rounding (--exact), so some numbers differ from what the source "
            "prints: the source check below shows where and why.",
            "이 실행은 출처의 손계산 반올림을 무시하므로(--exact) 출처에 실린 값과 다른 숫자가 있습니다. 아래 출처 "
            "대조에서 어디가 왜 다른지 볼 수 있습니다.",
        ),
    ),
    "head_output": (
        _n(
            "always",
            "Each token's new vector is the weighted sum of the value rows: z_i = Σ_j A_ij v_j. Z is {T} × {d_v}: "
            "for every token, a mix of the tokens it attends to.",
            "각 토큰의 새 벡터는 밸류 행들의 가중합입니다: z_i = Σ_j A_ij v_j. Z는 {T} × {d_v} 행렬이며, 각 행은 "
            "그 토큰이 주목한 토큰들을 섞어 만든 벡터입니다.",
        ),
    ),
    "concat": (
        _n(
            "single_head",
            "With one head there is nothing to place beside it: the concatenation is Z₁ itself, {T} × {hv}.",
            "헤드가 하나뿐이라 이어 붙일 것이 없습니다. 이어 붙인 결과는 Z₁ 그대로이며 {T} × {hv}입니다.",
        ),
        _n(
            "multi_head",
            "The heads' outputs are placed side by side: Z = [Z₁ | … | Z_{heads}] is {T} × {hv}. Each head keeps "
            "its own columns, so what different heads found stays apart.",
            "헤드들의 출력을 나란히 이어 붙입니다: Z = [Z₁ | … | Z_{heads}]는 {T} × {hv}입니다. 헤드마다 자기 "
            "열을 유지하므로 헤드들이 찾은 정보가 서로 섞이지 않습니다.",
        ),
        _n(
            "no_wo",
            "This scenario has no W_O, so the concatenation is the final output.",
            "이 시나리오에는 W_O가 없으므로 이어 붙인 결과가 최종 출력입니다.",
        ),
        _p(
            "multi_head",
            "Pitfall: seed 003 says the head results are 'added'. They are concatenated, then multiplied by W_O; "
            "adding would blend the heads before any learned weight could tell them apart.",
            "주의: 시드 003은 헤드의 결과를 '더한다'고 하지만, 실제로는 이어 붙인(concatenate) 뒤 W_O를 곱합니다. "
            "더해 버리면 학습된 가중치가 헤드를 구별하기도 전에 헤드들이 뒤섞입니다.",
        ),
    ),
    "output": (
        _n(
            "always",
            "W_O ({hv} × {d_out}) mixes the concatenated heads into the final output O = Z·W_O, one row per token. "
            "This is where the heads' findings are combined.",
            "W_O({hv} × {d_out})가 이어 붙인 헤드 출력을 섞어 최종 출력 O = Z·W_O를 만듭니다. 행 하나가 토큰 "
            "하나입니다. 여러 헤드가 찾은 정보가 합쳐지는 곳이 바로 여기입니다.",
        ),
        _p(
            "always",
            "Pitfall: seed 003 writes this weight as W^Q; it is W_O, a learned matrix of its own. (It also reuses "
            "W^Q₁ for head 2: every head has its own query, key and value weights, here its own columns of W_Q, "
            "W_K and W_V.)",
            "주의: 시드 003은 이 가중치를 W^Q라고 썼지만, 이것은 별도로 학습되는 W_O입니다. (헤드 2에 W^Q₁을 다시 "
            "쓴 것도 실수입니다. 헤드마다 자기 쿼리, 키, 밸류 가중치가 있으며, 여기서는 W_Q, W_K, W_V의 서로 다른 "
            "열이 그 역할을 합니다.)",
        ),
    ),
}

#: Text that is not about one stage: labels and captions.
UI: dict[str, Mapping[str, str]] = {
    "tokens": {"en": "tokens", "ko": "토큰"},
    "memory_tokens": {"en": "memory", "ko": "메모리 토큰"},
    "sizes": {"en": "sizes", "ko": "크기"},
    "mask_scale": {"en": "mask, scale", "ko": "마스크, 스케일"},
    "source": {"en": "source", "ko": "출처"},
    "exact": {"en": "--exact", "ko": "--exact"},
    "exact_note": {
        "en": "the source's hand rounding is ignored",
        "ko": "출처의 손계산 반올림을 무시합니다",
    },
    "cp_title": {"en": "Source check", "ko": "출처 대조"},
    "cp_where": {"en": "checkpoint", "ko": "확인 위치"},
    "cp_source": {"en": "source", "ko": "출처 값"},
    "cp_computed": {"en": "computed", "ko": "계산 값"},
    "cp_decimals": {"en": "decimals", "ko": "소수 자리"},
    "cp_differs": {
        "en": "✗ {where}: the source prints {want}, this run gives {got}. {note}",
        "ko": "✗ {where}: 출처는 {want}, 이 실행은 {got}입니다. {note}",
    },
    "step_prompt": {
        "en": "Enter/n next · b back · number jump · q quit · ? keys >",
        "ko": "Enter/n 다음 · b 이전 · 숫자 해당 단계로 · q 끝내기 · ? 도움말 >",
    },
    "step_help": {
        "en": "Keys: Enter or n = next stage, b = back, a number = jump to that stage, q = quit, ? = these keys.",
        "ko": "키: Enter 또는 n = 다음 단계, b = 이전 단계, 숫자 = 그 단계로 이동, q = 끝내기, ? = 이 도움말.",
    },
    "step_end": {"en": "That was the last stage.", "ko": "마지막 단계였습니다."},
    "step_first": {"en": "This is the first stage.", "ko": "첫 번째 단계입니다."},
    "step_nostage": {
        "en": "There is no stage {n} here; choose {valid}.",
        "ko": "여기에는 {n}번 단계가 없습니다. {valid} 중에서 고르세요.",
    },
    "step_unknown": {
        "en": "Unknown key {key!r}; press ? for the keys.",
        "ko": "알 수 없는 키 {key!r}입니다. ?를 누르면 키 목록이 나옵니다.",
    },
    "example": {"en": "Example:", "ko": "예시:"},
    "ex_given": {"en": "(given: nothing to compute)", "ko": "(주어진 값: 계산할 것이 없습니다)"},
    "ex_split": {
        "en": "(head {h} takes {w} columns: its column {c} is column ({h} − 1)·{w} + {c} = {src} of the whole matrix)",
        "ko": "({h}번 헤드는 열 {w}개를 가져갑니다. 이 헤드의 {c}번째 열은 전체 행렬의 ({h} − 1)·{w} + {c} = {src}번째 열입니다)",
    },
    "ex_blocked": {
        "en": "'{col}' (position {j}) comes after '{row}' (position {i}): j > i, so the causal mask blocks it.",
        "ko": "'{col}' 토큰(위치 {j})은 '{row}' 토큰(위치 {i})보다 뒤에 있습니다. j > i이므로 인과 마스크가 가립니다.",
    },
    "ex_self": {
        "en": "A token may always attend to itself (j = i = {i}), so the score is kept.",
        "ko": "토큰은 언제나 자기 자신을 볼 수 있으므로(j = i = {i}) 점수를 그대로 둡니다.",
    },
    "ex_kept": {
        "en": "'{col}' (position {j}) is not after '{row}' (position {i}): j ≤ i, so the score is kept.",
        "ko": "'{col}' 토큰(위치 {j})은 '{row}' 토큰(위치 {i})보다 뒤에 있지 않습니다. j ≤ i이므로 점수를 그대로 둡니다.",
    },
    "ex_stable": {
        "en": "Subtract the row's largest score, {m}, from every score first: the weights stay the same and e^x cannot overflow.",
        "ko": "먼저 모든 점수에서 행의 최댓값({m})을 뺍니다. 가중치는 그대로이고 e^x가 오버플로하지 않습니다.",
    },
    "ex_concat": {
        "en": "Column {c} of the concatenation is column {c2} of head {h}'s output.",
        "ko": "이어 붙인 행렬의 {c}번째 열은 헤드 {h} 출력의 {c2}번째 열입니다.",
    },
    "ex_rounded": {
        "en": "Rounded by hand to {d} decimal(s), as the source did: {v} is what the next stage uses; exactly it is {e}.",
        "ko": "출처처럼 소수 {d}자리로 손계산 반올림을 했습니다. 다음 단계에서 쓰는 값: {v}, 정확한 값: {e}.",
    },
    "rounded_caption": {
        "en": "{name}: rounded by hand to {decimals} decimal(s), as the source did; exact values with --exact",
        "ko": "{name}: 출처처럼 소수 {decimals}자리로 손계산 반올림을 한 값입니다. 정확한 값은 --exact로 볼 수 있습니다",
    },
    # ----------------------------------------------------------------- quiz (mhsa_tutor/quiz.py)
    "quiz_title": {"en": "Quiz: {title} · {n} question(s)", "ko": "퀴즈: {title} · {n}문제"},
    "quiz_rule": {
        "en": "Work each number out by hand and type it (q stops). An answer is right within half a unit of its last decimal (0.77 accepts 0.765 to 0.775), and within 5 % of the value: type at least two significant figures.",
        "ko": "숫자를 하나씩 손으로 계산해서 입력하세요(q를 입력하면 끝납니다). 입력한 마지막 자리의 반 단위까지는 맞은 것으로 봅니다(예: 0.77은 0.765부터 0.775까지). 단, 정답과의 차이가 5 % 이내여야 하니 유효숫자를 두 자리 이상 입력하세요.",
    },
    "quiz_rule_tol": {
        "en": "Work each number out by hand and type it (q stops). An answer is right within ±{tol} of the value.",
        "ko": "숫자를 하나씩 손으로 계산해서 입력하세요(q를 입력하면 끝납니다). 정답과의 차이가 ±{tol} 이내면 맞은 것으로 봅니다.",
    },
    "quiz_seed": {
        "en": "seed {seed}: --seed {seed} asks these questions again.",
        "ko": "시드 {seed}: --seed {seed}로 실행하면 같은 문제가 다시 나옵니다.",
    },
    "quiz_question": {"en": "Question {k}/{n}", "ko": "문제 {k}/{n}"},
    "quiz_ask_projections": {
        "en": "Compute {label}: row '{row}' of the input times column {n} of W_{m}.",
        "ko": "{label}의 값을 구하세요. 입력의 '{row}' 행과 W_{m}의 {n}번째 열의 내적입니다.",
    },
    "quiz_ask_scores": {
        "en": "Compute the score {label}: the query of '{row}' dotted with the key of '{col}'.",
        "ko": "점수 {label}의 값을 구하세요. '{row}'의 쿼리와 '{col}'의 키의 내적입니다.",
    },
    "quiz_ask_scaled": {
        "en": "Scale the score: compute {label}.",
        "ko": "스케일링한 점수 {label}의 값을 구하세요.",
    },
    "quiz_ask_softmax": {
        "en": "Compute the attention weight {label}: the softmax of row '{row}' of the scores, at key '{col}'.",
        "ko": "어텐션 가중치 {label}의 값을 구하세요. 점수의 '{row}' 행에 소프트맥스를 적용했을 때 키 '{col}' 자리의 값입니다.",
    },
    "quiz_ask_head_output": {
        "en": "Compute head {h}'s output {label}: the weights of '{row}' times column {n} of head {h}'s values, summed.",
        "ko": "헤드 {h}의 출력 {label}의 값을 구하세요. '{row}'의 가중치와 헤드 {h} 밸류의 {n}번째 열을 곱해서 더한 값입니다.",
    },
    "quiz_ask_concat": {
        "en": "Which number is {label}, column {n} of the concatenated heads? (Each head gives {dv} column(s).)",
        "ko": "{label}의 값은 무엇일까요? 이어 붙인 헤드 출력의 {n}번째 열입니다(헤드마다 열 {dv}개).",
    },
    "quiz_ask_output": {
        "en": "Compute the output {label}: row '{row}' of the concatenated heads times column {n} of W_O.",
        "ko": "출력 {label}의 값을 구하세요. 이어 붙인 헤드 출력의 '{row}' 행과 W_O의 {n}번째 열의 내적입니다.",
    },
    "quiz_prompt": {"en": "answer (q to stop) >", "ko": "답 (q: 끝내기) >"},
    "quiz_not_number": {
        "en": "{text!r} is not a number; type a number such as 0.77, or q to stop.",
        "ko": "{text!r}은(는) 숫자가 아닙니다. 0.77 같은 숫자를 입력하거나, 끝내려면 q를 입력하세요.",
    },
    "quiz_right": {"en": "✓ Right: {label} = {value}", "ko": "✓ 맞았습니다: {label} = {value}"},
    "quiz_wrong": {
        "en": "✗ Not quite: you typed {got}, but {label} = {value}. Here is how it is computed:",
        "ko": "✗ 틀렸습니다. 입력한 값은 {got}, 정답은 {label} = {value}입니다. 계산 과정은 이렇습니다:",
    },
    "quiz_summary": {"en": "Summary", "ko": "요약"},
    "quiz_you": {"en": "you typed", "ko": "입력"},
    "quiz_none": {"en": "No question was answered.", "ko": "답한 문제가 없습니다."},
    "quiz_all_right": {
        "en": "Nothing to revisit: every answer was right.",
        "ko": "다시 볼 단계가 없습니다. 모두 맞았습니다.",
    },
    "quiz_revisit": {
        "en": "Worth revisiting: {stages}. `mhsa-tutor run <scenario> --stage {first}` shows it again; `mhsa-tutor explain` works out any cell.",
        "ko": "다시 보면 좋은 단계: {stages}. `mhsa-tutor run <시나리오> --stage {first}`로 그 단계를 다시 볼 수 있고, `mhsa-tutor explain`으로 어느 칸이든 계산 과정을 볼 수 있습니다.",
    },
    "quiz_stopped": {
        "en": "Stopped after {k} of {n} questions.",
        "ko": "{n}문제 중 {k}문제를 풀고 멈췄습니다.",
    },
    "quiz_score": {"en": "score: {k}/{n}", "ko": "score: {k}/{n} (답한 {n}문제 중 {k}문제 맞힘)"},
    # ------------------------------------------- new scenario files (mhsa_tutor/generate.py)
    "new_header": {
        "en": "A scenario written by `mhsa-tutor new` (seed {seed}). Edit any number or token, then run it:\n  mhsa-tutor run {path}\n  mhsa-tutor explain {path} --stage scores --row 1 --col 1",
        "ko": "`mhsa-tutor new`로 만든 시나리오입니다(시드 {seed}). 숫자나 토큰을 마음대로 고친 뒤 실행해 보세요:\n  mhsa-tutor run {path}\n  mhsa-tutor explain {path} --stage scores --row 1 --col 1",
    },
    "new_values_small_int": {
        "en": "Every number is a small integer from -2 to 2, so each step can be done by hand; W_Q and W_K stay within -1 to 1, which keeps the scores small enough for the softmax to spread its weight.",
        "ko": "모든 숫자가 -2부터 2까지의 작은 정수라서 모든 단계를 손으로 계산할 수 있습니다. W_Q와 W_K는 -1부터 1까지만 써서, 점수가 너무 커지지 않고 소프트맥스가 가중치를 고루 나눌 수 있게 했습니다.",
    },
    "new_values_normal": {
        "en": "X is drawn from the standard normal, the weights from the normal divided by √d_model = √{d}; all rounded to 2 decimals.",
        "ko": "X는 표준정규분포에서 뽑았고, 가중치는 정규분포 값을 √d_model로 나누어(d_model = {d}) 뽑았습니다. 모두 소수 2자리로 반올림했습니다.",
    },
    "new_sizes": {
        "en": "Sizes: T = {T} token(s), d_model = {d}, heads = {h}, so each head has d_k = d_v = d_model / heads = {dk}.",
        "ko": "크기: 토큰 T = {T}개, d_model = {d}, 헤드 {h}개이므로 헤드마다 d_k = d_v = d_model / 헤드 수 = {dk}입니다.",
    },
    "new_title": {"en": "Shown at the top of every view.", "ko": "모든 화면의 맨 위에 표시되는 제목입니다."},
    "new_description": {
        "en": "Optional: a sentence about the scenario, shown under the title.",
        "ko": "선택 사항: 제목 아래에 표시되는 시나리오 설명입니다.",
    },
    "new_source": {"en": "Optional: where the numbers come from.", "ko": "선택 사항: 숫자의 출처입니다."},
    "new_tokens": {
        "en": "One row of X per token, in order ({T} token(s)).",
        "ko": "토큰마다 X의 행이 하나씩, 순서대로 대응합니다(토큰 {T}개).",
    },
    "new_heads": {
        "en": "Number of heads: the columns of W_Q, W_K and W_V must be a multiple of it (here {hk} = {h} × {dk}).",
        "ko": "헤드 수입니다. W_Q, W_K, W_V의 열 수는 헤드 수의 배수여야 합니다(여기서는 {hk} = {h} × {dk}).",
    },
    "new_mask": {
        "en": '"none": every token attends to every token; "causal": only to itself and the tokens before it.',
        "ko": '"none": 모든 토큰이 모든 토큰을 봅니다. "causal": 자기 자신과 앞쪽 토큰만 봅니다.',
    },
    "new_scale": {
        "en": '"sqrt_dk" divides the scores by √d_k, as the Transformer does; "none" and "sqrt_seq_len" are the alternatives.',
        "ko": '"sqrt_dk": 트랜스포머처럼 점수를 √d_k로 나눕니다. 그 밖에 "none", "sqrt_seq_len"을 쓸 수 있습니다.',
    },
    "new_X": {
        "en": "X: one row per token, d_model numbers each: T × d_model = {T} × {d}.",
        "ko": "X: 토큰마다 d_model개의 숫자로 된 행 하나. T × d_model = {T} × {d}.",
    },
    "new_W_Q": {
        "en": "W_Q: d_model × (heads · d_k) = {d} × {hk}. Q = X · W_Q; head h uses columns (h − 1)·d_k + 1 … h·d_k.",
        "ko": "W_Q: d_model × (헤드 수 · d_k) = {d} × {hk}. Q = X · W_Q이고, 헤드 h는 (h − 1)·d_k + 1 … h·d_k번째 열을 씁니다.",
    },
    "new_W_K": {
        "en": "W_K: d_model × (heads · d_k) = {d} × {hk}, like W_Q. K = X · W_K.",
        "ko": "W_K: W_Q와 같은 d_model × (헤드 수 · d_k) = {d} × {hk}. K = X · W_K.",
    },
    "new_W_V": {
        "en": "W_V: d_model × (heads · d_v) = {d} × {hk}. V = X · W_V.",
        "ko": "W_V: d_model × (헤드 수 · d_v) = {d} × {hk}. V = X · W_V.",
    },
    "new_W_O": {
        "en": "W_O: (heads · d_v) × d_out = {hk} × {d}. O = Z · W_O mixes the concatenated heads; delete W_O to stop at the concatenation.",
        "ko": "W_O: (헤드 수 · d_v) × d_out = {hk} × {d}. O = Z · W_O로 이어 붙인 헤드 출력을 섞습니다. W_O를 지우면 이어 붙이기에서 끝납니다.",
    },
    "new_rounding": {
        "en": "Optional: round a stage by hand before the next stage uses it, as a source on paper may have done:\n[rounding]\nscaled = 2",
        "ko": "선택 사항: 종이에 계산한 출처처럼, 다음 단계에서 쓰기 전에 어떤 단계의 값을 손으로 반올림할 수 있습니다:\n[rounding]\nscaled = 2",
    },
    "new_wrote": {
        "en": "Wrote {path}: {T} token(s), d_model {d}, {h} head(s).\nRun it with: mhsa-tutor run {cmd}",
        "ko": "{path}에 저장했습니다: 토큰 {T}개, d_model {d}, 헤드 {h}개.\n실행: mhsa-tutor run {cmd}",
    },
}


def ui(lang: str) -> dict[str, str]:
    """The UI strings in one language."""
    return {k: v[lang] for k, v in UI.items()}


#: The words inside the engine's formulas, in Korean (the symbols stay as they are).
FORMULA_KO: tuple[tuple[str, str], ...] = (
    (r"^Q, K, V given$", "Q, K, V (출처가 준 값)"),
    (r"^X, M \(memory\)$", "X, M (메모리)"),
    (r"= columns (\S+) of Q, K, V$", r"= Q, K, V의 \1번째 열"),
    (r"= columns (\S+) of Q, K and columns (\S+) of V$", r"= Q, K의 \1번째 열, V의 \2번째 열"),
    (r"^S_ij = −∞ where j > i \(no looking ahead\)$", "j > i인 곳의 S_ij = −∞ (뒤의 토큰을 미리 보지 않음)"),
    (r", row by row$", ", 행마다"),
)


def stage_formula(stage: Stage, lang: str) -> str:
    """The stage's formula for display: the trace's own, with its words in ``lang``."""
    if lang != "ko":
        return stage.formula
    text = stage.formula
    for pattern, repl in FORMULA_KO:
        text = re.sub(pattern, repl, text)
    return text


def stage_title(stage: Stage, lang: str) -> str:
    """The display title of a stage in ``lang``."""
    return TITLES[stage.id][lang].format(h=stage.head)


# ---------------------------------------------------------------------------- facts


def _self_not_highest(trace: Trace, stage: Stage) -> dict[str, object] | None:
    """The first token whose largest weight goes to another token (self-attention only)."""
    if stage.id != "softmax" or trace.info.memory_tokens is not None:
        return None
    A = stage.matrices["A"].values
    toks = trace.info.tokens
    for i in range(A.shape[0]):
        j = int(np.argmax(A[i]))
        if A[i, j] > A[i, i] + 1e-12:
            return {"tok": toks[i], "other": toks[j], "w_self": f"{A[i, i]:.4f}", "w_other": f"{A[i, j]:.4f}"}
    return None


#: Stage names in Korean, for sentences about rounding.
_STAGE_KO = {
    "projections": "Q, K, V",
    "scores": "점수",
    "scaled": "스케일링한 점수",
    "softmax": "어텐션 가중치",
    "head_output": "헤드 출력",
    "concat": "이어 붙인 출력",
    "output": "최종 출력",
}
#: Pitfalls whose numbers differ from head to head, so each head shows its own.
PER_HEAD_PITFALLS = frozenset({"self_not_highest"})


def _rounded_text(rounding: tuple[tuple[str, int], ...], lang: str) -> str:
    """``scaled to 1 decimal(s)`` / ``스케일링한 점수(scaled)를 소수 1자리로``, for every rounded stage."""
    if lang == "ko":
        return ", ".join(f"{_STAGE_KO.get(sid, sid)}({sid})를 소수 {d}자리로" for sid, d in rounding)
    return "; ".join(f"the {sid} values to {d} decimal(s)" for sid, d in rounding)


def facts(trace: Trace, stage: Stage, lang: str = "en") -> dict[str, object]:
    """Format fields for the catalogue's strings, from the trace alone."""
    info = trace.info
    h = stage.head or 1
    dk, dv = info.d_k, info.d_v
    out_dim = trace.stages[-1].matrices.get("O")
    params = next((s for s in trace.stages if s.id == "params"), None)
    d_src = params.matrices["W_K"].values.shape[0] if params is not None else info.d_model
    div = info.scale_divisor
    f: dict[str, object] = {
        "T": len(info.tokens),
        "Tk": len(info.key_tokens),
        "d_model": info.d_model,
        "d_src": d_src,
        "heads": info.heads,
        "d_k": dk,
        "d_v": dv,
        "hk": info.heads * dk,
        "hv": info.heads * dv,
        "d_out": out_dim.values.shape[1] if out_dim is not None else info.heads * dv,
        "h": h,
        "c0": (h - 1) * dk + 1,
        "c1": h * dk,
        "v0": (h - 1) * dv + 1,
        "v1": h * dv,
        "m": "M" if info.memory_tokens is not None else "X",
        "div": f"{div:.4f}",
        "sqrt_dk": f"{math.sqrt(dk):.4f}",
        "rounded": _rounded_text(info.rounding, lang),
    }
    return f


CONDITIONS: dict[str, Callable[[Trace, Stage], bool]] = {
    "always": lambda t, s: True,
    "from_x": lambda t, s: not t.info.given_qkv,
    "given_qkv": lambda t, s: t.info.given_qkv,
    "cross": lambda t, s: t.info.memory_tokens is not None,
    "has_wo": lambda t, s: "W_O" in s.matrices,
    "no_wo": lambda t, s: t.stages[-1].id != "output",
    "unscaled": lambda t, s: t.info.scale == "none",
    "sqrt_dk": lambda t, s: t.info.scale == "sqrt_dk",
    "sqrt_seq_len": lambda t, s: t.info.scale == "sqrt_seq_len",
    "multi_head": lambda t, s: t.info.heads > 1,
    "single_head": lambda t, s: t.info.heads == 1,
    "self_not_highest": lambda t, s: _self_not_highest(t, s) is not None,
    "rounded": lambda t, s: bool(t.info.rounding) and not t.exact and s.head in (None, 1),
    "exact_ignores_rounding": lambda t, s: bool(t.info.rounding) and t.exact and s.head in (None, 1),
}


def stage_notes(trace: Trace, stage: Stage, lang: str) -> list[tuple[str, str]]:
    """(kind, text) of every catalogue entry that applies to this stage, in order."""
    fields = facts(trace, stage, lang)
    extra = _self_not_highest(trace, stage)
    if extra:
        fields.update(extra)
    out = []
    for note in CATALOGUE.get(stage.id, ()):
        if note.kind == "pitfall" and note.when not in PER_HEAD_PITFALLS and stage.head not in (None, 1):
            continue  # said once, on head 1, not again for every head
        if CONDITIONS[note.when](trace, stage):
            out.append((note.kind, note.text[lang].format(**fields)))
    return out


def matrix_caption(trace: Trace, stage: Stage, name: str, m: Matrix, lang: str) -> str | None:
    """A line above a matrix, e.g. that it was rounded by hand."""
    if m.decimals is None:
        return None
    return UI["rounded_caption"][lang].format(name=name, decimals=m.decimals)


def checkpoint_text(trace: Trace, stage: Stage, lang: str) -> list[str]:
    """Why a checkpoint differs from the source (only for those that differ)."""
    from mhsa_tutor.checks import compare

    out = []
    info = trace.info
    for cp in trace.checkpoints:
        if cp.stage != stage.id or cp.head != stage.head:
            continue
        got, ok = compare(cp, stage.matrices[cp.matrix].values)
        if ok:
            continue
        want, have = vec(cp.value, cp.decimals), vec(got, cp.decimals)
        out.append(
            UI["cp_differs"][lang]
            .format(where=cp.where(info.tokens, info.key_tokens), want=want, got=have, note=cp.note)
            .rstrip()
        )
    return out
