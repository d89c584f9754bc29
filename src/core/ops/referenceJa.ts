import type { ConstructorRow, ReferencedOp } from './reference';

/*
 * The language reference in Japanese: what completion, hover and signature
 * help show of an operation or leaf constructor when VS Code's display
 * language is Japanese (reference.ts picks it by `l10nLanguage()`). The terms
 * are the textbook's (ゼロから作るDeep Learning): 順伝播, 逆伝播, 勾配, 形状…;
 * formulas and code stay as they are written in English. Every op of the
 * reference and every row of the constructors' table must have its text
 * here: a missing one fails the typecheck (`satisfies`), and a unit test
 * checks the constructors' one-line docs.
 */

/** An op's texts: its one-line doc (OpDef.doc), and the forward and backward of its reference. */
export interface JapaneseOpReference {
  readonly doc: string;
  readonly forward: string;
  readonly backward: string;
}

const OPS_JA = {
  add: {
    doc: 'a + b (numpy のブロードキャストあり)。逆伝播: dout を両方の入力へ、それぞれブロードキャストされた軸で合計して渡す。',
    forward: 'a + b',
    backward: 'da = dout, db = dout (それぞれ元の形状へ合計する)',
  },
  sub: {
    doc: 'a − b (numpy のブロードキャストあり)。逆伝播: da = dout, db = −dout、それぞれ元の形状へ合計する。',
    forward: 'a − b',
    backward: 'da = dout, db = −dout',
  },
  mul: {
    doc: 'a × b を要素ごとに (numpy のブロードキャストあり)。逆伝播: da = dout·b, db = dout·a (入力をひっくり返して掛ける)、それぞれ元の形状へ合計する。',
    forward: 'a · b (要素ごと)',
    backward: 'da = dout · b, db = dout · a',
  },
  div: {
    doc: 'a ÷ b を要素ごとに (numpy のブロードキャストあり)。逆伝播: da = dout / b, db = −dout·(a/b)/b (PyTorch と同じ)、それぞれ元の形状へ合計する。',
    forward: 'a / b',
    backward: 'da = dout / b, db = −dout · a / b²',
  },
  pow: {
    doc: 'a ** b を要素ごとに (C の pow、正しく丸める)。逆伝播: da = dout·b·a^(b−1) (b = 0 では 0)、db は a > 0 で dout·a^b·ln a、それ以外で 0。',
    forward: 'a^b',
    backward: 'da = dout · b · a^(b−1); db は a > 0 で dout · a^b · ln a、それ以外で 0',
  },
  neg: {
    doc: '−x。逆伝播: −dout。',
    forward: '−x',
    backward: 'dx = −dout',
  },
  matmul: {
    doc: '行列の積 a @ b (2-D@2-D、1-D@2-D、2-D@1-D、1-D@1-D)。逆伝播: da = dout @ bᵀ, db = aᵀ @ dout (ベクトルでは外積)。',
    forward: '行列の積: 2-D @ 2-D, 1-D @ 2-D, 2-D @ 1-D, 1-D @ 1-D',
    backward: 'da = dout @ bᵀ, db = aᵀ @ dout',
  },
  relu: {
    doc: 'max(x, 0) を要素ごとに (教科書の ReLUレイヤ)。逆伝播: x > 0 では dout、それ以外では 0。',
    forward: 'max(0, x)',
    backward: 'x > 0 では dx = dout、それ以外では 0',
  },
  sigmoid: {
    doc: '1 / (1 + exp(−x)) を要素ごとに (Sigmoidレイヤ)。逆伝播: dout·(1 − y)·y (教科書の順)。',
    forward: '1 / (1 + exp(−x))',
    backward: 'dx = dout · y · (1 − y)',
  },
  tanh: {
    doc: '双曲線正接を要素ごとに。逆伝播: dout·(1 − y²)。',
    forward: 'tanh x',
    backward: 'dx = dout · (1 − y²)',
  },
  exp: {
    doc: 'eˣ を要素ごとに (正しく丸める)。逆伝播: dout·y。',
    forward: 'eˣ',
    backward: 'dx = dout · y',
  },
  log: {
    doc: '自然対数を要素ごとに (正しく丸める。0 未満では NaN、0 では −Infinity)。逆伝播: dout / x。',
    forward: 'ln x',
    backward: 'dx = dout / x',
  },
  sqrt: {
    doc: '平方根を要素ごとに。逆伝播: dout / (2·y)。',
    forward: '√x',
    backward: 'dx = dout / (2 √x)',
  },
  abs: {
    doc: '|x| を要素ごとに。逆伝播: dout·sign(x) (x = 0 では 0)。',
    forward: '\\|x\\|',
    backward: 'dx = dout · sign(x)',
  },
  sum: {
    doc: '1 つの軸 (負の数は末尾から数える) またはすべての要素の総和を、numpy と同じ順 (連続した軸に沿ってペアごと) に。逆伝播: dout を合計したすべての要素へコピーする。',
    forward: '1 つの軸 (負の数は末尾から数える) またはすべての要素の総和',
    backward: 'dout を x の形状へブロードキャストして戻す',
  },
  mean: {
    doc: '1 つの軸またはすべての要素の平均: numpy の総和を要素の数で割る。逆伝播: dout / 要素の数 を平均したすべての要素へ。',
    forward: '平均',
    backward: 'dout / n をブロードキャストして戻す',
  },
  max: {
    doc: '1 つの軸 (負の数は末尾から数える) またはすべての要素の最大値、np.max と同じ (NaN が勝つ)。逆伝播: dout を最大の要素へ、同点の要素には等分する (torch.amax と同じ)。',
    forward: '最大の要素、`np.max` と同じ (NaN が勝つ)',
    backward: 'dout を最大の要素へ。同点の要素には等分する (`torch.amax` と同じ)',
  },
  pick: {
    doc: 'x[arange(batch), t]: 行 i の列 t[i] の要素 (t はクラスのインデックス。1-D の x とインデックス 1 つでは x[t])。逆伝播: dout を選んだ要素へ、それ以外は 0。t への勾配はない。',
    forward: '`x[arange(batch), t]`: 各行の列 t[i] の要素 (1-D の x とインデックス 1 つでは x[t])',
    backward: 'dout を選んだ要素へ、それ以外は 0。t への勾配はない',
  },
  transpose: {
    doc: '軸を逆の順にする (x.T とも書く)、または与えた axes の順に並べる (np.transpose(x, axes) と同じ)。ベクトルやスカラーは変わらない。逆伝播: dout を逆の順に戻す。',
    forward: '軸を逆の順に (1-D は変わらない)。axes を与えると、出力の軸 i は x の軸 axes[i] (`np.transpose(x, axes)` と同じ)',
    backward: 'dout を逆の順で転置して戻す',
  },
  reshape: {
    doc: '同じ要素を行優先の順のまま新しい形状にする。サイズの 1 つは -1 (推定する) にできる。逆伝播: dout を元の形状に戻す。',
    forward: '同じデータで新しい形状に (サイズの 1 つは −1 にできる)',
    backward: 'dout を元の形状に戻す',
  },
  affine: {
    doc: 'x @ W + b を 1 つのノードで (Affineレイヤ。x は 1 行、または行のバッチ)。逆伝播: dx = dout·Wᵀ, dW = xᵀ·dout, db = dout をバッチの軸で合計したもの。',
    forward: 'x @ W + b を 1 つのノードで (教科書の Affineレイヤ)',
    backward: 'dx = dout @ Wᵀ, dW = xᵀ @ dout, db = dout をバッチの軸で合計したもの',
  },
  softmax: {
    doc: '最後の軸に沿って exp(x − max) / sum(exp(x − max)) (ソフトマックス関数)。逆伝播: その軸に沿って y·(dout − sum(dout·y))。',
    forward: '最後の軸に沿って exp(x − max) / Σ exp(x − max)',
    backward: '最後の軸に沿って dx = y · (dout − Σ dout · y)',
  },
  cross_entropy: {
    doc: '−sum(t·log(y + 1e-7)) / batch (交差エントロピー誤差)。t は one-hot 表現 (y と同じ形状) またはクラスのインデックス (1 行に 1 つ)。逆伝播: dy = −t / (y + 1e-7) / batch。one-hot 表現の t には dt = −log(y + 1e-7) / batch。',
    forward: '−Σ t · log(y + 1e-7) / batch。t は one-hot 表現 (y と同じ形状) またはクラスのインデックス (1-D、長さ batch)',
    backward: 'dy = −t / (y + 1e-7) / batch。t への勾配はない',
  },
  softmax_with_loss: {
    doc: 'cross_entropy(softmax(x), t) を 1 つのノードで (Softmax-with-Lossレイヤ)。逆伝播: dx = (softmax(x) − onehot(t)) / batch。t への勾配はない。',
    forward: 'cross_entropy(softmax(x), t) を 1 つのノードで',
    backward: 'dx = (softmax(x) − onehot(t)) / batch。t への勾配はない',
  },
  mse: {
    doc: 'すべての要素での mean((y − t)²) (ブロードキャストあり)。逆伝播: dy = (y − t)·(2/n)·dout, dt = (t − y)·(2/n)·dout (PyTorch と同じ)。',
    forward: 'mean((y − t)²)',
    backward: 'dy = 2 (y − t) / n · dout, dt = −dy',
  },
  conv2d: {
    doc: 'x [N, C, H, W] とフィルター W [FN, C, FH, FW] の 2 次元の畳み込み演算に b [FN] を加える (教科書の Convolutionレイヤ): im2col(x) · Wᵀ + b を [N, FN, OH, OW] に整形する。逆伝播: db = dout を N, OH, OW で合計; dW = doutᵀ · col; dx = col2im(dout · W)。',
    forward: '教科書の Convolutionレイヤ: `col = im2col(x)` (出力の位置ごとに 1 行、窓はチャンネル、行、列の順。パディングは 0 を読む)、`col · W.reshape(FN, −1)ᵀ + b` を `[N, FN, OH, OW]` に整形する',
    backward: 'db = dout を N, OH, OW で合計; dW = doutᵀ · col; dx = col2im(dout · W) (dcol の行を、読んだ位置へ足し戻す)',
  },
  max_pool: {
    doc: 'x [N, C, H, W] の h×w の窓ごとの最大の要素 (教科書の Poolingレイヤ)。stride が None なら窓の大きさずつ進む。パディングが最大になることはない。逆伝播: dout を最大だった要素へ (同点では最初の要素)、それ以外は 0。',
    forward: '教科書の Poolingレイヤ: h×w の窓ごとの最大の要素。`stride=None` なら窓の大きさずつ進む (PyTorch の既定。教科書の SimpleConvNet は 2×2、stride 2)',
    backward: 'dout を最大だった要素へ (同点では最初の要素。NaN が勝つ)、それ以外は 0',
  },
  avg_pool: {
    doc: "x [N, C, H, W] の h×w の窓ごとの平均。count_include_pad=false でなければ、パディングは 0 として平均に数える (PyTorch の AvgPool2d と同じ)。逆伝播: dout / 要素の数 を各窓へ広げる。",
    forward: '窓ごとの平均。`count_include_pad=false` でなければ、パディングは 0 として平均に数える (PyTorch の `AvgPool2d` の既定)',
    backward: 'dout / 要素の数 を窓全体へ広げる',
  },
  global_avg_pool: {
    doc: 'チャンネルごとに、すべての空間の位置での平均: x [N, C, H, W] → [N, C, 1, 1] (ONNX の GlobalAveragePool や AdaptiveAvgPool2d(1) と同じ)。逆伝播: dout / (H·W) をすべての位置へ。',
    forward: 'チャンネルごとの面の平均: `[N, C, H, W]` → `[N, C, 1, 1]`',
    backward: 'dout / (H·W) をすべての位置へ',
  },
  flatten: {
    doc: '軸 0 を残し、ほかのすべての軸を 1 つにまとめる: [N, C, H, W] → [N, C·H·W] (torch.flatten(x, 1) と同じ。1-D の x は [N, 1] になる)。逆伝播: dout を元の形状に戻す。',
    forward: '軸 0 を残し、ほかの軸をまとめる: `[N, C, H, W]` → `[N, C·H·W]` (`torch.flatten(x, 1)`)',
    backward: 'dout を元の形状に戻す',
  },
  batchnorm: {
    doc: 'チャンネル (軸 1) ごとに γ·(x − mean)/√(var + eps) + β、統計量を固定した教科書の Batch Normalization (推論)。逆伝播: dx = dout·γ/√(var + eps), dγ = Σ dout·x̂, dβ = Σ dout, dmean = −Σ dout·γ/√(var + eps), dvar = −½ Σ dout·γ·(x − mean)·(var + eps)^(−3/2)。',
    forward: '推論の形の Batch Normalization、チャンネル (軸 1) ごとに、与えた移動平均の統計量で `gamma · (x − mean) / √(var + eps) + beta`',
    backward: 'dx = dout·γ/√(var + eps); dγ = Σ dout·x̂; dβ = Σ dout; dmean = −Σ dout·γ/√(var + eps); dvar = −½ Σ dout·γ·(x − mean)·(var + eps)^(−3/2)',
  },
  concat: {
    doc: 'a と b を軸 axis に沿ってつなぐ (np.concatenate([a, b], axis))。ほかの軸は一致していなければならない。逆伝播: dout をその軸に沿って分けて戻す。',
    forward: 'a と b を 1 つの軸に沿ってつなぐ、`np.concatenate([a, b], axis)`。ほかの軸は一致していなければならない',
    backward: 'dout をその軸に沿って分けて戻す',
  },
  log_softmax: {
    doc: '最後の軸に沿った log(softmax(x))。x − max − log Σ exp(x − max) として計算する (torch.log_softmax と同じ)。逆伝播: その軸に沿って dout − softmax(x)·Σ dout。',
    forward: '最後の軸に沿って `x − max − log Σ exp(x − max)` (商を作らないので −∞ へアンダーフローしない)',
    backward: 'dx = dout − softmax(x) · Σ dout',
  },
  dropout: {
    doc: '学習のステップ k では x · mask / (1 − ratio)、mask = rand(x.shape) ≥ ratio は seed + k で引く (教科書の Dropout。期待値が x になるよう倍率を掛ける)。学習以外では恒等写像。逆伝播: dout · mask / (1 − ratio)、学習以外では dout。',
    forward: '学習のステップ k では `x · mask / (1 − ratio)`。`mask = rand(x.shape) ≥ ratio` は `np.random.seed(seed + k); np.random.rand(*x.shape)` として引き、ステップごとに新しいマスク (inverted dropout、PyTorch と同じ: 期待値は x のまま)。学習以外 (実行、ステップ、勾配確認) では恒等写像',
    backward: '同じステップのマスクで dout · mask / (1 − ratio)。学習以外では dout',
  },
  leaky_relu: {
    doc: 'x > 0 では x、それ以外では alpha·x を要素ごとに (torch.nn.LeakyReLU で negative_slope = alpha としたものと同じ)。逆伝播: x > 0 では dout、それ以外では alpha·dout。',
    forward: 'x > 0 では x、それ以外では alpha · x',
    backward: 'x > 0 では dout、それ以外では alpha · dout',
  },
} satisfies Record<ReferencedOp, JapaneseOpReference>;

