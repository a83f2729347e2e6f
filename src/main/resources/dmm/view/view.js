// dmm live view: networks and training runs of a session, updated from /api/events (Server-Sent Events).
// Everything the page can change goes through POST /api/action with the session's token in a header.
(function () {
  "use strict";
  const token = new URLSearchParams(location.search).get("token") || "";
  const SVG = "http://www.w3.org/2000/svg";
  const nets = new Map();   // key -> network view
  const runs = new Map();   // id -> run view
  const tooltip = document.getElementById("tooltip");
  const palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
  const typeColour = new Map();

  function colourOf(type) {
    if (!typeColour.has(type)) typeColour.set(type, palette[typeColour.size % palette.length]);
    return typeColour.get(type);
  }

  function el(tag, attrs, parent, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function svgEl(tag, attrs, parent) {
    const e = document.createElementNS(SVG, tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  function fmt(x, digits) {
    if (x === undefined || x === null) return "–";
    if (typeof x !== "number") return String(x);
    if (x === 0) return "0";
    const a = Math.abs(x);
    return a >= 1e5 || a < 1e-3 ? x.toExponential((digits || 4) - 1) : x.toPrecision(digits || 4).replace(/\.?0+$/, "");
  }

  // ---------------------------------------------------------------- actions

  async function act(body) {
    const r = await fetch("/api/action", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-DMM-Token": token },
      body: JSON.stringify(body),
    });
    let reply = {};
    try { reply = await r.json(); } catch (e) { /* empty */ }
    if (!r.ok) alert("refused: " + (reply.error || r.status));
    return r.ok;
  }

  // ---------------------------------------------------------------- networks

  function layout(view) {
    const names = view.neurons.map(n => n.name);
    const incoming = new Map(names.map(n => [n, new Set()]));
    const outgoing = new Map(names.map(n => [n, new Set()]));
    for (const l of view.links) {
      if (l.from === l.to || !incoming.has(l.to) || !outgoing.has(l.from)) continue;
      incoming.get(l.to).add(l.from);
      outgoing.get(l.from).add(l.to);
    }
    let sources = names.filter(n => incoming.get(n).size === 0);
    if (sources.length === 0) sources = names.slice(0, 1);
    const depth = new Map(sources.map(n => [n, 0]));
    const queue = sources.slice();
    while (queue.length) {
      const n = queue.shift();
      for (const m of outgoing.get(n)) if (!depth.has(m)) { depth.set(m, depth.get(n) + 1); queue.push(m); }
    }
    let max = 0;
    for (const d of depth.values()) max = Math.max(max, d);
    for (const n of names) if (!depth.has(n)) depth.set(n, max + 1);
    // layered networks (the feedforward transducer's neurons are named type-LAYER-COPY): a column
    // per layer, the sources before them and the neurons fed by the last layer after them
    const layerOf = n => { const m = /-(\d+)-(\d+)$/.exec(n); return m ? parseInt(m[1], 10) : null; };
    const layered = names.filter(n => layerOf(n) !== null);
    if (layered.length >= names.length / 2) {
      const top = Math.max(...layered.map(layerOf));
      for (const n of names) {
        const L = layerOf(n);
        depth.set(n, L !== null ? L : incoming.get(n).size === 0 || [...incoming.get(n)].every(m => layerOf(m) === null) ? 0 : top + 1);
      }
    }
    const columns = [];
    for (const nd of view.neurons) {
      const d = depth.get(nd.name);
      (columns[d] = columns[d] || []).push(nd);
    }
    const cols = columns.filter(c => c);
    for (const c of cols) c.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
    const width = Math.max(640, view.svg.clientWidth || 900), rowH = 56, margin = 60;
    const tallest = Math.max(...cols.map(c => c.length));
    const height = margin + tallest * rowH + 20;
    const colW = cols.length > 1 ? (width - 2 * margin) / (cols.length - 1) : 0;
    view.pos = new Map();
    cols.forEach((c, i) => {
      const top = margin / 2 + (tallest - c.length) * rowH / 2 + rowH / 2;
      c.forEach((nd, j) => view.pos.set(nd.name, { x: cols.length > 1 ? margin + i * colW : width / 2, y: top + j * rowH }));
    });
    view.svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    view.svg.style.height = height + "px";
    view.layoutKey = names.join("\u0001");
  }

  function linkPath(view, l, i) {
    const a = view.pos.get(l.from), b = view.pos.get(l.to);
    if (!a || !b) return "";
    if (l.from === l.to) return `M${a.x - 6},${a.y - 9} C${a.x - 30},${a.y - 45} ${a.x + 30},${a.y - 45} ${a.x + 6},${a.y - 9}`;
    const bend = (i % 5 - 2) * 4;   // links between the same neurons (other fields) fan out a little
    if (b.x > a.x + 1) {
      const dx = (b.x - a.x) / 2;
      return `M${a.x + 9},${a.y} C${a.x + dx},${a.y + bend} ${b.x - dx},${b.y + bend} ${b.x - 9},${b.y}`;
    }
    const lift = 40 + Math.abs(a.y - b.y) / 4 + Math.abs(bend) * 2;   // backwards or within a column: an arc above
    return `M${a.x},${a.y - 9} C${a.x + 20},${Math.min(a.y, b.y) - lift} ${b.x - 20},${Math.min(a.y, b.y) - lift} ${b.x},${b.y - 9}`;
  }

  function showTip(ev, text) {
    tooltip.textContent = text;
    tooltip.hidden = false;
    const x = Math.min(ev.clientX + 14, window.innerWidth - tooltip.offsetWidth - 8);
    tooltip.style.left = x + "px";
    tooltip.style.top = (ev.clientY + 14) + "px";
  }

  function hideTip() { tooltip.hidden = true; }

  function neuronTip(view, name) {
    const nd = view.neurons.find(n => n.name === name);
    const v = view.values && view.values[name];
    let t = name + " (" + (nd ? nd.type : "?") + ")";
    if (v) t += "\ninputs  " + v.in + "\noutputs " + v.out + "\n(cycle " + view.cycle + ")";
    else t += "\n(the network is being trained: its values show when it runs live)";
    return t;
  }

  function networkCard(data) {
    const card = el("div", { class: "card network", "data-network": data.key }, document.getElementById("networks"));
    const h = el("h3", {}, card);
    el("span", { class: "name" }, h, data.name);
    const status = el("span", { class: "status" }, h);
    const info = el("div", { class: "figures" }, card);
    const legend = el("div", { class: "legend" }, card,
      "links: width by |w|, blue positive, red negative, dashed hard" + (data.run ? "; click a soft link to cut it" : "") + "; hover a neuron for its values");
    const svg = svgEl("svg", { class: "graph" }, card);
    const linkLayer = svgEl("g", { class: "links" }, svg), neuronLayer = svgEl("g", { class: "neurons" }, svg);
    const view = { key: data.key, card, status, info, legend, svg, linkLayer, neuronLayer, links: [], neurons: [], linkEls: new Map(), neuronEls: new Map() };
    if (data.live) {
      const ctl = el("div", { class: "controls" }, card);
      const b = el("button", { class: "toggle" }, ctl, "pause");
      b.onclick = () => act({ action: view.statusWord === "paused" ? "resume-network" : "pause-network", network: data.name });
      view.toggle = b;
      card.insertBefore(ctl, svg);
    }
    return view;
  }

  function renderNeurons(view) {
    for (const [name, g] of view.neuronEls) if (!view.pos.has(name)) { g.remove(); view.neuronEls.delete(name); }
    for (const nd of view.neurons) {
      let g = view.neuronEls.get(nd.name);
      const p = view.pos.get(nd.name);
      if (!g) {
        g = svgEl("g", { class: "neuron", "data-name": nd.name, "data-type": nd.type }, view.neuronLayer);
        svgEl("circle", { r: 8, fill: colourOf(nd.type) }, g);
        svgEl("text", { class: "name", y: -12, "text-anchor": "middle" }, g).textContent = nd.name;
        svgEl("text", { class: "type", y: 20, "text-anchor": "middle" }, g).textContent = nd.type;
        g.addEventListener("mousemove", ev => showTip(ev, neuronTip(view, nd.name)));
        g.addEventListener("mouseleave", hideTip);
        view.neuronEls.set(nd.name, g);
      }
      g.setAttribute("transform", `translate(${p.x},${p.y})`);
    }
  }

  function renderLinks(view) {
    let max = 0;
    for (const l of view.links) if (!l.hard) max = Math.max(max, Math.abs(l.w));
    const seen = new Set();
    view.links.forEach((l, i) => {
      const id = l.path.join("\u0001");
      seen.add(id);
      let p = view.linkEls.get(id);
      if (!p) {
        p = svgEl("path", { class: "link" + (l.hard ? " hard" : ""), "data-id": id }, view.linkLayer);
        p.addEventListener("mousemove", ev => showTip(ev, p.dataset.label));
        p.addEventListener("mouseleave", hideTip);
        if (view.run && !l.hard) p.addEventListener("click", () => {
          if (confirm("cut " + p.dataset.label + " ?")) act({ action: "cut-link", run: view.run, link: JSON.parse(p.dataset.path) });
        });
        view.linkEls.set(id, p);
      }
      p.dataset.path = JSON.stringify(l.path);
      p.dataset.label = `${l.to}.${l.toField} <- ${fmt(l.w, 4)} ${l.from}.${l.fromField}` + (l.hard ? " (hard)" : "");
      p.setAttribute("d", linkPath(view, l, i));
      const width = l.hard ? 1.2 : 0.6 + 4.4 * Math.min(1, Math.abs(l.w) / (max || 1));
      p.setAttribute("stroke-width", width.toFixed(2));
      p.setAttribute("stroke", l.w >= 0 ? "var(--pos)" : "var(--neg)");
      p.style.cursor = view.run && !l.hard ? "pointer" : "default";
    });
    for (const [id, p] of view.linkEls) if (!seen.has(id)) { p.remove(); view.linkEls.delete(id); }
  }

  function updateNetwork(data) {
    let view = nets.get(data.key);
    if (!view) { view = networkCard(data); nets.set(data.key, view); }
    view.run = data.run;
    view.cycle = data.cycle;
    view.statusWord = data.status;
    view.status.textContent = data.status;
    view.status.className = "status " + data.status;
    if (view.toggle) view.toggle.textContent = data.status === "paused" ? "resume" : "pause";
    view.info.innerHTML = "";
    const fig = (label, value, cls) => { const s = el("div", { class: cls }, view.info); el("span", {}, s, label + " "); el("b", {}, s, value); };
    fig(data.run ? "training run" : "cycle", data.run ? String(data.run) : String(data.cycle), data.run ? "figure-run" : "figure-cycle");
    fig("neurons", String((data.neurons || view.neurons).length), "figure-neurons");
    fig("soft links", String(data.softLinks), "figure-links");
    if (data.values) view.values = data.values;
    if (data.weights && !data.neurons && view.links) {
      // the same links with new weights, in the order of the soft links
      let i = 0;
      for (const l of view.links) if (!l.hard) l.w = data.weights[i++];
      renderLinks(view);
    }
    if (data.neurons) {
      view.neurons = data.neurons;
      view.links = data.links;
      const key = data.neurons.map(n => n.name).join("\u0001");
      if (key !== view.layoutKey) layout(view);
      renderNeurons(view);
      renderLinks(view);
      view.card.dataset.links = String(data.links.filter(l => !l.hard).length);
      view.card.dataset.hardLinks = String(data.links.filter(l => l.hard).length);
    }
    view.card.dataset.cycle = String(data.cycle);
  }

  // ---------------------------------------------------------------- training runs

  function chart(parent, title, series, log) {
    const box = el("div", {}, parent);
    const opts = {
      title, width: Math.max(320, Math.min(680, box.clientWidth || 600)), height: 220,
      scales: { x: { time: false }, y: log ? { distr: 3 } : {}, y2: {} },
      axes: [{ label: "steps taken" }, { scale: "y", size: 60 }, { scale: "y2", side: 1, grid: { show: false }, size: 60 }],
      series: [{ label: "step" }].concat(series),
      legend: { live: true },
    };
    const data = [[]].concat(series.map(() => []));
    return { plot: new uPlot(opts, data, box), data };
  }

  function runCard(data) {
    const section = document.getElementById("runs");
    const card = el("div", { class: "card run", "data-run": String(data.id) }, section);
    const h = el("h3", {}, card);
    el("span", {}, h, `${data.name} — ${data.kind} (run ${data.id})`);
    const status = el("span", { class: "status" }, h);
    const info = el("div", { class: "figures" }, card);
    const ctl = el("div", { class: "controls" }, card);
    const view = { id: data.id, card, status, info, points: 0, lastSeq: 0 };
    view.toggle = el("button", { class: "toggle" }, ctl, "pause");
    view.toggle.onclick = () => act({ action: view.statusWord === "paused" ? "resume" : "pause", run: data.id });
    const stop = view.stop = el("button", { class: "stop" }, ctl, "stop");
    stop.onclick = () => { if (confirm("stop run " + data.id + "? (it keeps its last completed step)")) act({ action: "stop", run: data.id }); };
    for (const [what, label] of [["set-lr", "learning rate"], ["set-l1", "λ"]]) {
      el("span", {}, ctl, " " + label);
      const input = el("input", { type: "number", step: "any", min: "0", class: what }, ctl);
      const b = el("button", { class: what }, ctl, "set");
      b.onclick = () => {
        const x = parseFloat(input.value);
        if (!(x >= 0)) { alert(label + ": a number, please"); return; }
        act({ action: what, run: data.id, value: x });
      };
    }
    view.cut = el("div", { class: "cut" }, card);
    const charts = el("div", { class: "charts" }, card);
    view.loss = chart(charts, "loss", [
      { label: "loss", stroke: "#1f6fb2", width: 1.5, scale: "y" },
      { label: "prereg", stroke: "#2b8a3e", width: 1.5, scale: "y" }], true);
    view.links = chart(charts, "links and L1", [
      { label: "soft links", stroke: "#c2412d", width: 1.5, scale: "y" },
      { label: "L1", stroke: "#9c755f", width: 1.2, scale: "y2" }], false);
    view.messages = el("div", { class: "messages" }, card);
    return view;
  }

  function updateRun(data) {
    let view = runs.get(data.id);
    if (!view) { view = runCard(data); runs.set(data.id, view); }
    view.statusWord = data.status;
    view.status.textContent = data.status + (data.status === "running" || data.status === "paused" ? " · " + data.phase : "");
    view.status.className = "status " + data.status;
    view.toggle.textContent = data.status === "paused" ? "resume" : "pause";
    view.toggle.disabled = view.stop.disabled = !(data.status === "running" || data.status === "paused");
    view.info.innerHTML = "";
    const fig = (label, value, cls) => { const s = el("div", { class: "figure-" + cls }, view.info); el("span", {}, s, label + " "); el("b", {}, s, value); };
    fig("step", data.step === undefined ? "–" : String(data.step) + (data.target ? " of " + (data.startStep + data.target) : ""), "step");
    fig("loss", fmt(data.loss, 5), "loss");
    fig("prereg", fmt(data.prereg, 5), "prereg");
    fig("links", data.links === undefined ? "–" : String(data.links), "links");
    fig("λ", fmt(data.lambda, 4), "lambda");
    fig("learning rate", fmt(data.lr, 4), "lr");
    if (data.round !== undefined) {
      fig("round", `${data.round} (${data.accepted} accepted)`, "round");
      fig("threshold", fmt(data.threshold, 3), "threshold");
    }
    if (data.error) fig("error", data.error, "error");
    for (const p of data.points) {
      if (p[0] <= view.lastSeq) continue;
      view.lastSeq = p[0];
      view.loss.data[0].push(p[0]); view.loss.data[1].push(p[2] > 0 ? p[2] : null); view.loss.data[2].push(p[3] > 0 ? p[3] : null);
      view.links.data[0].push(p[0]); view.links.data[1].push(p[5]); view.links.data[2].push(p[4]);
      view.points++;
    }
    if (data.points.length) {
      view.loss.plot.setData(view.loss.data);
      view.links.plot.setData(view.links.data);
    }
    view.card.dataset.points = String(view.points);
    view.card.dataset.status = data.status;
    view.card.dataset.lr = String(data.lr);
    view.cut.innerHTML = "";
    if (data.cut.length) {
      el("span", {}, view.cut, "cut by hand: ");
      for (const c of data.cut) {
        const s = el("span", {}, view.cut, c.name + " (" + fmt(c.w, 3) + ")");
        const b = el("button", { class: "restore" }, s, "restore");
        b.onclick = () => act({ action: "restore-link", run: data.id, link: c.path });
      }
    }
    view.messages.textContent = data.messages.slice(-30).join("\n");
    view.messages.scrollTop = view.messages.scrollHeight;
  }

  // ---------------------------------------------------------------- the stream

  function apply(update) {
    const present = new Set();
    for (const n of update.networks || []) { updateNetwork(n); present.add(n.key); }
    for (const [key, view] of nets) if (!present.has(key)) { view.card.remove(); nets.delete(key); }
    for (const r of update.runs || []) updateRun(r);
    document.getElementById("no-networks").hidden = nets.size > 0;
    document.getElementById("no-runs").hidden = runs.size > 0;
    window.dmmView.updates++;
  }

  window.dmmView = { updates: 0 };
  const conn = document.getElementById("connection");
  const source = new EventSource("/api/events?token=" + encodeURIComponent(token));
  source.addEventListener("state", ev => apply(JSON.parse(ev.data)));
  source.onopen = () => { conn.textContent = "live"; conn.className = "on"; };
  source.onerror = () => {
    // the browser reconnects by itself while the session runs; closed for good: a wrong token or the session ended
    conn.textContent = source.readyState === EventSource.CLOSED ? "disconnected (is the session still running? is the token right?)" : "reconnecting…";
    conn.className = "off";
  };
})();
