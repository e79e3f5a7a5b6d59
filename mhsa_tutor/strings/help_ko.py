"""The Korean ``--help``: every help text of the CLI, keyed by its English text.

The commands declare their help once, in English, beside their options (Typer reads it
there). Under Korean (``--lang ko`` on the command line, or ``MHSA_TUTOR_LANG=ko``) the help
formatter (``cli.support.Formatter``) looks each text up here; ``WORDS`` are Click's own
headings and brackets. A test renders every command's help in Korean and fails on a text
missing here, so a new option cannot forget its Korean help.
"""

from __future__ import annotations

_IDS = "input, positions, params, projections, split, rotary, scores, scaled, bias, masked, softmax, head_output, concat, output, online_softmax, decode_qkv, kv_cache, decode_scores, decode_softmax, decode_output"

HELP: dict[str, str] = {
    "Multi-head self-attention, computed by hand in front of you, one stage at a time.": (
        "멀티 헤드 셀프 어텐션을 눈앞에서 손계산으로, 한 단계씩 보여 줍니다."
    ),
    "Show the version and exit.": "버전을 보여 주고 끝냅니다.",
    "Show this message and exit.": "이 도움말을 보여 주고 끝냅니다.",
    "List the built-in scenarios: name, title, what each shows, tokens, heads, source.": (
        "내장 시나리오 목록: 이름, 제목, 보여 주는 것, 토큰, 헤드, 출처."
    ),
    "Narration language.": "설명 언어(en 또는 ko). 환경 변수 MHSA_TUTOR_LANG으로 모든 명령의 언어를 한 번에 정할 수 있습니다.",
    "Show every stage of multi-head attention for a scenario, in order.": (
        "시나리오의 멀티 헤드 어텐션을 모든 단계에 걸쳐 차례로 보여 줍니다."
    ),
    "A built-in scenario (see `list`), a scenario .toml file, or `random`: generated, 3 tokens, d_model 4, 2 heads "
    "unless --tokens, --d-model, --heads, --seed, --mask or --values say otherwise.": (
        "내장 시나리오(`list` 참고), 시나리오 .toml 파일, 또는 `random`(자동 생성: --tokens, --d-model, --heads, --seed, "
        "--mask, --values로 따로 정하지 않으면 토큰 3개, d_model 4, 헤드 2개)."
    ),
    f"Show only this stage: an id ({_IDS}), the number a header shows (8) or a range (5-7); repeatable.": (
        f"이 단계만 보여 줍니다: 단계 ID({_IDS}), 단계 머리에 나오는 번호(8) 또는 범위(5-7). 여러 번 쓸 수 있습니다."
    ),
    "Show only this head's per-head stages (1-based).": "헤드별 단계 중 이 헤드의 것만 보여 줍니다(1부터 셈).",
    "Decimals shown, 0 to 12.": "보여 줄 소수 자릿수, 0부터 12까지.",
    "Ignore the source's hand rounding (the scenario's rounding table).": (
        "원문의 손계산 반올림(시나리오의 rounding 표)을 무시합니다."
    ),
    "Show big matrices whole instead of their corners.": "큰 행렬을 모서리만이 아니라 전부 보여 줍니다.",
    "Matrices only, without the narration.": "설명 없이 행렬만 보여 줍니다.",
    "Walk through one stage at a time: → next, ← back, number+Enter jump, l stages, q quit (piped: one line a key, "
    "Enter/n, b, number, q, ?).": (
        "한 단계씩 넘겨 봅니다: → 다음, ← 이전, 번호+Enter 이동, l 단계 목록, q 끝내기(파이프 입력이면 한 줄에 하나씩: "
        "Enter/n, b, 번호, q, ?)."
    ),
    "Number of tokens, named t1 … tT.": "토큰 수. 토큰 이름은 t1 … tT.",
    "Scenario `random` (generated, no file; without these options: 3 tokens, d_model 4, 2 heads)": (
        "`random` 시나리오(파일 없이 자동 생성. 아래 옵션이 없으면 토큰 3개, d_model 4, 헤드 2개)"
    ),
    "Width of each token's vector.": "각 토큰 벡터의 차원.",
    "Number of heads; must divide --d-model.": "헤드 수. --d-model을 나누어떨어지게 해야 합니다.",
    "Same seed, same numbers (default 0).": "같은 시드면 같은 숫자(기본값 0).",
    "Mask (default none); sliding needs --window.": "마스킹(기본값 none). sliding에는 --window가 필요합니다.",
    "small-int: integers -2 … 2 (the default up to 8 tokens and d_model 8); normal: Gaussian, weights scaled by "
    "1/√d_model, so scores stay moderate at any size (the default above).": (
        "small-int: −2 … 2의 정수(토큰 8개, d_model 8까지의 기본값). normal: 정규분포, 가중치 행렬은 1/√d_model을 곱해 "
        "어떤 크기에서도 점수가 적당히 유지됨(그보다 클 때의 기본값)."
    ),
    "Absolute positions added to X (default none).": "X에 더할 절대 위치(기본값 none).",
    "Rotary positions (RoPE) on Q and K; d_k must be even.": "Q와 K에 회전 위치 임베딩(RoPE). d_k는 짝수여야 합니다.",
    "ALiBi distance bias on the scores.": "점수에 더하는 ALiBi 거리 편향.",
    "Sliding window W (with --mask sliding).": "슬라이딩 윈도 크기 W(--mask sliding과 함께).",
    "Key/value heads G (GQA/MQA); must divide --heads.": "키/밸류 헤드 수 G(GQA/MQA). --heads를 나누어떨어지게 해야 합니다.",
    "Generate the last N tokens one at a time with a KV cache (with --mask causal or sliding).": (
        "마지막 N개 토큰을 KV 캐시로 하나씩 생성합니다(--mask causal 또는 sliding과 함께)."
    ),
    "Also compute the softmax and A·V as FlashAttention does: online, over key blocks of B.": (
        "소프트맥스와 A·V를 FlashAttention처럼 B개씩의 키 블록으로 온라인 계산하는 과정도 보여 줍니다."
    ),
    "Show how one number was computed, with its real numbers, term by term.": (
        "숫자 하나가 어떻게 계산되었는지 실제 숫자로 항 하나하나 보여 줍니다."
    ),
    f"Stage id: {_IDS}.": f"단계 ID: {_IDS}.",
    f"Stage id ({_IDS}) or the number a header shows (8 for stage 8/16).": (
        f"단계 ID({_IDS}) 또는 머리글에 나오는 번호(단계 8/16이면 8)."
    ),
    "Row: 1-based position or token name.": "행: 1부터 센 위치 또는 토큰 이름.",
    "Column: 1-based position or token name.": "열: 1부터 센 위치 또는 토큰 이름.",
    "Head, for per-head stages (default 1).": "헤드별 단계의 헤드(기본값 1).",
    "Which matrix of the stage, e.g. Q, K or V (default: first).": "단계의 어느 행렬인지, 예: Q, K, V(기본값: 첫 번째).",
    "Write the whole trace as markdown, an interactive HTML page, SVG, an attention heatmap, JSON or NumPy arrays.": (
        "계산 과정 전체를 마크다운, 대화형 HTML 페이지, SVG, 어텐션 히트맵, JSON 또는 NumPy 배열로 씁니다."
    ),
    "File to write, or - for standard output.": "쓸 파일. 표준 출력이면 -.",
    "Output format (default: from FILE's extension; markdown for -): html is an offline interactive page, svg the "
    "terminal view, heatmap an SVG figure of the attention weights, npz every matrix as NumPy float64 arrays "
    "(numpy.load).": (
        "출력 형식(기본값: FILE의 확장자로 정함. -이면 마크다운). html은 오프라인 대화형 페이지, svg는 터미널 화면, "
        "heatmap은 어텐션 가중치의 SVG 그림, npz는 모든 행렬을 담은 NumPy float64 배열(`numpy.load`로 읽음)입니다."
    ),
    "Overwrite FILE if it exists.": "FILE이 이미 있으면 덮어씁니다.",
    "Practise by hand: compute one cell of each stage yourself; the tutor checks it and shows how.\n\nAnswers are "
    "read line by line (piped input works); q or end of input ends\nthe quiz with the summary, whose last line is "
    "`score: right/answered`.": (
        "손으로 연습합니다: 단계마다 칸 하나를 직접 계산하면 튜터가 확인하고 계산 과정을 보여 줍니다.\n\n답은 한 줄씩 읽습니다"
        "(파이프 입력도 됩니다). q를 입력하거나 입력이 끝나면 요약을 보여 주고 끝나며, 요약의 마지막 줄은 "
        "`맞힌 문제: 맞힌 수/답한 수`입니다."
    ),
    "Ask only about this stage id (repeatable): projections, scores, scaled, softmax, head_output, concat or output.": (
        "이 단계 ID에 대해서만 묻습니다(여러 번 쓸 수 있음): projections, scores, scaled, softmax, head_output, concat, output."
    ),
    "Number of questions, 1 or more (default: one per stage).": "문제 수, 1 이상(기본값: 단계마다 하나).",
    "Same seed, same questions (and, for random, same numbers). Default: a fresh one.": (
        "같은 시드면 같은 문제(random이면 같은 숫자도). 기본값: 매번 새 시드."
    ),
    "Accept answers this close (default: half a unit of the last decimal typed).": (
        "정답과 이만큼 가까우면 맞은 것으로 봅니다(기본값: 입력한 마지막 자리의 반 단위)."
    ),
    "Write a new, commented scenario file with generated numbers, to edit and run.": (
        "숫자를 자동으로 채우고 설명 주석을 단 새 시나리오 파일을 씁니다. 고쳐서 실행해 보세요."
    ),
    "The scenario file to write, e.g. mine.toml.": "쓸 시나리오 파일, 예: mine.toml.",
    'The tokens, separated by spaces, e.g. "the cat sat".': '공백으로 구분한 토큰, 예: "the cat sat".',
    "none, causal (no looking ahead) or sliding.": "none, causal(뒤의 토큰을 미리 보지 않음) 또는 sliding.",
    "Same seed, same numbers.": "같은 시드면 같은 숫자.",
    "small-int: integers -2 … 2, to work by hand; normal: Gaussian, 2 decimals.": (
        "small-int: 손계산용 −2 … 2의 정수. normal: 정규분포, 소수 2자리."
    ),
    "Write one attention layer of a local GPT-2, BERT or Llama-family checkpoint, on your text, as a scenario.": (
        "내 컴퓨터에 있는 GPT-2, BERT, Llama 계열 체크포인트의 어텐션 층 하나를 내 텍스트로 계산해 시나리오 파일로 씁니다."
    ),
    "A local Hugging Face checkpoint folder: config.json, model.safetensors, tokenizer.json.": (
        "내 컴퓨터의 Hugging Face 체크포인트 폴더: config.json, model.safetensors, tokenizer.json."
    ),
    "Your text, tokenized by the model's tokenizer.": "내 텍스트. 모델의 토크나이저로 토큰을 나눕니다.",
    "The scenario file to write.": "쓸 시나리오 파일.",
    "Which attention layer, from 0.": "몇 번째 어텐션 층인지(0부터 셈).",
    "Where the matrices go: in FILE (inline), in an .npz file beside it (npz), or inline when it fits (auto).": (
        "행렬을 둘 곳: FILE 안(inline), 그 옆의 .npz 파일(npz), 또는 들어가면 FILE 안, 아니면 .npz(auto)."
    ),
    "Language of the closing line.": "마지막 안내 줄의 언어(en 또는 ko).",
    "Projection biases b_Q, b_K, b_V, b_O (as nn.MultiheadAttention(bias=True)); not ALiBi's --bias.": (
        "투영의 편향 b_Q, b_K, b_V, b_O(nn.MultiheadAttention(bias=True)처럼). ALiBi의 --bias와는 다릅니다."
    ),
    "Language of the file's comments.": "파일 주석의 언어(en 또는 ko). 환경 변수 MHSA_TUTOR_LANG도 따릅니다.",
    "The guided course: short lessons from the first dot product to RoPE, ALiBi, GQA and masks.\n\nEach lesson "
    "walks a few stages, then asks you to compute cells (two tries; a\ncell missed twice goes into your mistake "
    "book). Progress is kept in your\nstate folder (MHSA_TUTOR_STATE, else XDG_STATE_HOME; learn --list says\n"
    "where). Piped, it reads one line per answer or key, like run --step.": (
        "안내 과정: 첫 내적부터 RoPE, ALiBi, GQA, 마스킹까지 짧은 강의로 이어집니다.\n\n강의마다 몇 단계를 보여 준 뒤 "
        "칸을 직접 계산하게 합니다(두 번까지 시도할 수 있고, 두 번 틀린 칸은 오답 노트에 들어갑니다). 진행 상황은 상태 "
        "폴더(MHSA_TUTOR_STATE, 없으면 XDG_STATE_HOME; learn --list가 위치를 알려 줍니다)에 저장됩니다. 파이프로 "
        "입력하면 run --step처럼 한 줄에 답이나 입력 하나를 읽습니다."
    ),
    "Go to lesson N (its number in --list, or its id); default: resume.": (
        "N강으로 갑니다(--list의 번호나 강의 ID). 주지 않으면 멈춘 곳부터 이어서 합니다."
    ),
    "List the lessons: ✓ done, ▶ current, ✗ cells missed.": "강의 목록: ✓ 마침, ▶ 지금, ✗ 틀린 칸 수.",
    "Ask the cells of your mistake book again.": "오답 노트의 칸을 다시 풀게 합니다.",
    "Start the course over (asks first on a terminal).": "과정을 처음부터 다시 합니다(터미널에서는 먼저 묻습니다).",
}

#: Click's own words in the help.
WORDS: dict[str, str] = {
    "Usage: ": "사용법: ",
    "Options": "옵션",
    "Arguments": "인자",
    "Commands": "명령",
    "[OPTIONS]": "[옵션]",
    "COMMAND": "명령",
    "[ARGS]...": "[인자]...",
    "default": "기본값",
    "required": "필수",
}
