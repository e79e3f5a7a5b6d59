"""The Korean strings: stage titles, formulas, narration and pitfalls, and the UI.

Pure data. Every language file defines the same four dicts with the same keys and the same
``str.format`` fields (a test holds this), so a new language is one new file.
"""

TITLES: dict[str, str] = {
    "input": "입력",
    "positions": "X에 위치 정보 더하기",
    "params": "학습되는 가중치",
    "projections": "투영: 쿼리, 키, 밸류",
    "split": "헤드 {h}: Q, K, V 중 이 헤드의 열",
    "rotary": "헤드 {h}: Q와 K에 회전 위치 임베딩(RoPE) 적용",
    "scores": "헤드 {h}: 점수, 모든 쿼리와 모든 키의 내적",
    "scaled": "헤드 {h}: 점수 스케일링",
    "bias": "헤드 {h}: ALiBi 거리 편향",
    "masked": "헤드 {h}: 인과 마스킹",
    "masked.causal.padding": "헤드 {h}: 인과 마스킹과 패딩",
    "masked.sliding": "헤드 {h}: 슬라이딩 윈도 마스킹",
    "masked.custom": "헤드 {h}: 사용자 지정 마스킹",
    "masked.none": "헤드 {h}: 패딩 마스킹",
    "softmax": "헤드 {h}: 어텐션 가중치(소프트맥스)",
    "head_output": "헤드 {h}: 밸류의 가중합",
    "concat": "헤드 이어 붙이기(concatenate)",
    "output": "출력 투영",
}

FORMULAS: dict[str, str] = {
    "input.given": "Q, K, V (출처가 준 값)",
    "input.x": "X",
    "input.cross": "X, M (메모리)",
    "positions.sinusoidal": "X ← X + P,  P[pos, 2i] = sin(pos / 10000^(2i/d)),  P[pos, 2i+1] = cos(pos / 10000^(2i/d))",
    "positions.learned": "X ← X + P  (P: 위치마다 학습된 행 하나)",
    "params": "{names}",
    "projections": "Q = X·W_Q,  K = {m}·W_K,  V = {m}·W_V",
    "split.same": "Q{sub}, K{sub}, V{sub} = Q, K, V의 {c}번째 열",
    "split.diff": "Q{sub}, K{sub}, V{sub} = Q, K의 {c}번째 열, V의 {v}번째 열",
    "split.gqa": "Q{sub} = Q의 {c}번째 열;  K{sub}, V{sub} = 키/밸류 헤드 {g}: K의 {k}번째 열, V의 {v}번째 열",
    "rotary": "(a, b) → (a·cos mθ − b·sin mθ, a·sin mθ + b·cos mθ),  θ_j = {base}^(−2j/{dk}),  m = 위치",
    "scores": "S = Q{sub} K{sub}ᵀ",
    "scaled.sqrt_dk": "S / √d_k = S / √{dk}",
    "scaled.sqrt_seq_len": "S / √T = S / √{Tk}",
    "bias": "S ← S + B,  B_ij = −m·|i − j|,  m = {slope}",
    "masked": "j > i인 곳의 S_ij = −∞ (뒤의 토큰을 미리 보지 않음)",
    "masked.padding": "j > i이거나 키 j가 패딩인 곳의 S_ij = −∞",
    "masked.sliding": "i − {window} < j ≤ i가 아닌 곳의 S_ij = −∞ (윈도 크기 {window})",
    "masked.sliding.padding": "i − {window} < j ≤ i가 아니거나 키 j가 패딩인 곳의 S_ij = −∞",
    "masked.custom": "blocked[i, j]가 참인 곳의 S_ij = −∞",
    "masked.custom.padding": "blocked[i, j]가 참이거나 키 j가 패딩인 곳의 S_ij = −∞",
    "masked.none.padding": "키 j가 패딩인 곳의 S_ij = −∞",
    "softmax": "A = softmax(S), 행마다",
    "head_output": "Z{sub} = A V{sub}",
    "concat": "Z = [{parts}]",
    "output": "O = Z·W_O",
}

