"""The Korean strings: stage titles, formulas, narration and pitfalls, and the UI.

Pure data. Every language file defines the same four dicts with the same keys and the same
``str.format`` fields (a test holds this), so a new language is one new file.
"""

TITLES: dict[str, str] = {
    "input": "입력",
    "positions": "X에 위치 정보 더하기",
    "params": "학습되는 가중치 행렬",
    "projections": "투영: 쿼리, 키, 밸류",
    "split": "헤드 {h}: Q, K, V 중 이 헤드의 열",
    "rotary": "헤드 {h}: Q와 K에 회전 위치 임베딩(RoPE) 적용",
    "scores": "헤드 {h}: 점수, 모든 쿼리와 모든 키의 내적",
    "scaled": "헤드 {h}: 점수 스케일링",
    "bias.given": "헤드 {h}: 점수 편향(주어진 값)",
    "bias.before": "헤드 {h}: 스케일링 전에 더하는 ALiBi 거리 편향",
    "bias": "헤드 {h}: ALiBi 거리 편향",
    "masked": "헤드 {h}: 인과 마스킹",
    "masked.causal.padding": "헤드 {h}: 인과 마스킹과 패딩",
    "masked.sliding": "헤드 {h}: 슬라이딩 윈도 마스킹",
    "masked.custom": "헤드 {h}: 사용자 지정 마스킹",
    "masked.none": "헤드 {h}: 패딩 마스킹",
    "softmax": "헤드 {h}: 어텐션 가중치(소프트맥스)",
    "head_output": "헤드 {h}: 밸류의 가중합",
    "concat": "헤드 이어 붙이기",
    "output": "출력 투영",
    "online_softmax": "헤드 {h}: 온라인 소프트맥스, 키 블록 단위 계산(FlashAttention)",
    "decode_qkv": "헤드 {h}: 새 토큰마다 쿼리, 키, 밸류(디코딩)",
    "kv_cache": "헤드 {h}: KV 캐시, 단계마다 한 행씩 추가",
    "decode_scores": "헤드 {h}: 단계마다 캐시에 대한 점수 한 행",
    "decode_softmax": "헤드 {h}: 단계마다 캐시에 대한 어텐션 가중치",
    "decode_output": "헤드 {h}: 단계마다 출력 한 행",
}

FORMULAS: dict[str, str] = {
    "input.given": "Q, K, V (주어진 값)",
    "input.x": "X",
    "input.cross": "X, M (메모리)",
    "positions.sinusoidal": "X ← X + P,  P[pos, 2i] = sin(pos / 10000^(2i/d)),  P[pos, 2i+1] = cos(pos / 10000^(2i/d))",
    "positions.learned": "X ← X + P  (P: 위치마다 학습된 행 하나)",
    "params": "{names}",
    "projections": "Q = X·W_Q{bq},  K = {m}·W_K{bk},  V = {m}·W_V{bv}",
    "split.same": "Q{sub}, K{sub}, V{sub} = Q, K, V의 {c}번째 열",
    "split.diff": "Q{sub}, K{sub}, V{sub} = Q, K의 {c}번째 열, V의 {v}번째 열",
    "split.gqa": "Q{sub} = Q의 {c}번째 열;  K{sub}, V{sub} = 키/밸류 헤드 {g}: K의 {k}번째 열, V의 {v}번째 열",
    "rotary": "(a, b) → (a·cos mθ − b·sin mθ, a·sin mθ + b·cos mθ),  θ_j = {base}^(−2j/{dk}),  m = 위치",
    "scores": "S = Q{sub} K{sub}ᵀ",
    "scaled.sqrt_dk": "S / √d_k = S / √{dk}",
    "scaled.sqrt_seq_len": "S / √T = S / √{Tk}",
    "bias.before": "S ← S + B,  B_ij = −(m/{div})·|i − j|,  m = {slope}",
    "bias.given": "S ← S + B{sub},  B{sub}은(는) 주어진 값",
    "rotary.partial": (
        "특성 1–{rd} (전체 {dk}개 중): (a, b) → (a·cos mθ − b·sin mθ, a·sin mθ + b·cos mθ),  θ_j = {base}^(−2j/{rd}),"
        "  m = 위치; 나머지 특성({rd1})은 그대로"
    ),
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
    "output": "O = Z·W_O{bo}",
    "online_softmax": (
        "크기 B = {B}인 키 블록마다: m ← max(m, 블록의 최대 점수),  r = e^(m_old − m),  "
        "ℓ ← r·ℓ + Σ e^(s − m),  o ← r·o + Σ e^(s − m)·v;  블록 {nb}까지 마친 뒤 Z = o / ℓ"
    ),
    "decode_qkv": "q_t = x_t·W_Q (헤드 {h}),  k_t = x_t·W_K,  v_t = x_t·W_V (키/밸류 헤드 {g}): 새 토큰의 행만 계산",
    "decode_qkv.given": "q_t, k_t, v_t = 새 토큰의 Q 행(헤드 {h})과 K, V 행(키/밸류 헤드 {g})",
    "kv_cache": "K ← [K; k_t],  V ← [V; v_t]  (키/밸류 헤드 {g}; 프리필: 토큰 1–{P})",
    "decode_scores.sqrt_dk": "캐시에 있는 모든 키 j ≤ t에 대해 s_tj = q_t·k_j / √{dk}",
    "decode_scores.none": "캐시에 있는 모든 키 j ≤ t에 대해 s_tj = q_t·k_j",
    "decode_scores.sqrt_seq_len": "캐시에 있는 모든 키 j ≤ t에 대해 s_tj = q_t·k_j / √{Tk}",
    "decode_softmax": "a_t = softmax(s_t), 캐시에 있는 키에 대해서만",
    "decode_output": "z_t = Σ_(j ≤ t) a_tj·v_j",
}

