/* mhsa-tutor page: one stage at a time, the arithmetic of a clicked cell, practice, two languages.
   Every text and number shown comes from the data the tutor embedded; nothing here computes a value.
   The practice check only parses the typed number and compares it with embedded values and bounds. */
(() => {
  "use strict";
  const root = document.documentElement;
  const $ = (id) => document.getElementById(id);
  const sections = Array.from(document.querySelectorAll("section.stage"));
  const links = Array.from(document.querySelectorAll("#stage-list a[data-go]"));
  const progress = $("progress");
  const explain = $("explain");
  const sourcesBox = $("sources");
  const panel = $("panel");
  const prev = $("prev");
  const next = $("next");
  const narrow = window.matchMedia("(max-width: 45rem)");
  const embedded = root.dataset.embed === "notebook";
  let data = null;
  let current = 0;
  let picked = null;
  let pickedCell = null;

  /* ------------------------------------------------------------------ the embedded data */
  async function unpack() {
    const el = $("data");
    if (el.dataset.encoding !== "gzip+base64") return JSON.parse(el.textContent);
    const bytes = Uint8Array.from(atob(el.textContent.trim()), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }
  const ready = unpack().then((d) => { data = d; root.dataset.ready = "1"; return d; });

  function line(i) {
    const [t, ...digits] = data.lines[i].split(",");
    const parts = data.templates[Number(t)].split("\0");
    return parts.map((p, k) => (k ? digits[k - 1] : "") + p).join("");
  }
  const text = (ids) => ids.map(line).join("\n");
  const lang = () => (root.dataset.lang === "ko" ? "ko" : "en");
  const fill = (template, fields) => template.replace(/\{(\w+)\}/g, (m, k) => (k in fields ? String(fields[k]) : m));

  function textOf(key, lg) {
    const v = data.ex[key];
    if (!v) return "";
    return text(lg === "ko" && v.length > 1 ? v[1] : v[0]);
  }

  /* ------------------------------------------------------------------ stages and the URL */
  for (const table of document.querySelectorAll("#stages table.matrix")) {
    const cells = table.querySelectorAll("td[data-matrix]");
    cells.forEach((td, k) => { td.tabIndex = k === 0 ? 0 : -1; }); // one stop per table; arrows move inside
  }

  function show(k, how) {
    const wasInside = sections[current].contains(document.activeElement);
    current = Math.max(0, Math.min(sections.length - 1, k));
    sections.forEach((s, i) => { s.hidden = i !== current; });
    links.forEach((a, i) => {
      if (i === current) a.setAttribute("aria-current", "step"); else a.removeAttribute("aria-current");
    });
    const strip = links[current].closest("ol");
    if (strip.scrollWidth > strip.clientWidth) { // the one-line stage list: its current stage in sight
      const r = links[current].getBoundingClientRect();
      const box = strip.getBoundingClientRect();
      if (r.left < box.left || r.right > box.right) strip.scrollLeft += r.left - box.left - box.width / 3;
    }
    showProgress();
    prev.disabled = current === 0;
    next.disabled = current === sections.length - 1;
    const hash = "#stage-" + (current + 1);
    if (how !== "url" && location.hash !== hash) {
      try {
        history.pushState(null, "", hash);
      } catch (e) { /* a sandboxed frame may refuse: the stage still changes */ }
    }
    if (wasInside) sections[current].querySelector("h2").focus({ preventScroll: true });
    if (how !== "url" && sections[current].getBoundingClientRect().top < 0) sections[current].scrollIntoView({ block: "start" });
    if (root.dataset.quiz === "on") ready.then(() => ask(0));
    sizeToContent();
  }

  function showProgress() { // data-progress (English, the contract) or data-progress-ko
    const d = sections[current].dataset;
    progress.textContent = (root.dataset.lang === "ko" && d.progressKo) || d.progress;
  }

  function fromHash() {
    const m = /^#stage-(\d+)$/.exec(location.hash);
    return m ? Number(m[1]) - 1 : null;
  }
  window.addEventListener("hashchange", () => { const k = fromHash(); if (k !== null && k !== current) show(k, "url"); });
  window.addEventListener("popstate", () => { const k = fromHash(); if (k !== null && k !== current) show(k, "url"); });

  /* ------------------------------------------------------------------ a cell's arithmetic */
  function matches(kind, off, clickedRow, clickedCol, value) {
    if (kind === "*") return true;
    if (kind === "=") return value >= off[0] && value <= off[1]; // a span: a block's keys, the cache so far
    return value === (kind === "r" ? clickedRow : clickedCol) + off;
  }

  function showSources(index, td) {
    sourcesBox.textContent = "";
    const rules = data.src[index + "|" + td.dataset.matrix] || [];
    const row = Number(td.dataset.row);
    const col = Number(td.dataset.col);
    // the rules that apply to this column, grouped by table: a rotated feature and its partner are one figure
    const groups = new Map();
    for (const rule of rules) {
      const [s, m, , , , , lo, hi, rlo, rhi] = rule;
      if (lo && (col < lo || col > hi)) continue;
      if (rlo && (row < rlo || row > rhi)) continue; // a rule for some rows only (the cache: prefill or a step)
      const key = s + "|" + m;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(rule);
    }
    for (const group of groups.values()) {
      const [s, m] = group[0];
      const cell = sections[s].querySelector('td[data-matrix="' + CSS.escape(m) + '"]');
      if (!cell) continue;
      const box = document.createElement("figure");
      const title = sections[s].querySelector("h2").cloneNode(true);
      title.removeAttribute("tabindex");
      const cap = document.createElement("figcaption");
      cap.append(m + " · ", ...title.childNodes);
      const table = cell.closest("table").cloneNode(true);
      for (const c of table.querySelectorAll("td[data-matrix]")) {
        const r = Number(c.dataset.row);
        const k = Number(c.dataset.col);
        for (const [, , rk, ro, ck, co] of group) {
          if (matches(rk, ro, row, col, r) && matches(ck, co, row, col, k)) c.classList.add("src");
        }
        c.classList.remove("picked", "asked");
        for (const a of ["data-stage", "data-head", "data-matrix", "data-row", "data-col", "tabindex"]) c.removeAttribute(a);
      }
      const scroll = document.createElement("div");
      scroll.className = "scroll";
      scroll.append(table);
      box.append(cap, scroll);
      sourcesBox.append(box);
    }
  }

  function bringPanel(td) {
    if (narrow.matches) {
      panel.classList.add("open"); // a bottom sheet over the lower part of the window
      panel.scrollTop = 0;
      if (td) { // keep the tapped cell in sight, just above the sheet
        const above = panel.getBoundingClientRect().top - 8;
        const r = td.getBoundingClientRect();
        if (r.bottom > above) window.scrollBy(0, r.bottom - above);
      }
    } else {
      const r = explain.getBoundingClientRect();
      if (r.top < 0 || r.top > window.innerHeight - 40) panel.scrollIntoView({ block: "nearest" });
    }
  }

  function pick(td) {
    const index = td.closest("section.stage").dataset.index;
    for (const c of document.querySelectorAll("td.picked")) c.classList.remove("picked");
    td.classList.add("picked");
    pickedCell = td;
    picked = index + "|" + td.dataset.matrix + "|" + td.dataset.row + "|" + td.dataset.col;
    explain.textContent = textOf(picked, lang());
    showSources(index, td);
    bringPanel(td);
    sizeToContent();
  }

  function setLang(lg) {
    root.dataset.lang = lg;
    root.lang = lg;
    document.title = document.body.dataset[lg === "ko" ? "titleKo" : "titleEn"] || document.title;
    showProgress();
    if (!data) return;
    if (picked) explain.textContent = textOf(picked, lg);
    if (root.dataset.quiz === "on") renderQuestion();
    renderMistakes();
  }

  /* ------------------------------------------------------------------ practice */
  const quizBox = $("practice");
  const askBox = $("quiz-ask");
  const givens = $("quiz-givens");
  const answer = $("quiz-answer");
  const result = $("quiz-result");
  const listBox = $("quiz-mistakes");
  const store = "mhsa-tutor:mistakes";
  let asked = null; // [stage index, question index]
  let memory = [];
  let answered = false;

  function loadMistakes() {
    try { return JSON.parse(localStorage.getItem(store) || "[]"); } catch (e) { return memory; }
  }
  function saveMistakes(list) {
    memory = list;
    try { localStorage.setItem(store, JSON.stringify(list)); } catch (e) { /* no storage in a sandbox: kept here */ }
  }

  function questions(k) { return (data.quiz && data.quiz[String(k)]) || []; }
  function cellOf(k, q) {
    return sections[k].querySelector('td[data-matrix="' + CSS.escape(q.m) + '"][data-row="' + q.r + '"][data-col="' + q.c + '"]');
  }

  function ask(step) {
    for (const c of document.querySelectorAll("td.asked")) c.classList.remove("asked");
    const qs = questions(current);
    const at = asked && asked[0] === current ? (asked[1] + step) % qs.length : 0;
    asked = qs.length ? [current, at] : null;
    answered = false;
    answer.value = "";
    result.textContent = "";
    result.className = "";
    renderQuestion();
  }

  function renderQuestion() {
    const w = data.words[lang()];
    if (!asked) {
      askBox.textContent = data.quizOff ? w.page_too_big : w.page_no_question;
      givens.textContent = "";
      $("quiz-form").hidden = true;
      return;
    }
    $("quiz-form").hidden = false;
    const q = questions(asked[0])[asked[1]];
    askBox.textContent = text(q.ask[lang() === "ko" ? 1 : 0]);
    givens.textContent = text(q.giv);
    const td = cellOf(asked[0], q);
    if (td && !answered) td.classList.add("asked");
  }

  /* The typed number and half a unit of its last decimal (quiz.parse_answer), or null. */
  function parse(typed) {
    const s = typed.trim().replace(/\u2212/g, "-").replace(/ /g, "");
    const m = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
    if (!m || (m[1] === "" && (m[2] === undefined || m[2] === ""))) return null;
    const exponent = (m[3] ? Number(m[3]) : 0) - (m[2] ? m[2].length : 0);
    const value = Number(s);
    if (!Number.isFinite(value) || exponent < -300 || exponent > 300) return null;
    return { value, tol: 0.5 * Math.pow(10, exponent), text: s };
  }

  /* quiz.is_right and quiz.matching_slip, on the embedded value, exact value, bounds and mistakes. */
  function judge(q, a) {
    const tol = Math.min(Math.max(a.tol, q.lo), q.hi);
    const slack = 1e-9 * Math.max(1, Math.abs(q.v));
    const targets = q.x === null ? [q.v] : [q.v, q.x];
    if (targets.some((v) => Math.abs(a.value - v) <= tol + slack)) return { right: true, slip: null };
    for (const slip of q.slips) {
      const s = 1e-9 * Math.max(1, Math.abs(slip[0]));
      if (Math.abs(a.value - slip[0]) <= tol + s && Math.abs(slip[0] - q.v) > tol + s) return { right: false, slip };
    }
    return { right: false, slip: null };
  }

  /* A mistake's sentence around the typed answer: the version whose particle fits its last digit. */
  function slipText(slip, got, lg) {
    const digits = got.replace(/[^0-9]/g, "");
    const consonant = digits !== "" && data.words[lg].consonant.includes(digits[digits.length - 1]);
    const ids = slip[2 + (lg === "ko" ? 2 : 0) + (consonant ? 0 : 1)];
    return text(ids).split(data.words[lg].got + (consonant ? "1" : "2")).join(got);
  }

  function check() {
    if (!asked) return;
    const w = data.words[lang()];
    const a = parse(answer.value);
    if (!a) { result.textContent = fill(w.page_not_number, { text: answer.value }); result.className = "bad"; return; }
    const [k, i] = asked;
    const q = questions(k)[i];
    const verdict = judge(q, a);
    const fields = { label: q.label, value: q.shown, got: a.text };
    if (verdict.right) {
      result.textContent = fill(w.quiz_right, fields);
      result.className = "ok";
    } else {
      const said = [fill(w.quiz_wrong, fields)];
      if (verdict.slip) said.unshift(slipText(verdict.slip, a.text, lang()));
      result.textContent = said.join("\n");
      result.className = "bad";
      const list = loadMistakes();
      list.push({ name: data.name, k, i, got: a.text, slip: verdict.slip ? q.slips.indexOf(verdict.slip) : -1 });
      saveMistakes(list.slice(-50));
      renderMistakes();
    }
    answered = true;
    const td = cellOf(k, q);
    if (td) { td.classList.remove("asked"); pick(td); }
    const pr = panel.getBoundingClientRect(); // the verdict in sight inside the panel, the window left alone
    const rr = result.getBoundingClientRect();
    if (rr.top < pr.top || rr.bottom > pr.bottom) panel.scrollTop += rr.top - pr.top - 8;
  }

  function renderMistakes() {
    if (!data) return;
    const lg = lang();
    const mine = loadMistakes().filter((m) => m.name === data.name && questions(m.k)[m.i]);
    $("quiz-count").textContent = String(mine.length);
    listBox.textContent = "";
    for (const m of mine) {
      const q = questions(m.k)[m.i];
      const li = document.createElement("li");
      const where = sections[m.k].querySelector("h2 .l-" + lg) || sections[m.k].querySelector("h2");
      li.textContent = (m.k + 1) + ". " + where.textContent + " · " + q.label + " = " + q.shown + " (" +
        data.words[lg].page_you_typed + " " + m.got + ")" + (m.slip >= 0 ? " — " + slipText(q.slips[m.slip], m.got, lg) : "");
      listBox.append(li);
    }
  }

  function setQuiz(on) {
    root.dataset.quiz = on ? "on" : "off";
    $("quiz-toggle").setAttribute("aria-pressed", on ? "true" : "false");
    quizBox.hidden = !on;
    if (!on) { for (const c of document.querySelectorAll("td.asked")) c.classList.remove("asked"); return; }
    ready.then(() => { ask(0); renderMistakes(); bringPanel(); answer.focus({ preventScroll: true }); });
  }

  /* ------------------------------------------------------------------ keys */
  function moveInTable(td, key) {
    const table = td.closest("table");
    const rows = Array.from(table.querySelectorAll("tbody tr")).filter((tr) => tr.querySelector("td[data-matrix]"));
    const tr = td.closest("tr");
    const cells = Array.from(tr.querySelectorAll("td[data-matrix]"));
    let r = rows.indexOf(tr);
    let c = cells.indexOf(td);
    if (key === "ArrowLeft") c -= 1;
    else if (key === "ArrowRight") c += 1;
    else if (key === "ArrowUp") r -= 1;
    else if (key === "ArrowDown") r += 1;
    else if (key === "Home") c = 0;
    else if (key === "End") c = cells.length - 1;
    r = Math.max(0, Math.min(rows.length - 1, r));
    const row = Array.from(rows[r].querySelectorAll("td[data-matrix]"));
    const target = row[Math.max(0, Math.min(row.length - 1, c))];
    td.tabIndex = -1;
    target.tabIndex = 0;
    target.focus();
    target.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  document.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const t = e.target;
    if (t instanceof Element && t.matches("input, select, textarea")) return;
    const inCell = t instanceof Element && t.matches("#stages td[data-matrix]");
    if (inCell && ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"].includes(e.key) && !e.shiftKey) {
      moveInTable(t, e.key);
      e.preventDefault();
      return;
    }
    if (e.key === "Escape") {
      if (panel.classList.contains("open")) closePanel();
      else if (inCell) sections[current].querySelector("h2").focus();
      e.preventDefault();
      return;
    }
    if (e.shiftKey) return;
    const moves = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: sections.length - 1 };
    if (e.key in moves) {
      show(moves[e.key]);
      e.preventDefault();
    } else if ((e.key === "Enter" || e.key === " ") && inCell) {
      ready.then(() => pick(t));
      e.preventDefault();
    }
  });

  function closePanel() {
    panel.classList.remove("open");
    if (pickedCell && !pickedCell.closest("section").hidden) pickedCell.focus({ preventScroll: true });
  }

  /* ------------------------------------------------------------------ notebook: height and theme */
  function sizeToContent() {
    if (!embedded || window.parent === window) return;
    const height = document.documentElement.scrollHeight;
    window.parent.postMessage({ mhsaTutor: 1, height, ready: !!data }, "*");
  }
  if (embedded) {
    window.addEventListener("message", (e) => {
      if (e.data && (e.data.mhsaTutorTheme === "dark" || e.data.mhsaTutorTheme === "light")) root.dataset.theme = e.data.mhsaTutorTheme;
    });
    if (window.ResizeObserver) new ResizeObserver(sizeToContent).observe(document.body);
    ready.then(sizeToContent);
  }

  /* ------------------------------------------------------------------ wiring */
  $("stages").addEventListener("click", (e) => {
    const td = e.target.closest("td[data-matrix]");
    if (!td) return;
    for (const c of td.closest("table").querySelectorAll("td[tabindex='0']")) c.tabIndex = -1;
    td.tabIndex = 0;
    ready.then(() => pick(td));
  });
  prev.addEventListener("click", () => show(current - 1));
  next.addEventListener("click", () => show(current + 1));
  $("lang-toggle").addEventListener("click", () => setLang(lang() === "ko" ? "en" : "ko"));
  $("theme-toggle").addEventListener("click", () => {
    const dark = root.dataset.theme ? root.dataset.theme === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
    root.dataset.theme = dark ? "light" : "dark";
  });
  $("quiz-toggle").addEventListener("click", () => setQuiz(root.dataset.quiz !== "on"));
  $("quiz-form").addEventListener("submit", (e) => { e.preventDefault(); ready.then(check); });
  $("quiz-next").addEventListener("click", () => ready.then(() => ask(1)));
  $("quiz-clear").addEventListener("click", () => {
    saveMistakes(loadMistakes().filter((m) => m.name !== data.name));
    renderMistakes();
  });
  $("panel-close").addEventListener("click", closePanel);
  for (const a of links) {
    a.addEventListener("click", (e) => {
      e.preventDefault();
      show(Number(a.dataset.go));
      if (narrow.matches) $("stage-box").open = false;
    });
  }
  if (narrow.matches || embedded) {
    $("stage-box").open = false; // the stage first: the list and the facts fold away on a phone
    document.querySelector("details.about").open = false;
  }
  root.dataset.quiz = "off";
  const start = fromHash();
  show(start === null ? 0 : start, "url");
  ready.then(() => { renderMistakes(); sizeToContent(); });
})();