/** By the op's canonical name (OpDef.name). */
export const OP_REFERENCE_JA: Readonly<Record<string, JapaneseOpReference>> = OPS_JA;

const CONSTRUCTOR_ROWS_JA = {
  '`zeros(d...)`': 'すべて 0',
  '`ones(d...)`': 'すべて 1',
  '`full(d..., value=v)`': 'すべて v',
  '`eye(n)`': 'n × n の単位行列',
  '`arange(n)`': '0, 1, …, n − 1',
  '`randn(d..., seed=s)`': '標準正規分布。`numpy.random.seed(s); numpy.random.randn(d...)` と同じ数',
  '`rand(d..., seed=s)`': '[0, 1) の一様分布。`numpy.random.seed(s); numpy.random.rand(d...)` と同じ数',
  '`onehot(labels, classes)`': '整数のラベルの one-hot 表現の行',
  '`load("path")`': '`.npy`、`.csv`、`.json`(入れ子の配列)、MNIST の IDX ファイル(`…idx3-ubyte`、`…idx1-ubyte`)、またはそれらを gzip で圧縮したもの(`.gz`)。パスは `.nn` ファイルからの相対パスで、ルートのフォルダーの中になければならない',
  '`load("path.npz", "name")`': '`.npz` アーカイブ (`np.savez`、無圧縮または圧縮) の配列 `name`。名前がなければ、アーカイブのただ 1 つの配列',
} satisfies Record<ConstructorRow, string>;

