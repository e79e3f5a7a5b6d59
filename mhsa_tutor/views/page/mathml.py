"""A small LaTeX -> MathML converter for the formulas the tutor writes (the stage table's LaTeX).

The page shows each stage's formula as MathML Core, which browsers render without
any script or network. Only the subset the stage table uses is understood:
``\\frac``, ``\\sqrt``, ``\\text``, ``\\mathbb``, ``\\left`` / ``\\right``, sub- and
superscripts, the symbols of ``SYMBOLS`` (arrows, relations, Greek letters) and the
function names of ``FUNCTIONS``; ``KNOWN`` lists them all, and a test holds every
command of the stage table to it (and the whole output to ``latex2mathml``'s, an
independent converter, in the test extra). An unknown command is shown as its
``\\name`` inside ``merror``, never dropped. All text is escaped, so the output is
well-formed XML whatever the input.

Why not ``latex2mathml`` itself: the input is a closed set the tutor writes (about
twenty templates), the converter is a page of code tested against that library,
and the page stays byte-for-byte the same whether or not an extra is installed.
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
    "mid": ("mo", "∣"),
    "in": ("mo", "∈"),
    "mapsto": ("mo", "↦"),
    "le": ("mo", "≤"),
    "leq": ("mo", "≤"),
    "ge": ("mo", "≥"),
    "geq": ("mo", "≥"),
    "ne": ("mo", "≠"),
    "approx": ("mo", "≈"),
    "lvert": ("mo", "|"),
    "rvert": ("mo", "|"),
    "vert": ("mo", "|"),
    "lor": ("mo", "∨"),
    "land": ("mo", "∧"),
    "ldots": ("mi", "…"),
    "cdots": ("mi", "⋯"),
    "ell": ("mi", "ℓ"),
    "alpha": ("mi", "α"),
    "beta": ("mi", "β"),
    "theta": ("mi", "θ"),
    "lambda": ("mi", "λ"),
    "mu": ("mi", "μ"),
    "pi": ("mi", "π"),
    "sigma": ("mi", "σ"),
}
#: Function names set upright (``\\cos m`` is the cosine of m, not c·o·s·m).
FUNCTIONS = frozenset({"cos", "sin", "exp", "log", "max", "min", "softmax"})
#: Every command the converter understands.

_SPACES = {"quad": "1em", "qquad": "2em", ",": "0.17em", ";": "0.28em", " ": "0.25em"}
#: Every command (a name of letters) the converter understands.
KNOWN = (
    frozenset(SYMBOLS)
    | FUNCTIONS
    | {"frac", "sqrt", "text", "mathbb", "left", "right", "quad", "qquad", "begin", "end"}
)
#: Matrix environments (``\\begin{bmatrix} a \\\\ b \\end{bmatrix}``) and their brackets.
_FENCES = {"bmatrix": ("[", "]"), "pmatrix": ("(", ")"), "vmatrix": ("|", "|"), "matrix": ("", "")}
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

    def environment(self, env: str) -> str:
        """A matrix environment up to its ``\\end``: rows split by ``\\\\``, cells by ``&``, in brackets."""
        rows: list[list[str]] = []
        row: list[str] = []
        cell: list[str] = []
        while (tok := self.peek()) is not None:
            if tok == "\\end":
                self.take()
                self.raw_group()
                break
            if tok in ("&", "\\\\"):
                self.take()
                row.append("".join(cell))
                cell = []
                if tok != "&":
                    rows.append(row)
                    row = []
                continue
            cell.append(self.scripted())
        rows.append([*row, "".join(cell)])
        body = "".join("<mtr>" + "".join(f"<mtd>{c}</mtd>" for c in r) + "</mtr>" for r in rows)
        left, right = (f"<mo>{html.escape(ch)}</mo>" if ch else "" for ch in _FENCES.get(env, ("", "")))
        return f"<mrow>{left}<mtable>{body}</mtable>{right}</mrow>"

    def command(self, name: str) -> str:
        if name == "frac":
            return f"<mfrac>{self.group()}{self.group()}</mfrac>"
        if name == "sqrt":
            return f"<msqrt>{self.group()}</msqrt>"
        if name == "text":
            text = self.raw_group()
            return f"<mtext>{html.escape(text).replace(' ', '&#160;')}</mtext>"
        if name == "begin":
            return self.environment(self.raw_group())
        if name == "mathbb":
            letters = self.raw_group()
            return f"<mi>{html.escape(letters.replace('R', 'ℝ').replace('N', 'ℕ'))}</mi>"
        if name in ("left", "right"):
            delim = self.take() if self.peek() is not None else ""
            delim = delim[1:] if delim.startswith("\\") else delim
            return f'<mo stretchy="true">{html.escape(delim)}</mo>' if delim != "." else ""
        if name in _SPACES:
            return f'<mspace width="{_SPACES[name]}"></mspace>'
        if name in SYMBOLS:
            tag, ch = SYMBOLS[name]
            return f"<{tag}>{ch}</{tag}>"
        if name in FUNCTIONS:
            return f'<mi>{name}</mi><mspace width="0.17em"></mspace>'
        if len(name) == 1:  # \{ \} \_ \$ …: the character itself
            return f"<mo>{html.escape(name)}</mo>"
        return f"<merror><mtext>\\{html.escape(name)}</mtext></merror>"


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
