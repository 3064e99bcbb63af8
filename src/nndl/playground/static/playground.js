// The nndl playground's page: controls → setup (kept in the URL) → the server, which trains
// the real nndl.Network and streams frames back; this file only draws what it receives.
"use strict";
(() => {
  const FEATURES = [["x1", "x₁"], ["x2", "x₂"], ["x1sq", "x₁²"], ["x2sq", "x₂²"],
    ["x1x2", "x₁x₂"], ["sinx1", "sin x₁"], ["sinx2", "sin x₂"]];
  const DATASETS = [["flower", "flower", 0.2], ["moons", "moons", 0.2], ["circles", "circles", 0.3],
    ["gaussian_quantiles", "gaussian", null], ["spiral", "spiral", 0.2], ["xor", "xor", 0.1]];
  const ACTS = { sigmoid: "σ", tanh: "tanh", relu: "ReLU", leaky_relu: "leaky ReLU", linear: "linear" };
  const LRS = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 1.2, 3, 10];
  const BATCHES = [null, 1, 5, 10, 16, 32, 64, 128];
  const L2S = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
  const DROPOUTS = [0, 0.1, 0.2, 0.3, 0.4, 0.5];
  const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500];
  const DEFAULTS = { data: "flower", noise: 0.2, points: 400, test: 0.3, data_seed: 1,
    features: ["x1", "x2"], hidden: [4], activations: ["tanh"], init: "random",
    optimizer: "gd", lr: 1.2, batch: null, l2: 0, dropout: 0, seed: 3 };
  const MAX_LAYERS = 6, MAX_UNITS = 8, MAX_CSV = 256 * 1024;
  const NEG = [245, 147, 34], POS = [8, 119, 189], MID = [232, 234, 235];
  const PALETTE = [NEG, POS, [51, 160, 44], [106, 61, 154], [227, 26, 28], [177, 89, 40],
    [247, 129, 191], [119, 119, 119]];

  const $ = (id) => document.getElementById(id);
  let setup = structuredClone(DEFAULTS);
  let speed = 10;
  let csv = null; // {name, text} of a dropped file, sent once
  let meta = null; // the server's description of the current run
  let ws = null;
  let playing = false;
  let finished = false;
  let last = null; // the last frame: {header, payload}
  const curve = { epoch: [], train: [], test: [] };
  const stats = { frames: 0, drawMs: 0 }; // frames drawn, and the time drawing them took
  let links = []; // links[l-1][j][i]: the SVG path of W[l][j][i]

  // ------------------------------------------------------------------ URL

  function readURL() {
    const q = new URLSearchParams(location.hash.slice(1));
    const s = structuredClone(DEFAULTS);
    const list = (v) => v === "" ? [] : v.split(",");
    const num = (k) => { const v = Number(q.get(k)); return Number.isFinite(v) ? v : s[k]; };
    if (q.has("data")) s.data = q.get("data");
    if (q.has("noise")) s.noise = num("noise");
    for (const k of ["points", "test", "data_seed", "lr", "l2", "dropout", "seed"]) if (q.has(k)) s[k] = num(k);
    if (q.has("features")) s.features = list(q.get("features"));
    if (q.has("hidden")) s.hidden = list(q.get("hidden")).map(Number);
    if (q.has("activations")) s.activations = list(q.get("activations"));
    for (const k of ["init", "optimizer"]) if (q.has(k)) s[k] = q.get(k);
    if (q.has("batch")) s.batch = q.get("batch") === "full" ? null : Number(q.get("batch"));
    if (q.has("speed")) speed = Number(q.get("speed")) || 10;
    const known = DATASETS.find((d) => d[0] === s.data);
    if (!known) {
      if (s.data === "csv") note("A dropped CSV file is not part of the address: drop it again. Showing the flower meanwhile.");
      s.data = "flower"; s.noise = 0.2;
    } else if (known[2] === null) s.noise = null;
    else if (!q.has("noise")) s.noise = known[2];
    while (s.activations.length < s.hidden.length) s.activations.push("tanh");
    s.activations.length = s.hidden.length;
    setup = s;
  }

  function writeURL() {
    const q = new URLSearchParams();
    for (const k of Object.keys(DEFAULTS)) {
      const v = setup[k];
      if (k === "noise" && v === null) continue;
      if (k === "data" && v === "csv") { q.set(k, "csv"); continue; }
      q.set(k, Array.isArray(v) ? v.join(",") : (v === null ? "full" : String(v)));
    }
    q.set("speed", String(speed));
    history.replaceState(null, "", "#" + q.toString().replace(/%2C/g, ","));
  }

  // ------------------------------------------------------------- messages

  function connect() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    ws = new WebSocket(`${proto}//${location.host}${location.pathname.replace(/[^/]*$/, "")}ws`);
    ws.binaryType = "arraybuffer";
    ws.onopen = () => { send({ type: "speed", epochs_per_frame: speed }); sendSetup(); };
    ws.onclose = () => note("Disconnected from the nndl server: restart `nndl playground` and reload the page.", true);
    ws.onmessage = (event) => {
      if (typeof event.data === "string") onText(JSON.parse(event.data));
      else onBinary(event.data);
    };
  }

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  function sendSetup(withCsv) {
    writeURL();
    const message = { type: "setup", setup: { ...setup } };
    if (withCsv && csv) message.csv = csv;
    setPlaying(false);
    send(message);
  }

  function onText(m) {
    if (m.type === "setup") onSetup(m);
    else if (m.type === "error") note(m.message, true);
    else if (m.type === "code") showCode(m);
  }

  function onBinary(buffer) {
    const n = new DataView(buffer).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, n)));
    const payload = new Uint8Array(buffer, 4 + n);
    if (header.type === "frame") {
      if (meta && header.run === meta.run) {
        const t0 = performance.now();
        drawFrame(header, payload);
        stats.frames += 1; stats.drawMs += performance.now() - t0;
      }
      send({ type: "ack", run: header.run });
    } else if (header.type === "model") {
      const url = URL.createObjectURL(new Blob([payload], { type: "application/octet-stream" }));
      const a = document.createElement("a");
      a.href = url; a.download = header.filename; document.body.appendChild(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } else if (header.type === "stopped" && meta && header.run === meta.run) {
      finished = true; setPlaying(false);
      if (header.message) note(header.message, true);
    }
  }

  let noteTimer = null;
  function note(text, error) {
    const b = $("banner");
    b.textContent = text; b.hidden = false; b.className = error ? "error" : "";
    clearTimeout(noteTimer);
    noteTimer = setTimeout(() => { b.hidden = true; }, 9000);
  }

  // ------------------------------------------------------------- controls

  function fill(select, values, label) {
    select.innerHTML = "";
    for (const v of values) {
      const o = document.createElement("option");
      o.value = v === null ? "full" : String(v); o.textContent = label ? label(v) : String(v);
      select.appendChild(o);
    }
  }

  function initControls() {
    fill($("lr"), LRS); fill($("batch"), BATCHES, (v) => v === null ? "all (batch GD)" : v);
    fill($("l2"), L2S); fill($("dropout"), DROPOUTS); fill($("speed"), SPEEDS);
    const box = $("datasets");
    for (const [name, label] of DATASETS) {
      const b = document.createElement("button");
      b.dataset.name = name; b.id = `data-${name}`;
      b.innerHTML = `<canvas width="48" height="48"></canvas><span>${label}</span>`;
      b.onclick = () => {
        setup.data = name; setup.noise = DATASETS.find((d) => d[0] === name)[2];
        if (name === "flower" && setup.points % 2) setup.points += 1;
        sendSetup();
      };
      box.appendChild(b);
      drawThumb(b.querySelector("canvas"), name);
    }
    const onChange = (id, apply) => $(id).addEventListener("change", (e) => { apply(e.target.value); sendSetup(); });
    onChange("lr", (v) => { setup.lr = Number(v); });
    onChange("optimizer", (v) => { setup.optimizer = v; });
    onChange("batch", (v) => { setup.batch = v === "full" ? null : Number(v); });
    onChange("l2", (v) => { setup.l2 = Number(v); });
    onChange("dropout", (v) => { setup.dropout = Number(v); });
    onChange("init", (v) => { setup.init = v; });
    onChange("seed", (v) => { setup.seed = Math.max(0, Math.min(2147483647, Math.floor(Number(v) || 0))); });
    onChange("test", (v) => { setup.test = Number(v); });
    onChange("noise", (v) => { setup.noise = Number(v); });
    onChange("points", (v) => { setup.points = Number(v); });
    for (const id of ["test", "noise", "points"]) $(id).addEventListener("input", (e) => { $(`${id}-out`).textContent = e.target.value; });
    $("speed").addEventListener("change", (e) => { speed = Number(e.target.value); writeURL(); send({ type: "speed", epochs_per_frame: speed }); });
    $("regenerate").onclick = () => { setup.data_seed = Math.floor(Math.random() * 1e6); sendSetup(); };
    $("play").onclick = () => { if (finished) return; setPlaying(!playing); send({ type: playing ? "play" : "pause" }); };
    $("step").onclick = () => { if (finished) return; setPlaying(false); send({ type: "step" }); };
    $("reset").onclick = () => { setPlaying(false); send({ type: "reset" }); };
    $("add-layer").onclick = () => {
      if (setup.hidden.length >= MAX_LAYERS) return;
      setup.hidden.push(2); setup.activations.push(setup.activations.at(-1) || "tanh"); sendSetup();
    };
    $("remove-layer").onclick = () => {
      if (!setup.hidden.length) return;
      setup.hidden.pop(); setup.activations.pop(); sendSetup();
    };
    $("show-test").onchange = () => drawBoundary();
    $("show-python").onclick = () => { wanted = "python"; send({ type: "code" }); };
    $("show-command").onclick = () => { wanted = "command"; send({ type: "code" }); };
    $("download").onclick = () => send({ type: "download" });
    $("copy").onclick = () => {
      const text = $("take-out").textContent;
      if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => {});
    };
    const drop = $("drop");
    drop.onclick = () => $("csv-file").click();
    $("csv-file").onchange = (e) => { if (e.target.files[0]) readCsv(e.target.files[0]); };
    drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (e) => {
      e.preventDefault(); drop.classList.remove("over");
      if (e.dataTransfer.files[0]) readCsv(e.dataTransfer.files[0]);
    });
    window.addEventListener("resize", () => { if (meta) { placeLinks(); if (last) drawWeights(last.header); } });
  }

  function readCsv(file) {
    if (file.size > MAX_CSV) { note(`${file.name} has ${file.size} bytes; the playground takes CSV files up to ${MAX_CSV} bytes.`, true); return; }
    const reader = new FileReader();
    reader.onload = () => {
      const name = file.name.replace(/[^A-Za-z0-9._ -]/g, "_").replace(/^[^A-Za-z0-9]+/, "").slice(-80) || "data.csv";
      csv = { name: /\.csv$/i.test(name) ? name : name + ".csv", text: String(reader.result) };
      setup.data = "csv"; setup.noise = null;
      sendSetup(true);
    };
    reader.readAsText(file);
  }

  function syncControls() {
    const set = (id, v) => { $(id).value = v; };
    set("lr", String(setup.lr)); set("optimizer", setup.optimizer);
    set("batch", setup.batch === null ? "full" : String(setup.batch));
    set("l2", String(setup.l2)); set("dropout", String(setup.dropout)); set("init", setup.init);
    set("seed", String(setup.seed)); set("speed", String(speed));
    for (const [sel, values] of [["lr", LRS], ["batch", BATCHES], ["l2", L2S], ["dropout", DROPOUTS]]) {
      const key = sel === "batch" ? setup.batch : setup[sel];
      if (!values.includes(key)) { // a value from the URL that the menu lacks: add it
        const o = document.createElement("option"); o.value = key === null ? "full" : String(key); o.textContent = String(key);
        $(sel).appendChild(o); $(sel).value = o.value;
      }
    }
    set("test", setup.test); $("test-out").textContent = setup.test;
    set("points", setup.points); $("points-out").textContent = setup.points;
    const noisy = setup.noise !== null;
    $("noise").disabled = !noisy; set("noise", noisy ? setup.noise : 0);
    $("noise-out").textContent = noisy ? setup.noise : "none for this set";
    $("points").disabled = setup.data === "csv"; $("regenerate").disabled = setup.data === "csv";
    $("data-seed-out").textContent = setup.data === "csv" ? "–" : setup.data_seed;
    for (const b of document.querySelectorAll("#datasets button")) b.classList.toggle("active", b.dataset.name === setup.data);
    $("drop").classList.toggle("active", setup.data === "csv");
    if (setup.data === "csv" && csv) $("drop").querySelector("span").innerHTML = `${csv.name}<br><small>drop another CSV</small>`;
    $("n-layers").textContent = setup.hidden.length; $("n-layers-s").textContent = setup.hidden.length === 1 ? "" : "s";
  }

  function setPlaying(on) {
    playing = on;
    $("play").classList.toggle("playing", on);
    $("play").innerHTML = on ? "&#x275a;&#x275a;" : "&#x25b6;";
  }

  // ---------------------------------------------------------------- setup

  function onSetup(m) {
    meta = m; setup = m.setup; finished = false; last = null;
    curve.epoch = []; curve.train = []; curve.test = [];
    writeURL(); syncControls(); buildNetwork(); drawFormulas(); drawLegend();
    $("play").disabled = false; $("step").disabled = false;
  }

  function buildNetwork() {
    const cols = $("columns");
    cols.innerHTML = "";
    const dims = meta.layer_dims;
    const column = (head, foot) => {
      const c = document.createElement("div"); c.className = "column";
      const h = document.createElement("div"); h.className = "head"; h.innerHTML = head; c.appendChild(h);
      const nodes = document.createElement("div"); nodes.className = "column"; c.appendChild(nodes);
      const f = document.createElement("div"); f.className = "foot"; f.innerHTML = foot || ""; c.appendChild(f);
      cols.appendChild(c);
      return [c, nodes, f, h];
    };
    const node = (parent, cls) => {
      const n = document.createElement("div"); n.className = `node ${cls}`;
      const cv = document.createElement("canvas"); cv.width = cv.height = 100; n.appendChild(cv);
      parent.appendChild(n);
      return n;
    };
    const [, fnodes] = column(`inputs<br>${dims[0]} of 7`);
    for (const [name, label] of FEATURES) {
      const n = node(fnodes, "feature");
      n.id = `feature-${name}`; n.dataset.name = name;
      const active = setup.features.includes(name);
      n.classList.toggle("off", !active);
      const span = document.createElement("span"); span.className = "name"; span.textContent = label; n.appendChild(span);
      n.title = `${label}: click to ${active ? "remove" : "add"}`;
      n.onclick = () => {
        const on = setup.features.includes(name);
        if (on && setup.features.length === 1) return;
        setup.features = on ? setup.features.filter((f) => f !== name) : FEATURES.map((f) => f[0]).filter((f) => f === name || setup.features.includes(f));
        sendSetup();
      };
      drawFeature(n.querySelector("canvas"), name);
    }
    setup.hidden.forEach((units, i) => {
      const options = Object.entries(ACTS).map(([k, v]) => `<option value="${k}"${k === setup.activations[i] ? " selected" : ""}>${v}</option>`).join("");
      const [, nodes, foot, head] = column(
        `<button data-d="1">+</button> <button data-d="-1">&minus;</button><br>${units} neuron${units > 1 ? "s" : ""}<br><select>${options}</select>`,
        "‖dW‖ –");
      foot.id = `grad-${i + 1}`;
      for (const b of head.querySelectorAll("button")) {
        b.onclick = () => {
          const n = setup.hidden[i] + Number(b.dataset.d);
          if (n < 1 || n > MAX_UNITS) return;
          setup.hidden[i] = n; sendSetup();
        };
      }
      head.querySelector("select").onchange = (e) => { setup.activations[i] = e.target.value; sendSetup(); };
      for (let j = 0; j < units; j++) node(nodes, "unit").id = `unit-${i + 1}-${j}`;
    });
    const out = meta.activations.at(-1);
    const [, onodes, ofoot] = column(`output<br>${out === "softmax" ? "softmax" : "σ"}`, "‖dW‖ –");
    ofoot.id = `grad-${dims.length - 1}`;
    for (let j = 0; j < dims.at(-1); j++) node(onodes, "unit").id = `unit-${dims.length - 1}-${j}`;
    placeLinks();
  }

  function placeLinks() {
    const svg = $("links");
    svg.innerHTML = "";
    const box = $("network").getBoundingClientRect();
    const dims = meta.layer_dims;
    const pos = (el) => { const r = el.getBoundingClientRect(); return [r.left - box.left, r.right - box.left, r.top - box.top + r.height / 2]; };
    const inputs = setup.features.map((f) => $(`feature-${f}`));
    let prev = inputs;
    links = [];
    for (let l = 1; l < dims.length; l++) {
      const here = [];
      for (let j = 0; j < dims[l]; j++) here.push($(`unit-${l}-${j}`));
      const layer = [];
      here.forEach((to, j) => {
        const row = [];
        const [tx, , ty] = pos(to);
        prev.forEach((from, i) => {
          const [, fx, fy] = pos(from);
          const mx = (fx + tx) / 2;
          const p = document.createElementNS("http://www.w3.org/2000/svg", "path");
          p.setAttribute("d", `M${fx},${fy} C${mx},${fy} ${mx},${ty} ${tx},${ty}`);
          p.setAttribute("stroke", "#ccc"); p.setAttribute("stroke-width", "1");
          const t = document.createElementNS("http://www.w3.org/2000/svg", "title");
          p.appendChild(t);
          p.addEventListener("mouseover", () => {
            const w = last ? last.header.weights[l - 1].W[j][i] : null;
            t.textContent = `W[${l}][${j + 1}, ${i + 1}] = ${w === null ? "–" : w.toPrecision(4)}`;
          });
          svg.appendChild(p); row.push(p);
        });
        layer.push(row);
      });
      links.push(layer);
      prev = here;
    }
  }

  // -------------------------------------------------------------- drawing

  const LUT = new Uint8ClampedArray(256 * 3); // index v + 128 for v in -128..127 (units)
  for (let v = -128; v < 128; v++) {
    const t = Math.max(-1, Math.min(1, v / 127));
    const c = t < 0 ? NEG : POS, a = Math.abs(t);
    for (let k = 0; k < 3; k++) LUT[(v + 128) * 3 + k] = MID[k] + (c[k] - MID[k]) * a;
  }

  function paint(canvas, size, color) { // color(index) → [r, g, b] for each grid cell
    canvas.width = canvas.height = size;
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(size, size);
    const d = img.data;
    for (let p = 0, q = 0; p < size * size; p++, q += 4) {
      const c = color(p); d[q] = c[0]; d[q + 1] = c[1]; d[q + 2] = c[2]; d[q + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }

  function paintSigned(canvas, size, values, unsigned) { // Int8Array of 127·a/s (or bytes of ŷ)
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

  function gridPoint(p, size) {
    const [a, b, c, d] = meta.window;
    const col = p % size, row = Math.floor(p / size);
    return [a + (b - a) * (col + 0.5) / size, d - (d - c) * (row + 0.5) / size];
  }

  function drawFeature(canvas, name) {
    if (!meta) return;
    const size = 50;
    const f = { x1: (x) => x[0], x2: (x) => x[1], x1sq: (x) => x[0] * x[0], x2sq: (x) => x[1] * x[1],
      x1x2: (x) => x[0] * x[1], sinx1: (x) => Math.sin(x[0]), sinx2: (x) => Math.sin(x[1]) }[name];
    const values = new Float64Array(size * size);
    let top = 1e-12;
    for (let p = 0; p < size * size; p++) { values[p] = f(gridPoint(p, size)); top = Math.max(top, Math.abs(values[p])); }
    paintSigned(canvas, size, Int8Array.from(values, (v) => Math.round(127 * v / top)));
  }

  function boundaryColor(payload, k, size) { // softmax: the classes' colours, weighted by ŷ
    const n = size * size;
    return (p) => {
      const c = [0, 0, 0];
      for (let j = 0; j < k; j++) { const w = payload[j * n + p] / 255; const col = PALETTE[j % 8]; c[0] += w * col[0]; c[1] += w * col[1]; c[2] += w * col[2]; }
      return c.map((v, i) => 0.55 * v + 0.45 * MID[i]);
    };
  }

  const offscreen = document.createElement("canvas");

  function drawFrame(header, payload) {
    last = { header, payload };
    const size = header.size, n = size * size, k = header.outputs;
    $("epoch").textContent = String(header.epoch).padStart(6, "0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    const fmt = (v) => v === null || v === undefined ? "–" : v.toFixed(4);
    $("train-cost").textContent = fmt(header.cost); $("test-cost").textContent = fmt(header.test_cost);
    $("train-acc").textContent = header.accuracy == null ? "" : `(accuracy ${(100 * header.accuracy).toFixed(1)}%)`;
    $("test-acc").textContent = header.test_accuracy == null ? "" : `(accuracy ${(100 * header.test_accuracy).toFixed(1)}%)`;
    if (header.epoch === 0 && !curve.epoch.length) header.curve = [[0, header.cost, header.test_cost]];
    for (const [e, c, t] of header.curve) { curve.epoch.push(e); curve.train.push(c); curve.test.push(t); }
    if (curve.epoch.length > 4000) for (const key of ["epoch", "train", "test"]) curve[key] = curve[key].filter((_, i) => i % 2 === 0 || i === curve[key].length - 1);
    drawCurve();
    // output nodes and the boundary
    if (k === 1) paintSigned(offscreen, size, payload.subarray(0, n), true);
    else paint(offscreen, size, boundaryColor(payload, k, size));
    drawBoundary();
    const L = meta.layer_dims.length - 1;
    for (let j = 0; j < meta.layer_dims[L]; j++) {
      const cv = $(`unit-${L}-${j}`).querySelector("canvas");
      if (k === 1) cv.getContext("2d").drawImage(offscreen, 0, 0, cv.width, cv.height);
      else paintSigned(cv, size, payload.subarray(j * n, (j + 1) * n), true);
    }
    // hidden units
    let offset = k * n;
    header.unit_scales.forEach((scales, i) => {
      scales.forEach((_, j) => {
        const values = new Int8Array(payload.buffer, payload.byteOffset + offset, n);
        paintSigned($(`unit-${i + 1}-${j}`).querySelector("canvas"), size, values);
        offset += n;
      });
    });
    drawWeights(header);
    drawGrads(header.grad_norms);
  }

  function drawWeights(header) {
    header.weights.forEach((layer, l) => {
      layer.W.forEach((row, j) => row.forEach((w, i) => {
        const p = links[l] && links[l][j] && links[l][j][i];
        if (!p) return;
        p.setAttribute("stroke", w >= 0 ? "rgb(8,119,189)" : "rgb(245,147,34)");
        p.setAttribute("stroke-width", Math.min(9, 0.4 + 2.5 * Math.abs(w)).toFixed(2));
        p.setAttribute("stroke-opacity", Math.min(1, 0.25 + Math.abs(w)).toFixed(2));
      }));
    });
  }

  function drawGrads(norms) { // bars on a log scale from 10⁻⁸ to 1 (wider when needed)
    const box = $("grads");
    if (box.dataset.run !== String(meta.run)) { // new bars for a new network, then updates only
      box.dataset.run = String(meta.run);
      box.innerHTML = norms.map((_, i) => `<div class="bar"><span>W[${i + 1}]</span><div></div><span></span></div>`).join("")
        + `<p class="hint">Full training set's gradient at the current parameters, log scale (10⁻⁸ … 1).</p>`;
    }
    const logs = norms.map((v) => v ? Math.log10(v) : -12);
    const lo = Math.min(-8, ...logs), hi = Math.max(0, ...logs);
    box.querySelectorAll(".bar").forEach((bar, i) => {
      const v = norms[i];
      bar.children[1].style.width = `${v ? (100 * (Math.log10(v) - lo) / (hi - lo)).toFixed(1) : 0}%`;
      bar.children[2].textContent = v == null ? "–" : v.toExponential(2);
      const f = $(`grad-${i + 1}`);
      if (f) f.textContent = `‖dW‖ ${v == null ? "–" : v.toExponential(1)}`;
    });
  }

  function drawBoundary() {
    if (!meta) return;
    const cv = $("boundary"), ctx = cv.getContext("2d");
    const W = cv.width, H = cv.height;
    ctx.clearRect(0, 0, W, H);
    ctx.imageSmoothingEnabled = true;
    if (last) ctx.drawImage(offscreen, 0, 0, W, H);
    const [a, b, c, d] = meta.window;
    const dot = (x, y, label, stroke) => {
      const px = (x - a) / (b - a) * W, py = (d - y) / (d - c) * H;
      const col = PALETTE[label % 8];
      ctx.beginPath(); ctx.arc(px, py, 3.2, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${col})`; ctx.fill(); ctx.lineWidth = 1; ctx.strokeStyle = stroke; ctx.stroke();
    };
    for (const [x, y, label] of meta.train) dot(x, y, label, "#fff");
    if ($("show-test").checked) for (const [x, y, label] of meta.test) dot(x, y, label, "#000");
    // axes ticks
    ctx.fillStyle = "#555"; ctx.font = "10px sans-serif";
    ctx.fillText(a.toFixed(1), 2, H - 3); ctx.fillText(b.toFixed(1), W - 22, H - 3);
    ctx.fillText(d.toFixed(1), 2, 10);
  }

  function drawCurve() {
    const cv = $("curve"), ctx = cv.getContext("2d");
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

  function drawLegend() {
    $("legend").innerHTML = meta.classes.map((c, i) => `<span><i style="background:rgb(${PALETTE[i % 8]})"></i>class ${c}</span>`).join("")
      + `<span>${meta.m_train} training, ${meta.m_test} test points</span>`;
    for (const [name] of FEATURES) drawFeature($(`feature-${name}`).querySelector("canvas"), name);
  }

  function drawThumb(canvas, name) { // an icon of the data set's shape (not its points)
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

  // -------------------------------------------------------------- formulas

  function drawFormulas() {
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
    $("formulas").innerHTML = rows.map((r) => r.startsWith("<div") ? r : `<div>${r}</div>`).join("");
  }

  // --------------------------------------------------------------- take away

  let wanted = "python";
  function showCode(m) {
    const out = $("take-out");
    out.hidden = false; $("copy").hidden = false;
    if (wanted === "python") { out.textContent = m.python; $("take-note").textContent = `Python code for ${m.epochs} epochs (the page's current epoch): its parameters equal the page's.`; }
    else if (m.command) { out.textContent = m.command; $("take-note").textContent = `The nndl train command for ${m.epochs} epochs: it saves the same parameters as the page's to playground.npz.`; }
    else { out.textContent = `# This setup cannot be written as an nndl train command:\n# ${m.why_not}.\n# Use the Python code instead.`; $("take-note").textContent = "Not expressible as a command."; }
  }

  // for tests and the curious: what the page holds
  window.nndlPlayground = {
    get epoch() { return last ? last.header.epoch : null; },
    get run() { return meta ? meta.run : null; },
    get header() { return last ? last.header : null; },
    get playing() { return playing; },
    curve,
    stats,
  };

  readURL(); initControls(); syncControls(); connect();
})();