NOTES: dict[str, str] = {
    "input.narration.from_x": (
        "각 토큰은 d_model = {d_model}차원의 행 벡터입니다. 보통 임베딩에 위치 정보를 더한 값입니다. X는 이 {T}개의 행을 쌓은 {T} × {d_model} "
        "행렬이고, 쿼리, 키, 밸류가 모두 X에서 계산됩니다. 그래서 셀프 어텐션이라고 부릅니다."
    ),
    "input.narration.cross": (
        "크로스 어텐션입니다. X에는 디코더의 상태 {T}개가, 메모리 M에는 인코더의 상태 {Tk}개가 들어 있습니다. 쿼리는 X에서, 키와 밸류는 M에서 "
        "만들어집니다."
    ),
    "positions.narration.sinusoidal": (
        "트랜스포머(Vaswani et al. 2017, 3.5절)는 각 행에 위치 벡터를 더합니다: P[pos, 2i] = sin(pos / 10000^(2i/{d_model})), P[pos, 2i+1] = cos(pos / "
        "10000^(2i/{d_model})), pos는 0부터 {T_1}까지입니다(0부터 세므로 위치 1이 pos = 0). 아래의 투영은 X + P를 씁니다."
    ),
    "positions.narration.learned": (
        "학습된 위치 벡터(BERT와 GPT-2처럼 위치마다 한 행)를 각 토큰에 더합니다. 아래의 투영은 X + P를 씁니다."
    ),
    "positions.narration.order_blind": (
        "위치가 필요한 까닭: 마스킹이 없으면 어텐션 자체는 순서를 보지 못합니다. 토큰 순서를 뒤섞어도 각 토큰의 출력은 그대로이고 놓이는 행만 바뀝니다. "
        "같은 단어가 두 자리에 있으면 출력도 정확히 같습니다."
    ),
    "positions.narration.order_causal": (
        "인과 마스킹이 있어도 위치가 필요한 까닭: 마스킹만으로도 출력은 순서에 따라 달라지지만(각 토큰은 자기까지의 토큰만 봄), 두 토큰이 얼마나 떨어져 있는지는 "
        "알려 주지 않습니다. 또 같은 단어는 어느 자리에 있든 같은 쿼리, 키, 밸류를 가져옵니다. 위치 벡터가 이 정보를 벡터에 넣습니다."
    ),
    "positions.pitfall.always": (
        "주의: 위치 벡터는 입력 뒤에 이어 붙이는 것이 아니라 더하는 것이며, 이후의 모든 숫자를 바꿉니다."
    ),
    "input.narration.given_qkv": (
        "이 시나리오는 쿼리, 키, 밸류를 바로 주기 때문에 곱할 가중치 행렬이 없습니다. Q는 {T} × {hk}, K는 {Tk} × {gk}, V는 {Tk} × {gv}이고, "
        "행 하나가 토큰 하나입니다."
    ),
    "input.narration.reconstructed": (
        "이 값들이 모두 {article}의 원문에 실려 있는 것은 아닙니다. 출처 줄에 적힌 대로, 일부는 원문에 실린 숫자가 그대로 나오도록 여기서 복원한 값입니다."
    ),
    "input.narration.position": (
        "어텐션 자체는 순서를 보지 않습니다. 토큰의 순서를 뒤섞어도 각 토큰의 출력은 같고 행의 위치만 바뀝니다. 순서 정보는 다른 곳에서 와야 합니다. "
        "임베딩에 위치 벡터를 더하거나(Vaswani et al. 2017은 사인과 코사인), q와 k를 위치만큼 회전하거나(RoPE), 점수에 거리 편향을 더합니다(ALiBi). "
        "이 시나리오에는 그중 어느 것도 없습니다."
    ),
    "params.narration.learned": (
        "학습되는 매개변수입니다. 가중치 행렬 W_Q는 d_model = {d_model}차원의 행을 {hk}차원으로 바꿉니다(헤드 {heads}개, 헤드마다 d_k = {d_k}). W_K는 "
        "키를 만들 행({d_src}차원)을 같은 방식으로 바꾸고, W_V는 그 행을 {hv}차원으로 바꿉니다. 실제로는 학습으로 정해지며, 여기서는 "
        "시나리오에 주어진 값을 쓰므로 모든 단계를 손으로 따라갈 수 있습니다."
    ),
    "params.narration.identity": (
        "여기서 W_Q, W_K, W_V는 단위 행렬입니다. 상태를 그대로 통과시키므로 Q = X, K = {m}, V = {m}입니다. 단순 내적 어텐션에는 이런 가중치 행렬이 "
        "없고, 트랜스포머는 이를 학습합니다."
    ),
    "params.narration.gqa": (
        "학습되는 매개변수입니다. 가중치 행렬 W_Q는 d_model = {d_model}차원의 행을 {hk}차원으로 바꿉니다(쿼리 헤드 H = {heads}개, 헤드마다 d_k = "
        "{d_k}). W_K는 {gk}차원, W_V는 {gv}차원만 만듭니다. 키/밸류 헤드가 G = {G}개뿐이고({kv_share}), 키/밸류 헤드 하나가 쿼리 헤드 "
        "{per}개를 맡습니다. 실제로는 학습으로 정해지며, 여기서는 시나리오에 주어진 값을 쓰므로 모든 단계를 손으로 따라갈 수 있습니다."
    ),
    "params.narration.has_wo": "W_O({hv} × {d_out})는 맨 마지막에 쓰입니다. 이어 붙인 헤드 출력을 토큰마다 {d_out}차원으로 바꿉니다.",
    "params.narration.has_bias": (
        "{biases}은(는) 편향(bias)입니다. 각 W의 열마다 수 하나씩이며, 곱한 뒤 모든 행에 더해집니다"
        "(nn.MultiheadAttention의 in_proj_bias와 out_proj.bias). 편향은 토큰과 상관없이 한 열 전체를 "
        "같은 만큼 옮깁니다."
    ),
    "projections.narration.in_bias": (
        "그다음 편향을 더합니다. 모든 행에 같은 {in_biases}이(가) 열마다 수 하나씩 더해집니다. 그래서 여기의 "
        "각 칸은 내적 하나에 수 하나를 더한 값입니다. 예: Q[i, j] = x_i · W_Q[:, j] + b_Q[j]."
    ),
    "output.narration.out_bias": (
        "그다음 모든 행에 b_O를 열마다 수 하나씩 더합니다: O[i, j] = z_i · W_O[:, j] + b_O[j]."
    ),
    "projections.narration.always": (
        "각 행에 가중치 행렬을 곱합니다. 쿼리 Q = X·W_Q는 토큰이 무엇을 찾는지, 키 K = {m}·W_K는 무엇을 내놓는지, 밸류 V = {m}·W_V는 무엇을 전달하는지를 "
        "나타냅니다. 각 칸은 입력의 한 행과 W의 한 열의 내적입니다."
    ),
    "split.narration.always": (
        "이 헤드(헤드 {h})는 Q와 K의 {c0}–{c1}번째 열(d_k = {d_k})과 V의 {v0}–{v1}번째 열(d_v = {d_v})을 가져갑니다. PyTorch의 "
        "nn.MultiheadAttention과 같은 방식입니다. 각 헤드는 자기 열만 가지고 다른 헤드와 독립적으로 어텐션을 계산합니다."
    ),
    "split.narration.from_x_multi": (
        "Q를 열로 자르는 것은 헤드마다 자기 가중치 행렬을 주는 것과 같습니다. Q{sub} = X·W_Q[:, {c0}–{c1}]이고, W_Q의 이 열 묶음이 논문의 "
        "W{sub}^Q입니다(Vaswani et al. 2017). K와 V도 마찬가지입니다. 그래서 '큰 Q 하나를 나눈다'와 '헤드마다 자기 W^Q가 있다'는 같은 계산을 "
        "가리킵니다."
    ),
    "split.narration.gqa": (
        "{kv_share_cap}입니다. 쿼리 헤드 H = {heads}개가 키/밸류 헤드 G = {G}개를 나눠 씁니다. 이 쿼리 헤드(헤드 {h})는 키/밸류 헤드 {g}(⌊(h − 1)·G/H⌋ + 1), "
        "곧 K의 {k}번째 열과 V의 {v}번째 열을 쓰고, 이 키/밸류는 쿼리 헤드 {shared}에서 함께 씁니다. "
        "F.scaled_dot_product_attention(..., enable_gqa=True)이 반복해 주는 방식과 같습니다. 생성할 때 저장할 키와 밸류가 줄고, 쿼리 수는 그대로입니다."
    ),
    "rotary.narration.always": (
        "RoPE(Su et al. 2021)는 q와 k를 회전시켜 위치를 넣습니다. 특성 두 개씩 짝을 지어({style} 방식) 각 쌍을 m·θ_j만큼 돌립니다. m은 0부터 센 토큰의 위치(위치 1이면 "
        "m = 0)이고 θ_j = {base}^(−2j/{rd})입니다. V는 회전하지 않습니다. 아래의 점수는 회전한 Q와 K로 계산합니다."
    ),
    "rotary.narration.partial": (
        "부분 회전: 각 헤드의 특성 {d_k}개 중 앞의 {rd}개만 회전합니다(GPT-J의 rotary_dim, GPT-NeoX의 rotary_pct). "
        "나머지 특성({rd1})은 그대로 지나가므로 위치 정보가 없고, q·k 중 그 부분은 토큰이 어디에 있든 같습니다."
    ),
    "rotary.narration.rope_offset": (
        "회전이 위치를 알려 주는 원리: m·θ만큼 돌린 벡터와 n·θ만큼 돌린 벡터의 내적은 m − n에만 달려 있습니다. 여기서 '{qi}'의 q(m = {i})와 "
        "'{kj}'의 k(n = {j})의 내적은 {now}입니다. 둘 다 한 칸씩 옮겨도(m = {i1}, n = {j1}) 내적은 그대로 {later}입니다. 중요한 것은 차이 "
        "m − n = {off}뿐입니다."
    ),
    "rotary.pitfall.always": (
        "주의: 짝을 짓는 방식이 두 가지 쓰이며 서로 다릅니다. 논문, GPT-J, Meta의 원래 LLaMA 코드는 이웃한 (x₀, x₁), (x₂, x₃)…을 짝짓고"
        "('interleaved'), GPT-NeoX와 Hugging Face의 rotate_half는 x_j와 x_(j + d/2)를 짝짓습니다('half'). 한 방식으로 학습한 가중치 행렬을 다른 방식으로 "
        "쓰면 점수가 틀어집니다."
    ),
    "scores.narration.always": (
        "점수 S_ij = q_i · k_j는 쿼리 i와 키 j가 얼마나 잘 맞는지를 잽니다. 내적이 클수록 토큰 i가 토큰 j를 더 많이 보게 됩니다. S는 {T} × {Tk} 행렬로, "
        "행은 쿼리, 열은 키입니다."
    ),
    "scores.narration.luong": (
        "{article}은(는) 디코더 상태와 각 인코더 상태의 점수를 구하는 방법 세 가지를 제안하며, 여기서 쓰는 것은 그중 스케일링 없는 단순 내적인 "
        "'dot'입니다. 트랜스포머는 나중에 이를 √d_k(여기서는 √{d_k} {sqrt_dk_eq})(으)로 나누었습니다. 이들의 모델에는 어텐션 뒤에 출력 층 W_c도 "
        "있지만, 이 시나리오에서는 생략합니다."
    ),
    "scores.pitfall.warfield_z": (
        "참고: {article}의 원문은 QKᵀ를 'Z' 행렬이라고 부릅니다. 다른 글과 이 튜터에서 Z는 헤드의 출력 A·V이고, 점수는 S입니다."
    ),
    "scores.pitfall.unscaled": (
        "참고: 이 점수는 그대로 소프트맥스에 들어갑니다. 트랜스포머의 스케일드 내적 어텐션은 먼저 √d_k(여기서는 √{d_k} {sqrt_dk_eq})로 나누어, 점수의 "
        "퍼짐이 키의 차원에 따라 커지지 않게 합니다."
    ),
    "scaled.narration.sqrt_dk": (
        "왜 √d_k일까요? q와 k의 성분이 서로 독립이고 평균 0, 분산 1이라면, d_k개 곱의 합인 q·k의 분산은 d_k입니다. √d_k로 나누면 헤드의 차원과 "
        "관계없이 분산이 다시 1이 됩니다. 나누지 않으면 d_k가 클 때 점수가 너무 넓게 퍼져 소프트맥스가 원-핫에 가까워지고 그래디언트가 사라집니다. 여기서는 "
        "d_k = {d_k}, √{d_k} {div_eq}입니다."
    ),
    "scaled.narration.sqrt_seq_len": "이 시나리오는 시퀀스 길이의 제곱근인 √T = √{Tk} {div_eq}(으)로 나눕니다.",
    "scaled.narration.row": (
        "나눗셈의 효과('{row_tok}' 행): 나누지 않으면 어텐션 가중치가 {w_unscaled}이고, 나누면 {w_scaled}입니다."
    ),
    "scaled.pitfall.sqrt_seq_len_warfield": (
        "주의: {article}의 원문은 시퀀스 길이의 제곱근으로 나누며, 이 시나리오도 원문을 재현하려고 그렇게 합니다. 표준(Vaswani et al. 2017, "
        "PyTorch)은 한 헤드의 키 차원의 제곱근인 √d_k = √{d_k} {sqrt_dk_eq}(으)로 나눕니다. q·k의 분산이 d_k에 따라 커지기 때문이며, 토큰 수와는 "
        "관계가 없습니다."
    ),
    "scaled.pitfall.seq_len_common": (
        "흔한 실수: 이 시나리오처럼 시퀀스 길이의 제곱근으로 나누는 것. 표준(Vaswani et al. 2017, PyTorch)은 한 헤드의 키 차원의 제곱근인 √d_k = "
        "√{d_k} {sqrt_dk_eq}(으)로 나눕니다. q·k의 분산이 d_k에 따라 커지기 때문이며, 토큰 수와는 관계가 없습니다."
    ),
    "scaled.pitfall.codingopera": (
        "주의: d_k는 한 헤드의 키 차원(여기서는 {d_k})이며, d_model도 토큰 수도 아닙니다. {article}의 예제에는 이 부분에 "
        "어긋난 곳이 있습니다. 키가 4차원이고 √4로 나누는데 '키의 차원은 3'이라고 적혀 있으니, 그 예제의 d_k는 4입니다."
    ),
    "scaled.pitfall.dk_not_dmodel": (
        "흔한 실수: √d_model로 나누는 것. d_k는 한 헤드의 키 차원입니다. 여기서 d_k = {d_k}이고 d_model = {d_model}입니다."
    ),
    "bias.narration.always": (
        "ALiBi(Press et al. 2022)는 입력에 위치를 더하지 않습니다. 대신 각 헤드가 스케일링한 점수에 −m·|i − j|를 더합니다. 키 j가 쿼리 i에서 멀수록 점수가 "
        "낮아집니다. 이 헤드의 기울기는 m = {slope}이고, 헤드들의 기울기는 {slopes}입니다. 멀리 보는 헤드와 가까이 보는 헤드가 생깁니다."
    ),
    "bias.narration.slopes_given": (
        "여기의 기울기는 논문의 2^(−8h/H)가 아니라 시나리오가 정한 값({slopes})입니다. 모델마다 다르게 정할 수 있고, 편향이 "
        "얼마나 멀리까지 미치는지는 기울기에 달려 있습니다."
    ),
    "bias.narration.before": (
        "ALiBi(Press et al. 2022)는 키의 점수를 거리만큼 낮춥니다: −m·|i − j|. 이 헤드의 기울기는 m = {slope}입니다"
        "(헤드들의 기울기: {slopes}). 여기서는 Falcon처럼 ALiBi를 스케일링(÷{div}) 전의 점수 q·k에 더합니다. 그러면 나눗셈이 편향까지 줄입니다: "
        "B′_ij = −m·|i − j|일 때 (S + B′)/{div} = S/{div} + B′/{div}. 그래서 스케일링 뒤에 B = −(m/{div})·|i − j|로 "
        "보여 줍니다. 모델이 더하는 값과 같은 수입니다. (Bloom은 대신 m·j를 더하는데, 이는 인과 마스크의 각 행에서 "
        "−m·|i − j|와 같은 수만큼만 달라서 가중치는 같습니다.)"
    ),
    "bias.narration.given": (
        "이 편향 B는 데이터로 주어집니다. 헤드마다 {T} × {Tk} 행렬 하나이며, 점수에 그대로 더합니다. T5는 헤드마다 "
        "상대 거리 j − i의 구간별로 수 하나를 학습해 여기에 더합니다(T5는 점수를 스케일링하지도 않습니다). 이 수들은 "
        "공식이 아니라 학습으로 정해졌습니다. 대각선 가까운 칸이 나머지보다 크면 그 헤드는 가까운 토큰을 봅니다."
    ),
    "bias.pitfall.always": (
        "주의: 기울기는 학습하지 않고 고정합니다. 헤드 수 H가 2의 거듭제곱이면 2^(−8h/H)이고, 그렇지 않으면 논문은 H보다 작은 가장 큰 2의 거듭제곱 n에 대해 "
        "헤드 n개의 기울기 n개를 쓰고, 그 뒤에 헤드 2n개 목록의 홀수 번째 기울기(1번째, 3번째, …) 중 앞의 H − n개를 덧붙입니다. 편향은 스케일링한 점수에, 마스킹과 소프트맥스보다 먼저 더합니다."
    ),
    "masked.narration.always": (
        "인과 마스킹입니다. 토큰 i는 1 … i번째 토큰만 볼 수 있고, 뒤에 오는 토큰은 볼 수 없습니다. 언어 모델은 학습할 때 문장의 모든 다음 토큰을 "
        "한꺼번에 병렬로 예측하는데, 마스크가 없으면 각 위치가 맞혀야 할 바로 그 토큰을 볼 수 있게 됩니다. 뒤쪽 토큰의 점수를 −∞로 바꾸므로 소프트맥스를 "
        "거치면 그 어텐션 가중치는 정확히 0이 됩니다."
    ),
    "masked.narration.sliding": (
        "크기 W = {window}의 한쪽 방향 슬라이딩 윈도입니다(Mistral 7B, Jiang et al. 2023. Longformer의 윈도는 양쪽 방향입니다). 쿼리 i는 i − {window} < j ≤ i인 키 j, 곧 자기 자신과 바로 앞의 {window_1}개만 "
        "봅니다. 나머지 점수는 −∞가 되어 어텐션 가중치가 정확히 0입니다."
    ),
    "masked.narration.custom": (
        "사용자 지정 마스킹입니다. blocked[i, j]가 참인 곳(nn.MultiheadAttention의 불리언 attn_mask와 같은 뜻)의 점수는 −∞가 되어 어텐션 가중치가 정확히 0입니다."
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
        "되는 키들에 고르게 어텐션 가중치를 줍니다."
    ),
    "masked.pitfall.warfield": (
        "주의: {article}의 한국어 번역은 이를 '키 값'을 −∞로 바꾸는 것이라고 씁니다. −∞가 되는 것은 뒤쪽 키에 대한 점수 S_ij이며, 키 K 자체는 바뀌지 "
        "않습니다."
    ),
    "masked.pitfall.always": (
        "흔한 실수: 소프트맥스 뒤에 어텐션 가중치를 0으로 만드는 것. 그러면 각 행의 합이 1보다 작아집니다(각 행을 새 합으로 나누면 바로잡을 수 있습니다). "
        "소프트맥스 전에 점수를 −∞로 바꾸면 어텐션 가중치가 정확히 0이 되고 행의 합도 1이 되어, 두 가지가 한 번에 해결됩니다."
    ),
    "softmax.narration.always": (
        "소프트맥스는 점수의 각 행을 어텐션 가중치로 바꿉니다: A_ij = e^(s_ij) / Σ_k e^(s_ik). 가중치는 0과 1 사이이고 각 행의 합은 1입니다. 먼저 "
        "행의 최댓값을 빼도 어텐션 가중치는 같고, 오버플로를 막을 수 있습니다."
    ),
    "softmax.pitfall.self_codingopera": (
        "{article}의 원문에는 토큰이 언제나 자기 자신에게 가장 크게 주목한다는 설명이 있지만, 여기서는 그렇지 않습니다. '{tok}' 행에서 자기 자신의 어텐션 가중치는 "
        "{w_self}인데, '{other}'의 어텐션 가중치({w_other})가 더 큽니다(헤드 {h}). 점수 q·k는 어느 토큰에서 왔는지가 아니라 벡터의 길이와 방향에 달려 "
        "있으며, q_i·k_i가 가장 크다는 보장은 없습니다."
    ),
    "softmax.pitfall.one_hot": (
        "사실상 원-핫입니다(헤드 {h}): {T}개 행 중 {one_hot}개에서 한 가중치가 0.999를 넘습니다. 그 쿼리는 밸류 한 행만 그대로 가져오고 "
        "나머지에서는 거의 아무것도 가져오지 않습니다. 스케일링한 뒤에도 점수 차이가 7 정도 이상 벌어지면 소프트맥스는 사실상 하나만 고릅니다. "
        "점수 차이가 적당하면 가중치가 여러 키에 퍼집니다."
    ),
    "softmax.pitfall.self_not_highest": (
        "흔한 실수: 토큰이 항상 자기 자신에게 가장 크게 주목한다고 생각하는 것. 여기서는 그렇지 않습니다. '{tok}' 행에서 자기 자신의 어텐션 가중치는 {w_self}인데, "
        "'{other}'의 어텐션 가중치({w_other})가 더 큽니다(헤드 {h}). 점수 q·k는 벡터의 길이와 방향에 달려 있고, 실제 모델에서는 W_Q ≠ W_K라서 q_i와 "
        "k_i는 서로 다른 벡터입니다. q_i·k_i가 가장 크다는 보장은 없습니다."
    ),
    "softmax.narration.q_equals_k": (
        "여기서는 Q = K인데도 '{tok}'에 가장 잘 맞는 키는 자기 자신이 아닙니다. q_i·k_i = |q_i|²이지만, k_j가 충분히 길고 방향이 비슷하면 q_i·k_j = "
        "|q_i| |k_j| cos θ가 더 커집니다."
    ),
    "softmax.narration.q_equals_k_acting": (
        "{article}의 원문에서 Q와 K는 이미지로 실려 있었고 지금은 볼 수 없습니다. 여기서 Q = K로 둔 것은 복원의 편의일 뿐이며, 실제 모델은 W_Q와 "
        "W_K가 서로 다릅니다."
    ),
    "softmax.pitfall.rounded": (
        "손계산으로 반올림하면 결과가 달라집니다. 여기서는 시나리오의 [rounding] 표에 따라 {rounded} 반올림한 뒤 다음 단계에 씁니다. --exact로 실행하면 "
        "반올림하지 않은 값을 볼 수 있습니다."
    ),
    "softmax.pitfall.rounded_acting": (
        "{article}의 원문은 정확한 값 0.7604 대신 0.7685를 싣습니다. 여기서처럼 스케일링한 점수를 소수 1자리로 반올림했을 가능성이 큽니다. 근거: "
        "0.7685 / 0.2315 ≈ e^1.2이므로 두 점수의 차이는 1.2여야 합니다. 원문에 실린 출력으로 보아 벡터가 정수라면 q·k도 정수이고, q·k/√3은 "
        "1/√3 ≈ 0.5774 간격으로만 움직이므로 차이가 1.2가 될 수 없습니다. 가장 가까운 2/√3 ≈ 1.1547은 0.7604를 줍니다. 소수 1자리로 반올림하면 "
        "스케일링한 두 점수의 차이가 정확히 1.2가 됩니다."
    ),
    "softmax.pitfall.exact_ignores_rounding": (
        "--exact로 시나리오의 손계산 반올림을 무시했으므로, 반올림해서 계산할 때와 다른 숫자가 있습니다."
    ),
    "softmax.pitfall.dead_row": (
        "{dead} 행은 NaN입니다. 모든 키가 마스킹되어 e^−∞ = 0만 남았고, 0/0은 숫자가 아닙니다. 오버플로가 아닙니다. 왜 이렇게 되는지는 마스킹 단계에서 "
        "설명합니다."
    ),
    "head_output.narration.always": (
        "각 토큰의 새 벡터는 밸류 벡터들의 가중합입니다: z_i = Σ_j A_ij v_j. Z{sub}의 크기는 {T} × {d_v}이며, 각 행은 그 토큰이 주목한 토큰들의 밸류 "
        "벡터를 어텐션 가중치의 비율대로 섞은 것입니다."
    ),
    "head_output.narration.hand_roles": (
        "{article}의 원문은 정확도를 근거로 여러 헤드를 씁니다. 헤드 하나는 엉뚱한 단어에 큰 가중치를 줄 수 있고, 여러 헤드를 쓰면 의미를 더 정확하게 "
        "이해할 수 있다는 것입니다. 헤드마다 다른 곳에 주목한다는 설명('it'을 서로 다른 단어와 잇는 것 등)은 Vaswani et al.(2017, 3.2.2절과 "
        "어텐션 그림)의 것으로, 헤드들이 서로 다른 표현 부분 공간에 주목한다고 말합니다. 여기서 헤드들이 맡은 역할은 이 예제를 위해 가중치 "
        "행렬로 손수 만든 것입니다. 학습된 모델에서는 역할이 학습 중에 생겨나며, 이렇게 깔끔한 경우는 드뭅니다."
    ),
    "concat.narration.single_head": "헤드가 하나뿐이라 이어 붙일 것이 없습니다. 이어 붙인 결과는 Z₁ 그대로이며 {T} × {hv}입니다.",
    "concat.narration.multi_head": (
        "헤드들의 출력을 나란히 이어 붙입니다. Z = [{parts}]의 크기는 {T} × {hv}입니다. 헤드마다 자기 열을 유지하므로 헤드들이 찾은 정보가 서로 섞이지 "
        "않습니다."
    ),
    "concat.narration.same_rows": (
        "'{twin_a}', '{twin_b}' 두 토큰은 같은 벡터로 어텐션에 들어오므로 여기서 두 행이 똑같습니다. 어텐션만으로는 토큰이 어디에 있는지 구별하지 못합니다. "
        "임베딩에 위치 인코딩을 더하면 둘을 구별할 수 있습니다."
    ),
    "concat.narration.no_wo": (
        "이 시나리오는 여기서 끝납니다. W_O가 없기 때문입니다. 실제 멀티 헤드 어텐션은 언제나 W_O(PyTorch의 out_proj)로 끝나며, W_O가 헤드들을 섞어 "
        "d_model 차원으로 되돌립니다."
    ),
    "concat.narration.no_wo_article": "{article}의 원문은 이 계산을 W_O 없이 보여 주며, 이 시나리오도 그렇습니다.",
    "concat.narration.no_wo_aten": (
        "{article}의 멀티 헤드 공식은 W_O로 끝납니다(concatenate(Z₁, …, Z₈)·W_O). 헤드가 하나인 이 예제는 그 앞에서 멈춥니다."
    ),
    "concat.pitfall.added_aten": (
        "주의: {article}의 원문은 헤드의 결과를 '더한다'고 하지만, 실제로는 이어 붙인 뒤 W_O를 곱합니다. 출력 투영 단계에서 보듯 둘은 "
        "생각보다 가깝습니다. 이 곱은 헤드별 합이며, 각 헤드는 W_O의 자기 블록을 거칩니다."
    ),
    "concat.pitfall.added": (
        "흔한 실수: 헤드들의 출력을 더하는 것. 출력은 나란히 이어 붙이므로 Z의 열은 {hv}개이고(헤드 하나는 {d_v}개), 여기서는 어느 헤드의 숫자도 다른 "
        "헤드와 섞이지 않습니다."
    ),
    "output.narration.always": (
        "W_O({hv} × {d_out})가 이어 붙인 헤드 출력을 최종 출력 O = Z·W_O로 바꿉니다. 행 하나가 토큰 하나입니다. 여러 헤드가 찾은 정보가 합쳐지는 곳이 "
        "바로 여기입니다."
    ),
    "output.narration.blocks": (
        "Z·W_O는 헤드별 합입니다: O = {sum_parts}. 여기서 W_O⁽ʰ⁾는 W_O의 행 중 헤드 h에 해당하는 {d_v}개 행의 블록입니다. O[{bi}, {bj}]의 경우: "
        "{terms}."
    ),
    "output.narration.residual": (
        "W_O가 토큰마다 d_model = {d_model}차원으로 되돌리기 때문에, 잔차 연결 x + MHA(x)가 각 출력 행을 입력 행에 더할 수 있습니다."
    ),
    "output.pitfall.aten": (
        "주의: {article}의 원문은 이 가중치 행렬을 W^Q라고 썼지만, 이것은 별도로 학습되는 W_O입니다. (헤드 2에 W^Q₁이 다시 쓰인 것도 바로잡아야 할 부분입니다. 헤드마다 "
        "자기 쿼리, 키, 밸류 가중치 행렬이 있으며, 여기서는 W_Q, W_K, W_V의 서로 다른 열이 그 역할을 합니다.)"
    ),
    "online_softmax.narration.always": (
        "FlashAttention은 가중치 {Tk}개로 된 행 전체를 한꺼번에 들고 있지 않습니다. 키와 밸류를 B = {B}개씩 블록 {nb}개로 나눠 "
        "읽고, 쿼리 행마다 세 값만 이어 갑니다: 지금까지의 최대 점수 m, e^(s − m)의 합 ℓ, 정규화하지 않은 출력 o. 어떤 블록이 "
        "최댓값을 키우면 그때까지 더한 값은 모두 옛 최댓값을 기준으로 한 것이므로, 블록의 새 항을 더하기 전에 "
        "r = e^(m_old − m_new)(1 이하)를 곱해 다시 맞춥니다. 마지막 블록 뒤에 Z = o / ℓ로 나눕니다. O의 열 블록 b는 "
        "블록 b까지 처리한 뒤의 o입니다(밸류 {dv}개 열씩, {b_cols})."
    ),
    "online_softmax.narration.saves": (
        "절약되는 것: 보통 계산은 헤드마다 {T} × {Tk} 행렬 S와 A를 모두 저장합니다. 여기서는 행마다 m, ℓ, o(숫자 {state}개)와 "
        "한 번에 한 블록의 점수({T} × {Bk})만 있으면 되므로, 메모리가 T²이 아니라 T에 비례합니다. GPU에서는 블록이 빠른 온칩 "
        "메모리 안에 머뭅니다."
    ),
    "online_softmax.narration.check": "검사: {check}",
    "online_softmax.narration.masked": (
        "마스킹된 키의 점수는 −∞이므로 보통 소프트맥스처럼 e^−∞ = 0을 더합니다. 남은 키가 없는 블록은 아무것도 바꾸지 "
        "않습니다(아직 본 키가 없으면 r = 1이고 m은 −∞로 남습니다)."
    ),
    "online_softmax.pitfall.always": (
        "자주 하는 실수: 다시 맞추기를 잊는 것(r = 1: 옛 항이 더 작은 최댓값 기준으로 남아 너무 크게 셈), 부호를 반대로 쓰는 것"
        "(1 이하가 아니라 1 이상인 e^(m_new − m_old)), 최댓값을 갱신하지 않는 것(뒤에 큰 점수가 오면 e^(s − m)이 넘침)."
    ),
    "decode_qkv.narration.always": (
        "생성 과정: 처음 {P}개 토큰은 프리필로, 위의 계산처럼 한 번에 처리합니다. 그다음 마지막 {N}개 토큰({steps_tokens})이 "
        "하나씩 생성됩니다. 각 단계에서는 새 토큰만 투영합니다: 쿼리 q 한 행(쿼리 헤드 {h})과 키 k, 밸류 v 한 행(키/밸류 "
        "헤드 {g})이며, 앞부분 전체를 다시 계산하지 않습니다."
    ),
    "decode_qkv.narration.rope": (
        "RoPE는 q와 k를 0이 아니라 그 토큰의 실제 위치 t(0부터 센 행 번호: {positions})만큼 회전합니다. 캐시의 키도 각자의 "
        "위치만큼 회전되어 있고, q·k는 위치의 차이에만 달려 있습니다."
    ),
    "decode_qkv.pitfall.rope": (
        "자주 하는 실수: 새 토큰이 이번 단계 입력의 첫 행이라는 이유로 위치 0에서 회전하는 것. 그러면 키 j와의 점수가 t − j가 "
        "아니라 0 − j에 따라 정해져, 전체 어텐션의 행과 맞지 않습니다."
    ),
    "kv_cache.narration.always": (
        "캐시는 지금까지 모든 토큰의 회전된 키와 밸류를 담습니다: 행 1–{P}은(는) 프리필에서, 그 뒤로는 단계마다 한 행씩 "
        "추가됩니다. 단계 s 전에는 캐시에 t개 행(토큰 1 … t)이 있고, 단계 뒤에는 t + 1개가 됩니다. 아래는 마지막 단계 뒤의 "
        "캐시이며, 토큰 t의 행은 그 단계에서 추가된 것입니다."
    ),
    "kv_cache.narration.gqa": (
        "GQA에서 쿼리 헤드 {h}은(는) 키/밸류 헤드 {g}의 캐시를 읽고, 이 캐시는 쿼리 헤드 {shared}에서 함께 씁니다. 캐시에는 키/밸류 "
        "헤드가 {heads}개가 아니라 {G}개만 있으므로 GQA는 캐시를 줄여 줍니다."
    ),
    "kv_cache.narration.steps": "단계별 캐시: {steps}",
    "kv_cache.pitfall.always": (
        "자주 하는 실수: 단계마다 앞부분 전체를 다시 투영하는 것(모든 j에 대해 k_j = x_j·W_K를 또 계산). 숫자는 같지만 일이 t배로 "
        "늘어납니다. 캐시는 각 키와 밸류를 한 번만 계산하려고 있는 것입니다."
    ),
    "decode_scores.narration.always": (
        "각 단계의 쿼리는 하나이므로 점수도 한 행입니다: 새 q와 캐시에 있는 모든 키(j ≤ t)의 내적을 전체 계산과 똑같이 "
        "스케일링합니다{extra}. t 뒤의 키는 아직 캐시에 없습니다(여기서는 −∞, 계산하지 않음). 인과 마스킹이 저절로 "
        "적용되는 셈입니다."
    ),
    "decode_softmax.narration.always": (
        "그 한 행의 소프트맥스를 캐시에 있는 키에 대해서만 구합니다. 단계마다 가중치의 합은 1입니다."
    ),
    "decode_output.narration.always": (
        "단계의 출력은 캐시의 밸류에 대한 z_t = Σ_j a_tj·v_j이며, 모델은 이 행으로 다음 토큰을 예측합니다."
    ),
    "decode_output.narration.check": "검사: {check}",
}

