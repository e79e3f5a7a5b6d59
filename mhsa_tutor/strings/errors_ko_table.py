"""The Korean of every error message: English template -> Korean template (data only; ``errors_ko`` reads it).

``MESSAGES`` holds every message a ``raise …Error(…)`` of the package can show, keyed by its English
template exactly as the source writes it, each ``{…}`` of the f-string written ``{}`` (the key is what
``tests/test_errors_ko.py`` reads out of the source, so a message changed in the code and not here fails
that test). ``PHRASES`` holds the parts that reach a message through a variable: type names, a
did-you-mean hint, a shape's reason, the standard library's TOML and OS messages, Click's usage
errors; ``FORMS`` more specific forms of a message, tried before it. Korean templates name the English template's values by position
(``{0}``, ``{1}``…; ``{0:raw}`` keeps a value as typed even when it reads like a phrase of the tables)
and may use ``{field}`` (the scenario field, as typed), ``{origin}`` (the file or
name) and ``{option}`` (the flag, ``--row``); particle markers (``은(는)``…) follow the value they
attach to and are resolved once the values are in. A value that is itself English (``an integer``) is
translated by the same tables; names, numbers, paths and values as typed stay as they are.

Terms: 어텐션, 쿼리, 키 (attention keys only; a TOML key is an 항목), 밸류, 소프트맥스, 헤드, 마스킹.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # ---------------------------------------------------------------- reading a scenario file
    "is a binary file, expected a TOML scenario": "바이너리 파일입니다. TOML 시나리오 파일이어야 합니다",
    "is not UTF-8 text, expected a TOML scenario": "UTF-8 텍스트가 아닙니다. TOML 시나리오 파일이어야 합니다",
    "is empty, expected a TOML scenario (title, tokens, heads, [input])": (
        "비어 있습니다. title, tokens, heads와 [input] 테이블이 있는 TOML 시나리오여야 합니다"
    ),
    "is not valid TOML: {}": "올바른 TOML이 아닙니다: {0}",
    "is not usable TOML: a number has too many digits": "쓸 수 없는 TOML입니다: 자릿수가 너무 많은 수가 있습니다",
    "is not usable TOML: arrays or tables are nested too deeply": (
        "쓸 수 없는 TOML입니다: 배열이나 테이블이 너무 깊게 중첩되어 있습니다"
    ),
    "does not exist": "파일이 없습니다",
    "is a folder, expected a scenario file (.toml)": "폴더입니다. 시나리오 파일(.toml)이어야 합니다",
    "cannot be read ({})": "읽을 수 없습니다({0})",
    "is {}, expected a regular scenario file (.toml)": "{0}입니다. 일반 시나리오 파일(.toml)이어야 합니다",
    "is {} bytes; the limit for a scenario file is {} bytes": (
        "{0}바이트입니다. 시나리오 파일은 {1}바이트까지 읽습니다"
    ),
    "is over {} bytes; the limit for a scenario file is {} bytes": (
        "{0}바이트를 넘습니다. 시나리오 파일은 {1}바이트까지 읽습니다"
    ),
    "is not a built-in scenario or a file; {}`mhsa-tutor list` shows the built-ins": (
        "{origin}은(는) 내장 시나리오도 파일도 아닙니다. {0}내장 시나리오는 `mhsa-tutor list`로 볼 수 있습니다"
    ),
    "cannot be used as a path ({})": "경로로 쓸 수 없습니다({0})",
    # ---------------------------------------------------------------- keys and values of a scenario
    "is missing": "{field}이(가) 없습니다",
    "is missing{}": "{field}이(가) 없습니다{0}",
    "is missing (a string is required)": "{field}이(가) 없습니다(문자열이 있어야 합니다)",
    "is missing (input.X needs W_Q, W_K and W_V)": "{field}이(가) 없습니다(input.X에는 W_Q, W_K, W_V가 필요합니다)",
    "is missing (Q, K and V go together)": "{field}이(가) 없습니다(Q, K, V는 함께 주어야 합니다)",
    "is missing ({} is computed per head: 1 to {})": (
        "{field}이(가) 없습니다({0} 단계는 헤드마다 계산합니다: 1부터 {1}까지)"
    ),
    "is missing; memory_tokens is set, so cross-attention needs the encoder states": (
        "{field}이(가) 없습니다. memory_tokens가 있으니 교차 어텐션에는 인코더 상태가 필요합니다"
    ),
    "is given but memory_tokens is missing; expected memory_tokens = [...] for cross-attention": (
        "{field}이(가) 주어졌는데 memory_tokens가 없습니다. 교차 어텐션에는 memory_tokens = [...]가 있어야 합니다"
    ),
    "is given with input.Q/K/V; expected memory only with input.X": (
        "{field}이(가) input.Q/K/V와 함께 주어졌습니다. memory는 input.X와만 쓸 수 있습니다"
    ),
    "is given with input.Q/K/V; expected only W_O (and b_O) in [weights] when Q, K, V are given": (
        "{field}이(가) input.Q/K/V와 함께 주어졌습니다. Q, K, V를 직접 주면 [weights]에는 W_O(와 b_O)만 둡니다"
    ),
    "is given together with input.X; expected either X (with [weights]) or Q, K, V": (
        "{field}이(가) input.X와 함께 주어졌습니다. X([weights]와 함께)나 Q, K, V 중 하나만 주어야 합니다"
    ),
    "has neither X nor Q, K, V; expected input.X (with [weights]) or input.Q, input.K, input.V": (
        "{field}에 X도 Q, K, V도 없습니다. input.X([weights]와 함께)나 input.Q, input.K, input.V가 있어야 합니다"
    ),
    "is not a known key; {}expected one of: {}": "{field}은(는) 알 수 없는 항목입니다. {0}쓸 수 있는 항목: {1}",
    "is a quoted key, so TOML reads it as one key named {}, not as {} in [{}{}]; "
    "expected {}{} without quotes, or {} under [{}{}]": (
        "{field}은(는) 따옴표로 묶인 항목이라 TOML은 [{2}{3}] 안의 {1}이(가) 아니라 이름이 {0}인 항목 하나로 읽습니다. "
        "따옴표 없이 {4}{5}(으)로 쓰거나 [{7}{8}] 아래에 {6}(으)로 쓰세요"
    ),
    "is {}, expected a string": "{field}은(는) {0}입니다. 문자열이어야 합니다",
    "is {}; {}expected one of: {}": "{field}은(는) {0}입니다. {1}다음 중 하나여야 합니다: {2}",
    "is {}; {}expected one of: 'half', 'interleaved'": "{field}은(는) {0}입니다. {1}'half'나 'interleaved'여야 합니다",
    "is {}, expected a list of strings": "{field}은(는) {0}입니다. 문자열 목록이어야 합니다",
    "is empty, expected at least one token": "{field}이(가) 비어 있습니다. 토큰이 하나 이상 있어야 합니다",
    "has {} tokens; the limit is {}": "{field}에 토큰이 {0}개 있습니다. 최대 {1}개입니다",
    "is an empty string, expected a token": "{field}은(는) 빈 문자열입니다. 토큰이어야 합니다",
    "is whitespace only ({} characters); expected a visible token": (
        "{field}은(는) 공백 문자뿐입니다({0}자). 눈에 보이는 토큰이어야 합니다"
    ),
    "draws nothing: it holds only {}; expected a visible token "
    "(at least one character that is not a space, a filler or a zero-width character)": (
        "{field}은(는) 화면에 아무것도 그리지 않습니다: {0}만 들어 있습니다. "
        "눈에 보이는 토큰이어야 합니다(공백, 채움 문자, 폭이 0인 문자가 아닌 글자가 하나 이상)"
    ),
    "contains a line break, expected a token on one line": ("{field}에 줄바꿈이 있습니다. 토큰은 한 줄이어야 합니다"),
    "is {}, expected an integer": "{field}은(는) {0}입니다. 정수여야 합니다",
    "is {}; the limit is {} {}": "{field}은(는) {0}입니다. 최대 {1}{2}입니다",
    "is {}, expected an integer from {} to {}": "{field}은(는) {0}입니다. {1}부터 {2}까지의 정수여야 합니다",
    "is {}, expected a table [{}]": "{field}은(는) {0}입니다. [{1}] 테이블이어야 합니다",
    "is {}, expected a matrix (a list of rows of numbers)": (
        "{field}은(는) {0}입니다. 행렬(수로 된 행들의 목록)이어야 합니다"
    ),
    "row {} is {}, expected a list of numbers": "{field}의 {0}행은 {1}입니다. 수의 목록이어야 합니다",
    "row 1 is empty, expected at least one number": "{field}의 1행이 비어 있습니다. 수가 하나 이상 있어야 합니다",
    "is ragged: row {} has {} values, row 1 has {}": (
        "{field}의 행 길이가 고르지 않습니다: {0}행에는 값이 {1}개, 1행에는 {2}개 있습니다"
    ),
    "is {}, expected a number{}": "{field}은(는) {0}입니다. 수여야 합니다{1}",
    "is {}, expected a finite number": "{field}은(는) {0}입니다. 유한한 수여야 합니다",
    "is {}, too large: products would overflow float64 (expected |x| <= 1e150)": (
        "{field}은(는) {0}(으)로 너무 큽니다: 곱셈에서 float64가 넘칩니다(|x| <= 1e150이어야 합니다)"
    ),
    "has {} columns, which {} heads cannot split; expected a multiple of heads ({})": (
        "{field}은(는) 열이 {0}개라서 헤드 {1}개로 나눌 수 없습니다. 열 수는 헤드 수({2})의 배수여야 합니다"
    ),
    "is {}, expected {} ({})": "{field}은(는) {0}입니다. {1}(이)어야 합니다({2})",
    "has {} tokens, which with {} heads makes {} attention weights (heads × tokens × keys); expected at most {}": (
        "{field}은(는) 토큰 {0}개와 헤드 {1}개로 어텐션 가중치가 {2}개(헤드 × 토큰 × 키)가 됩니다. "
        "최대 {3}개여야 합니다"
    ),
    "names a stage this scenario does not have; expected one of: {}": (
        "{field}은(는) 이 시나리오에 없는 단계입니다. 다음 중 하나여야 합니다: {0}"
    ),
    "is not a stage that can be rounded; {}expected one of: {}": (
        "{field}은(는) 반올림할 수 있는 단계가 아닙니다. {0}다음 중 하나여야 합니다: {1}"
    ),
    "is {}, expected a list of numbers (one per column of W_{})": (
        "{field}은(는) {0}입니다. 수의 목록이어야 합니다(W_{1}의 열마다 하나)"
    ),
    "is given, but {}; expected a bias only with its weight matrix": (
        "{field}이(가) 주어졌지만 {0}. 편향은 그 가중치 행렬과 함께만 쓸 수 있습니다"
    ),
    "has {} values, expected {} (one per column of W_{})": (
        "{field}에 값이 {0}개 있습니다. {1}개여야 합니다(W_{2}의 열마다 하나)"
    ),
    "has {} values, expected {}": "{field}에 값이 {0}개 있습니다. {1}개여야 합니다",
    "is {}, expected a table [expected.{}] with stage, matrix, value, decimals": (
        "{field}은(는) {0}입니다. stage, matrix, value, decimals가 있는 [expected.{1}] 테이블이어야 합니다"
    ),
    "is {}, expected a stage of this scenario: {}": "{field}은(는) {0}입니다. 이 시나리오의 단계여야 합니다: {1}",
    "is {}, expected one of {}'s matrices: {}": "{field}은(는) {0}입니다. {1} 단계의 행렬 중 하나여야 합니다: {2}",
    "is given, but {} is not a per-head stage": "{field}이(가) 주어졌지만 {0} 단계는 헤드별 단계가 아닙니다",
    "is {}, expected true or false": "{field}은(는) {0}입니다. true나 false여야 합니다",
    "is {}, but this axis has no token names; expected a number from 1 to {}": (
        "{field}은(는) {0}인데 이 축에는 토큰 이름이 없습니다. 1부터 {1}까지의 번호여야 합니다"
    ),
    "is {}, expected a token: {}": "{field}은(는) {0}입니다. 다음 토큰 중 하나여야 합니다: {1}",
    "is {}, which names several tokens; expected a 1-based position": (
        "{field}은(는) {0}인데 이 이름의 토큰이 여럿입니다. 1부터 세는 위치 번호여야 합니다"
    ),
    # ---------------------------------------------------------------- the variants' fields
    "is {}, which does not divide heads ({}); expected a divisor of {}": (
        "{field}은(는) {0}인데 헤드 수({1})를 나누어떨어지게 하지 않습니다. {2}의 약수여야 합니다"
    ),
    "is {}, but Q, K, V are given; expected positions only with input.X": (
        "{field}은(는) {0}인데 Q, K, V가 직접 주어졌습니다. positions는 input.X와만 쓸 수 있습니다"
    ),
    'is given, but positions is not "learned"; expected positions = "learned"': (
        '{field}이(가) 주어졌지만 positions가 "learned"가 아닙니다. positions = "learned"여야 합니다'
    ),
    'is missing; positions = "learned" needs P (tokens × d_model)': (
        '{field}이(가) 없습니다. positions = "learned"에는 P(토큰 × d_model)가 필요합니다'
    ),
    "is {}, expected 'none' or 'custom' for cross-attention (memory_tokens is set)": (
        "{field}은(는) {0}입니다. 교차 어텐션(memory_tokens가 있음)에서는 'none'이나 'custom'이어야 합니다"
    ),
    'is given, but mask is not "custom"; expected mask = "custom"': (
        '{field}이(가) 주어졌지만 mask가 "custom"이 아닙니다. mask = "custom"이어야 합니다'
    ),
    'is missing; mask = "custom" needs blocked (tokens × key tokens booleans)': (
        '{field}이(가) 없습니다. mask = "custom"에는 blocked(토큰 × 키 토큰 크기의 참/거짓 값)가 필요합니다'
    ),
    "is {}, expected one boolean per key token": "{field}은(는) {0}입니다. 키 토큰마다 참/거짓 값이 하나씩 있어야 합니다",
    "is given together with [{}]; decoding and the online softmax are checked to 1e-12 against the unrounded "
    "computation; expected no [rounding] table": (
        "{field}이(가) [{0}]와 함께 주어졌습니다. 디코딩과 온라인 소프트맥스는 반올림하지 않은 계산과 1e-12까지 "
        "맞춰 보므로 [rounding] 테이블이 없어야 합니다"
    ),
    'is given, but bias is not "alibi"; expected bias = "alibi"': (
        '{field}이(가) 주어졌지만 bias가 "alibi"가 아닙니다. bias = "alibi"여야 합니다'
    ),
    "is {}, expected {} numbers (one slope per head)": (
        "{field}은(는) {0}입니다. 수가 {1}개여야 합니다(헤드마다 ALiBi 기울기 하나)"
    ),
    'is given, but bias is not "given"; expected bias = "given"': (
        '{field}이(가) 주어졌지만 bias가 "given"이 아닙니다. bias = "given"이어야 합니다'
    ),
    'is missing; bias = "given" needs B (heads × tokens × key tokens)': (
        '{field}이(가) 없습니다. bias = "given"에는 B(헤드 × 토큰 × 키 토큰)가 필요합니다'
    ),
    "is {}, expected {} matrices (one per head, tokens × key tokens)": (
        "{field}은(는) {0}입니다. 행렬이 {1}개여야 합니다(헤드마다 하나, 토큰 × 키 토큰)"
    ),
    "is missing; expected steps = N, the tokens generated one at a time": (
        "{field}이(가) 없습니다. steps = N(한 번에 하나씩 생성하는 토큰 수)이 있어야 합니다"
    ),
    "needs at least 2 tokens (a prefill and a step), but tokens has {}": (
        "{field}에는 토큰이 2개 이상(프리필 하나와 단계 하나) 필요한데 tokens에는 {0}개뿐입니다"
    ),
    "is {}, expected an integer from 1 to {} (fewer than the {} tokens: at least one token is the prefill)": (
        "{field}은(는) {0}입니다. 1부터 {1}까지의 정수여야 합니다(토큰 {2}개보다 적게: 적어도 한 토큰은 프리필입니다)"
    ),
    "is given for cross-attention; expected decoding only in self-attention": (
        "{field}이(가) 교차 어텐션에 주어졌습니다. 디코딩은 셀프 어텐션에서만 쓸 수 있습니다"
    ),
    'is given with mask = "{}"; a generated token sees only the tokens before it, '
    'expected mask = "causal" or "sliding"': (
        '{field}이(가) mask = "{0}"와 함께 주어졌습니다. 생성되는 토큰은 앞의 토큰만 보므로 '
        'mask = "causal"이나 "sliding"이어야 합니다'
    ),
    "is missing; expected block = B, the key block size": "{field}이(가) 없습니다. 키 블록 크기 block = B가 있어야 합니다",
    "is {}, expected a number greater than 1": "{field}은(는) {0}입니다. 1보다 큰 수여야 합니다",
    "is {}, expected an even number (features are rotated in pairs)": (
        "{field}은(는) {0}입니다. 짝수여야 합니다(특성을 둘씩 짝지어 회전합니다)"
    ),
    "needs an even d_k (features are rotated in pairs), but d_k = {}": (
        "{field}에는 짝수 d_k가 필요한데(특성을 둘씩 짝지어 회전합니다) d_k = {0}입니다"
    ),
    'is missing; mask = "sliding" needs window = W (an integer >= 1)': (
        '{field}이(가) 없습니다. mask = "sliding"에는 window = W(1 이상의 정수)가 필요합니다'
    ),
    'is given, but mask is not "sliding"; expected mask = "sliding"': (
        '{field}이(가) 주어졌지만 mask가 "sliding"이 아닙니다. mask = "sliding"이어야 합니다'
    ),
    "is {}, expected {} booleans (true = blocked)": (
        "{field}은(는) {0}입니다. {1} 크기의 참/거짓 값이어야 합니다(true = 막음)"
    ),
    # ---------------------------------------------------------------- the engine and the budget
    "overflow float64 at stage {}, cell {}[{}, {}] = {}; expected smaller numbers": (
        "{0} 단계의 칸 {1}[{2}, {3}] = {4}에서 값이 float64 범위를 넘쳤습니다. 더 작은 수를 쓰세요"
    ),
    "{} is {} {}; the limit is {} {}": "{0}은(는) {1}{2}입니다. 최대 {3}{4}입니다",
    "{}needs about {} numbers ({}) in memory; the limit is {} numbers ({}); use smaller sizes": (
        "{0}메모리에 수가 약 {1}개({2}) 필요합니다. 최대 {3}개({4})입니다. 크기를 줄이세요"
    ),
    "--full would lay out {} numbers as tables; the limit is {}; leave out --full (corners are shown), "
    "pick a --stage or --head, or export JSON for every number": (
        "--full로는 수 {0}개를 표로 늘어놓게 됩니다. 최대 {1}개입니다. --full을 빼거나(모서리만 보입니다), "
        "--stage나 --head를 고르거나, 모든 수가 필요하면 JSON으로 내보내세요"
    ),
    "{}{} would write about {} bytes of token names (each name is repeated in labels, explanations and "
    "tooltips); the limit is {} bytes; use shorter tokens": (
        "{0}{1}에 토큰 이름이 약 {2}바이트 들어갑니다(이름마다 라벨, 설명, 툴팁에 되풀이됩니다). "
        "최대 {3}바이트입니다. 더 짧은 토큰을 쓰세요"
    ),
    "{}={} is not a number of characters; expected digits 0-9": "{0}={1}은(는) 글자 수가 아닙니다. 0-9 숫자여야 합니다",
    "out of memory; try smaller sizes (the limits are in the README)": (
        "메모리가 부족합니다. 크기를 줄여 보세요(한도는 README에 있습니다)"
    ),
    "standard output is closed": "표준 출력이 닫혀 있습니다",
    "cannot write to standard output: {}": "표준 출력에 쓸 수 없습니다: {0}",
    "standard input is not UTF-8 text; stopping as at the end of input": (
        "표준 입력이 UTF-8 텍스트가 아닙니다. 입력이 끝난 것으로 보고 멈춥니다"
    ),
    "standard input: a line is longer than {} characters; the limit is {}": (
        "표준 입력: 한 줄이 {0}자보다 깁니다. 최대 {1}자입니다"
    ),
    # ---------------------------------------------------------------- options of the command line
    "is empty; expected a file name, or - for standard output": (
        "{option} 값이 비어 있습니다. 파일 이름이나 표준 출력을 뜻하는 -여야 합니다"
    ),
    "{} is not usable; expected a finite number >= 0": "{option} {0}은(는) 쓸 수 없습니다. 0 이상의 유한한 수여야 합니다",
    "learn {}: there is no such lesson; expected a number from 1 to {} or one of: {}": (
        "learn {0}: 그런 강의가 없습니다. 1부터 {1}까지의 번호나 다음 중 하나여야 합니다: {2}"
    ),
    "learn: expected at most one of N, --list, --review and --reset": (
        "learn: N, --list, --review, --reset 중 하나만 쓸 수 있습니다"
    ),
    "expected {}{}{}, got {}": "{option}: {3}은(는) 쓸 수 없습니다. {0}{1}{2}(이)어야 합니다",
    "{} is over the limit; expected a whole number from 0 to {}": (
        "{option} {0}은(는) 한도를 넘습니다. 0부터 {1}까지의 정수여야 합니다"
    ),
    "{} is not a choice; {}expected one of: {}": "{option} {0}은(는) 고를 수 있는 값이 아닙니다. {1}다음 중 하나여야 합니다: {2}",
    "{} is out of range; expected 1 to {}": "{option} {0}은(는) 범위 밖입니다. 1부터 {1}까지여야 합니다",
    "{} is out of range; expected 1 to {}{}": "{option} {0}은(는) 범위 밖입니다. 1부터 {1}까지의 번호{2}(이)어야 합니다",
    "{} is out of range; expected 1 or more": "{option} {0}은(는) 범위 밖입니다. 1 이상이어야 합니다",
    "{} is out of range; expected a whole number from 1 to {}": (
        "{option} {0}은(는) 범위 밖입니다. 1부터 {1}까지의 정수여야 합니다"
    ),
    "{} is out of range; expected {} (fewer than the tokens)": (
        "{option} {0}은(는) 범위 밖입니다. {1}(이)어야 합니다(토큰 수보다 적게)"
    ),
    "{} is out of range; {} has heads 1 to {}": "{option} {0}은(는) 범위 밖입니다. {1}의 헤드는 1부터 {2}까지입니다",
    "{} is out of range; {} has stages 1 to {}": "{option} {0}은(는) 범위 밖입니다. {1}의 단계는 1부터 {2}까지입니다",
    "{} cannot be split into {} heads; expected a multiple of the heads, e.g. {}": (
        "{option} {0}은(는) 헤드 {1}개로 나눌 수 없습니다. 헤드 수의 배수여야 합니다(예: {2})"
    ),
    "{} with {} heads makes {} attention weights (heads × tokens²); the limit is {}": (
        "{option} {0}에 헤드 {1}개면 어텐션 가중치가 {2}개(헤드 × 토큰²)입니다. 최대 {3}개입니다"
    ),
    "{} is not known; {}expected one of: {}": "{option} {0}은(는) 알 수 없는 값입니다. {1}다음 중 하나여야 합니다: {2}",
    "needs at least one token": "{option}에는 토큰이 하나 이상 있어야 합니다",
    'needs at least one token, e.g. "the cat sat"': '{option}에는 토큰이 하나 이상 있어야 합니다(예: "the cat sat")',
    "a file with {} numbers would be at least {} bytes; the limit for a scenario file (what `run` reads) is {} "
    "bytes; use a smaller --d-model, or `mhsa-tutor run random --tokens T --d-model D --heads H` for big sizes": (
        "{option}: 수가 {0}개인 파일은 적어도 {1}바이트입니다. 시나리오 파일(`run`이 읽는 것)은 {2}바이트까지입니다. "
        "--d-model을 줄이거나, 큰 크기에는 `mhsa-tutor run random --tokens T --d-model D --heads H`를 쓰세요"
    ),
    "the token {} is not UTF-8 text; expected UTF-8": "{option}: 토큰 {0}은(는) UTF-8 텍스트가 아닙니다. UTF-8이어야 합니다",
    "has a token that draws nothing, {}: it holds only {}; expected visible tokens": (
        "{option}에 화면에 아무것도 그리지 않는 토큰 {0}이(가) 있습니다: {1}만 들어 있습니다. "
        "눈에 보이는 토큰이어야 합니다"
    ),
    "is only for the random scenario, not for {}": "{option}은(는) random 시나리오에만 씁니다. {0}에는 쓸 수 없습니다",
    "would be {} bytes; the limit for a scenario file (what `run` reads) is {} bytes; use a smaller --d-model{}": (
        "{0}바이트가 됩니다. 시나리오 파일(`run`이 읽는 것)은 {1}바이트까지입니다. --d-model을 줄이세요{2}"
    ),
    "is needed with --mask sliding; expected a window W >= 1": (
        "--mask sliding에는 {option}이(가) 필요합니다. 창 크기 W >= 1이어야 합니다"
    ),
    "goes with --mask sliding": "{option}은(는) --mask sliding과 함께 씁니다",
    "{} does not divide the heads ({}); expected a divisor of {}": (
        "{option} {0}(으)로는 헤드 수({1})가 나누어떨어지지 않습니다. {2}의 약수여야 합니다"
    ),
    "needs an even d_k, but d_model / heads = {}": "{option}에는 짝수 d_k가 필요한데 d_model / heads = {0}입니다",
    "needs --mask causal or --mask sliding: a generated token sees only the tokens before it": (
        "{option}에는 --mask causal이나 --mask sliding이 필요합니다: 생성되는 토큰은 앞의 토큰만 봅니다"
    ),
    "{} is ambiguous: {}, and the token {} is at position {}; write @{} for the position or token:{} for the token": (
        "{option} {0}은(는) 뜻이 둘입니다: {1} 토큰 {2}은(는) {3}번째 자리에 있습니다. "
        "자리를 뜻하면 `@{4}`, 토큰을 뜻하면 `token:{5}`(으)로 쓰세요"
    ),
    "{} is not a number; this axis has no token names, expected 1 to {}": (
        "{option} {0}은(는) 번호가 아닙니다. 이 축에는 토큰 이름이 없으니 1부터 {1}까지여야 합니다"
    ),
    "{} names several tokens; expected a position 1 to {} (or @1 to @{})": (
        "{option} {0}은(는) 여러 토큰의 이름입니다. 1부터 {1}까지의 위치(또는 @1부터 @{2}까지)여야 합니다"
    ),
    "{} is not a token; expected 1 to {} or one of: {}": (
        "{option} {0}은(는) 토큰이 아닙니다. 1부터 {1}까지의 번호나 다음 중 하나여야 합니다: {2}"
    ),
    "{} is not a stage of {}; {}expected one of: {}": (
        "{option} {0}은(는) {1}의 단계가 아닙니다. {2}다음 중 하나여야 합니다: {3}"
    ),
    "{} is not a stage of {}; {}{}": "{option} {0}은(는) {1}의 단계가 아닙니다. {2}{3}",
    "is only for per-head stages; {} is computed once for all heads": (
        "{option}은(는) 헤드별 단계에만 씁니다. {0} 단계는 모든 헤드에 대해 한 번만 계산합니다"
    ),
    "{} is not a matrix of {}; expected one of: {}": (
        "{option} {0}은(는) {1} 단계의 행렬이 아닙니다. 다음 중 하나여야 합니다: {2}"
    ),
    "has nothing to ask in {}: every value is NaN (every key is blocked)": (
        "{option}: {0}에는 물어볼 것이 없습니다: 모든 값이 NaN입니다(모든 키가 막혀 있습니다)"
    ),
    "{} has no question in {}; {}expected one of: {}": (
        "{option}: {1}에는 {0} 단계의 문제가 없습니다. {2}다음 중 하나여야 합니다: {3}"
    ),
    "{} runs backwards; expected the lower number first, e.g. {}-{}": (
        "{option} {0}은(는) 거꾸로입니다. 작은 번호를 먼저 써야 합니다(예: {1}-{2})"
    ),
    "{}, got {}": "{option}: {1}은(는) 쓸 수 없습니다. {0}",
    "{} is head {}'s {}, not head {}'s; expected --stage {} --head {}, or no --head": (
        "{option} {0}단계는 헤드 {1}의 {2} 단계이고 헤드 {3}의 단계가 아닙니다. "
        "--stage {4} --head {5}(으)로 쓰거나 --head를 빼세요"
    ),
    "{} is not a format; {}expected one of: {}": "{option} {0}은(는) 형식 이름이 아닙니다. {1}다음 중 하나여야 합니다: {2}",
    "{} contradicts the output file {}, whose extension {} means {}; expected {}, or a file name ending in .{}": (
        "{option} {0}은(는) 출력 파일 {1}과(와) 맞지 않습니다. 확장자 {2}은(는) {3} 형식입니다. "
        "{4}(으)로 쓰거나 .{5}(으)로 끝나는 파일 이름을 쓰세요"
    ),
    "is needed: cannot tell the format of {} from {}; expected a name ending in .md, .json, .html, .svg or .npz, "
    "or one of: {}": (
        "{option}이(가) 필요합니다: {1}(으)로는 {0}의 형식을 알 수 없습니다. .md, .json, .html, .svg, .npz로 끝나는 "
        "이름이나 다음 중 하나여야 합니다: {2}"
    ),
    "is - (standard output), but {} is binary: expected a file name to write it to": (
        "{option}이(가) -(표준 출력)이지만 {0}은(는) 바이너리 형식입니다. 쓸 파일 이름을 주세요"
    ),
    "unknown export format {}; expected one of: {}": "알 수 없는 내보내기 형식 {0}입니다. 다음 중 하나여야 합니다: {1}",
    "{} has no attention weights to draw": "{option}: {0}에는 그릴 어텐션 가중치가 없습니다",
    "--format heatmap draws at most {} tokens on an axis; {} has {} × {} weights per head "
    "(use --format html, which shows the corners)": (
        "--format heatmap은 한 축에 토큰을 {0}개까지 그립니다. {1}은(는) 헤드마다 가중치가 {2} × {3}개입니다"
        "(모서리를 보여 주는 --format html을 쓰세요)"
    ),
    "--full would put {} numbers in the page; a browser holds at most {} (each with its arithmetic in two "
    "languages); leave out --full to show the corners of big matrices": (
        "--full로는 페이지에 수가 {0}개 들어갑니다. 브라우저는 최대 {1}개까지 담습니다(수마다 두 언어의 계산식이 "
        "붙습니다). --full을 빼면 큰 행렬은 모서리만 보여 줍니다"
    ),
    # ---------------------------------------------------------------- a model checkpoint (`from-model`)
    "needs the optional library {}; install it with: pip install 'mhsa-tutor[model]'": (
        "{option}에는 선택 라이브러리 `{0}`이(가) 필요합니다. 설치: `pip install 'mhsa-tutor[model]'`"
    ),
    "is not a folder; expected a Hugging Face checkpoint folder ({})": (
        "폴더가 아닙니다. Hugging Face 체크포인트 폴더({0})여야 합니다"
    ),
    "has no {}; expected {} in the folder": "{0}이(가) 없습니다. 폴더에 {1}이(가) 있어야 합니다",
    "cannot be read as safetensors ({}); expected model.safetensors": (
        "safetensors로 읽을 수 없습니다({0}). model.safetensors여야 합니다"
    ),
    "tensor {} has a dtype NumPy cannot read; expected float16, float32 or float64": (
        "텐서 {0}의 dtype을 NumPy가 읽을 수 없습니다. float16, float32, float64 중 하나여야 합니다"
    ),
    "cannot be read as a tokenizers file ({})": "tokenizers 파일로 읽을 수 없습니다({0})",
    "is not valid JSON ({})": "올바른 JSON이 아닙니다({0})",
    "is not a JSON object": "JSON 객체가 아닙니다",
    "is {}; expected a layer from 0 to {} ({} layers)": (
        "{option} {0}은(는) 쓸 수 없습니다. 0부터 {1}까지의 층이어야 합니다(층 {2}개)"
    ),
    "is empty; expected some text for the model's tokenizer": (
        "{option} 값이 비어 있습니다. 모델의 토크나이저에 줄 텍스트가 있어야 합니다"
    ),
    "has no tensor {}; expected a {} checkpoint": "텐서 {0}이(가) 없습니다. {1} 체크포인트여야 합니다",
    "makes a scenario of {} bytes; a scenario file is read up to {} bytes; leave out --arrays inline "
    "(the numbers then go to an .npz file beside it)": (
        "{option}(으)로 만든 시나리오는 {0}바이트입니다. 시나리오 파일은 {1}바이트까지만 읽습니다. "
        "--arrays inline을 빼세요(그러면 숫자는 옆의 .npz 파일에 씁니다)"
    ),
    # the same words as a field's "is {}; {}expected one of: {}", which it also matches when there is no hint
    "is {}; expected one of: {}": "{field}{option}은(는) {0}입니다. 다음 중 하나여야 합니다: {1}",
    "tensor {} has {} rows; the tokenizer gave an id over that": (
        "텐서 {0}의 행은 {1}개인데 토크나이저가 그보다 큰 ID를 냈습니다"
    ),
    "has {} tokens; the model takes at most {} positions": (
        "{option}은(는) 토큰이 {0}개입니다. 이 모델은 위치를 최대 {1}개까지 받습니다"
    ),
    "with this model (d_model = {}) makes a scenario of about {} bytes of numbers; a scenario file is read up to "
    "{} bytes (about 40,000 numbers): use a shorter text, a smaller model, or leave out --arrays inline "
    "(the numbers then go to an .npz file beside it)": (
        "{option}(으)로 이 모델(d_model = {0})의 시나리오를 만들면 숫자만 약 {1}바이트입니다. 시나리오 파일은 "
        "{2}바이트(수 약 40,000개)까지만 읽습니다. 더 짧은 텍스트나 더 작은 모델을 쓰거나, --arrays inline을 "
        "빼세요(그러면 숫자는 옆의 .npz 파일에 씁니다)"
    ),
    "has no usable {}; expected a positive integer": "쓸 수 있는 {0}이(가) 없습니다. 양의 정수여야 합니다",
    "is {}; expected one of: {} (GPT-2, BERT and the Llama family)": (
        "{0}입니다. 다음 중 하나여야 합니다: {1}(GPT-2, BERT, Llama 계열)"
    ),
    "{}; the tutor cannot reproduce this layer exactly": "{0}. 이 층은 튜터가 정확히 재현할 수 없습니다",
    # ---------------------------------------------------------------- the progress file of `learn` (warnings)
    "{} {}; kept as {}, starting afresh": "{0}: {1}. {2}(으)로 옮겨 두고 처음부터 시작합니다",
    "{} {}; starting afresh, and this run's progress will not be saved": (
        "{0}: {1}. 처음부터 시작하며, 이번 진행 상황은 저장되지 않습니다"
    ),
    "{}: progress not saved ({})": "{0}: 진행 상황을 저장하지 못했습니다({1})",
    # ---------------------------------------------------------------- the arrays file of a scenario (io/sidecar.py)
    'is {}, expected a file name such as "layer.npz"': (
        '{field}은(는) {0}입니다. "layer.npz" 같은 파일 이름(문자열)이어야 합니다'
    ),
    'is {}, expected the name of a NumPy .npz file such as "layer.npz"': (
        '{field}의 {0}은(는) .npz 파일 이름이 아닙니다. "layer.npz" 같은 NumPy .npz 파일 이름이어야 합니다'
    ),
    "is {}, an absolute path; expected a path relative to the scenario file's folder": (
        "{field}의 {0}은(는) 절대 경로입니다. 시나리오 파일이 있는 폴더를 기준으로 한 상대 경로여야 합니다"
    ),
    "is {}, which leaves the scenario file's folder (..); expected a file in that folder": (
        "{field}의 {0}은(는) 시나리오 파일의 폴더 밖을 가리킵니다(..). 그 폴더 안의 파일이어야 합니다"
    ),
    "is given, but this scenario was not read from a file; expected a scenario file on disk": (
        "{field}이(가) 있지만 이 시나리오는 파일에서 읽은 것이 아닙니다. 디스크에 있는 시나리오 파일이어야 합니다"
    ),
    "is given both in the scenario file and in {}; expected it in one place": (
        "{field}이(가) 시나리오 파일과 {0} 양쪽에 있습니다. 한 곳에만 있어야 합니다"
    ),
    "does not exist; expected the arrays file that {} names (input.arrays)": (
        "파일이 없습니다. {0}의 input.arrays가 가리키는 배열 파일이 있어야 합니다"
    ),
    "is a folder, expected a NumPy .npz file": "폴더입니다. NumPy .npz 파일이어야 합니다",
    "cannot be read ({}); expected a NumPy .npz file": "읽을 수 없습니다({0}). NumPy .npz 파일이어야 합니다",
    "is {}, expected a regular NumPy .npz file": "{0}입니다. 일반 NumPy .npz 파일이어야 합니다",
    "is {} bytes; an arrays file holds at most {} float64 numbers ({} bytes), the numbers one run may hold": (
        "{0}바이트입니다. 배열 파일에는 float64 수를 {1}개({2}바이트)까지 담을 수 있습니다"
        "(한 번의 실행이 담을 수 있는 수)"
    ),
    "is not a NumPy .npz file (not a zip archive); expected np.savez output": (
        "NumPy .npz 파일이 아닙니다(zip 파일이 아님). np.savez로 쓴 파일이어야 합니다"
    ),
    "holds {} members; expected at most {} arrays, one per field (np.savez)": (
        "항목이 {0}개 있습니다. 필드마다 하나씩, 많아야 {1}개의 배열이어야 합니다(np.savez)"
    ),
    "holds no arrays; expected members such as X.npy, W_Q.npy (np.savez)": (
        "배열이 하나도 없습니다. X.npy, W_Q.npy 같은 항목이 있어야 합니다(np.savez)"
    ),
    "is not a known array; {}expected <field>.npy with a field of: {}": (
        "{field}은(는) 알 수 없는 배열입니다. {0}이름이 <필드>.npy여야 하고 필드는 다음 중 하나입니다: {1}"
    ),
    "is in the file twice; expected each array once": "{field}이(가) 파일에 두 번 있습니다. 배열마다 한 번씩만 있어야 합니다",
    "is encrypted; expected a plain np.savez member": "{field}은(는) 암호화되어 있습니다. np.savez로 쓴 보통 항목이어야 합니다",
    "is compressed with a method NumPy does not write; expected np.savez or np.savez_compressed": (
        "{field}은(는) NumPy가 쓰지 않는 방식으로 압축되어 있습니다. np.savez나 np.savez_compressed로 쓴 파일이어야 합니다"
    ),
    "is not a NumPy .npy array (its header cannot be read); expected np.savez output": (
        "{field}은(는) NumPy .npy 배열이 아닙니다(헤더를 읽을 수 없음). np.savez로 쓴 배열이어야 합니다"
    ),
    "holds {}; expected floats (float64, float32 or float16)": (
        "{field}에는 {0}이(가) 들어 있습니다. 실수(float64, float32, float16) 배열이어야 합니다"
    ),
    "has {} axes (shape {}), expected {}": "{field}의 축은 {0}개입니다(모양 {1}). {2}(이)어야 합니다",
    "is empty (shape {}); expected at least one number": (
        "{field}은(는) 비어 있습니다(모양 {0}). 수가 하나 이상 있어야 합니다"
    ),
    "declares shape {}, {} numbers; the limit is {} numbers (what one run may hold)": (
        "{field}의 헤더에 적힌 모양은 {0}, 수 {1}개입니다. 한도는 {2}개입니다(한 번의 실행이 담을 수 있는 수)"
    ),
    "declares shape {} of {} but holds {} bytes; expected {} (the file is damaged)": (
        "{field}의 헤더에 적힌 모양은 {0}({1})인데 데이터는 {2}바이트입니다. {3}바이트여야 합니다(파일이 손상됨)"
    ),
    "cannot be read ({}); the file is damaged": "{field}을(를) 읽을 수 없습니다({0}). 파일이 손상되었습니다",
    "holds {} bytes of data, expected {} (the file is truncated)": (
        "{field}의 데이터는 {0}바이트입니다. {1}바이트여야 합니다(파일이 잘림)"
    ),
    "has {} axes, expected a matrix": "{field}의 축은 {0}개입니다. 행렬이어야 합니다",
    # ---------------------------------------------------------------- writing a file
    "the file name is empty; expected a file name to write": "파일 이름이 비어 있습니다. 쓸 파일 이름이 있어야 합니다",
    "{}: ends with /, so it names a folder; expected a file name to write": (
        "{0}: /로 끝나서 폴더를 가리킵니다. 쓸 파일 이름이어야 합니다"
    ),
    "{}: is a folder; expected a file name to write": "{0}: 폴더입니다. 쓸 파일 이름이어야 합니다",
    "{}: the folder {} {}": "{0}: 폴더 {1}: {2}",
    "{}: already exists; use --force to overwrite it": "{0}: 이미 있습니다. 덮어쓰려면 --force를 쓰세요",
    "{}: cannot be written ({})": "{0}: 쓸 수 없습니다({1})",
    "{}: cannot write: {}": "{0}: 쓸 수 없습니다: {1}",
    "{}: is {}, a file this output is made from; writing it would replace its own input; expected another file name": (
        "{0}: 이 출력의 입력 파일인 {1}입니다. 여기에 쓰면 입력을 덮어쓰게 되니 다른 파일 이름을 쓰세요"
    ),
    "{}: is in {}, a folder of the system's devices or processes; expected a file in a folder of your own": (
        "{0}: 시스템의 장치나 프로세스 폴더인 {1} 안에 있습니다. 내 폴더 안의 파일이어야 합니다"
    ),
    "{}: is {}; expected a regular file (or a new name) to write": (
        "{0}: {1}입니다. 쓸 일반 파일(또는 새 이름)이어야 합니다"
    ),
}

#: Parts that reach a message through a variable, and more specific forms of a generic message.
PHRASES: dict[str, str] = {
    # type names (validate_fields.type_name) and what a value is
    "a boolean": "참/거짓 값",
    "an integer": "정수",
    "a number": "수",
    "a string": "문자열",
    "a list": "목록",
    "a table": "테이블",
    "an empty list": "빈 목록",
    "date": "날짜",
    "datetime": "날짜와 시각",
    "time": "시각",
    "an integer of {} digits": "{0}자리 정수",
    # what a file is (source_file.kind_of)
    "a folder": "폴더",
    "a FIFO (named pipe)": "FIFO(이름 있는 파이프)",
    "a device": "장치",
    "a socket": "소켓",
    "not a regular file": "일반 파일이 아닌 것",
    "a symlink to {}": "{0}을(를) 가리키는 심볼릭 링크",
    "is not a folder": "폴더가 아닙니다",
    # hints and expectations put together by the caller
    "did you mean {}? ": "{0:raw}을(를) 찾으셨나요? ",
    "did you mean {}? {}": "{0:raw}을(를) 찾으셨나요? {1}",
    " (a table [input] with X, or Q, K and V)": "(X나 Q, K, V가 있는 [input] 테이블)",
    " or a token: {}": " 또는 토큰({0})",
    " (one cell: row and col are given)": "(row와 col이 주어졌으니 칸 하나의 값)",
    "expected a stage id ({}), a number from {} to {} or a range such as {}": (
        "단계 ID({0}), {1}부터 {2}까지의 번호, 또는 {3} 같은 범위여야 합니다"
    ),
    "expected a whole number from 1 to {}": "1부터 {0}까지의 정수여야 합니다",
    "expected 1, the only head": "헤드가 하나뿐이니 1이어야 합니다",
    "1, the only head": "헤드가 하나뿐이니 1",
    "a whole number": "정수",
    "a number from {} to {}": "{0}부터 {1}까지의 수",
    "a whole number from {} to {}": "{0}부터 {1}까지의 정수",
    "a whole number, {} or more": "{0} 이상의 정수",
    "a number, {} or more": "{0} 이상의 수",
    "{}: ": "{0}: ",
    # the reasons of a shape (expect_shape, booleans)
    "one row per token": "토큰마다 한 행",
    "one row per memory token": "메모리 토큰마다 한 행",
    "one row per key token": "키 토큰마다 한 행",
    "one row per {}, {}": "{0}마다 한 행, {1}",
    "one row per {}": "{0}마다 한 행",
    "token": "토큰",
    "memory token": "메모리 토큰",
    "key token": "키 토큰",
    "as wide as Q": "너비는 Q와 같게",
    "kv_heads·d_k = {}·{} wide": "너비는 kv_heads·d_k = {0}·{1}",
    "d_model rows, the width of X": "d_model행, 곧 X의 너비",
    "rows: the width of {}; columns: {}": "행: {0}의 너비, 열: {1}",
    "rows: the width of {}": "행: {0}의 너비",
    "heads·d_k, as W_Q": "W_Q처럼 heads·d_k",
    "kv_heads·d_k = {}·{}": "kv_heads·d_k = {0}·{1}",
    "rows: heads·d_v, the width of the concatenated heads": "행: heads·d_v, 곧 이어 붙인 헤드들의 너비",
    "one position row per token, as wide as X": "토큰마다 위치 행 하나, 너비는 X와 같게",
    "tokens × key tokens": "토큰 × 키 토큰",
    "{} values": "값 {0}개",
    "one per key token": "키 토큰마다 하나",
    "the whole matrix": "행렬 전체",
    "{} rows": "{0}행",
    "{} (the limit)": "{0}(한도)",
    "d_model ({})": "d_model({0})",
    " or --values small-int": "(또는 --values small-int를 쓰세요)",
    "the extension {}": "확장자 {0}",
    "a name without an extension": "확장자가 없는 이름",
    "position {} is the token {}": "{0}번째 자리는 토큰 {1}이고",
    "there is no position {}": "{0}번째 자리는 없고",
    "every value is NaN (every key of every query is blocked); ": "모든 값이 NaN입니다(모든 쿼리에서 모든 키가 막혀 있습니다). ",
    "{}: {}": "{0:raw}: {1}",
    # why a progress file is set aside
    "is not a state file this version reads ({})": "이 버전이 읽는 상태 파일이 아닙니다({0})",
    # why (Python's JSON reader, the progress record's own checks; the text is cut at 80 characters)
    "{}: line {} column {} (char {})": "{0}: {1}행 {2}열, 문자 위치 {3}",
    "Expecting value": "값이 와야 합니다",
    "Expecting property name enclosed in double quotes": "큰따옴표로 묶은 항목 이름이 와야 합니다",
    "Expecting ',' delimiter": "','이(가) 와야 합니다",
    "Expecting ':' delimiter": "':'이(가) 와야 합니다",
    "Extra data": "뒤에 남는 데이터가 있습니다",
    "Unterminated string starting at": "끝나지 않은 문자열이 있습니다",
    "Invalid control character at": "올바르지 않은 제어 문자가 있습니다",
    "Invalid \\escape": "올바르지 않은 이스케이프가 있습니다",
    "larger than {} bytes": "{0}바이트보다 큽니다",
    "{} codec can't decode byte {} in position {}: {}": "{0} 텍스트가 아닙니다(바이트 {1}, 위치 {2}: {3})",
    "invalid start byte": "잘못된 시작 바이트",
    "invalid continuation byte": "잘못된 연속 바이트",
    "unexpected end of data": "데이터가 중간에 끝남",
    "expected a progress record of version {}": "버전 {0}의 진행 기록이어야 합니다",
    "done: expected a list of lesson ids": "done: 강의 ID 목록이어야 합니다",
    "current: expected a lesson id or null": "current: 강의 ID나 null이어야 합니다",
    "misses: expected counts by lesson id": "misses: 강의 ID별 횟수여야 합니다",
    "mistakes: expected a list": "mistakes: 목록이어야 합니다",
    "mistakes: expected records": "mistakes: 기록들이어야 합니다",
    "mistakes: a malformed record ({})": "mistakes: 형식이 틀린 기록이 있습니다({0:raw})",
    # where in a matrix (the engine's overflow)
    "{} (position {})": "{0}({1}번째 자리)",
    "{} (head {})": "{0}(헤드 {1})",
    # the arrays file: what a member holds, what it should be, where a field was read
    "Python objects (pickled)": "파이썬 객체(pickle)",
    "numbers of type {}": "{0:raw} 형식의 수",
    "a 1-D array (one value per column of its W)": "1차원 배열(W의 열마다 값 하나)",
    "a 2-D array (a matrix)": "2차원 배열(행렬)",
    "a 3-D array (heads × tokens × key tokens)": "3차원 배열(헤드 × 토큰 × 키 토큰)",
    "{} (in {})": "{0:raw}({1:raw}에서 읽음)",
    # why a bias is refused
    "Q, K, V are given directly": "Q, K, V가 직접 주어졌습니다",
    "weights.W_{} is missing": "weights.W_{0}이(가) 없습니다",
    # what would be written (limits.check_text)
    "the terminal view": "터미널 화면",
    "the explanation": "설명",
    "the quiz": "퀴즈",
    "the {} export": "{0} 내보내기",
    # units (limits)
    "heads": "개",
    "tokens": "개",
    "questions": "개",
    "bytes": "바이트",
    "the question count": "문제 수",
    "{} tokens, d_model {}, {} heads": "토큰 {0}개, d_model {1}, 헤드 {2}개",
    # TOML's own messages (tomllib)
    "{} (at line {}, column {})": "{0}({1}행 {2}열)",
    "{} (at end of document)": "{0}(문서 끝)",
    "Invalid statement": "올바르지 않은 문장입니다",
    "Expected {}": "{0}이(가) 와야 합니다",
    "Found invalid character {}": "올바르지 않은 문자 {0}이(가) 있습니다",
    "Cannot declare {} twice": "{0}을(를) 두 번 선언할 수 없습니다",
    "Cannot overwrite a value": "이미 있는 값을 덮어쓸 수 없습니다",
    "Expected ']' at the end of a table declaration": "테이블 선언 끝에 ']'이(가) 와야 합니다",
    "Cannot mutate immutable namespace {}": "바꿀 수 없는 이름공간 {0}을(를) 바꿀 수 없습니다",
    "Expected ']]' at the end of an array declaration": "배열 선언 끝에 ']]'이(가) 와야 합니다",
    "Cannot redefine namespace {}": "이름공간 {0}을(를) 다시 정의할 수 없습니다",
    "Expected '=' after a key in a key/value pair": "항목 이름 뒤에 '='이(가) 와야 합니다",
    "Invalid initial character for a key part": "항목 이름의 첫 글자가 올바르지 않습니다",
    "Unclosed array": "배열이 닫히지 않았습니다",
    "Duplicate inline table key {}": "인라인 테이블에 항목 {0}이(가) 두 번 있습니다",
    "Unclosed inline table": "인라인 테이블이 닫히지 않았습니다",
    "Unescaped '\\' in a string": "문자열에 이스케이프하지 않은 '\\'이(가) 있습니다",
    "Invalid hex value": "올바르지 않은 16진수 값입니다",
    "Escaped character is not a Unicode scalar value": "이스케이프한 문자가 유니코드 스칼라 값이 아닙니다",
    "Unterminated string": "문자열이 끝나지 않았습니다",
    "Illegal character {}": "쓸 수 없는 문자 {0}이(가) 있습니다",
    "Invalid date or datetime": "올바르지 않은 날짜나 시각입니다",
    "Invalid value": "올바르지 않은 값입니다",
    "Expected newline or end of document after a statement": "문장 뒤에는 줄바꿈이나 문서 끝이 와야 합니다",
    # the operating system's reasons (strerror)
    "Permission denied": "권한이 없습니다",
    "No such file or directory": "파일이나 폴더가 없습니다",
    "Is a directory": "폴더입니다",
    "Not a directory": "폴더가 아닙니다",
    "File name too long": "파일 이름이 너무 깁니다",
    "Read-only file system": "읽기 전용 파일 시스템입니다",
    "No space left on device": "장치에 남은 공간이 없습니다",
    "Too many levels of symbolic links": "심볼릭 링크가 너무 여러 번 이어집니다",
    "No such device or address": "그런 장치나 주소가 없습니다",
    "Operation not permitted": "허용되지 않은 작업입니다",
    "embedded null byte": "널 바이트가 들어 있습니다",
    # Click's (Typer's) usage errors
    "Missing argument {}.": "인자 {0}이(가) 없습니다.",
    "Missing option {}.": "옵션 {0}이(가) 없습니다.",
    "No such option: {} (Possible options: {})": "그런 옵션은 없습니다: {0}(비슷한 옵션: {1})",
    "No such option: {} Did you mean {}?": "그런 옵션은 없습니다: {0} {1}을(를) 찾으셨나요?",
    "No such option: {}": "그런 옵션은 없습니다: {0}",
    "No such command {}.": "그런 명령은 없습니다: {0}",
    "Option {} requires an argument.": "옵션 {0}에는 값이 필요합니다.",
    "Option {} does not take a value.": "옵션 {0}에는 값을 붙이지 않습니다.",
    "No such command {}. Did you mean {}?": "그런 명령은 없습니다: {0}. {1:raw}을(를) 찾으셨나요?",
    "Option {} requires {} arguments.": "옵션 {0}에는 값이 {1}개 필요합니다.",
    "Got unexpected extra argument ({})": "필요 없는 인자가 더 있습니다: {0}",
    "Got unexpected extra arguments ({})": "필요 없는 인자가 더 있습니다: {0}",
    "Got unexpected extra argument(s) ({})": "필요 없는 인자가 더 있습니다: {0}",
    "Invalid value for {}: {}": "{0}의 값이 올바르지 않습니다: {1}",
}

#: More specific forms of a message (or of a message built outside the package, Click's), tried first.
FORMS: dict[str, str] = {
    "{} is out of range; expected 1 to {} or a token: {}": (
        "{option} {0}은(는) 범위 밖입니다. 1부터 {1}까지의 번호나 다음 토큰 중 하나여야 합니다: {2}"
    ),
    "{} is out of range; expected a whole number from 1 to {} (fewer than the tokens)": (
        "{option} {0}은(는) 범위 밖입니다. 토큰 수보다 적은, 1부터 {1}까지의 정수여야 합니다"
    ),
    "{}: the folder {} does not exist": "{0}: 폴더 {1}이(가) 없습니다",
    "{}: the folder {} is not a folder": "{0}: {1}은(는) 폴더가 아닙니다",
    "{}: expected {}, got {}": "{0}: {2}은(는) 쓸 수 없습니다. {1}(이)어야 합니다",
}
