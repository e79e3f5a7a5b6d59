"""Korean error lines: the English ``error:`` message of a run turned into Korean, shape by shape.

The library raises its errors in English (``core.errors``: one line naming the file, the field and
what was expected). Under Korean (``--lang ko`` or ``MHSA_TUTOR_LANG=ko``) the CLI passes the message
through ``translate``: each entry of ``SHAPES`` matches one shape of message and rewrites it with the
same names, numbers and values; ``PHRASES`` then turn the connecting phrases of the rest. File names,
fields, option names, values and choices stay as typed (they are what the learner types or reads in
the file). The ``error:`` prefix stays: scripts read it.
"""

from __future__ import annotations

import re

from mhsa_tutor.strings.particles import resolve

#: (pattern of a whole message or clause, Korean with the pattern's groups); tried in order, all that match.
SHAPES: tuple[tuple[str, str], ...] = (
    # Click's own usage errors
    (r"^Missing argument '(?P<a>[^']*)'\.?$", "인자 '\\g<a>'이(가) 없습니다."),
    (r"^Missing option '(?P<a>[^']*)'\.?$", "옵션 '\\g<a>'이(가) 없습니다."),
    (
        r"^No such option: (?P<o>\S+) \(Possible options: (?P<p>[^)]*)\)$",
        "그런 옵션은 없습니다: \\g<o> (비슷한 옵션: \\g<p>)",
    ),
    (r"^No such option: (?P<o>\S+)$", "그런 옵션은 없습니다: \\g<o>"),
    (r"^No such command '(?P<o>[^']*)'\.?$", "그런 명령은 없습니다: \\g<o>"),
    (r"^Option '(?P<o>[^']*)' requires an argument\.?$", "옵션 '\\g<o>'에는 값이 필요합니다."),
    (r"^Got unexpected extra arguments?(?:\(s\))? \((?P<a>[^)]*)\)$", "필요 없는 인자가 더 있습니다: \\g<a>"),
    # what an option expects
    (
        r"(?P<d>\S+) cannot be split into (?P<h>\d+) heads; expected a multiple of the heads, e\.g\. (?P<e>\d+)",
        "\\g<d>은(는) 헤드 \\g<h>개로 나눌 수 없습니다. 헤드 수의 배수여야 합니다(예: \\g<e>)",
    ),
    (r"a whole number from (?P<a>-?\d+) to (?P<b>\d+)", "\\g<a>부터 \\g<b>까지의 정수"),
    (r"a whole number, (?P<a>-?\d+) or more", "\\g<a> 이상의 정수"),
    (r"a number, (?P<a>-?\d+) or more", "\\g<a> 이상의 수"),
    (
        r"expected a stage id \((?P<ids>[^)]*)\), a number from (?P<a>\d+) to (?P<b>\d+) or a range such as (?P<r>\S+)",
        "단계 ID(\\g<ids>), \\g<a>부터 \\g<b>까지의 번호, 또는 \\g<r> 같은 범위여야 합니다",
    ),
    (
        r"expected (?P<a>-?\d+) to (?P<b>\d+) or one of: (?P<t>.*)$",
        "\\g<a>부터 \\g<b>까지의 수 또는 다음 중 하나여야 합니다: \\g<t>",
    ),
    (r" or a token: (?P<t>.*)$", ", 또는 토큰 \\g<t>"),
    (
        r"^learn '(?P<n>[^']*)': there is no such lesson; expected a number from 1 to (?P<k>\d+) or one of: (?P<ids>.+)$",
        "learn '\\g<n>': 그런 강의가 없습니다. 1부터 \\g<k>까지의 번호나 다음 중 하나여야 합니다: \\g<ids>",
    ),
    (
        r"^learn: expected at most one of N, --list, --review and --reset$",
        "learn: N, --list, --review, --reset 중 하나만 쓸 수 있습니다",
    ),
    (
        r"(?P<n>\d+) is head (?P<h>\d+)'s (?P<id>\w+), not head (?P<g>\d+)'s; "
        r"expected --stage (?P<id2>\w+) --head (?P<g2>\d+), or no --head",
        "\\g<n>단계는 헤드 \\g<h>의 \\g<id> 단계이고 헤드 \\g<g>의 단계가 아닙니다. "
        "--stage \\g<id2> --head \\g<g2>로 쓰거나 --head를 빼세요",
    ),
    (
        r"'(?P<name>[^']*)' is not a built-in scenario or a file; (?:did you mean (?P<hint>[^?]+)\? )?"
        r"`mhsa-tutor list` shows the built-ins",
        "'\\g<name>'은(는) 내장 시나리오도 파일도 아닙니다. \\g<hintko>`mhsa-tutor list`로 내장 시나리오를 볼 수 있습니다",
    ),
    (
        r"^(?P<opt>--[\w-]+): expected (?P<what>.+), got (?P<got>.+)$",
        "\\g<opt>: \\g<what>이(가) 필요한데 \\g<got>입니다",
    ),
    (
        r"(?P<v>\S+) is out of range; expected (?P<a>\S+) to (?P<b>[^\s;,]+)",
        "\\g<v>은(는) 범위 밖입니다. \\g<a>부터 \\g<b>까지여야 합니다",
    ),
    (
        r"(?P<v>\S+) is out of range; expected (?P<a>\S+) or more",
        "\\g<v>은(는) 범위 밖입니다. \\g<a> 이상이어야 합니다",
    ),
    (
        r"(?P<v>\S+) is out of range; (?P<name>\S+) has (?P<what>heads|stages) (?P<a>\d+) to (?P<b>\d+)",
        "\\g<v>은(는) 범위 밖입니다. \\g<name>의 \\g<whatko>은(는) \\g<a>부터 \\g<b>까지입니다",
    ),
    (r"(?P<v>'[^']*') is not a choice; ", "\\g<v>은(는) 고를 수 있는 값이 아닙니다. "),
    (r"(?P<v>'[^']*') is not known; ", "\\g<v>은(는) 알 수 없는 값입니다. "),
    (r"(?P<v>'[^']*') is not a format; ", "\\g<v>은(는) 형식 이름이 아닙니다. "),
    (r"(?P<v>'[^']*') is not a token; ", "\\g<v>은(는) 토큰이 아닙니다. "),
    (r"(?P<v>'[^']*') is not a stage of (?P<n>\S+); ", "\\g<v>은(는) \\g<n>의 단계가 아닙니다. "),
    (r"(?P<v>'[^']*') is not a matrix of (?P<n>\S+); ", "\\g<v>은(는) \\g<n> 단계의 행렬이 아닙니다. "),
    (r"(?P<v>'[^']*') names several tokens; ", "\\g<v>은(는) 여러 토큰의 이름입니다. "),
    (r"(?P<v>'[^']*') has no question in (?P<n>\S+); ", "\\g<n>에는 \\g<v> 단계의 문제가 없습니다. "),
    (r"(?P<v>\S+) is ambiguous: ", "\\g<v>은(는) 뜻이 둘입니다: "),
    # the arrays file of a scenario (io/sidecar.py)
    (
        r"does not exist; expected the arrays file that (?P<t>\S+) names \(input\.arrays\)",
        "파일이 없습니다. \\g<t>의 input.arrays가 가리키는 배열 파일이 있어야 합니다",
    ),
    (
        r"is not a NumPy \.npz file \(not a zip archive\); expected np\.savez output",
        "NumPy .npz 파일이 아닙니다(zip 파일이 아님). np.savez로 쓴 파일이어야 합니다",
    ),
    (
        r"holds no arrays; expected members such as X\.npy, W_Q\.npy \(np\.savez\)",
        "배열이 하나도 없습니다. X.npy, W_Q.npy 같은 항목이 있어야 합니다(np.savez)",
    ),
    (
        r"(?P<f>\S+) is not a NumPy \.npy array \(its header cannot be read\); expected np\.savez output",
        "\\g<f>은(는) NumPy .npy 배열이 아닙니다(헤더를 읽을 수 없음). np.savez로 쓴 배열이어야 합니다",
    ),
    (
        r"(?P<f>\S+) holds Python objects \(pickled\); expected floats \(float64, float32 or float16\)",
        "\\g<f>에는 파이썬 객체(pickle)가 들어 있습니다. 실수(float64, float32, float16) 배열이어야 합니다",
    ),
    (
        r"(?P<f>\S+) holds numbers of type (?P<t>\S+); expected floats \(float64, float32 or float16\)",
        "\\g<f>의 수는 \\g<t> 형식입니다. 실수(float64, float32, float16)여야 합니다",
    ),
    (
        r"(?P<f>'[^']*') is not a known array; (?:did you mean (?P<hint>[^?]+)\? )?"
        r"expected <field>\.npy with a field of: (?P<l>.*)$",
        "\\g<f>은(는) 알 수 없는 배열입니다. \\g<hintko>이름이 <필드>.npy여야 하고 필드는 다음 중 하나입니다: \\g<l>",
    ),
    (
        r"(?P<f>\S+) is in the file twice; expected each array once",
        "\\g<f>이(가) 파일에 두 번 있습니다. 배열마다 한 번씩만 있어야 합니다",
    ),
    (
        r"(?P<f>\S+) is encrypted; expected a plain np\.savez member",
        "\\g<f>은(는) 암호화되어 있습니다. np.savez로 쓴 보통 항목이어야 합니다",
    ),
    (
        r"(?P<f>\S+) is compressed with a method NumPy does not write; expected np\.savez or np\.savez_compressed",
        "\\g<f>은(는) NumPy가 쓰지 않는 방식으로 압축되어 있습니다. np.savez나 np.savez_compressed로 쓴 파일이어야 합니다",
    ),
    (
        r"(?P<f>\S+) has (?P<n>\d+) axes \(shape (?P<s>[^)]*)\), expected a (?P<d>\d)-D array(?: \([^)]*\))?",
        "\\g<f>의 축은 \\g<n>개입니다(모양 \\g<s>). \\g<d>차원 배열이어야 합니다",
    ),
    (
        r"(?P<f>\S+) is empty \(shape (?P<s>[^)]*)\); expected at least one number",
        "\\g<f>은(는) 비어 있습니다(모양 \\g<s>). 수가 하나 이상 있어야 합니다",
    ),
    (
        r"(?P<f>\S+) declares shape (?P<s>\S+), (?P<n>[\d,]+) numbers; the limit is (?P<l>[\d,]+) numbers "
        r"\(what one run may hold\)",
        "\\g<f>의 헤더에 적힌 모양은 \\g<s>, 수 \\g<n>개입니다. 한도는 \\g<l>개입니다(한 번의 실행이 담을 수 있는 수)",
    ),
    (
        r"(?P<f>\S+) declares shape (?P<s>\S+) of (?P<t>\S+) but holds (?P<b>[\d,]+) bytes; expected (?P<e>[\d,]+) "
        r"\(the file is damaged\)",
        "\\g<f>의 헤더에 적힌 모양은 \\g<s>(\\g<t>)인데 데이터는 \\g<b>바이트입니다. "
        "\\g<e>바이트여야 합니다(파일이 손상됨)",
    ),
    (
        r"(?P<f>\S+) cannot be read \((?P<r>.*)\); the file is damaged",
        "\\g<f>을(를) 읽을 수 없습니다(\\g<r>). 파일이 손상되었습니다",
    ),
    (
        r"(?P<f>\S+) holds (?P<g>[\d,]+) bytes of data, expected (?P<n>[\d,]+) \(the file is truncated\)",
        "\\g<f>의 데이터는 \\g<g>바이트입니다. \\g<n>바이트여야 합니다(파일이 잘림)",
    ),
    (
        r"is (?P<n>[\d,]+) bytes; an arrays file holds at most (?P<c>[\d,]+) float64 numbers \((?P<b>[\d,]+) bytes\), "
        r"the numbers one run may hold",
        "\\g<n>바이트입니다. 배열 파일에는 float64 수를 \\g<c>개(\\g<b>바이트)까지 담을 수 있습니다"
        "(한 번의 실행이 담을 수 있는 수)",
    ),
    (
        r"holds (?P<n>[\d,]+) members; expected at most (?P<m>\d+) arrays, one per field \(np\.savez\)",
        "항목이 \\g<n>개 있습니다. 필드마다 하나씩, 많아야 \\g<m>개의 배열이어야 합니다(np.savez)",
    ),
    (r"is a folder, expected a NumPy \.npz file", "폴더입니다. NumPy .npz 파일이어야 합니다"),
    (
        r"is (?P<kind>a FIFO \(named pipe\)|a device|a socket|a folder|not a regular file), "
        r"expected a regular NumPy \.npz file",
        "\\g<kindko>입니다. 일반 NumPy .npz 파일이어야 합니다",
    ),
    (
        r"cannot be read \((?P<r>[^)]*)\); expected a NumPy \.npz file",
        "읽을 수 없습니다(\\g<r>). NumPy .npz 파일이어야 합니다",
    ),
    (
        r"(?P<f>\S+) is (?P<v>'.*'), an absolute path; expected a path relative to the scenario file's folder",
        "\\g<f>의 \\g<v>은(는) 절대 경로입니다. 시나리오 파일이 있는 폴더를 기준으로 한 상대 경로여야 합니다",
    ),
    (
        r"(?P<f>\S+) is (?P<v>'.*'), which leaves the scenario file's folder \(\.\.\); expected a file in that folder",
        "\\g<f>의 \\g<v>은(는) 시나리오 파일의 폴더 밖을 가리킵니다(..). 그 폴더 안의 파일이어야 합니다",
    ),
    (
        r"(?P<f>\S+) is (?P<v>'.*'), expected the name of a NumPy \.npz file such as \"layer\.npz\"",
        '\\g<f>의 \\g<v>은(는) .npz 파일 이름이 아닙니다. "layer.npz" 같은 NumPy .npz 파일 이름이어야 합니다',
    ),
    (
        r"(?P<f>\S+) is an? [\w ]+, expected a file name such as \"layer\.npz\"",
        '\\g<f>의 값이 문자열이 아닙니다. "layer.npz" 같은 파일 이름(문자열)이어야 합니다',
    ),
    (
        r"(?P<f>\S+) is given, but this scenario was not read from a file; expected a scenario file on disk",
        "\\g<f>이(가) 있지만 이 시나리오는 파일에서 읽은 것이 아닙니다. 디스크에 있는 시나리오 파일이어야 합니다",
    ),
    (
        r"(?P<f>\S+) is given both in the scenario file and in (?P<n>\S+); expected it in one place",
        "\\g<f>이(가) 시나리오 파일과 \\g<n> 양쪽에 있습니다. 한 곳에만 있어야 합니다",
    ),
    (r" \(in (?P<n>[^)]*\.npz)\)", "(\\g<n>에서 읽음)"),
    # the budget of numbers (core/limits.py check_cells) and from-model's sizes
    (
        r"needs about (?P<n>[\d,]+) numbers \((?P<mb>[\d,]+) MB\) in memory; the limit is (?P<l>[\d,]+) numbers "
        r"\((?P<lmb>[\d,]+) MB\); use smaller sizes",
        "메모리에 수가 약 \\g<n>개(\\g<mb> MB) 필요합니다. 한도는 \\g<l>개(\\g<lmb> MB)입니다. 크기를 줄이세요",
    ),
    (
        r"(?P<o>--text) with this model \(d_model = (?P<d>\d+)\) makes a scenario of about (?P<n>[\d,]+) bytes of "
        r"numbers; a scenario file is read up to (?P<l>[\d,]+) bytes \(about 40,000 numbers\): use a shorter text, "
        r"a smaller model, or leave out --arrays inline \(the numbers then go to an \.npz file beside it\)",
        "\\g<o>은(는) 이 모델(d_model = \\g<d>)에서 숫자만 약 \\g<n>바이트인 시나리오가 됩니다. 시나리오 파일은 "
        "\\g<l>바이트(수 약 40,000개)까지만 읽습니다. 더 짧은 텍스트나 더 작은 모델을 쓰거나, --arrays inline을 "
        "빼세요(그러면 숫자는 옆의 .npz 파일에 씁니다)",
    ),
    (
        r"(?P<o>--text) makes a scenario of (?P<n>[\d,]+) bytes; a scenario file is read up to (?P<l>[\d,]+) bytes; "
        r"leave out --arrays inline \(the numbers then go to an \.npz file beside it\)",
        "\\g<o>은(는) \\g<n>바이트인 시나리오가 됩니다. 시나리오 파일은 \\g<l>바이트까지만 읽습니다. --arrays inline을 "
        "빼세요(그러면 숫자는 옆의 .npz 파일에 씁니다)",
    ),
    (r": already exists; use --force to overwrite it", ": 이미 있습니다. 덮어쓰려면 --force를 쓰세요"),
    (r"(?P<f>\S+) is not a known key; ", "\\g<f>은(는) 알 수 없는 키입니다. "),
    (r"(?P<f>\S+) is missing", "\\g<f>이(가) 없습니다"),
    (r"does not exist", "파일이 없습니다"),
    (r"is a folder, expected a scenario file \(\.toml\)", "폴더입니다. 시나리오 파일(.toml)이어야 합니다"),
    (r"is not valid TOML: ", "올바른 TOML이 아닙니다: "),
    (
        r"is only for per-head stages; (?P<s>\S+) is computed once for all heads",
        "헤드별 단계에만 씁니다. \\g<s> 단계는 모든 헤드에 대해 한 번만 계산합니다",
    ),
    (r"is not usable; expected a finite number >= 0", "은(는) 쓸 수 없습니다. 0 이상의 유한한 수여야 합니다"),
)

