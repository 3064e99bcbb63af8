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

export function ticks(lo, hi, count) { // about `count` round values from lo to hi (linear)
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((v) => v >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export function logTicks(lo, hi) { // powers of ten from lo to hi, or 1, 2, 5 (then 1…9) × them
  const within = (ks) => {
    const out = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const k of ks) { const v = Number((k * 10 ** e).toPrecision(6)); if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v); }
    }
    return out;
  };
  for (const ks of [[1], [1, 2, 5]]) { const out = within(ks); if (out.length >= 2) return out; }
  return within([1, 2, 3, 4, 5, 6, 7, 8, 9]); // at least two when hi ≥ 3 lo
}

const label = (v) => (v !== 0 && (Math.abs(v) < 0.01 || Math.abs(v) >= 1e4) ? v.toExponential(0) : String(Number(v.toPrecision(3))));

export function drawCurve(cv, curve, log) { // curve: {epoch, train, test}; log: a log-scale y axis
  // returns the ticks drawn ({x, y, log}; null before the first cost)
  const ctx = cv.getContext("2d");
  const W = cv.width, H = cv.height;
  const left = 38, right = 8, top = 16, bottom = 26; // the plot's margins (tick labels, legend)
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = "#fafafa"; ctx.fillRect(0, 0, W, H);
  ctx.font = "10px sans-serif";
  ctx.fillStyle = "#333"; ctx.fillText("— training", left, 11);
  ctx.fillStyle = "#0877bd"; ctx.fillText("— test", left + 64, 11);
  ctx.fillStyle = "#666"; ctx.textAlign = "right"; ctx.fillText(log ? "cost (log scale)" : "cost", W - right, 11);
  ctx.textAlign = "left";
  const n = curve.epoch.length;
  if (!n) return null;
  const xmax = Math.max(1, curve.epoch[n - 1]);
  const values = curve.train.concat(curve.test).filter((v) => v !== null && Number.isFinite(v) && (!log || v > 0));
  if (!values.length) return null;
  let ylo, yhi;
  if (log) {
    ylo = Math.min(...values); yhi = Math.max(...values);
    if (yhi / ylo < 3) { const grow = Math.sqrt(3 * ylo / yhi); ylo /= grow; yhi *= grow; } // a span of ×3 at least
  } else { ylo = 0; yhi = Math.max(1e-9, ...values) * 1.05; }
  const fy = log ? (v) => (Math.log(v) - Math.log(ylo)) / (Math.log(yhi) - Math.log(ylo)) : (v) => v / yhi;
  const X = (e) => left + (W - left - right) * e / xmax, Y = (v) => H - bottom - (H - top - bottom) * fy(v);
  // grid lines and tick labels
  ctx.strokeStyle = "#e4e4e4"; ctx.lineWidth = 1; ctx.fillStyle = "#555";
  ctx.textAlign = "right"; ctx.textBaseline = "middle";
  const yTicks = log ? logTicks(ylo, yhi) : ticks(ylo, yhi, 3);
  const xTicks = ticks(0, xmax, 4).filter(Number.isInteger);
  for (const v of yTicks) {
    const y = Math.round(Y(v)) + 0.5;
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(W - right, y); ctx.stroke();
    ctx.fillText(label(v), left - 4, y);
  }
  ctx.textAlign = "center"; ctx.textBaseline = "top";
  for (const e of xTicks) {
    const x = Math.round(X(e)) + 0.5;
    ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, H - bottom); ctx.stroke();
    ctx.fillText(String(e), Math.min(x, W - right - 10), H - bottom + 3);
  }
  ctx.textAlign = "right"; ctx.fillText("epoch", W - right, H - 11);
  ctx.textAlign = "left"; ctx.textBaseline = "alphabetic";
  ctx.strokeStyle = "#999"; ctx.strokeRect(left + 0.5, top + 0.5, W - left - right - 1, H - top - bottom - 1);
  const line = (ys, color) => {
    ctx.beginPath(); ctx.strokeStyle = color; ctx.lineWidth = 1.5;
    let started = false;
    const every = Math.max(1, Math.floor(n / (W - left - right))); // about one point per pixel
    for (let i = 0; i < n; i++) {
      const v = ys[i];
      if (v === null || !Number.isFinite(v) || (log && v <= 0) || (i % every && i !== n - 1)) continue;
      const x = X(curve.epoch[i]), y = Math.max(top, Y(v));
      if (started) ctx.lineTo(x, y); else { ctx.moveTo(x, y); started = true; }
    }
    ctx.stroke();
  };
  line(curve.train, "#333"); line(curve.test, "#0877bd");
  return { x: xTicks, y: yTicks, log: Boolean(log) }; // the ticks drawn, for tests
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
