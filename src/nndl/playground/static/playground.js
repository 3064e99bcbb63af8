// The nndl playground's page: controls → setup (kept in the URL) → the server, which trains
// the real nndl.Network and streams frames back; this file only draws what it receives.
import { PALETTE, boundaryColor, drawCurve, drawThumb, formulas, paint, paintSigned } from "./draw.js";

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
  const $ = (id) => document.getElementById(id);
  let setup = structuredClone(DEFAULTS);
  let speed = 10;
  let csv = null; // {name, text} of a dropped file, sent once
  let meta = null; // the server's description of the current run
  let ws = null;
  let playing = false;
  let finished = false;
  let last = null; // the last frame: {header, payload}
  let stoppedWhy = null; // why the run ended early (it diverged), kept on the page
  const curve = { epoch: [], train: [], test: [] };
  const stats = { frames: 0, drawMs: 0, rate: null, ticks: null }; // frames drawn, the time it took, updates/s, the curve's ticks
  const arrivals = []; // when the last frames were drawn (performance.now(), ms)
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
        arrivals.push(t0);
        if (arrivals.length > 240) arrivals.splice(0, arrivals.length - 240);
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
      if (header.state !== "finished" && header.message) { stoppedWhy = header.message; showStall(header.message); }
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
    $("log-scale").onchange = () => { stats.ticks = drawCurve($("curve"), curve, $("log-scale").checked); };
    setInterval(showRate, 500);
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

  function showRate() { // updates drawn per second over the last two seconds ("paused" when none)
    const now = performance.now();
    while (arrivals.length && now - arrivals[0] > 2000) arrivals.shift();
    const span = arrivals.length > 1 ? (arrivals.at(-1) - arrivals[0]) / 1000 : 0;
    stats.rate = playing && span > 0.2 && now - arrivals.at(-1) < 1000 ? (arrivals.length - 1) / span : null;
    const per = speed > 1 ? `\n${Math.round(stats.rate * speed)} epochs/s` : "";
    $("rate").textContent = stats.rate === null ? (playing ? "starting…" : "paused") : `${stats.rate.toFixed(1)} updates/s${per}`;
  }

  function setPlaying(on) {
    playing = on;
    $("play").classList.toggle("playing", on);
    $("play").innerHTML = on ? "&#x275a;&#x275a;" : "&#x25b6;";
  }

  // ---------------------------------------------------------------- setup

  function onSetup(m) {
    meta = m; setup = m.setup; finished = false; last = null; stoppedWhy = null;
    curve.epoch = []; curve.train = []; curve.test = [];
    writeURL(); syncControls(); buildNetwork(); $("formulas").innerHTML = formulas(meta, setup); drawLegend();
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
    const [, fnodes] = column(`features<br>${dims[0]} of 7 used`);
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
      for (let j = 0; j < units; j++) {
        const unit = node(nodes, "unit");
        unit.id = `unit-${i + 1}-${j}`;
        unit.addEventListener("mouseenter", () => { // what its colours mean, from the last frame
          const s = last ? last.header.unit_scales[i][j] ?? 1 : 1, act = setup.activations[i], v = s === 1 ? "1" : s.toPrecision(3);
          unit.title = `layer ${i + 1}, unit ${j + 1} (${ACTS[act] || act}): colours from −${v} (orange) to +${v} (blue)`;
        });
      }
    });
    const out = meta.activations.at(-1);
    const [, onodes, ofoot] = column(`output ŷ<br>${out === "softmax" ? "softmax" : "σ"}`, "‖dW‖ –");
    ofoot.id = `grad-${dims.length - 1}`;
    for (let j = 0; j < dims.at(-1); j++) node(onodes, "unit").id = `unit-${dims.length - 1}-${j}`;
    placeLinks();
  }

  function placeLinks() {
    const svg = $("links"), net = $("network");
    svg.innerHTML = "";
    svg.style.width = `${net.scrollWidth}px`; // the links scroll with the units in a narrow panel
    const r0 = net.getBoundingClientRect();
    const box = { left: r0.left - net.scrollLeft, top: r0.top };
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
    stats.ticks = drawCurve($("curve"), curve, $("log-scale").checked);
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
    showStall(header.stall || stoppedWhy);
  }

  function showStall(text) { // why the network cannot learn, and how to fix it (from the server)
    const box = $("stall");
    box.hidden = !text;
    box.textContent = text || "";
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
    ctx.font = "10px sans-serif"; ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.8)"; ctx.fillStyle = "#333";
    const text = (t, x, y) => { ctx.strokeText(t, x, y); ctx.fillText(t, x, y); }; // a light halo: legible on any colour
    text(a.toFixed(1), 2, H - 3); text(b.toFixed(1), W - 22, H - 3);
    text(d.toFixed(1), 2, 10); text(c.toFixed(1), 2, H - 15);
    text("x₁", W / 2 - 4, H - 3); text("x₂", 2, H / 2);
  }

  function drawLegend() {
    $("legend").innerHTML = meta.classes.map((c, i) => `<span><i style="background:rgb(${PALETTE[i % 8]})"></i>class ${c}</span>`).join("")
      + `<span>${meta.m_train} training, ${meta.m_test} test points</span>`;
    for (const [name] of FEATURES) drawFeature($(`feature-${name}`).querySelector("canvas"), name);
    $("output-legend").textContent = meta.activations.at(-1) === "softmax"
      ? "output square k shows ŷₖ, the probability of class k, from 0 (orange) to 1 (blue)"
      : "the output shows ŷ from 0 (class 0) to 1 (class 1)";
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

  // a setup pasted into the address bar (only the hash changes: no reload) is loaded too
  window.addEventListener("hashchange", () => { readURL(); syncControls(); sendSetup(); });
  readURL(); initControls(); syncControls(); connect();
})();