#: Connecting phrases left after the shapes (longest first).
PHRASES: tuple[tuple[str, str], ...] = (
    ("expected one of: ", "다음 중 하나여야 합니다: "),
    ("expected a whole number from ", "정수여야 합니다: "),
    ("a whole number", "정수"),
    ("a number", "수"),
    ("1 or more", "1 이상"),
    (" or one of: ", " 또는 다음 중 하나: "),
    ("; expected ", ". 필요한 것: "),
    ("expected ", "필요한 것: "),
)

_HINT = re.compile(r"did you mean (?P<w>[^?]+)\? ")
_WHAT = {"heads": "헤드", "stages": "단계"}
_KIND = {
    "a FIFO (named pipe)": "FIFO(이름 있는 파이프)",
    "a device": "장치 파일",
    "a socket": "소켓",
    "a folder": "폴더",
    "not a regular file": "일반 파일이 아닌 것",
}


def translate(message: str) -> str:
    """``message`` in Korean: every shape of ``SHAPES`` that matches, then the phrases, then the particles."""
    text = message
    for pattern, korean in SHAPES:

        def repl(m: re.Match[str], korean: str = korean) -> str:
            groups = {k: v or "" for k, v in m.groupdict().items()}
            groups["hintko"] = f"{groups['hint']}을(를) 찾으셨나요? " if groups.get("hint") else ""
            groups["whatko"] = _WHAT.get(groups.get("what", ""), "")
            groups["kindko"] = _KIND.get(groups.get("kind", ""), "")
            return re.sub(r"\\g<(\w+)>", lambda g: groups.get(g.group(1), ""), korean)

        text = re.sub(pattern, repl, text)
    text = _HINT.sub(lambda m: f"{m.group('w')}을(를) 찾으셨나요? ", text)
    for en, ko in PHRASES:
        text = re.sub(r"(?<![A-Za-z])" + re.escape(en), ko, text)
    return resolve(text)