/** The value cell of each row of the constructors' table, by its call cell. */
export const CONSTRUCTOR_REFERENCE_JA: Readonly<Record<string, string>> = CONSTRUCTOR_ROWS_JA;

/** The one-line doc of each leaf constructor (ConstructorDef.doc), by its name. */
export const CONSTRUCTOR_DOC_JA: Readonly<Record<string, string>> = {
  zeros: '与えた次元の、要素がすべて 0 のテンソル (次元なし: スカラー)。',
  ones: '与えた次元の、要素がすべて 1 のテンソル。',
  full: '与えた次元の、要素がすべて v のテンソル。',
  eye: 'n×n の単位行列 (n×m では対角に 1。np.eye と同じ)。',
  arange: '数 0, 1, ..., n−1 (arange(start, stop, step) も。np.arange と同じ)。',
  randn: '標準正規分布の標本。np.random.seed(s); np.random.randn(d1, d2, ...) と等しい。seed がなければ変数名から決まる seed。',
  rand: '[0, 1) の一様分布の標本。np.random.seed(s); np.random.rand(d1, d2, ...) と等しい。seed がなければ変数名から決まる seed。',
  onehot: 'one-hot 表現の行: 形状 S のラベルから形状 S + [classes]、各ラベルの位置に 1。',
  load: '.npy (float64/float32/int/bool、C の順)、.npz (load("d.npz", "x") は配列 x を読む)、.csv (np.loadtxt(path, delimiter=",") のように読む)、.json (入れ子の配列)、MNIST の IDX(…idx3-ubyte)のファイル、またはそれらを gzip で圧縮したもの(.gz)からのテンソル。パスは .nn ファイルからの相対パス。',
};

/** The labels of the reference's lines. */
export const REFERENCE_LABELS_JA = { textbook: '教科書', forward: '順伝播', backward: '逆伝播', example: '例', value: '値' } as const;
