import re
def edit(p, reps):
    s=open(p).read()
    for a,b in reps:
        assert a in s, (p,a[:80])
        s=s.replace(a,b,1)
    open(p,'w').write(s)
R='/work/wt/words/'
edit(R+'mhsa_tutor/teach/mistakes.py',[
('''    "mask_after",
    "mask_after_renorm",''','''    "no_mask",
    "mask_after",
    "mask_after_renorm",
    "window_ignored",
    "padding_ignored",
    "wrong_kv_head",
    "rope_pairing",'''),
('''#: Every mistake, in the order a match is named (the first that fits the answer wins).''','''#: Every mistake, in the order the matches are named (the quiz names every one that fits the answer).'''),
('''        if cell.stage == "softmax":
            if cell.col > cell.row:
                return None  # a masked cell is 0 either way
            return self._variant("unmasked", _unmasked, cell), {}
''','''        if cell.stage == "softmax":
            return None  # a weight renormalised over every key is the mask left out: ``_no_mask`` names it
'''),
('''    def _mask_after_renorm(''','''    _MASKED_ON = ("softmax", "head_output", "concat", "output")

    def _no_mask(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """The causal mask left out: every key kept (the engine run without the mask)."""
        if cell.stage not in self._MASKED_ON or self.scn.mask != "causal":
            return None
        return self._variant("unmasked", _unmasked, cell), {}

    def _window_ignored(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """The sliding window left out: a plain causal mask (the engine run with it)."""
        if cell.stage not in self._MASKED_ON or self.scn.mask != "sliding":
            return None

        def make(scn: Scenario) -> Scenario:
            return variant(scn, mask="causal", variants=replace(scn.variants, window=None))

        return self._variant("no_window", make, cell), {"w": self.scn.variants.window or 0}

    def _padding_ignored(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """The padding keys attended to (the engine run without the padding mask)."""
        if cell.stage not in self._MASKED_ON or self.scn.variants.padding is None:
            return None

        def make(scn: Scenario) -> Scenario:
            return variant(scn, variants=replace(scn.variants, padding=None))

        info = self.trace.info
        padded = ", ".join(f"'{k}'" for k, p in zip(info.key_tokens, info.padding or (), strict=False) if p)
        return self._variant("no_padding", make, cell), {"padded": padded}

    _ROTATED_ON = ("rotary", "scores", "scaled", "softmax", "head_output", "concat", "output")

    def _rope_pairing(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """RoPE's features paired the other way (half <-> interleaved; the engine run with it)."""
        rope = self.scn.variants.rope
        if rope is None or cell.stage not in self._ROTATED_ON:
            return None
        other = "interleaved" if rope.style == "half" else "half"

        def make(scn: Scenario) -> Scenario:
            return variant(scn, variants=replace(scn.variants, rope=replace(rope, style=other)))

        half = self.trace.info.d_k // 2
        pairs = "(1, 2), (3, 4), …" if rope.style == "interleaved" else f"(1, {half + 1}), (2, {half + 2}), …"
        return self._variant(f"rope_{other}", make, cell), {"style": rope.style, "other_style": other, "pairs": pairs}

    def _wrong_kv_head(self, cell: Cell) -> list[tuple[float | None, dict[str, str | int | float]]] | None:
        """GQA: another key/value head's K (scores) or V (head output) than the query head's own."""
        info = self.trace.info
        if info.groups == info.heads or cell.head is None or cell.stage not in ("scores", "scaled", "head_output"):
            return None
        rotated = any(s.id == "rotary" for s in self.trace.stages)
        own = info.kv_head(cell.head)
        out: list[tuple[float | None, dict[str, str | int | float]]] = []
        for g in range(1, info.groups + 1):
            if g == own:
                continue
            h = next(n for n in range(1, info.heads + 1) if info.kv_head(n) == g)  # a query head using g
            if cell.stage == "head_output":
                a = self.trace.find("softmax", cell.head).matrices["A"].values
                value = float((a @ self.trace.find("split", h).matrices["V"].values)[cell.row, cell.col])
            else:
                src = "rotary" if rotated else "split"
                q = self.trace.find(src, cell.head).matrices["Q"].values[cell.row]
                k = self.trace.find(src, h).matrices["K"].values[cell.col]
                value = float(q @ k) / (self.divisor if cell.stage == "scaled" else 1.0)
            first, last = head_columns(own, info.d_k)
            out.append((value, {"h": cell.head, "g": own, "other": g, "cols": f"{first}–{last}"}))
        return out

    def _mask_after_renorm('''),
])
edit(R+'mhsa_tutor/teach/quiz.py',[
('''def matching_slip(''','''def matching_slips(
    catalogue: Catalogue, question: Question, answer: Answer, tolerance: float | None = None
) -> list[Slip]:
    """Every mistake whose value the (wrong) answer matches and the right value does not, one per kind.

    The tolerance is the one the answer is marked with (``answer_tolerance``), so a mistake is named
    exactly when the answer would be marked right had the mistake been the computation.
    """
    tol = answer_tolerance(question, answer, tolerance)
    cell = Cell(question.stage, question.head, question.matrix, question.row, question.col)
    out: list[Slip] = []
    for slip in catalogue.slips(cell):
        slack = 1e-9 * max(1.0, abs(slip.value))
        fits = abs(answer.value - slip.value) <= tol + slack and abs(slip.value - question.value) > tol + slack
        if fits and all(s.kind != slip.kind for s in out):
            out.append(slip)
    return out


def matching_slip('''),
])
edit(R+'mhsa_tutor/teach/quiz_text.py',[
('''    return [_score_line(trace, q), f"m = {bias.facts.slope:g}, i = {q.row}, j = {q.col}{scaled}"]''',
 '''    return [_score_line(trace, q), f"m = {bias.facts.slope:g}, i = {q.row + 1}, j = {q.col + 1}{scaled}"]  # 1-based'''),
('''    return [f"{op.stage}: S{sub}[{trace.info.tokens[q.row]}, :] = [{cells}]"]''',
 '''    # named by its formula, not by a stage id: S / √d_k (scaled), S + B (biased); masked cells read −∞
    info = trace.info
    scale = " / √T" if info.scale == "sqrt_seq_len" else " / √d_k"
    mark = {"scaled": scale, "bias": f"{scale} + B" if info.scale != "none" else " + B"}.get(op.stage, "")
    if op.stage == "masked":
        mark = f"{scale} + B" if info.bias != "none" else scale if info.scale != "none" else ""
    return [f"S{sub}[{tell_apart(info.tokens)[q.row]}, :]{mark} = [{cells}]"]'''),
('''        lines.append(t["quiz_revisit"].format(stages=", ".join(wrong), first=wrong[0], cmd=command or trace.info.name))''',
 '''        names = ", ".join(t[f"stage_name_{sid}"] for sid in wrong)  # the command keeps the id it takes
        lines.append(t["quiz_revisit"].format(stages=names, first=wrong[0], cmd=command or trace.info.name))'''),
('''from mhsa_tutor.teach.quiz import PRECISION, Answer, Outcome, Question, matching_slip''',
 '''from mhsa_tutor.core.trace import tell_apart
from mhsa_tutor.teach.mistakes import Slip
from mhsa_tutor.teach.quiz import PRECISION, Answer, Outcome, Question, matching_slips'''),
])
s=open(R+'mhsa_tutor/teach/quiz_text.py').read()
i=s.index('def diagnose(')
s=s[:i]+'''def diagnose(
    trace: Trace, catalogue: Catalogue, question: Question, answer: Answer, lang: str, tolerance: float | None = None
) -> str | None:
    """The sentences naming every mistake a wrong answer matches, each with its fix (None when none matches).

    Where √T and √d_k are the same number (T = d_k), the answer is named by the standard, √d_k.
    """
    slips = matching_slips(catalogue, question, answer, tolerance)
    if not slips:
        return None
    info = trace.info
    kinds = {s.kind for s in slips}
    same = {"by_sqrt_t", "by_sqrt_dk"} <= kinds and info.d_k == len(info.key_tokens)
    if same:
        slips = [s for s in slips if s.kind != "by_sqrt_t"]
    t = ui(lang)
    said = [_slip_text(trace, catalogue, question, answer, slip, lang, same) for slip in slips]
    if len(said) == 1:
        return said[0]
    head = t["slip_several"].format(got=answer.text)
    return " ".join([head, *(f"({k}) {text}" for k, text in enumerate(said, start=1))])


def _slip_text(
    trace: Trace, catalogue: Catalogue, question: Question, answer: Answer, slip: Slip, lang: str, same_t: bool
) -> str:
    """One mistake's sentence: ``slip_<kind>`` (or its stage's or scale's form), with the slip's numbers."""
    t = ui(lang)
    stage = trace.find(question.stage, question.head)
    m = stage.matrices[question.matrix]
    fields: dict[str, object] = {k: num(v, PRECISION) if isinstance(v, float) else v for k, v in slip.facts.items()}
    if "stage" in slip.facts:
        fields["stage_name"] = t[f"stage_name_{slip.facts['stage']}"]
    fields |= {
        "got": answer.text,
        "right": num(question.value, PRECISION),
        "label": label(trace, question),
        "row": trace.shown_labels(m.rows, m.values.shape[0])[question.row],
        "col": trace.shown_labels(m.cols, m.values.shape[1])[question.col],
        "n": question.col + 1,
    }
    keys = (f"slip_{slip.kind}_{question.stage}", f"slip_{slip.kind}_scale_{catalogue.scn.scale}", f"slip_{slip.kind}")
    if same_t and slip.kind == "by_sqrt_dk" and catalogue.scn.scale == "none":
        keys = ("slip_by_sqrt_dk_same_t",)
    return t[next(k for k in keys if k in t)].format(**fields)
'''
open(R+'mhsa_tutor/teach/quiz_text.py','w').write(s)
# tests adapted to the new classes
s=open(R+'tests/test_mistakes.py').read()
s=s.replace('''    assert slip(Cell("softmax", 1, "A", 2, 1), "mask_after") == pytest.approx(full[2, 1])''','''    assert slip(Cell("softmax", 1, "A", 2, 1), "no_mask") == pytest.approx(full[2, 1])  # the mask left out''')
s=s.replace('''@pytest.mark.parametrize("kind", [k for k in CATALOGUE if k != "mask_after_renorm"])''','''#: mistakes of one variant, each named on its built-in in tests/test_diagnosis.py
ONE_VARIANT = {"mask_after_renorm", "window_ignored", "padding_ignored", "wrong_kv_head", "rope_pairing"}


@pytest.mark.parametrize("kind", [k for k in CATALOGUE if k not in ONE_VARIANT])''')
open(R+'tests/test_mistakes.py','w').write(s)