UI: dict[str, str] = {
    "tokens": "토큰",
    "memory_tokens": "메모리 토큰",
    "sizes": "크기",
    "mask_scale": "마스킹, 스케일링",
    "var_positions": "위치: {v}",
    "var_rope": "RoPE: '{style}' 방식 짝짓기 (base {base})",
    "var_alibi": "ALiBi 편향 (기울기 m = {m})",
    "var_alibi_before": "ALiBi 편향 (기울기 m = {m}, 스케일링 전에 더함)",
    "var_bias_given": "주어진 점수 편향 (input.B)",
    "var_rope_dims": "부분 회전: 앞의 특성 {n}개",
    "var_window": "윈도 크기 W = {w}",
    "var_kv_heads": "키/밸류 헤드 G = {g}개",
    "var_padding": "패딩: {keys}",
    "sizes_line": "d_model = {d_model}, 헤드 {heads}개, d_k = {d_k}, d_v = {d_v}",
    "mask_scale_line": "마스킹: {mask}, 스케일링: {scale}",
    "mask_name_none": "없음",
    "mask_name_causal": "인과 마스킹",
    "mask_name_sliding": "슬라이딩 윈도",
    "mask_name_custom": "사용자 지정",
    "scale_name_sqrt_dk": "√d_k로 나눔",
    "scale_name_sqrt_seq_len": "√T로 나눔",
    "scale_name_none": "없음",
    "variants": "변형",
    "source": "출처",
    "article": "원문",
    "progress": "단계 {k}/{n}",
    "progress_head": "헤드 {h}",
    "exact": "--exact",
    "exact_note": "시나리오의 손계산 반올림을 무시합니다",
    "list_name": "이름",
    "learn_lesson": "강의 {k}/{n} · {title}",
    "learn_goal": "목표: {goal}",
    "learn_scenario": "예제: {scenario} (토큰 {tokens}). 혼자 볼 때: mhsa-tutor run {scenario} --step",
    "learn_walk_prompt": "[{k}/{n}] Enter/n 다음 · s 문제로 · q 멈춤 >",
    "learn_questions": "이제 직접 계산할 차례입니다. 이 강의의 숫자로 {n}문제를 풉니다. 3/2 같은 분수로 답해도 됩니다.",
    "learn_try_again": "✗ 아닙니다. {got}은(는) 답이 아닙니다. 마지막 단계 직전까지의 계산을 보고 다시 풀어 보세요:",
    "learn_missed": "오답 노트에 넣었습니다. `mhsa-tutor learn --review`로 다시 풀 수 있습니다.",
    "learn_lesson_done": "✓ {k}강을 마쳤습니다. {n}문제 중 {right}문제를 첫 번째나 두 번째 시도에 맞혔습니다.",
    "learn_next_prompt": "Enter: {k}강, {title} · q: 여기서 멈춤(learn이 여기서 다시 시작합니다) >",
    "learn_course_done": "✓ 마지막 강의였습니다. 과정을 모두 마쳤습니다.",
    "learn_after": '다음으로: `mhsa-tutor quiz first_steps`로 칸을 더 계산해 보고, `mhsa-tutor run 이름 --step`으로 다른 시나리오를 한 단계씩 보거나(`mhsa-tutor list`가 목록을 보여 줍니다), `mhsa-tutor new mine.toml --tokens "the cat sat"`으로 직접 만들어 보세요.',
    "learn_book_waiting": "오답 노트에 칸 {n}개가 있습니다. `mhsa-tutor learn --review`로 다시 풀어 보세요.",
    "learn_stopped": "멈췄습니다. `mhsa-tutor learn`을 실행하면 {k}강부터 다시 시작합니다.",
    "learn_list_title": "과정 (✓ 마침, ▶ 지금, ✗ 틀린 칸 수):",
    "learn_list_hint": "`mhsa-tutor learn`은 ▶부터 이어서 하고, `mhsa-tutor learn N`은 N강으로 갑니다.",
    "learn_review_none": "오답 노트가 비어 있습니다. 다시 풀 문제가 없습니다.",
    "learn_review_title": "복습: 오답 노트의 칸 {n}개.",
    "learn_review_done": "복습을 마쳤습니다. {n}문제 중 {right}문제를 맞혔고, 오답 노트에 {left}개가 남았습니다.",
    "learn_reset_ask": "과정을 처음부터 다시 할까요? 마친 강의 {done}개와 오답 노트의 칸 {book}개가 지워집니다. [y/N] >",
    "learn_reset_done": "진행 상황을 지웠습니다. `mhsa-tutor learn`은 1강부터 시작합니다.",
    "learn_reset_kept": "아무것도 바꾸지 않았습니다.",
    "learn_state": "진행 상황은 {path}에 저장됩니다.",
    "lesson_projections_title": "단어에서 쿼리, 키, 밸류로",
    "lesson_projections_goal": "각 토큰의 X 행에 W_Q, W_K, W_V를 곱하면 그 토큰의 쿼리, 키, 밸류가 나옵니다. 숫자 하나가 내적 하나입니다.",
    "lesson_scores_title": "점수: 쌍마다 내적 하나",
    "lesson_scores_goal": "헤드에서 쿼리 i와 키 j의 점수는 q_i · k_j, 곧 짧은 두 행의 내적입니다.",
    "lesson_scaling_title": "√d_k로 나누기",
    "lesson_scaling_goal": "점수를 √d_k로 나누면 값이 적당히 유지되어, d_k가 커져도 소프트맥스가 한쪽으로 쏠리지 않습니다.",
    "lesson_softmax_title": "소프트맥스: 점수를 가중치로",
    "lesson_softmax_goal": "스케일링한 점수의 각 행은 0과 1 사이이고 합이 1인 가중치가 됩니다. e^s를 그 행의 e^s 합으로 나눕니다.",
    "lesson_weighted_sum_title": "밸류의 가중합",
    "lesson_weighted_sum_goal": "한 토큰에 대한 헤드의 출력은 그 토큰의 어텐션 가중치로 밸류 행들을 가중 평균한 것입니다.",
    "lesson_heads_title": "헤드 두 개, 이어 붙이고 투영하기",
    "lesson_heads_goal": "각 헤드는 자기 몫의 열로 따로 어텐션을 계산하고, 출력들을 옆으로 이어 붙인 뒤 W_O를 곱합니다.",
    "lesson_causal_title": "인과 마스킹",
    "lesson_causal_goal": "디코더는 뒤를 미리 볼 수 없습니다. 뒤쪽 키의 점수는 −∞가 되어 가중치가 정확히 0입니다.",
    "lesson_positions_title": "사인 위치 인코딩",
    "lesson_positions_goal": "어텐션만으로는 순서를 모릅니다. X에 사인/코사인 위치를 더하면 같은 단어도 구별됩니다.",
    "lesson_rope_title": "RoPE: 회전 위치 인코딩",
    "lesson_rope_goal": "q와 k를 위치만큼 회전하면 모든 점수가 두 위치의 차이에만 달려 있게 됩니다.",
    "lesson_alibi_title": "ALiBi: 거리에 따른 감점",
    "lesson_alibi_goal": "ALiBi는 스케일링한 점수에 −m·|i − j|를 더해 먼 키를 흐리게 합니다. 기울기 m은 헤드마다 다릅니다.",
    "lesson_gqa_title": "그룹 쿼리 어텐션",
    "lesson_gqa_goal": "쿼리 헤드 여러 개가 키/밸류 헤드 하나를 함께 씁니다. 저장할 키와 밸류는 줄고, 쌍마다 점수 계산은 같습니다.",
    "lesson_sliding_window_title": "슬라이딩 윈도 어텐션",
    "lesson_sliding_window_goal": "각 토큰은 마지막 W개 토큰만 봅니다. 윈도 밖의 키는 미래의 키처럼 마스킹됩니다.",
    "lesson_padding_title": "패딩 마스킹",
    "lesson_padding_goal": "패딩 토큰은 단어가 아닙니다. 그 키는 마스킹되고, 볼 키가 하나도 남지 않은 행은 따로 다뤄야 합니다.",
    "lesson_projection_bias_title": "투영의 편향",
    "lesson_projection_bias_goal": "Q = X·W_Q + b_Q: 모든 토큰의 쿼리, 키, 밸류에 편향 행이 더해집니다.",
    "lesson_kv_cache_title": "KV 캐시로 생성하기",
    "lesson_kv_cache_goal": "추론할 때 새 토큰은 혼자 투영되고 RoPE로 실제 위치만큼 회전한 뒤, 그 쿼리가 앞선 토큰들의 캐시된 키와 밸류를 만납니다.",
    "lesson_online_softmax_title": "FlashAttention의 온라인 소프트맥스",
    "lesson_online_softmax_goal": "키 블록 하나씩 소프트맥스와 A·V를 계산합니다: 누적 최댓값, 합, 출력을 이어 가다가 최댓값이 바뀌면 e^(m_old − m_new)로 다시 맞춥니다.",
    "list_group_start": "여기서 시작하세요",
    "list_group_modern": "요즘 모델이 하는 일: 위치 인코딩, RoPE, ALiBi, GQA, 슬라이딩 윈도, 패딩",
    "list_group_articles": "글 재현: 각 글의 숫자를 자릿수까지 그대로, 글의 실수는 짚어 줍니다",
    "list_start_here": "(여기서 시작)",
    "list_title": "제목",
    "list_shows": "보여 주는 것",
    "list_tokens": "토큰",
    "list_heads": "헤드",
    "list_article": "원문",
    "list_self": "셀프 어텐션",
    "list_cross": "크로스 어텐션",
    "list_causal": "인과 마스킹",
    "list_sliding": "슬라이딩 윈도",
    "list_custom": "사용자 지정 마스크",
    "list_padding": "패딩 마스크",
    "list_positions_sinusoidal": "사인파 위치 인코딩",
    "list_positions_learned": "학습된 위치 인코딩",
    "list_rope": "RoPE",
    "list_alibi": "ALiBi",
    "list_gqa": "키/밸류 헤드 {g}개 (GQA)",
    "list_mqa": "키/밸류 헤드 1개 (MQA)",
    "kv_share_gqa": "그룹 쿼리 어텐션",
    "kv_share_mqa": "멀티 쿼리 어텐션: 키/밸류 헤드 하나를 모두가 씀",
    "kv_share_cap_gqa": "그룹 쿼리 어텐션(GQA)",
    "kv_share_cap_mqa": "멀티 쿼리 어텐션(MQA)",
    "list_given_qkv": "Q, K, V가 주어짐",
    "list_scale_none": "스케일링 없음",
    "list_scale_sqrt_seq_len": "√T로 스케일링",
    "list_rounding": "손계산 반올림",
    "cp_title": "원문 대조",
    "cp_where": "확인 위치",
    "cp_source": "원문 값",
    "cp_computed": "계산 값",
    "cp_decimals": "소수 자리",
    "cp_differs": "✗ {where}: 원문은 {want}, 여기서 계산한 값은 {got}입니다. {note}",
    "cp_differs_expected": "✗ {where}: 공식으로 계산한 값은 {want}, 여기서 계산한 값은 {got}입니다. {note}",
    "cp_title_expected": "논문의 공식과 대조",
    "cp_title_mixed": "대조: 원문에 실린 값과 공식으로 계산한 기대값",
    "cp_expected": "기대값(공식)",
    "cp_source_or_expected": "원문 값 또는 기대값",
    "step_prompt": "Enter/n 다음 · b 이전 · 숫자 해당 단계로 · q 끝내기 · ? 도움말 >",
    "step_help": "조작법: Enter 또는 n = 다음 단계, b = 이전 단계, 숫자 = 그 단계로 이동, q = 끝내기, ? = 이 도움말.",
    "step_end": "마지막 단계였습니다.",
    "step_folded": "이 단계에 대한 설명이 {n}개 더 있습니다(그중 {pitfalls}개는 흔한 실수나 주의할 점). i를 누르면 읽을 수 있습니다.",
    "step_next": (
        "다음으로: `mhsa-tutor quiz {cmd}`로 칸을 직접 계산해 보고, `mhsa-tutor learn`으로 안내 과정을 따라가거나, "
        "`mhsa-tutor export {cmd} -o page.html`로 대화형 페이지를 만들어 보세요(숫자를 누르면 계산 과정이 보입니다)."
    ),
    "next_steps": (
        "다음으로: `mhsa-tutor run {cmd} --step`은 한 단계씩 보여 주고, `mhsa-tutor quiz {cmd}`는 칸을 직접 계산하게 "
        "하며, `mhsa-tutor learn`은 안내 과정이고, `mhsa-tutor export {cmd} -o page.html`은 대화형 페이지를 "
        "만듭니다(숫자를 누르면 계산 과정이 보입니다)."
    ),
    "step_first": "첫 번째 단계입니다.",
    "step_nostage": "여기에는 {n}번 단계가 없습니다. {valid} 중에서 고르세요.",
    "step_unknown": "{key!r}은(는) 쓸 수 없는 입력입니다. ?를 누르면 조작법이 나옵니다.",
    "slide_keys": "q 끝내기 · → 다음 · ← 이전 · c 칸 · i 설명 · l 목록과 조작법",
    "slide_keys_short": "q 끝내기 · → 다음 · ← 이전 · l 목록",
    "slide_cursor_keys": "q 끝내기 · ←↑↓→ 이동 · Tab 행렬 · c Esc 그만",
    "slide_cursor_keys_short": "q 끝내기 · ←↑↓→ 이동 · c 그만",
    "slide_cursor": "커서가 {cell}에 있습니다. 계산 과정은 행렬 아래에 있습니다.",
    "slide_no_cells": "이 단계에는 계산해 볼 칸이 없습니다.",
    "slide_scroll": "{n}줄 중 {a}–{b}줄, ↑↓ PgUp PgDn 스크롤",
    "slide_jump": "{n}단계로 이동: Enter",
    "slide_unknown": "{key!r}은(는) 여기서 쓰지 않는 입력입니다. l은 단계 목록, q는 끝내기입니다",
    "slide_list_title": "단계 목록 (번호를 누르고 Enter로 이동)",
    "slide_list_hint": "조작법: → n 스페이스 Enter 다음 · ← b 이전 · g Home 처음 · G End 마지막 · 숫자+Enter 이동 · ↑ ↓ PgUp PgDn 스크롤 · c 칸 위의 커서(화살표로 이동, Tab으로 행렬 바꾸기, 그 칸의 계산 과정이 보임) · i 이 단계의 나머지 설명 · l ? 이 목록 (l 또는 Esc로 닫기) · q Esc 끝내기",
    "example": "예시:",
    "reads_title": "읽는 값:",
    "reads_here": "↑ 위 표",
    "reads_stage": "단계 {k} · {name}",
    "reads_legend_example": "반전",
    "reads_legend_example_is": "풀어 보는 칸",
    "reads_legend_operand": "밑줄",
    "reads_legend_operand_is": "이 화면에서 읽는 칸",
    "ex_given": "(주어진 값: 계산할 것이 없습니다)",
    "ex_split": "(헤드 {h}: 열 {w}개를 가져갑니다. 이 헤드의 {c}번째 열은 전체 행렬의 ({h} − 1)·{w} + {c} = {src}번째 열입니다)",
    "ex_split_shared": "이 쿼리 헤드(헤드 {q})는 키/밸류 헤드 {h}의 K와 V를 씁니다. 이 키/밸류 헤드는 쿼리 헤드 {shared}에서 함께 씁니다({kv_abbr}).",
    "ex_blocked": "'{col}' 토큰(위치 {j})은 '{row}' 토큰(위치 {i})보다 뒤에 있습니다. j > i이므로 인과 마스크가 가립니다.",
    "ex_self": "토큰은 언제나 자기 자신을 볼 수 있으므로(j = i = {i}) 점수를 그대로 둡니다.",
    "ex_kept": "'{col}' 토큰(위치 {j})은 '{row}' 토큰(위치 {i})보다 뒤에 있지 않습니다. j ≤ i이므로 점수를 그대로 둡니다.",
    "ex_blocked_sliding": "'{col}' 토큰(위치 {j})은 '{row}' 토큰(위치 {i})보다 {w}칸 이상 앞에 있습니다. j ≤ i − {w}이므로 슬라이딩 윈도가 막습니다.",
    "ex_blocked_sliding_future": "'{col}' 토큰(위치 {j})은 '{row}' 토큰(위치 {i})보다 뒤에 있습니다. j > i이고 슬라이딩 윈도는 앞쪽만 보므로 막습니다.",
    "ex_kept_sliding": "'{col}' 토큰(위치 {j})은 '{row}'의 윈도 안에 있습니다: {i} − {w} < {j} ≤ {i}이므로 점수를 그대로 둡니다.",
    "ex_blocked_custom": "blocked[{row}, {col}] 값이 참이므로 사용자 지정 마스킹이 막습니다.",
    "ex_kept_custom": "blocked[{row}, {col}] 값이 거짓이므로 마스킹이 점수를 그대로 둡니다.",
    "ex_blocked_padding": "'{col}' 토큰은 패딩(key_padding_mask가 참)이므로 어떤 쿼리도 주목할 수 없습니다.",
    "ex_rot": (
        "'{row}' 토큰의 {name} 벡터는 위치 {pos}에 있으므로 m = {m}입니다(RoPE는 0부터 셉니다). {c}번 특성은 {o}번 특성과 짝입니다({style} 방식, 쌍 j = {pj}). 회전 각도는 m·θ_j = {m} × {theta} "
        "{angle} 라디안입니다."
    ),
    "ex_bias_before": "이 헤드의 기울기는 m = {m}이고 점수와 함께 스케일링됩니다(÷{div}). '{row}' 토큰은 위치 {i}, '{col}' 토큰은 위치 {j}에 있으므로 |i − j| = {d}입니다.",
    "ex_bias_given": "B는 계산하지 않고 주어진 값(시나리오의 input.B)입니다: 헤드 {h}, '{row}' 행, '{col}' 열.",
    "ex_rot_pass": "특성 {c}은(는) 회전하는 앞의 {rd}개 밖에 있으므로(부분 회전) 그대로 지나갑니다.",
    "ex_bias": "이 헤드의 기울기는 m = {m}입니다. '{row}' 토큰은 위치 {i}, '{col}' 토큰은 위치 {j}에 있으므로 |i − j| = {d}입니다.",
    "ex_dead_row": (
        "'{row}' 행은 모든 키가 막혀 점수가 모두 −∞입니다. e^−∞는 모두 0이고 합도 0이므로 0/0 = NaN입니다(nn.MultiheadAttention과 같습니다). "
        "실제 코드는 이런 행이 생기지 않게 하거나 나중에 0으로 채웁니다."
    ),
    "ex_more": "{n}개 더",
    "ex_stable": "먼저 모든 점수에서 행의 최댓값({m})을 뺍니다. 어텐션 가중치는 그대로이고 e^x가 오버플로하지 않습니다.",
    "ex_concat": "이어 붙인 행렬의 {c}번째 열은 헤드 {h} 출력의 {c2}번째 열입니다.",
    "ex_rounded": "시나리오에 적힌 대로 소수 {d}자리로 손계산 반올림을 했습니다. 다음 단계에서는 {v}을(를) 씁니다(반올림 전: {e}).",
    "rounded_caption": "{name}: 시나리오에 적힌 대로 소수 {decimals}자리로 손으로 반올림한 값입니다. 정확한 값은 --exact로 볼 수 있습니다.",
    "quiz_title": "퀴즈: {title} · {n}문제",
    "quiz_rule": (
        "숫자를 하나씩 손으로 계산해서 입력하세요(q를 입력하면 끝납니다). 입력한 마지막 자리의 반 단위까지는 맞은 것으로 봅니다(예: 0.77은 0.765부터 "
        "0.775까지. 소수 넷째 자리보다 더 많이 입력해도 기준이 더 엄격해지지는 않습니다). 단, 정답과의 차이는 정답의 5%와 0.005 중 큰 값을 넘을 수 없으니 "
        "유효숫자를 두 자리 이상 입력하세요. 시나리오가 손계산 반올림을 하는 경우에는 반올림하지 않은 값도 정답으로 봅니다."
    ),
    "quiz_rule_tol": "숫자를 하나씩 손으로 계산해서 입력하세요(q를 입력하면 끝납니다). 정답(손계산 반올림을 하는 시나리오에서는 반올림하지 않은 값도)과의 차이가 ±{tol} 이내면 맞은 것으로 봅니다.",
    "quiz_seed": "시드 {seed}: --seed {seed}(으)로 실행하면 같은 문제가 다시 나옵니다.",
    "quiz_question": "문제 {k}/{n}",
    "quiz_ask_positions": "{label}의 값을 구하세요. '{row}' 행의 {n}번째 특성에 더하는 위치 값입니다.",
    "quiz_ask_projections": "{label}의 값을 구하세요. 입력의 '{row}' 행과 W_{m}의 {n}번째 열의 내적입니다.",
    "quiz_ask_scores": "점수 {label}의 값을 구하세요. '{row}'의 쿼리와 '{col}'의 키의 내적입니다.",
    "quiz_ask_scaled": "스케일링한 점수 {label}의 값을 구하세요.",
    "quiz_ask_rotary": "주어진 각도와 짝 특성으로 위치만큼 회전한 {label}의 값을 구하세요.",
    "quiz_ask_bias": "ALiBi 거리 편향을 더한 점수 {label}의 값을 구하세요.",
    "quiz_ask_bias_given": "주어진 점수 편향을 더한 점수 {label}의 값을 구하세요.",
    "quiz_ask_softmax": "어텐션 가중치 {label}의 값을 구하세요. 점수의 '{row}' 행에 소프트맥스를 적용했을 때 키 '{col}' 자리의 값입니다.",
    "quiz_ask_head_output": "헤드 {h}의 출력 {label}의 값을 구하세요. '{row}'의 어텐션 가중치와 헤드 {h} 밸류의 {n}번째 열을 곱해서 더한 값입니다.",
    "quiz_ask_concat": "이어 붙인 출력 {label}의 값을 구하세요. 이어 붙인 헤드 출력의 {n}번째 열입니다(헤드마다 열 {dv}개).",
    "quiz_ask_plus_bias": " 그다음 편향 {bias}[{n}]도 더하세요.",
    "quiz_ask_output": "출력 {label}의 값을 구하세요. 이어 붙인 헤드 출력의 '{row}' 행과 W_O의 {n}번째 열의 내적입니다.",
    "quiz_prompt": "답 (q: 끝내기) >",
    "quiz_not_number": "{text!r}은(는) 숫자가 아닙니다. 0.77 같은 숫자를 입력하거나, 끝내려면 q를 입력하세요.",
    "quiz_right": "✓ 맞았습니다: {label} = {value}",
    "quiz_wrong": "✗ 조금 다릅니다. 입력한 값은 {got}, 정답은 {label} = {value}입니다. 계산 과정을 함께 보겠습니다:",
    "slip_unscaled_scaled": "입력한 {got}은(는) 스케일링하기 전의 점수 q·k입니다. {div_name} = {div}(으)로 나누세요.",
    "slip_unscaled": "입력한 {got}은(는) 점수를 스케일링하지 않았을 때의 값입니다. 소프트맥스 전에 각 점수를 {div_name} = {div}(으)로 나누세요.",
    "slip_by_dk": "입력한 {got}은(는) 점수를 d_k = {dk}(으)로 나눈 값입니다. √d_k = {sqrt_dk}(으)로 나누세요.",
    "slip_by_sqrt_t": "입력한 {got}은(는) 점수를 시퀀스 길이의 제곱근 √T = √{T} = {sqrt_t}(으)로 나눈 값입니다. 이 시나리오는 {div_name} = {div}(으)로 나눕니다.",
    "slip_by_sqrt_dk": (
        "입력한 {got}은(는) 점수를 √d_k = {sqrt_dk}(으)로 나눈 값입니다. 표준 스케일링(Vaswani et al. 2017, PyTorch)이라 실제로는 "
        "맞는 방법이지만, 이 시나리오는 원문을 따라 {div_name} = {div}(으)로 나눕니다."
    ),
    "slip_by_sqrt_t_scale_none": "입력한 {got}은(는) 점수를 √T = √{T} = {sqrt_t}(으)로 나눈 값입니다. 이 시나리오는 점수를 스케일링하지 않습니다.",
    "slip_by_sqrt_dk_scale_none": (
        "입력한 {got}은(는) 점수를 √d_k = {sqrt_dk}(으)로 나눈 값입니다. 표준 스케일링(Vaswani et al. 2017, PyTorch)이긴 하지만, 이 "
        "시나리오는 원문처럼 점수를 스케일링하지 않습니다."
    ),
    "slip_by_sqrt_dk_same_t": (
        "입력한 {got}은(는) 점수를 표준 스케일링(Vaswani et al. 2017, PyTorch)대로 √d_k = {sqrt_dk}(으)로 나눈 값입니다. 여기서는 "
        "T = d_k = {dk}(이)라 √T로 나눠도 같은 수가 나옵니다. 이 시나리오는 원문처럼 점수를 스케일링하지 않습니다."
    ),
    "slip_no_mask": (
        "입력한 {got}은(는) 마스킹을 빠뜨린 값입니다. '{row}'보다 뒤에 있는 키는 소프트맥스 전에 −∞가 되어 가중치가 0이고, 그 행의 가중치는 "
        "볼 수 있는 키끼리 나눠 가집니다."
    ),
    "slip_window_ignored": (
        "입력한 {got}은(는) 슬라이딩 윈도를 무시한 값입니다. i − {w} < j ≤ i인 키 j만 남고, {w}칸 이상 앞에 있는 키도 −∞가 됩니다."
    ),
    "slip_padding_ignored": "입력한 {got}은(는) 패딩({padded})에도 주목한 값입니다. 패딩 키는 모든 행에서 −∞가 됩니다.",
    "slip_wrong_kv_head": (
        "입력한 {got}은(는) 키/밸류 헤드 {other}을(를) 쓴 값입니다. 쿼리 헤드 {h}은(는) 키/밸류 헤드 {g} = ⌊(h − 1)·G/H⌋ + 1을(를) 쓰며, "
        "그 K와 V의 열은 {cols}입니다."
    ),
    "slip_rope_pairing": (
        "입력한 {got}은(는) 특성을 '{other_style}' 방식으로 짝지은 값입니다. 이 시나리오는 '{style}' 방식({pairs})으로 회전합니다."
    ),
    "slip_several": "입력한 {got}은(는) 여기서 여러 실수와 맞아떨어집니다:",
    "slip_wrong_axis": "입력한 {got}은(는) 소프트맥스를 열 방향(쿼리들)으로 계산한 값입니다. '{row}'의 행을 따라 키들에 대해 계산해야 각 행의 합이 1이 됩니다.",
    "slip_mask_after": "입력한 {got}은(는) 소프트맥스를 먼저 하고 나서 뒤쪽 키의 가중치를 0으로 만든 값이라 행의 합이 1이 아닙니다. 미래 점수를 먼저 −∞로 마스킹한 뒤 소프트맥스를 하세요.",
    "slip_mask_after_renorm": "입력한 {got}은(는) 소프트맥스 뒤에 마스킹하고 행을 다시 정규화한 값입니다. 결과는 같으니 계산을 다시 확인하세요.",
    "slip_transposed": "입력한 {got}은(는) K·Qᵀ의 [{col}, {row}] 칸입니다. 점수는 Q·Kᵀ로, 행이 쿼리 '{row}', 열이 키 '{col}'입니다.",
    "slip_other_head": "입력한 {got}은(는) 헤드 {other}의 열을 쓴 값입니다. 헤드 {h}은(는) {c0}–{c1}열을 씁니다.",
    "slip_added": "입력한 {got}은(는) 헤드 출력을 더한 값입니다. 헤드는 옆으로 이어 붙이므로 Z의 {n}열은 헤드 {h}의 {ch}열 그대로입니다.",
    "slip_no_bias": "입력한 {got}에는 편향이 빠졌습니다. 이 열의 모든 행이 받는 {bias}[{n}] = {b}도 내적에 더하세요.",
    "slip_no_wo": "입력한 {got}은(는) W_O를 곱하지 않은 Z입니다. Z의 그 행에 W_O의 {n}열을 곱하세요.",
    "slip_exact": "입력한 {got}은(는) 반올림하지 않은 값입니다. 이 시나리오는 {stage_name}을(를) 소수 {d}자리로 손계산 반올림하고, 다음 단계는 반올림한 수를 씁니다.",
    "slip_rounded": "입력한 {got}은(는) 다음 단계 전에 {stage_name}을(를) 소수 {d}자리로 반올림해서 나온 값입니다. 끝까지 소수 4자리 이상을 유지하세요.",
    "quiz_summary": "요약",
    "quiz_you": "입력",
    "quiz_none": "답한 문제가 없습니다.",
    "quiz_all_right": "다시 볼 단계가 없습니다. 모두 맞았습니다.",
    "quiz_revisit": (
        "다시 보면 좋은 단계: {stages}. `mhsa-tutor run {cmd} --stage {first}`로 그 단계를 다시 볼 수 있고, `mhsa-tutor "
        "explain`으로 어느 칸이든 계산 과정을 볼 수 있습니다."
    ),
    "quiz_stopped": "{n}문제 중 {k}문제를 풀고 멈췄습니다.",
    "quiz_score": "맞힌 문제: {k}/{n} (답한 {n}문제 중 {k}문제)",
    # the page (views/page): its own words
    "page_about": "이 시나리오에 대해",
    "page_theme": "밝게 / 어둡게",
    "page_too_big": "이 페이지에는 숫자가 {n}개 있습니다. 연습 문제는 숫자가 {limit}개 이하인 페이지에만 넣습니다. 크기와 상관없이 터미널의 `mhsa-tutor quiz`로 풀 수 있습니다.",
    "page_practice": "연습",
    "page_practice_title": "이 단계 연습",
    "page_answer": "답",
    "page_check": "확인",
    "page_another": "다른 셀",
    "page_mistakes": "지금까지의 실수",
    "page_clear": "목록 지우기",
    "page_you_typed": "입력한 값",
    "page_not_number": "‘{text}’: 숫자가 아닙니다. 0.77처럼 숫자를 입력하세요.",
    "page_rule": "물어본 숫자를 손으로 계산해서 입력하세요. 입력한 마지막 자리의 반 단위까지는 맞은 것으로 봅니다(예: 0.77은 0.765부터 0.775까지). 단, 정답과의 차이가 5% 이내여야 하니 유효숫자를 두 자리 이상 입력하세요.",
    "page_no_question": "이 단계에는 계산할 숫자가 없습니다. 점수나 소프트맥스 같은 단계로 가세요.",
    # the heatmap (views/page/heatmap.py)
    "heatmap_queries": "쿼리 (행)",
    "heatmap_keys": "키 (열)",
    "new_header": (
        "`mhsa-tutor new`로 만든 시나리오입니다(시드 {seed}). 숫자나 토큰을 마음대로 고친 뒤 실행해 보세요:\n  mhsa-tutor run {path}\n  "
        "mhsa-tutor explain {path} --stage scores --row 1 --col 1"
    ),
    "new_values_small_int": (
        "모든 숫자가 −2부터 2까지의 작은 정수라서 모든 단계를 손으로 계산할 수 있습니다. W_Q와 W_K는 점수가 너무 커지지 않도록 −1부터 1까지만 씁니다."
    ),
    "new_soft": "여기서는 어느 헤드의 소프트맥스 행도 원-핫이 아닙니다. 모든 쿼리가 가중치를 여러 키에 나눠 줍니다.",
    "new_one_hot": (
        "솔직히 말하면, 이 크기와 값으로는 소프트맥스 행 {n}개가 사실상 원-핫입니다(가중치 하나가 0.999보다 큼). "
        "W_Q와 W_K의 숫자를 작게 하면 부드러워집니다."
    ),
    "new_values_normal": "X는 표준정규분포에서 뽑았고, 가중치 행렬은 정규분포 값을 √d_model로 나누어(d_model = {d}) 뽑았습니다. 모두 소수 2자리로 반올림했습니다.",
    "new_sizes": "크기: 토큰 T = {T}개, d_model = {d}, 헤드 {h}개이므로 헤드마다 d_k = d_v = d_model / 헤드 수 = {dk}입니다.",
    "new_title": "모든 화면의 맨 위에 표시되는 제목입니다.",
    "new_description": "선택 사항: 제목 아래에 표시되는 시나리오 설명입니다.",
    "new_source": "선택 사항: 숫자의 출처입니다.",
    "new_tokens": "토큰마다 X의 행이 하나씩, 순서대로 대응합니다(토큰 {T}개).",
    "new_heads": "헤드 수입니다. W_Q, W_K, W_V의 열 수는 헤드 수의 배수여야 합니다(여기서는 {hk} = {h} × {dk}).",
    "new_mask": (
        '"none": 모든 토큰이 모든 토큰을 봅니다. "causal": 자기 자신과 앞쪽 토큰만 봅니다. '
        '"sliding": 자기 자신과 바로 앞의 (window − 1)개 토큰만 봅니다.'
    ),
    "new_scale": '"sqrt_dk": 트랜스포머처럼 점수를 √d_k로 나눕니다. 그 밖에 "none", "sqrt_seq_len"을 쓸 수 있습니다.',
    "new_positions": '"sinusoidal": 트랜스포머의 사인/코사인 위치를 X에 더합니다. "learned": X 아래의 P를 더합니다.',
    "new_window": "슬라이딩 윈도 W: 토큰 i는 i − W + 1 … i번째 토큰만 봅니다.",
    "new_bias": '"alibi": 각 헤드가 스케일링한 점수에 −m·|i − j|를 더합니다(Press et al. 2022).',
    "new_kv_heads": "키/밸류 헤드 수 G = {G}: W_K와 W_V의 열은 G·d_k = {gk}개이고, 쿼리 헤드들이 차례로 나눠 씁니다.",
    "new_rope": 'RoPE(Su et al. 2021): 각 헤드의 Q와 K를 위치만큼 회전합니다. style은 "half" 또는 "interleaved"입니다.',
    "new_bias_term": "{name}: {w}과(와) 곱한 결과의 모든 행에 더하는 편향. 열마다 값 하나({n}개).",
    "from_model_arrays": "행렬은 {npz} 파일({mb} MB)에 있습니다. 이 파일을 {path} 파일과 같은 폴더에 두세요.",
    "from_model_wrote": (
        "{path} 파일을 썼습니다: {model} 모델의 층 {layer}, 토큰 T = {T}개, d_model = {d}, 헤드 = {h}개.\n"
        "실행: mhsa-tutor run {cmd}"
    ),
    "new_P": "P: 토큰마다 학습된 위치, T × d_model = {T} × {d}. 투영은 X + P를 씁니다.",
    "new_X": "X: 토큰마다 d_model개의 숫자로 된 행 하나. T × d_model = {T} × {d}.",
    "new_W_Q": "W_Q: d_model × (헤드 수 · d_k) = {d} × {hk}. Q = X · W_Q이고, 헤드 h는 (h − 1)·d_k + 1 … h·d_k번째 열을 씁니다.",
    "new_W_K": "W_K: W_Q와 같은 d_model × (헤드 수 · d_k) = {d} × {hk}. K = X · W_K.",
    "new_W_V": "W_V: d_model × (헤드 수 · d_v) = {d} × {hk}. V = X · W_V.",
    "new_W_K_gqa": "W_K: d_model × (키/밸류 헤드 수 · d_k) = {d} × {gk}. 키/밸류 헤드마다 d_k개 열의 블록이 하나씩 있습니다. K = X · W_K.",
    "new_W_V_gqa": "W_V: W_K와 같은 d_model × (키/밸류 헤드 수 · d_v) = {d} × {gk}. V = X · W_V.",
    "new_W_O": "W_O: (헤드 수 · d_v) × d_out = {hk} × {d}. O = Z · W_O로 이어 붙인 헤드 출력을 섞습니다. W_O를 지우면 이어 붙이기에서 끝납니다.",
    "new_rounding": "선택 사항: 종이에 손으로 계산한 글처럼, 다음 단계에서 쓰기 전에 어떤 단계의 값을 손으로 반올림할 수 있습니다:\n[rounding]\nscaled = 2",
    "export_wrote": "{path}에 저장했습니다({kind}, {size}).",
    "export_open_html": "웹 브라우저로 여세요(인터넷 없이도 됩니다). 예: {opener} {path}. 숫자를 누르면 계산 과정이 보입니다.",
    "export_open_svg": "웹 브라우저나 이미지 뷰어로 여세요. 예: {opener} {path}",
    "export_open_md": "아무 텍스트 편집기나 마크다운 뷰어로 읽으세요(수식은 GitHub의 $…$ 형식입니다).",
    "export_open_json": "JSON 도구로 읽으세요. 예: python3 -m json.tool {path}. 모든 숫자가 반올림 없이 들어 있습니다.",
    "export_open_npz": "파이썬에서 `numpy.load`로 불러오세요. 모든 단계의 행렬이 반올림 없는 float64 배열로 들어 있고, "
    "이름은 단계/행렬입니다(헤드별 단계는 단계/h1/행렬, …).",
    "new_wrote": "{path}에 저장했습니다: 토큰 {T}개, d_model {d}, 헤드 {h}개.\n실행: mhsa-tutor run {cmd}",
    "rounded_join": ", ",
    "rounded_item": "{name}을(를) 소수 {d}자리로",
    "stage_name_input": "입력",
    "stage_name_positions": "위치",
    "stage_name_params": "가중치 행렬",
    "stage_name_split": "헤드 나누기",
    "stage_name_rotary": "RoPE 회전",
    "stage_name_bias": "ALiBi 편향",
    "stage_name_masked": "마스킹한 점수",
    "stage_name_projections": "Q, K, V",
    "stage_name_scores": "점수",
    "stage_name_scaled": "스케일링한 점수",
    "stage_name_softmax": "어텐션 가중치",
    "stage_name_head_output": "헤드 출력",
    "stage_name_concat": "이어 붙인 출력",
    "stage_name_output": "최종 출력",
    "stage_name_online_softmax": "온라인 소프트맥스",
    "stage_name_decode_qkv": "새 토큰의 q, k, v",
    "stage_name_kv_cache": "KV 캐시",
    "stage_name_decode_scores": "디코딩 점수",
    "stage_name_decode_softmax": "디코딩 가중치",
    "stage_name_decode_output": "디코딩 출력",
    "check_full": (
        "{mark} 단계 {step}('{tok}', 위치 {pos}): z_t가 전체 인과 어텐션의 '{tok}' 행과 같습니다"
        "(최대 차이 {diff}, 허용 오차 {tol})"
    ),
    "check_ordinary": (
        "{mark} 온라인 소프트맥스 결과(Z{sub})와 보통의 softmax·V가 같습니다(최대 차이 {diff}, 허용 오차 {tol}, "
        "NaN 행은 NaN 행과 일치)"
    ),
    "check_join": "; ",
    "unit_rad": "라디안",  # an angle's unit in the arithmetic lines
    "decode_step": (
        "단계 {step}('{tok}', 위치 {pos}): 캐시의 행이 {before}개에서 {after}개가 되어 "
        "{after} × {G} × ({dk} + {dv}) = 숫자 {numbers}개, 이 층에서 fp16으로 {bytes}바이트(토큰당 {per_token}바이트)입니다. "
        "캐시의 {before}개 행을 다시 계산하지 않고 읽으므로 키와 밸류 투영 {rows}번(곱셈-덧셈 {macs}번)을 아낍니다"
    ),
    "decode_step_given": (
        "단계 {step}('{tok}', 위치 {pos}): 캐시의 행이 {before}개에서 {after}개가 되어 "
        "{after} × {G} × ({dk} + {dv}) = 숫자 {numbers}개, 이 층에서 fp16으로 {bytes}바이트(토큰당 {per_token}바이트)입니다. "
        "캐시에 있는 키와 밸류 {rows}개 행은 다시 계산하지 않고 읽습니다"
    ),
    "decode_extra_alibi": ", ALiBi 편향 −m·(t − j)도 더합니다",
    "decode_extra_window": ", 윈도 크기 {window}도 적용합니다",
    "decode_extra_padding": ", 패딩 키는 마스킹합니다",
    "ex_os_final": "마지막 블록({b}) 뒤에 누적 출력을 누적 합으로 한 번 나눕니다.",
    "ex_os_block": "블록 {b}에 든 키: {keys}.",
    "ex_os_none_seen": "아직 본 키가 없습니다(지금까지의 키가 모두 마스킹됨). 다시 맞출 것이 없으므로 r = 1입니다.",
    "ex_os_first": "(키가 있는 첫 블록: m_old = −∞이고 지금까지의 상태는 0)",
    "ex_os_o": "O의 {col}번째 열은 블록 {b}까지 처리한 o의 {d}번째 특성입니다.",
    "ex_dec_new": "단계 {step}: '{tok}' 토큰(위치 {pos})은 자기 행만으로 투영합니다. 헤드 {h}의 열을 씁니다.",
    "ex_dec_rope": "RoPE는 0이 아니라 실제 위치 t = {pos}(0부터 셈)만큼 회전합니다.",
    "ex_cache_prefill": "'{tok}' 토큰(위치 {pos})은 프리필에서 캐시에 저장되었습니다: 회전된 키와 밸류, 키/밸류 헤드 {g}.",
    "ex_cache_step": (
        "'{tok}' 토큰(위치 {pos})은 단계 {step}에서 추가되었습니다: 그때 계산한 k와 v(decode_qkv 단계), 키/밸류 헤드 {g}. "
        "캐시는 다시 계산하지 않습니다."
    ),
    "ex_dec_not_cached": "'{key}' 토큰(위치 {j})은 '{tok}' 토큰(위치 {pos}) 뒤에 오므로 이 단계에서는 아직 캐시에 없습니다.",
    "quiz_ask_online_softmax_m": "온라인 소프트맥스: '{row}' 행에서 블록 {n}까지의 누적 최댓값 {label}의 값을 구하세요.",
    "quiz_ask_online_softmax_r": "온라인 소프트맥스: '{row}' 행의 블록 {n}에서 다시 맞추는 비율 {label} = e^(m_old − m_new)의 값을 구하세요.",
    "quiz_ask_online_softmax_l": "온라인 소프트맥스: '{row}' 행에서 블록 {n}까지의 누적 합 {label}의 값을 구하세요.",
    "quiz_ask_online_softmax_O": "온라인 소프트맥스: '{row}' 행의 누적 출력 {label}({n}번째 열)의 값을 구하세요.",
    "quiz_ask_online_softmax_Z": "온라인 소프트맥스: 마지막 블록 뒤의 결과 {label} = o / ℓ의 값을 구하세요.",
    "quiz_ask_online_softmax": "온라인 소프트맥스: {label}의 값을 구하세요.",
    "quiz_ask_decode_qkv": "디코딩: 새 토큰의 {m} 벡터의 {n}번째 특성 {label}의 값을 구하세요(자기 행만 쓰고, RoPE는 주어진 대로).",
    "quiz_ask_decode_scores": "디코딩: 점수 {label}의 값을 구하세요. 새 쿼리와 캐시에 있는 '{col}'의 키를 내적하고 스케일링한 값입니다.",
    "quiz_ask_decode_softmax": "디코딩: 가중치 {label}의 값을 구하세요. 이 단계의 점수 행을 캐시에 대해 소프트맥스한 값입니다.",
    "quiz_ask_decode_output": "디코딩: 출력 {label}의 값을 구하세요. 이 단계의 가중치와 캐시 밸류의 {n}번째 열을 곱해서 더한 값입니다.",
    "slip_rope_zero": (
        "입력한 {got}은(는) 새 토큰을 위치 0에서 회전한 값입니다. 캐시의 키가 각자의 위치만큼 회전되어 있듯이, RoPE는 새 토큰도 "
        "실제 위치 t = {t}만큼 회전합니다."
    ),
    "slip_reprojected": (
        "입력한 {got}은(는) 캐시를 읽지 않고 앞부분을 다시 투영한 값(k_j = x_j·W_K)입니다. 캐시의 키는 RoPE로 각자의 위치만큼 "
        "회전되어 있으니 캐시의 '{col}' 행을 읽으세요."
    ),
    "slip_own_cache": (
        "입력한 {got}은(는) 키/밸류 헤드 {h}의 캐시를 읽은 값입니다. GQA에서 쿼리 헤드 {h}은(는) 키/밸류 헤드 {g}의 캐시를 읽습니다."
    ),
    "slip_no_rescale": (
        "입력한 {got}은(는) 다시 맞추기를 빠뜨린 값입니다. 블록을 더하기 전에 옛 합과 출력에 비율 r(= e^(m_old − m_new) = {r})을 "
        "곱하세요(최댓값: {m_old} → {m_new})."
    ),
    "slip_rescale_sign": (
        "입력한 {got}은(는) 부호를 반대로 쓴 e^(m_new − m_old)로 다시 맞춘 값입니다. 옛 항은 더 작은 최댓값 기준이므로 비율은 "
        "1 이하인 e^(m_old − m_new) = {r}입니다."
    ),
    "slip_stale_max": (
        "입력한 {got}은(는) 옛 최댓값({m_old})을 그대로 쓴 값입니다. 먼저 m = max(m_old, 블록의 점수) = {m_new}(으)로 갱신한 뒤, "
        "블록의 항과 나머지를 그 기준으로 맞추세요."
    ),
    "list_tiling": "키 블록 {b}개씩 온라인 소프트맥스",
    "list_decode": "마지막 {n}개 토큰을 KV 캐시로 디코딩",
    "new_decode": "나머지 토큰을 프리필한 뒤 마지막 `steps`개 토큰을 KV 캐시로 하나씩 생성합니다",
    "new_tiling": "각 헤드의 소프트맥스와 A·V를 FlashAttention처럼 `block`개씩의 키 블록으로 온라인 계산합니다",
    # the offline page's controls and panel, and the attention heatmap (views/page)
    "page_prev": "← 이전",
    "page_next": "다음 →",
    "page_stages": "단계",
    "page_lang": "English",
    "page_arith": "셀의 계산 과정",
    "page_hint": "숫자를 누르면 (또는 선택하고 Enter) 어떻게 계산했는지 보여 줍니다.",
    "page_keys": "조작법: → / ← 다음·이전 단계, Home / End 처음·마지막 단계.",
    "page_inputs": "읽어 온 값 (강조 표시)",
    "page_legend": "음영: 어텐션 가중치",
    "page_masked": "마스킹됨 (소프트맥스 전 −∞)",
    "page_min": "최솟값",
    "page_max": "최댓값",
    "heatmap_head": "헤드 {h}",
    "heatmap_weight": "가중치",
    "heatmap_masked": " (마스킹됨)",
    "heatmap_title": "어텐션 가중치",
}
