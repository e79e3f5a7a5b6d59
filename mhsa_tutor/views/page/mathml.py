"""A small LaTeX -> MathML converter for the formulas the tutor writes (``export.LATEX``).

The page shows each stage's formula as MathML, which browsers render without any
script or network. Only the subset the tutor's own LaTeX uses is understood:
``\\frac``, ``\\sqrt``, ``\\text``, ``\\mathbb``, ``\\left`` / ``\\right``, sub- and
superscripts, and a few symbols (``SYMBOLS``); anything else is shown as text, never
dropped. All text is escaped, so the output is well-formed XML whatever the input.
"""

from __future__ import annotations

import html
import re

#: Commands that stand for one symbol: name -> (MathML element, character).
SYMBOLS: dict[str, tuple[str, str]] = {
    "leftarrow": ("mo", "←"),
    "rightarrow": ("mo", "→"),
    "infty": ("mi", "∞"),
    "top": ("mi", "⊤"),
    "sum": ("mo", "∑"),
    "times": ("mo", "×"),
    "cdot": ("mo", "·"),
    "mid": ("mo", "|"),
    "in": ("mo", "∈"),
    "sqrt": ("", ""),  # handled below; listed so it is never shown as text
}
_SPACES = {"quad": "1em", "qquad": "2em", ",": "0.17em", ";": "0.28em", " ": "0.25em"}
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\d+(?:\.\d+)?|\s+|.", re.S)


def _tokens(latex: str) -> list[str]:
    return list(_TOKEN.findall(latex))


class _Parser:
    def __init__(self, latex: str) -> None:
        self.toks = _tokens(latex)
        self.i = 0

    def peek(self) -> str | None:
        """The next token in math mode, where white space means nothing."""
        while self.i < len(self.toks) and self.toks[self.i].isspace():
            self.i += 1
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> str:
        self.peek()
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def sequence(self, stop: str | None = None) -> str:
        out = []
        while (tok := self.peek()) is not None and tok != stop:
            out.append(self.scripted())
        if stop is not None and self.peek() == stop:
            self.take()
        return "".join(out)

    def scripted(self) -> str:
        """An atom with its subscript and superscript, if any."""
        base = self.atom()
        sub = sup = None
        while self.peek() in ("_", "^"):
            kind = self.take()
            arg = self.atom()
            if kind == "_":
                sub = arg
            else:
                sup = arg
        if sub is not None and sup is not None:
            return f"<msubsup>{base}{sub}{sup}</msubsup>"
        if sub is not None:
            return f"<msub>{base}{sub}</msub>"
        if sup is not None:
            return f"<msup>{base}{sup}</msup>"
        return base

    def group(self) -> str:
        """The next atom as one ``mrow`` (a ``{…}`` group or a single token)."""
        return f"<mrow>{self.atom()}</mrow>"

    def raw_group(self) -> str:
        """The text of a ``{…}`` argument, with ``\\{``-style escapes undone."""
        if self.peek() != "{":
            return self.take() if self.peek() is not None else ""
        self.take()
        depth, out = 1, []
        while self.i < len(self.toks):  # text mode: white space kept
            tok = self.toks[self.i]
            self.i += 1
            if tok == "{":
                depth += 1
            elif tok == "}":
                depth -= 1
                if depth == 0:
                    break
            out.append(tok[1:] if len(tok) == 2 and tok.startswith("\\") and not tok[1].isalpha() else tok)
        return "".join(out)

    def atom(self) -> str:
        if self.peek() is None:  # an argument missing at the end: an empty one
            return "<mrow></mrow>"
        tok = self.take()
        if tok == "{":
            return f"<mrow>{self.sequence('}')}</mrow>"
        if tok.startswith("\\") and len(tok) > 1:
            return self.command(tok[1:])
        if tok.isdigit() or re.fullmatch(r"\d+\.\d+", tok):
            return f"<mn>{tok}</mn>"
        if tok.isalpha():
            return f"<mi>{html.escape(tok)}</mi>"
        return f"<mo>{html.escape('−' if tok == '-' else tok)}</mo>"

    def command(self, name: str) -> str:
        if name == "frac":
            return f"<mfrac>{self.group()}{self.group()}</mfrac>"
        if name == "sqrt":
            return f"<msqrt>{self.group()}</msqrt>"
        if name == "text":
            text = self.raw_group()
            return f"<mtext>{html.escape(text).replace(' ', '&#160;')}</mtext>"
        if name == "mathbb":
            letters = self.raw_group()
            return f"<mi>{html.escape(letters.replace('R', 'ℝ').replace('N', 'ℕ'))}</mi>"
        if name in ("left", "right"):
            delim = self.take() if self.peek() is not None else ""
            delim = delim[1:] if delim.startswith("\\") else delim
            return f'<mo stretchy="true">{html.escape(delim)}</mo>' if delim != "." else ""
        if name in _SPACES:
            return f'<mspace width="{_SPACES[name]}"></mspace>'
        if name in SYMBOLS and SYMBOLS[name][0]:
            tag, ch = SYMBOLS[name]
            return f"<{tag}>{ch}</{tag}>"
        if len(name) == 1:  # \{ \} \_ \$ …: the character itself
            return f"<mo>{html.escape(name)}</mo>"
        return f"<mtext>{html.escape(name)}</mtext>"


def to_mathml(latex: str, *, display: bool = True) -> str:
    """One ``<math>`` element for ``latex``, with the LaTeX kept as its annotation.

    Args:
        latex: LaTeX in the subset described in the module docstring.
        display: block (True) or inline (False) math.

    Returns:
        MathML markup (well-formed XML).
    """
    body = _Parser(latex).sequence()
    mode = "block" if display else "inline"
    return (
        f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="{mode}"><semantics><mrow>{body}</mrow>'
        f'<annotation encoding="application/x-tex">{html.escape(latex)}</annotation></semantics></math>'
    )
