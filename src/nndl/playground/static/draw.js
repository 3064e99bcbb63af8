// The nndl playground's drawing: colours, heat maps, the cost curve, icons and formulas.
// Pure functions of what they are given; playground.js calls them with the server's frames.

export const NEG = [245, 147, 34], POS = [8, 119, 189], MID = [232, 234, 235];
export const PALETTE = [NEG, POS, [51, 160, 44], [106, 61, 154], [227, 26, 28], [177, 89, 40],
  [247, 129, 191], [119, 119, 119]];

export const LUT = new Uint8ClampedArray(256 * 3); // index v + 128 for v in -128..127 (units)
for (let v = -128; v < 128; v++) {
  const t = Math.max(-1, Math.min(1, v / 127));
  const c = t < 0 ? NEG : POS, a = Math.abs(t);
  for (let k = 0; k < 3; k++) LUT[(v + 128) * 3 + k] = MID[k] + (c[k] - MID[k]) * a;
}

export function paint(canvas, size, color) { // color(index) → [r, g, b] for each grid cell
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(size, size);
  const d = img.data;
  for (let p = 0, q = 0; p < size * size; p++, q += 4) {
    const c = color(p); d[q] = c[0]; d[q + 1] = c[1]; d[q + 2] = c[2]; d[q + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

export function paintSigned(canvas, size, values, unsigned) { // Int8Array of 127·a/s (or bytes of ŷ)
  if (canvas.width !== size) canvas.width = canvas.height = size;
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(size, size);
  const d = img.data;
  for (let p = 0, q = 0; p < size * size; p++, q += 4) {
    // ŷ in 0…255 → −127…127; then the colour table
    const o = (unsigned ? ((values[p] * 254 / 255 + 0.5) | 0) + 1 : values[p] + 128) * 3;
    d[q] = LUT[o]; d[q + 1] = LUT[o + 1]; d[q + 2] = LUT[o + 2]; d[q + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

export function boundaryColor(payload, k, size) { // softmax: the classes' colours, weighted by ŷ
  const n = size * size;
  return (p) => {
    const c = [0, 0, 0];
    for (let j = 0; j < k; j++) { const w = payload[j * n + p] / 255; const col = PALETTE[j % 8]; c[0] += w * col[0]; c[1] += w * col[1]; c[2] += w * col[2]; }
    return c.map((v, i) => 0.55 * v + 0.45 * MID[i]);
  };
}

export function drawCurve(cv, curve) { // curve: {epoch, train, test}, one entry per epoch
  const ctx = cv.getContext("2d");
  const W = cv.width, H = cv.height;
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = "#fafafa"; ctx.fillRect(0, 0, W, H);
  const n = curve.epoch.length;
  if (!n) return;
  const xmax = Math.max(1, curve.epoch[n - 1]);
  const values = curve.train.concat(curve.test).filter((v) => v !== null && Number.isFinite(v));
  const ymax = Math.max(1e-9, ...values) * 1.05;
  const line = (ys, color, dash) => {
    ctx.beginPath(); ctx.strokeStyle = color; ctx.lineWidth = 1.5; ctx.setLineDash(dash);
    let started = false;
    const every = Math.max(1, Math.floor(n / (W - 36))); // about one point per pixel
    for (let i = 0; i < n; i++) {
      if (ys[i] === null || (i % every && i !== n - 1)) continue;
      const x = 30 + (W - 36) * curve.epoch[i] / xmax, y = H - 14 - (H - 22) * ys[i] / ymax;
      if (started) ctx.lineTo(x, y); else { ctx.moveTo(x, y); started = true; }
    }
    ctx.stroke(); ctx.setLineDash([]);
  };
  line(curve.train, "#333", []); line(curve.test, "#0877bd", []);
  ctx.fillStyle = "#666"; ctx.font = "10px sans-serif";
  ctx.fillText(ymax.toPrecision(2), 2, 12); ctx.fillText("0", 20, H - 12);
  ctx.fillText(`epoch ${curve.epoch[n - 1]}`, W - 70, H - 2);
  ctx.fillStyle = "#333"; ctx.fillText("— training", 36, 12);
  ctx.fillStyle = "#0877bd"; ctx.fillText("— test", 100, 12);
}

export function drawThumb(canvas, name) { // an icon of the data set's shape (not its points)
  const ctx = canvas.getContext("2d"), s = canvas.width;
  ctx.fillStyle = "#f3f3f3"; ctx.fillRect(0, 0, s, s);
  let seed = 7; const rnd = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
  for (let i = 0; i < 70; i++) {
    let x, y, label; const t = rnd() * Math.PI * 2, r = rnd();
    if (name === "flower") { const th = rnd() * Math.PI * 2; const rr = Math.abs(Math.sin(2 * th)); x = rr * Math.cos(th); y = rr * Math.sin(th); label = Math.sin(4 * th) > 0 ? 1 : 0; }
    else if (name === "moons") { label = i % 2; const a = rnd() * Math.PI; x = label ? 1 - Math.cos(a) - 0.5 : Math.cos(a) - 0.5 + 0.0; y = label ? 0.5 - Math.sin(a) : Math.sin(a) - 0.5; x *= 0.7; y *= 0.9; }
    else if (name === "circles") { label = i % 2; x = (label ? 0.4 : 0.9) * Math.cos(t); y = (label ? 0.4 : 0.9) * Math.sin(t); }
    else if (name === "gaussian_quantiles") { x = (rnd() - 0.5) * 1.8; y = (rnd() - 0.5) * 1.8; label = x * x + y * y < 0.3 ? 1 : 0; }
    else if (name === "spiral") { label = i % 3; const rr = r; const a = label * 2.1 + rr * 4; x = rr * Math.sin(a) * 0.9; y = rr * Math.cos(a) * 0.9; }
    else { x = rnd() * 2 - 1; y = rnd() * 2 - 1; label = (x > 0) !== (y > 0) ? 1 : 0; }
    ctx.fillStyle = `rgb(${PALETTE[label]})`;
    ctx.beginPath(); ctx.arc(s / 2 + x * s * 0.45, s / 2 - y * s * 0.45, 1.6, 0, 2 * Math.PI); ctx.fill();
  }
}

export function formulas(meta, setup) { // HTML: forward, cost, backward, update, with shapes
  const dims = meta.layer_dims, L = dims.length - 1, acts = meta.activations;
  const m = setup.batch === null ? meta.m_train : Math.min(setup.batch, meta.m_train);
  const mtext = setup.batch === null ? `m = ${m}, the whole training set` : `m = ${m}, one mini-batch`;
  const sup = (l) => `<sup>[${l}]</sup>`;
  const shape = (...s) => `<span class="shape">${s.join(" ")}</span>`;
  const g = (name) => ({ sigmoid: "σ", tanh: "tanh", relu: "ReLU", leaky_relu: "leakyReLU", linear: "", softmax: "softmax" })[name];
  const rows = [`<div class="sec">Forward (${mtext}; A${sup(0)} = X is (${dims[0]}, m))</div>`];
  for (let l = 1; l <= L; l++) {
    rows.push(`Z${sup(l)} = W${sup(l)} A${sup(l - 1)} + b${sup(l)}` + shape(`(${dims[l]}, ${dims[l - 1]})·(${dims[l - 1]}, ${m}) + (${dims[l]}, 1) → (${dims[l]}, ${m})`)
      + `<br>A${sup(l)} = ${g(acts[l - 1])}(Z${sup(l)})` + (acts[l - 1] === "linear" ? " (linear: A = Z)" : "")
      + (l < L && setup.dropout > 0 ? `, then A${sup(l)} · D${sup(l)} / ${(1 - setup.dropout).toFixed(1)} (dropout ${setup.dropout})` : ""));
  }
  const reg = setup.l2 > 0 ? ` + (λ/2m) Σ<sub>l</sub> ‖W${sup("l")}‖²  (λ = ${setup.l2})` : "";
  rows.push(`<div class="sec">Cost</div>` + (acts[L - 1] === "softmax"
    ? `J = −(1/m) Σ<sub>i</sub> Σ<sub>k</sub> y<sub>k</sub> log a<sub>k</sub>${sup(L)}${reg}`
    : `J = −(1/m) Σ<sub>i</sub> [ y log a${sup(L)} + (1 − y) log(1 − a${sup(L)}) ]${reg}`));
  rows.push(`<div class="sec">Backward</div>dZ${sup(L)} = A${sup(L)} − Y` + shape(`(${dims[L]}, ${m})`));
  for (let l = L; l >= 1; l--) {
    rows.push(`dW${sup(l)} = (1/m) dZ${sup(l)} A${sup(l - 1)}ᵀ${setup.l2 > 0 ? ` + (λ/m) W${sup(l)}` : ""}` + shape(`(${dims[l]}, ${m})·(${m}, ${dims[l - 1]}) → (${dims[l]}, ${dims[l - 1]})`)
      + `<br>db${sup(l)} = (1/m) Σ<sub>i</sub> dZ${sup(l)}` + shape(`→ (${dims[l]}, 1)`));
    if (l > 1) rows.push(`dA${sup(l - 1)} = W${sup(l)}ᵀ dZ${sup(l)}` + shape(`(${dims[l - 1]}, ${dims[l]})·(${dims[l]}, ${m}) → (${dims[l - 1]}, ${m})`)
      + `<br>dZ${sup(l - 1)} = dA${sup(l - 1)} * ${g(acts[l - 2]) || "1"}′(Z${sup(l - 1)})` + shape(`(${dims[l - 1]}, ${m})`));
  }
  const a = `α = ${setup.lr}`;
  const update = {
    gd: `W${sup("l")} := W${sup("l")} − α dW${sup("l")}, b${sup("l")} := b${sup("l")} − α db${sup("l")}  (${a})`,
    momentum: `v := β v + (1 − β) dW; W := W − α v  (β = 0.9, ${a})`,
    rmsprop: `s := β s + (1 − β) dW²; W := W − α dW / (√s + ε)  (β = 0.9, ${a})`,
    adam: `v := β₁ v + (1 − β₁) dW; s := β₂ s + (1 − β₂) dW²; W := W − α v̂ / (√ŝ + ε)  (β₁ = 0.9, β₂ = 0.999, ${a})`,
  }[setup.optimizer];
  rows.push(`<div class="sec">Update (${setup.optimizer})</div>${update}`);
  return rows.map((r) => r.startsWith("<div") ? r : `<div>${r}</div>`).join("");
}
