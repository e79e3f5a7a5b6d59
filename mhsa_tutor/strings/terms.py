"""The terminology table: one word per concept in each language, followed by every catalogue.

Every helper adding words reads this first. A concept has one English and one
Korean word (``TERMS``); a Korean word that could mean two things here is
reserved for one of them (``RESERVED_KO``), and ``tests/test_terms.py`` holds
the catalogues to it:

* 점수 is the attention score (q·k and what follows it), never the quiz result
  (맞힌 문제 / 결과);
* 기울기 is ALiBi's slope m, never a gradient (그래디언트);
* 키 is an attention key, never a key on the keyboard (입력, 조작법).

Korean interpolation: write particles as markers after a field (``{got}은(는)``,
``{n}(으)로``) and let ``strings.particles`` choose the form; see its docstring.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KEYBOARD_KEYS", "QUIZ_RESULT_KEYS", "RESERVED_KO", "SLOPE_KEYS", "TERMS", "Term"]


@dataclass(frozen=True)
class Term:
    """One concept: its English and Korean words, and a word not to use for it in Korean."""

    en: str
    ko: str
    avoid_ko: tuple[str, ...] = ()


#: concept -> its words. Keep the keys short and stable: other modules may quote them.
TERMS: dict[str, Term] = {
    "attention": Term("attention", "어텐션"),
    "self_attention": Term("self-attention", "셀프 어텐션"),
    "cross_attention": Term("cross-attention", "크로스 어텐션"),
    "multi_head": Term("multi-head attention", "멀티 헤드 어텐션"),
    "gqa": Term("grouped-query attention (GQA, 1 < G < H)", "그룹 쿼리 어텐션(GQA)"),
    "mqa": Term("multi-query attention (MQA, G = 1)", "멀티 쿼리 어텐션(MQA)"),
    "query": Term("query", "쿼리"),
    "key": Term("key (of attention)", "키"),
    "value": Term("value (of attention)", "밸류", ("값 벡터",)),
    "head": Term("head", "헤드"),
    "token": Term("token", "토큰"),
    "score": Term("score (q·k, scaled, masked)", "점수"),
    "quiz_result": Term("score (of the quiz)", "맞힌 문제, 결과", ("점수",)),
    "weight_attention": Term("attention weight", "어텐션 가중치"),
    "weight_matrix": Term("weight matrix (W_Q …)", "가중치 행렬"),
    "softmax": Term("softmax", "소프트맥스"),
    "mask": Term("mask, masking", "마스크, 마스킹"),
    "causal": Term("causal mask", "인과 마스킹"),
    "sliding": Term("sliding window", "슬라이딩 윈도"),
    "padding": Term("padding", "패딩"),
    "scaling": Term("scaling", "스케일링"),
    "projection": Term("projection", "투영"),
    "concat": Term("concatenate", "이어 붙이기"),
    "embedding": Term("embedding", "임베딩"),
    "position": Term("position", "위치"),
    "positional_encoding": Term("positional encoding", "위치 인코딩"),
    "slope": Term("slope (ALiBi's m)", "기울기"),
    "gradient": Term("gradient", "그래디언트", ("기울기",)),
    "keyboard_key": Term("key (on the keyboard)", "입력, 조작법", ("키",)),
    "dimension": Term("dimension, size", "차원"),
    "feature": Term("feature (one number of a vector: RoPE pairs them)", "특성", ("특징",)),
    "sequence_length": Term("sequence length", "시퀀스 길이"),
    "stage": Term("stage", "단계"),
    "scenario": Term("scenario", "시나리오"),
    "source_value": Term("source (a value the source printed)", "원문 값"),
    "expected_value": Term("expected (from the paper's formula)", "기대값(공식으로 계산)"),
    "rounding": Term("rounding by hand", "손계산 반올림"),
    "tolerance": Term("tolerance", "허용 오차"),
    "article": Term("article (a source the scenario reproduces)", "원문"),
}

#: A Korean word with two possible meanings here, and the one it is kept for.
RESERVED_KO: dict[str, str] = {
    "점수": "score",
    "기울기": "slope",
    "키": "key",
}

#: Catalogue keys (UI) that talk about keys on the keyboard: no 키 in them.
KEYBOARD_KEYS: tuple[str, ...] = ("step_", "slide_", "status_")
#: Catalogue keys (UI) that talk about the quiz result: no 점수 in them.
QUIZ_RESULT_KEYS: tuple[str, ...] = ("quiz_score", "quiz_summary", "quiz_stopped", "quiz_all_right", "quiz_none")
#: Catalogue keys (NOTES, UI) that may say 기울기 (ALiBi's slope); anywhere else it would read as a gradient.
SLOPE_KEYS: tuple[str, ...] = ("bias.", "ex_bias", "new_bias", "list_alibi", "var_alibi", "lesson_alibi")
