"""The words inside the stage table's LaTeX (``\\text{…}``) in Korean, rewritten in Korean word order.

The stage table (``core.stages``) holds one LaTeX template per stage, with English words in
``\\text{…}``. ``stagetext.latex(..., lang="ko")`` passes the filled formula through ``REWRITES``
(regular expression, replacement), in order; a test renders every built-in's formulas in Korean and
fails on an English word left in a ``\\text{…}``.
"""

from __future__ import annotations

REWRITES: tuple[tuple[str, str], ...] = (
    (
        r"\\text\{columns \} (\S+) \\text\{ to \} (\S+) \\text\{ of \} ([A-Z](?:, [A-Z])*)",
        r"\3 \\text{의 } \1\\text{–}\2\\text{번째 열}",
    ),
    (r"\\text\{key/value head \} (\S+)", r"\\text{키/밸류 헤드 } \1"),
    (
        r"\\text\{where \} j > i \\text\{ or key \} j \\text\{ is padding\}",
        r"j > i \\text{ 또는 키 } j \\text{가 패딩인 곳}",
    ),
    (r"\\text\{where \} j > i", r"j > i \\text{인 곳}"),
    (
        r"\\text\{unless \} (.*?) \\text\{, or where key \} j \\text\{ is padding\}",
        r"\1 \\text{가 아니거나 키 } j\\text{가 패딩인 곳}",
    ),
    (r"\\text\{unless \} (.*)$", r"\1 \\text{가 아닌 곳}"),
    (
        r"\\text\{where blocked\}_\{ij\} \\text\{ or key \} j \\text\{ is padding\}",
        r"\\text{blocked}_{ij} \\text{가 참이거나 키 } j\\text{가 패딩인 곳}",
    ),
    (r"\\text\{where blocked\}_\{ij\}", r"\\text{blocked}_{ij} \\text{가 참인 곳}"),
    (r"\\text\{where key \} j \\text\{ is padding\}", r"\\text{키 } j\\text{가 패딩인 곳}"),
)
