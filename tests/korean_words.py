"""What a Korean learner should not meet: English words in Korean output, and the checks of Korean error lines.

``english_words`` reads a text word by word; allowed are symbols (one letter, names with ``_`` or
digits, LaTeX commands), the stage ids, option names and values a learner types, file and code names,
and the names of people, papers and products (``NAMES``); citations and URLs are names as a whole.
``error_english_words`` reads one ``error:`` line the same way, with the scenario fields, the values
quoted as typed and the paths allowed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from mhsa_tutor.core.stages import STAGE_IDS
from mhsa_tutor.io.loader import builtin_names
from mhsa_tutor.strings import ARTICLES

KO = {"MHSA_TUTOR_LANG": "ko", "COLUMNS": "100"}

#: People, papers, products, code names, and option values a learner types.
NAMES = frozenset(
    {
        "Vaswani",
        "Warfield",
        "Karim",
        "Luong",
        "Pham",
        "Manning",
        "Su",
        "Press",
        "Smith",
        "Lewis",
        "Ainslie",
        "Shazeer",
        "Beltagy",
        "Peters",
        "Cohan",
        "Jiang",
        "AteN",
        "Ravichandiran",
        "Sudharsan",
        "Daniel",
        "Raimi",
        "codingopera",
        "et",
        "al",
        "PyTorch",
        "GPT",
        "NeoX",
        "BERT",
        "LLaMA",
        "Meta",
        "Hugging",
        "Face",
        "Mistral",
        "Longformer",
        "RoFormer",
        "Transformer",
        "Transformers",
        "nn",
        "MultiheadAttention",
        "scaled_dot_product_attention",
        "enable_gqa",
        "True",
        "False",
        "attn_mask",
        "key_padding_mask",
        "out_proj",
        "rotate_half",
        "mhsa",
        "tutor",
        "run",
        "explain",
        "export",
        "quiz",
        "learn",
        "from",
        "Llama",
        "model",
        "safetensors",
        "config",
        "tokenizer",
        "new",
        "list",
        "random",
        "none",
        "causal",
        "sliding",
        "custom",
        "small",
        "int",
        "normal",
        "sinusoidal",
        "learned",
        "auto",  # from-model --arrays auto|inline|npz
        "inline",
        "npz",
        "alibi",
        "half",
        "interleaved",
        "en",
        "ko",
        "md",
        "json",
        "html",
        "svg",
        "heatmap",
        "toml",
        "sqrt_dk",
        "sqrt_seq_len",
        "softmax",
        "sin",
        "cos",
        "exp",
        "max",
        "base",
        "blocked",
        "pos",
        "dot",
        "concatenate",
        "rounding",
        "expected",
        "Illustrated",
        "Acting",
        "Machines",
        "Self",
        "Attention",
        "Multi",
        "Headed",
        "By",
        "Hand",
        "Enter",
        "Home",
        "End",
        "Esc",
        "Tab",
        "PgUp",
        "PgDn",
        "English",
        "acting",
        "tT",
        "rationally",
    }
)
WORD = re.compile(r"(?<![\\\w-])[A-Za-z][A-Za-z']*(?![\w])")


def english_words(text: str, allowed: Iterable[str] = ()) -> set[str]:
    """The English words of ``text`` a Korean learner should not meet."""
    text = html.unescape(text)
    text = re.sub(r"\\([\[\]_*`#<>()|])", r"\1", text)  # markdown's escapes
    text = re.sub(r"\s+", " ", text)
    for article in ARTICLES.values():
        text = text.replace(article.full_in("ko"), " ")
    text = re.sub(r"https?://\S+|\S+\.(?:com|toml|html|svg|md|json)\b", " ", text)
    text = re.sub(r"[_^]\{[^}]*\}", " ", text)  # LaTeX sub- and superscripts: s_{ij}
    text = re.sub(r"\s+", " ", text)  # a citation wrapped over lines reads as one
    text = re.sub(r"\"[^\"\n]{12,}\"|'[^'\n]{12,}'", " ", text)  # titles of papers, quoted
    text = re.sub(r"--[\w-]+|\\[A-Za-z]+|`[^`]*`", " ", text)  # options, LaTeX commands, commands typed
    ok = NAMES | set(STAGE_IDS) | set(builtin_names()) | set(allowed)
    out = set()
    for w in WORD.findall(text):
        w = w.strip("'")
        if len(w) <= 1 or w in ok or w.isupper() or (w[0].isupper() and any(c.isupper() for c in w[1:])):
            continue  # a symbol, an acronym (GQA, NaN, RoPE, ALiBi)
        out.add(w)
    return out


def _field_words() -> frozenset[str]:
    """Every word of a scenario field, key or choice, and the lesson ids: what an error line names as typed."""
    from mhsa_tutor.io import validate, validate_variants

    words: set[str] = set()
    for module in (validate, validate_variants):
        for name, value in vars(module).items():
            if name.isupper() or (name.startswith("_") and name.endswith("KEYS")):
                items = value if isinstance(value, (tuple, frozenset, set, list)) else ()
                for item in items:
                    if isinstance(item, str):
                        words.update(WORD.findall(item))
    import ast
    import inspect

    from mhsa_tutor.io.checkpoint.families import FAMILIES
    from mhsa_tutor.teach.course import LESSONS

    for module in (validate, validate_variants):  # the literal key lists: known_keys(table, ("steps",), ...)
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.Tuple):
                for e in node.elts:
                    if isinstance(e, ast.Constant) and isinstance(e.value, str):
                        words.update(WORD.findall(e.value))
    words.update(FAMILIES)  # a checkpoint's model_type, as its config.json writes it

    words.update(lesson.id for lesson in LESSONS)  # `learn <id>`: ids the learner types
    return frozenset(words)


FIELD_WORDS = _field_words()


def error_english_words(line: str, typed: Iterable[str] = ()) -> set[str]:
    """The English words of one error line a Korean learner should not meet.

    Allowed besides ``english_words``' names: the scenario's fields and choices (``FIELD_WORDS``), the
    words the learner typed (``typed``: arguments, the file's own text), values in quotes, and paths.
    """
    text = line.removeprefix("error: ")
    text = re.sub(r"'[^']*'|\"[^\"]*\"", " ", text)  # values as typed, quoted
    text = re.sub(r"\S*/\S*", " ", text)  # paths
    allowed = set(FIELD_WORDS)
    for t in typed:
        allowed.update(WORD.findall(t))
    return english_words(text, allowed)