NOTES: dict[str, str] = {
    "input.narration.from_x": (
        "각 토큰은 d_model = {d_model}개의 숫자로 된 행 벡터입니다. 보통 임베딩에 위치 정보를 더한 값입니다. X는 이 {T}개의 행을 쌓은 {T} × {d_model} "
        "행렬이고, 아래의 모든 계산이 여기서 출발합니다."
    ),
    "input.narration.cross": "이것은 크로스 어텐션입니다. 메모리 M에는 인코더의 상태 {Tk}개가 들어 있습니다. 쿼리는 X(디코더)에서, 키와 밸류는 M에서 만들어집니다.",
    "positions.narration.sinusoidal": (
        "어텐션 자체는 순서를 보지 못합니다. 토큰 순서를 뒤섞어도 각 토큰의 출력은 그대로입니다. 그래서 트랜스포머(Vaswani et al. 2017, 3.5절)는 "
        "각 행에 위치 벡터를 더합니다: P[pos, 2i] = sin(pos / 10000^(2i/{d_model})), P[pos, 2i+1] = cos(pos / "
        "10000^(2i/{d_model})), 위치는 0부터 {T_1}까지입니다. 아래의 투영은 X + P를 씁니다."
    ),
    "positions.narration.learned": (
        "어텐션 자체는 순서를 보지 못하므로, 학습된 위치 벡터(BERT와 GPT-2처럼 위치마다 한 행)를 각 토큰에 더합니다. 아래의 투영은 X + P를 씁니다."
    ),
    "positions.pitfall.always": (
        "주의: 위치 벡터는 입력 뒤에 이어 붙이는 것이 아니라 더하는 것이며, 이후의 모든 숫자를 바꿉니다. 위치 정보가 없으면 같은 단어는 어느 자리에 있든 "
        "정확히 같은 출력을 얻습니다."
    ),
    "input.narration.given_qkv": (
        "출처가 쿼리, 키, 밸류를 바로 주기 때문에 곱할 가중치가 없습니다. Q는 {T} × {hk}, K는 {Tk} × {gk}, V는 {Tk} × {gv}이고, 행 하나가 토큰 "
        "하나입니다."
    ),
    "params.narration.always": (
        "학습되는 매개변수입니다. W_Q는 너비 {d_model}인 행을 {hk}개의 숫자(헤드당 d_k = {d_k}, 헤드 {heads}개)로 바꾸고, W_K는 키를 만들 행(너비 "
        "{d_src})을 같은 크기로, W_V는 그 행을 {hv}개의 숫자로 바꿉니다. 실제로는 학습으로 정해지지만, 여기서는 손으로 따라갈 수 있도록 값을 고정해 두었습니다."
    ),
    "params.narration.gqa": (
        "학습되는 매개변수입니다. W_Q는 너비 {d_model}인 행을 {hk}개의 숫자(쿼리 헤드 {heads}개, 헤드당 d_k = {d_k})로 바꿉니다. W_K와 W_V에는 "
        "키/밸류 헤드 {G}개의 열({gk}개씩)만 있습니다(그룹 쿼리 어텐션). 키/밸류 헤드 하나가 쿼리 헤드 {per}개를 맡습니다. 실제로는 학습으로 "
        "정해지지만, 여기서는 손으로 따라갈 수 있도록 값을 고정해 두었습니다."
    ),
    "params.narration.has_wo": "W_O({hv} × {d_out})는 맨 마지막에 이어 붙인 헤드들의 출력을 섞는 데 쓰입니다.",
    "projections.narration.always": (
        "각 행에 가중치 행렬을 곱합니다. 쿼리 Q = X·W_Q는 토큰이 무엇을 찾는지, 키 K = {m}·W_K는 무엇을 내놓는지, 밸류 V = {m}·W_V는 무엇을 전달하는지를 "
        "나타냅니다. 각 칸은 입력의 한 행과 W의 한 열의 내적입니다."
    ),
    "split.narration.always": (
        "{h}번 헤드는 Q와 K의 {c0}–{c1}번째 열(d_k = {d_k})과 V의 {v0}–{v1}번째 열(d_v = {d_v})을 가져갑니다. PyTorch의 "
        "nn.MultiheadAttention과 같은 방식입니다. 각 헤드는 자기 열만 가지고 다른 헤드와 독립적으로 어텐션을 계산합니다."
    ),
    "split.narration.gqa": (
        "그룹 쿼리 어텐션(GQA)입니다. 쿼리 헤드 {heads}개가 키/밸류 헤드 {G}개를 나눠 씁니다. {h}번 쿼리 헤드는 {g}번 키/밸류 헤드(⌊(h − 1)·G/H⌋ + 1), "
        "곧 K의 {k}번째 열과 V의 {v}번째 열을 쓰고, 이 키/밸류는 {shared}번 쿼리 헤드가 함께 씁니다. "
        "F.scaled_dot_product_attention(..., enable_gqa=True)이 반복해 주는 방식과 같습니다. 생성할 때 저장할 키와 밸류가 줄고, 쿼리 수는 그대로입니다."
    ),
    "rotary.narration.always": (
        "RoPE(Su et al. 2021)는 q와 k를 회전시켜 위치를 넣습니다. 특징 두 개씩 짝을 지어({style} 방식) 각 쌍을 m·θ_j만큼 돌립니다. m은 토큰의 위치(첫 "
        "토큰은 0)이고 θ_j = {base}^(−2j/{d_k})입니다. V는 회전하지 않습니다. 아래의 점수는 회전한 Q와 K로 계산합니다."
    ),
    "rotary.narration.rope_offset": (
        "이것이 통하는 이유: m·θ만큼 돌린 벡터와 n·θ만큼 돌린 벡터의 내적은 m − n에만 달려 있습니다. 여기서 위치 {i}에 있는 '{qi}'의 q와 위치 {j}에 있는 "
        "'{kj}'의 k의 내적은 {now}입니다. 둘 다 한 칸씩 옮겨도({i1}, {j1}) 여전히 {later}입니다. 중요한 것은 차이 {off}뿐입니다."
    ),
    "rotary.pitfall.always": (
        "주의: 짝을 짓는 방식이 두 가지 쓰이며 서로 다릅니다. 논문, GPT-J, Meta의 원래 LLaMA 코드는 이웃한 (x₀, x₁), (x₂, x₃)…을 짝짓고"
        "('interleaved'), GPT-NeoX와 Hugging Face의 rotate_half는 x_j와 x_(j + d/2)를 짝짓습니다('half'). 한 방식으로 학습한 가중치를 다른 방식으로 "
        "쓰면 점수가 틀어집니다."
    ),
    "scores.narration.always": (
        "점수 S_ij = q_i · k_j는 쿼리 i와 키 j가 얼마나 잘 맞는지를 잽니다. 내적이 클수록 토큰 i가 토큰 j를 더 많이 보게 됩니다. S는 {T} × {Tk} 행렬로, "
        "행은 쿼리, 열은 키입니다."
    ),
    "scores.pitfall.unscaled": (
        "참고: 시드 004가 쓰는 단순 내적(dot-product) 어텐션(시드 001의 고전적인 인코더–디코더 어텐션도 마찬가지)은 이 점수를 그대로 씁니다. 트랜스포머는 점수를 "
        "√d_k(= √{d_k} ≈ {sqrt_dk})로 나눕니다. 그러면 점수 사이의 차이가 줄어 소프트맥스가 덜 뾰족해지고, 가중치가 더 고르게 퍼집니다."
    ),
    "scaled.narration.sqrt_dk": (
        "√d_k(= √{d_k} ≈ {div})로 나누면 키의 너비가 커져도 점수가 덩달아 커지지 않습니다. d_k개 항을 더한 내적은 분산이 d_k에 비례해 커지는데(전형적인 크기는 "
        "√d_k에 비례), 나누지 않으면 소프트맥스가 가중치를 거의 전부 키 하나에 몰아 줍니다."
    ),
    "scaled.narration.sqrt_seq_len": "이 시나리오는 출처를 따라 시퀀스 길이의 제곱근인 √T(= √{Tk} ≈ {div})로 나눕니다.",
    "scaled.pitfall.sqrt_seq_len": (
        "주의: 표준(트랜스포머 논문, PyTorch)은 한 헤드의 키 너비의 제곱근인 √d_k(= √{d_k} ≈ {sqrt_dk})로 나눕니다. 시드 000은 시퀀스 길이의 제곱근으로 "
        "나누지만, 이는 표준이 아닙니다. 나누는 이유는 d_k개 항을 더한 내적의 분산이 d_k에 비례해 커지기 때문이며, 토큰 수와는 관계가 없습니다."
    ),
    "scaled.pitfall.sqrt_dk": (
        "주의: d_k는 한 헤드의 키 너비(여기서는 {d_k})이며, d_model도 토큰 수도 아닙니다. 시드 001은 자기 예제에서 이를 헷갈립니다. 키의 너비가 4이고 √4로 "
        "나누면서 '키의 차원은 3'이라고 썼는데, 그 예제의 d_k는 4입니다."
    ),
    "bias.narration.always": (
        "ALiBi(Press et al. 2022)는 입력에 위치를 더하지 않습니다. 대신 각 헤드가 스케일링한 점수에 −m·|i − j|를 더합니다. 키 j가 쿼리 i에서 멀수록 점수가 "
        "낮아집니다. 이 헤드의 기울기는 m = {slope}이고, 헤드 {heads}개의 기울기는 {slopes}입니다. 멀리 보는 헤드와 가까이 보는 헤드가 생깁니다."
    ),
    "bias.pitfall.always": (
        "주의: 기울기는 학습하지 않고 고정합니다. 헤드 수 H가 2의 거듭제곱이면 2^(−8h/H)이고, 그렇지 않으면 논문은 가장 가까운 두 거듭제곱의 목록을 번갈아 "
        "씁니다. 편향은 스케일링한 점수에, 마스킹과 소프트맥스보다 먼저 더합니다."
    ),
    "masked.narration.always": (
        "인과(causal) 마스킹입니다. 토큰 i는 1…i번째 토큰만 볼 수 있고, 뒤에 오는 토큰은 볼 수 없습니다. 뒤쪽 토큰의 점수를 −∞로 바꾸므로 소프트맥스를 거치면 그 가중치는 "
        "정확히 0이 됩니다."
    ),
    "masked.narration.sliding": (
        "크기 W = {window}의 슬라이딩 윈도(Longformer, Mistral)입니다. 쿼리 i는 i − {window} < j ≤ i인 키 j, 곧 자기 자신과 바로 앞의 {window_1}개만 "
        "봅니다. 나머지 점수는 −∞가 되어 가중치가 정확히 0입니다."
    ),
    "masked.narration.custom": (
        "사용자 지정 마스킹입니다. blocked[i, j]가 참인 곳(nn.MultiheadAttention의 불리언 attn_mask와 같은 뜻)의 점수는 −∞가 되어 가중치가 정확히 0입니다."
    ),
    "masked.narration.padding": (
        "패딩: {padded} 키는 시퀀스 길이를 맞추려고 채운 자리입니다(key_padding_mask). 어떤 쿼리도 여기에 주목하면 안 되므로 모든 행에서 이 점수가 −∞가 됩니다."
    ),
    "masked.narration.dead_row": (
        "{dead} 행은 모든 키가 막혀 유한한 점수가 하나도 없습니다. 그래서 소프트맥스가 0/0이 되어 NaN이 나오고, 출력도 NaN입니다. "
        "nn.MultiheadAttention도 여기서 NaN을 돌려줍니다."
    ),
    "masked.pitfall.dead_row": (
        "실제 코드가 NaN을 피하는 방법: 모든 키를 잃는 행이 생기지 않게 하거나(인과 마스킹은 대각선을 늘 남깁니다. 왼쪽 패딩에는 키 하나를 남기는 마스킹을 함께 "
        "씁니다), 그런 행을 나중에 0으로 채웁니다(최신 PyTorch SDPA 커널이 그렇게 합니다). −∞ 대신 −1e9를 더하면 문제가 가려질 뿐입니다. 그 행은 보면 안 "
        "되는 키들에 고르게 가중치를 줍니다."
    ),
    "masked.pitfall.always": (
        "주의: 마스킹은 소프트맥스 전에 점수에 적용합니다. e^−∞ = 0이므로 각 행의 합은 여전히 1입니다. 소프트맥스 뒤에 가중치를 0으로 만들면 행의 합이 더 이상 1이 되지 "
        "않습니다."
    ),
    "softmax.narration.always": (
        "소프트맥스는 점수의 각 행을 가중치로 바꿉니다: A_ij = e^(s_ij) / Σ_k e^(s_ik). 가중치는 0과 1 사이이고 각 행의 합은 1입니다. 먼저 행의 최댓값을 "
        "빼도 가중치는 같고, 오버플로를 막을 수 있습니다."
    ),
    "softmax.pitfall.self_not_highest": (
        "시드 001은 토큰이 항상 자기 자신에게 가장 크게 주목한다고 말하지만, 여기서는 그렇지 않습니다. '{tok}' 행에서 자기 자신의 가중치는 {w_self}인데, "
        "'{other}'의 가중치({w_other})가 더 큽니다({h}번 헤드). 어텐션은 q·k를 따를 뿐이고, q_i·k_i가 가장 크다는 보장은 없습니다."
    ),
    "softmax.pitfall.rounded": (
        "손계산으로 반올림하면 결과가 달라집니다. 이 실행은 출처처럼 {rounded} 반올림한 뒤 다음 단계에 씁니다. 무엇이 달라지는지는 출처 대조에서 볼 수 있습니다. "
        "(acting_machines의 출처가 정확한 값 0.7604 대신 0.7685를 싣는 것도 이 때문입니다.) --exact로 실행하면 반올림하지 않은 값을 볼 수 있습니다."
    ),
    "softmax.pitfall.exact_ignores_rounding": (
        "이 실행은 출처의 손계산 반올림을 무시하므로(--exact) 출처에 실린 값과 다른 숫자가 있습니다. 아래 출처 대조에서 어디가 왜 다른지 볼 수 있습니다."
    ),
    "softmax.pitfall.dead_row": (
        "{dead} 행은 NaN입니다. 모든 키가 마스킹되어 e^−∞ = 0만 남았고, 0/0은 숫자가 아닙니다. 오버플로가 아닙니다. 왜 이렇게 되는지는 마스킹 단계에서 "
        "설명합니다."
    ),
    "head_output.narration.always": (
        "각 토큰의 새 벡터는 밸류 행들의 가중합입니다: z_i = Σ_j A_ij v_j. Z는 {T} × {d_v} 행렬이며, 각 행은 그 토큰이 주목한 토큰들을 섞어 만든 벡터입니다."
    ),
    "concat.narration.single_head": "헤드가 하나뿐이라 이어 붙일 것이 없습니다. 이어 붙인 결과는 Z₁ 그대로이며 {T} × {hv}입니다.",
    "concat.narration.multi_head": (
        "헤드들의 출력을 나란히 이어 붙입니다: Z = [Z₁ | … | Z_{heads}]는 {T} × {hv}입니다. 헤드마다 자기 열을 유지하므로 헤드들이 찾은 정보가 서로 섞이지 "
        "않습니다."
    ),
    "concat.narration.no_wo": "이 시나리오에는 W_O가 없으므로 이어 붙인 결과가 최종 출력입니다.",
    "concat.pitfall.multi_head": (
        "주의: 시드 003은 헤드의 결과를 '더한다'고 하지만, 실제로는 이어 붙인(concatenate) 뒤 W_O를 곱합니다. 더해 버리면 학습된 가중치가 헤드를 구별하기도 전에 "
        "헤드들이 뒤섞입니다."
    ),
    "output.narration.always": (
        "W_O({hv} × {d_out})가 이어 붙인 헤드 출력을 섞어 최종 출력 O = Z·W_O를 만듭니다. 행 하나가 토큰 하나입니다. 여러 헤드가 찾은 정보가 합쳐지는 곳이 바로 "
        "여기입니다."
    ),
    "output.pitfall.always": (
        "주의: 시드 003은 이 가중치를 W^Q라고 썼지만, 이것은 별도로 학습되는 W_O입니다. (헤드 2에 W^Q₁을 다시 쓴 것도 실수입니다. 헤드마다 자기 쿼리, 키, 밸류 "
        "가중치가 있으며, 여기서는 W_Q, W_K, W_V의 서로 다른 열이 그 역할을 합니다.)"
    ),
}

UI: dict[str, str] = {
    "tokens": "토큰",
    "memory_tokens": "메모리 토큰",
    "sizes": "크기",
    "mask_scale": "마스크, 스케일",
    "variants": "변형",
    "source": "출처",
    "exact": "--exact",
    "exact_note": "출처의 손계산 반올림을 무시합니다",
    "cp_title": "출처 대조",
    "cp_where": "확인 위치",
    "cp_source": "출처 값",
    "cp_computed": "계산 값",
    "cp_decimals": "소수 자리",
    "cp_differs": "✗ {where}: 출처는 {want}, 이 실행은 {got}입니다. {note}",
    "step_prompt": "Enter/n 다음 · b 이전 · 숫자 해당 단계로 · q 끝내기 · ? 도움말 >",
    "step_help": "키: Enter 또는 n = 다음 단계, b = 이전 단계, 숫자 = 그 단계로 이동, q = 끝내기, ? = 이 도움말.",
    "step_end": "마지막 단계였습니다.",
    "step_first": "첫 번째 단계입니다.",
    "step_nostage": "여기에는 {n}번 단계가 없습니다. {valid} 중에서 고르세요.",
    "step_unknown": "알 수 없는 키 {key!r}입니다. ?를 누르면 키 목록이 나옵니다.",
    "example": "예시:",
    "ex_given": "(주어진 값: 계산할 것이 없습니다)",
    "ex_split": "({h}번 헤드는 열 {w}개를 가져갑니다. 이 헤드의 {c}번째 열은 전체 행렬의 ({h} − 1)·{w} + {c} = {src}번째 열입니다)",
    "ex_split_shared": "{q}번 쿼리 헤드는 {h}번 키/밸류 헤드를 씁니다. 이 키/밸류 헤드는 {shared}번 쿼리 헤드가 함께 씁니다(GQA).",
    "ex_blocked": "'{col}' 토큰(위치 {j})은 '{row}' 토큰(위치 {i})보다 뒤에 있습니다. j > i이므로 인과 마스크가 가립니다.",
    "ex_self": "토큰은 언제나 자기 자신을 볼 수 있으므로(j = i = {i}) 점수를 그대로 둡니다.",
    "ex_kept": "'{col}' 토큰(위치 {j})은 '{row}' 토큰(위치 {i})보다 뒤에 있지 않습니다. j ≤ i이므로 점수를 그대로 둡니다.",
    "ex_blocked_sliding": "'{col}' 토큰(위치 {j})은 '{row}' 토큰(위치 {i})보다 {w}칸 이상 앞에 있습니다. j ≤ i − {w}이므로 슬라이딩 윈도가 막습니다.",
    "ex_kept_sliding": "'{col}' 토큰(위치 {j})은 '{row}'의 윈도 안에 있습니다: {i} − {w} < {j} ≤ {i}이므로 점수를 그대로 둡니다.",
    "ex_blocked_custom": "blocked[{row}, {col}]이 참이므로 사용자 지정 마스킹이 막습니다.",
    "ex_kept_custom": "blocked[{row}, {col}]이 거짓이므로 마스킹이 점수를 그대로 둡니다.",
    "ex_blocked_padding": "'{col}' 토큰은 패딩(key_padding_mask가 참)이므로 어떤 쿼리도 주목할 수 없습니다.",
    "ex_rot": (
        "'{row}' 토큰의 {name} 벡터는 위치 {m}에 있습니다. {c}번 특징은 {o}번 특징과 짝입니다({style} 방식, 쌍 j = {pj}). 회전 각도는 m·θ_j = {m} × {theta} = "
        "{angle} 라디안입니다."
    ),
    "ex_bias": "이 헤드의 기울기는 m = {m}입니다. '{row}' 토큰은 위치 {i}, '{col}' 토큰은 위치 {j}에 있으므로 |i − j| = {d}입니다.",
    "ex_dead_row": (
        "'{row}' 행은 모든 키가 막혀 점수가 모두 −∞입니다. e^−∞는 모두 0이고 합도 0이므로 0/0 = NaN입니다(nn.MultiheadAttention과 같습니다). "
        "실제 코드는 이런 행이 생기지 않게 하거나 나중에 0으로 채웁니다."
    ),
    "ex_stable": "먼저 모든 점수에서 행의 최댓값({m})을 뺍니다. 가중치는 그대로이고 e^x가 오버플로하지 않습니다.",
    "ex_concat": "이어 붙인 행렬의 {c}번째 열은 헤드 {h} 출력의 {c2}번째 열입니다.",
    "ex_rounded": "출처처럼 소수 {d}자리로 손계산 반올림을 했습니다. 다음 단계에서 쓰는 값: {v}, 정확한 값: {e}.",
    "rounded_caption": "{name}: 출처처럼 소수 {decimals}자리로 손계산 반올림을 한 값입니다. 정확한 값은 --exact로 볼 수 있습니다",
    "quiz_title": "퀴즈: {title} · {n}문제",
    "quiz_rule": (
        "숫자를 하나씩 손으로 계산해서 입력하세요(q를 입력하면 끝납니다). 입력한 마지막 자리의 반 단위까지는 맞은 것으로 봅니다(예: 0.77은 0.765부터 0.775까지). 단, "
        "정답과의 차이가 5 % 이내여야 하니 유효숫자를 두 자리 이상 입력하세요."
    ),
    "quiz_rule_tol": "숫자를 하나씩 손으로 계산해서 입력하세요(q를 입력하면 끝납니다). 정답과의 차이가 ±{tol} 이내면 맞은 것으로 봅니다.",
    "quiz_seed": "시드 {seed}: --seed {seed}로 실행하면 같은 문제가 다시 나옵니다.",
    "quiz_question": "문제 {k}/{n}",
    "quiz_ask_positions": "{label}의 값을 구하세요. '{row}' 행의 {n}번째 특징에 더하는 위치 값입니다.",
    "quiz_ask_projections": "{label}의 값을 구하세요. 입력의 '{row}' 행과 W_{m}의 {n}번째 열의 내적입니다.",
    "quiz_ask_scores": "점수 {label}의 값을 구하세요. '{row}'의 쿼리와 '{col}'의 키의 내적입니다.",
    "quiz_ask_scaled": "스케일링한 점수 {label}의 값을 구하세요.",
    "quiz_ask_rotary": "위치만큼 회전하세요: 주어진 각도와 짝 특징으로 {label}의 값을 구하세요.",
    "quiz_ask_bias": "ALiBi 거리 편향을 더하세요: {label}의 값을 구하세요.",
    "quiz_ask_softmax": "어텐션 가중치 {label}의 값을 구하세요. 점수의 '{row}' 행에 소프트맥스를 적용했을 때 키 '{col}' 자리의 값입니다.",
    "quiz_ask_head_output": "헤드 {h}의 출력 {label}의 값을 구하세요. '{row}'의 가중치와 헤드 {h} 밸류의 {n}번째 열을 곱해서 더한 값입니다.",
    "quiz_ask_concat": "{label}의 값은 무엇일까요? 이어 붙인 헤드 출력의 {n}번째 열입니다(헤드마다 열 {dv}개).",
    "quiz_ask_output": "출력 {label}의 값을 구하세요. 이어 붙인 헤드 출력의 '{row}' 행과 W_O의 {n}번째 열의 내적입니다.",
    "quiz_prompt": "답 (q: 끝내기) >",
    "quiz_not_number": "{text!r}은(는) 숫자가 아닙니다. 0.77 같은 숫자를 입력하거나, 끝내려면 q를 입력하세요.",
    "quiz_right": "✓ 맞았습니다: {label} = {value}",
    "quiz_wrong": "✗ 틀렸습니다. 입력한 값은 {got}, 정답은 {label} = {value}입니다. 계산 과정은 이렇습니다:",
    "quiz_summary": "요약",
    "quiz_you": "입력",
    "quiz_none": "답한 문제가 없습니다.",
    "quiz_all_right": "다시 볼 단계가 없습니다. 모두 맞았습니다.",
    "quiz_revisit": (
        "다시 보면 좋은 단계: {stages}. `mhsa-tutor run <시나리오> --stage {first}`로 그 단계를 다시 볼 수 있고, `mhsa-tutor "
        "explain`으로 어느 칸이든 계산 과정을 볼 수 있습니다."
    ),
    "quiz_stopped": "{n}문제 중 {k}문제를 풀고 멈췄습니다.",
    "quiz_score": "score: {k}/{n} (답한 {n}문제 중 {k}문제 맞힘)",
    "new_header": (
        "`mhsa-tutor new`로 만든 시나리오입니다(시드 {seed}). 숫자나 토큰을 마음대로 고친 뒤 실행해 보세요:\n  mhsa-tutor run {path}\n  "
        "mhsa-tutor explain {path} --stage scores --row 1 --col 1"
    ),
    "new_values_small_int": (
        "모든 숫자가 -2부터 2까지의 작은 정수라서 모든 단계를 손으로 계산할 수 있습니다. W_Q와 W_K는 -1부터 1까지만 써서, 점수가 너무 커지지 않고 소프트맥스가 가중치를 고루 "
        "나눌 수 있게 했습니다."
    ),
    "new_values_normal": "X는 표준정규분포에서 뽑았고, 가중치는 정규분포 값을 √d_model로 나누어(d_model = {d}) 뽑았습니다. 모두 소수 2자리로 반올림했습니다.",
    "new_sizes": "크기: 토큰 T = {T}개, d_model = {d}, 헤드 {h}개이므로 헤드마다 d_k = d_v = d_model / 헤드 수 = {dk}입니다.",
    "new_title": "모든 화면의 맨 위에 표시되는 제목입니다.",
    "new_description": "선택 사항: 제목 아래에 표시되는 시나리오 설명입니다.",
    "new_source": "선택 사항: 숫자의 출처입니다.",
    "new_tokens": "토큰마다 X의 행이 하나씩, 순서대로 대응합니다(토큰 {T}개).",
    "new_heads": "헤드 수입니다. W_Q, W_K, W_V의 열 수는 헤드 수의 배수여야 합니다(여기서는 {hk} = {h} × {dk}).",
    "new_mask": '"none": 모든 토큰이 모든 토큰을 봅니다. "causal": 자기 자신과 앞쪽 토큰만 봅니다.',
    "new_scale": '"sqrt_dk": 트랜스포머처럼 점수를 √d_k로 나눕니다. 그 밖에 "none", "sqrt_seq_len"을 쓸 수 있습니다.',
    "new_positions": '"sinusoidal": 트랜스포머의 사인/코사인 위치를 X에 더합니다. "learned": X 아래의 P를 더합니다.',
    "new_window": "슬라이딩 윈도 W: 토큰 i는 i − W + 1 … i번째 토큰만 봅니다.",
    "new_bias": '"alibi": 각 헤드가 스케일링한 점수에 −m·|i − j|를 더합니다(Press et al. 2022).',
    "new_kv_heads": "키/밸류 헤드 수 G = {G}: W_K와 W_V의 열은 G·d_k = {gk}개이고, 쿼리 헤드들이 차례로 나눠 씁니다.",
    "new_rope": 'RoPE(Su et al. 2021): 각 헤드의 Q와 K를 위치만큼 회전합니다. style은 "half" 또는 "interleaved"입니다.',
    "new_P": "P: 토큰마다 학습된 위치, T × d_model = {T} × {d}. 투영은 X + P를 씁니다.",
    "new_X": "X: 토큰마다 d_model개의 숫자로 된 행 하나. T × d_model = {T} × {d}.",
    "new_W_Q": "W_Q: d_model × (헤드 수 · d_k) = {d} × {hk}. Q = X · W_Q이고, 헤드 h는 (h − 1)·d_k + 1 … h·d_k번째 열을 씁니다.",
    "new_W_K": "W_K: W_Q와 같은 d_model × (헤드 수 · d_k) = {d} × {hk}. K = X · W_K.",
    "new_W_V": "W_V: d_model × (헤드 수 · d_v) = {d} × {hk}. V = X · W_V.",
    "new_W_O": "W_O: (헤드 수 · d_v) × d_out = {hk} × {d}. O = Z · W_O로 이어 붙인 헤드 출력을 섞습니다. W_O를 지우면 이어 붙이기에서 끝납니다.",
    "new_rounding": "선택 사항: 종이에 계산한 출처처럼, 다음 단계에서 쓰기 전에 어떤 단계의 값을 손으로 반올림할 수 있습니다:\n[rounding]\nscaled = 2",
    "new_wrote": "{path}에 저장했습니다: 토큰 {T}개, d_model {d}, 헤드 {h}개.\n실행: mhsa-tutor run {cmd}",
    "rounded_join": ", ",
    "rounded_item": "{name}({stage})를 소수 {d}자리로",
    "stage_name_projections": "Q, K, V",
    "stage_name_scores": "점수",
    "stage_name_scaled": "스케일링한 점수",
    "stage_name_softmax": "어텐션 가중치",
    "stage_name_head_output": "헤드 출력",
    "stage_name_concat": "이어 붙인 출력",
    "stage_name_output": "최종 출력",
}
