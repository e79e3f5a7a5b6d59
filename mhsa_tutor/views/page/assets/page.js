/* mhsa-tutor page: one stage at a time, the arithmetic of a clicked cell, two languages.
   Every text shown comes from the JSON the tutor embedded; nothing here computes. */
(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("data").textContent);
  const root = document.documentElement;
  const sections = Array.from(document.querySelectorAll("section.stage"));
  const links = Array.from(document.querySelectorAll("#stage-list a[data-go]"));
  const progress = document.getElementById("progress");
  const explain = document.getElementById("explain");
  const sourcesBox = document.getElementById("sources");
  const prev = document.getElementById("prev");
  const next = document.getElementById("next");
  for (const td of document.querySelectorAll("td[data-matrix]")) td.tabIndex = 0;
  let current = 0;
  let picked = null;

  function show(k) {
    const wasInside = sections[current].contains(document.activeElement);
    current = Math.max(0, Math.min(sections.length - 1, k));
    sections.forEach((s, i) => { s.hidden = i !== current; });
    links.forEach((a, i) => {
      if (i === current) a.setAttribute("aria-current", "step"); else a.removeAttribute("aria-current");
    });
    showProgress();
    prev.disabled = current === 0;
    next.disabled = current === sections.length - 1;
    if (wasInside) sections[current].querySelector("h2").focus();
  }

  function showProgress() {  // data-progress (English, the contract) or data-progress-ko
    const d = sections[current].dataset;
    progress.textContent = (root.dataset.lang === "ko" && d.progressKo) || d.progress;
  }

  function line(i) {
    const [t, ...digits] = data.lines[i].split(",");
    const parts = data.templates[Number(t)].split("\0");
    return parts.map((p, k) => (k ? digits[k - 1] : "") + p).join("");
  }

  function textOf(key, lang) {
    const v = data.ex[key];
    if (!v) return "";
    const ids = lang === "ko" && v.length > 1 ? v[1] : v[0];
    return ids.map(line).join("\n");
  }

  function matches(kind, off, clickedRow, clickedCol, value) {
    if (kind === "*") return true;
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
      const [s, m, , , , , lo, hi] = rule;
      if (lo && (col < lo || col > hi)) continue;
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
        for (const a of ["data-stage", "data-head", "data-matrix", "data-row", "data-col", "tabindex"]) c.removeAttribute(a);
      }
      const scroll = document.createElement("div");
      scroll.className = "scroll";
      scroll.append(table);
      box.append(cap, scroll);
      sourcesBox.append(box);
    }
  }

  function pick(td) {
    const index = td.closest("section.stage").dataset.index;
    for (const c of document.querySelectorAll("td.picked")) c.classList.remove("picked");
    td.classList.add("picked");
    picked = index + "|" + td.dataset.matrix + "|" + td.dataset.row + "|" + td.dataset.col;
    explain.textContent = textOf(picked, root.dataset.lang);
    showSources(index, td);
  }

  function setLang(lang) {
    root.dataset.lang = lang;
    root.lang = lang;
    document.title = document.body.dataset[lang === "ko" ? "titleKo" : "titleEn"] || document.title;
    showProgress();
    if (picked) explain.textContent = textOf(picked, lang);
  }

  document.getElementById("stages").addEventListener("click", (e) => {
    const td = e.target.closest("td[data-matrix]");
    if (td) pick(td);
  });
  prev.addEventListener("click", () => show(current - 1));
  next.addEventListener("click", () => show(current + 1));
  document.getElementById("lang-toggle").addEventListener("click", () => setLang(root.dataset.lang === "ko" ? "en" : "ko"));
  for (const a of links) {
    a.addEventListener("click", (e) => { e.preventDefault(); show(Number(a.dataset.go)); });
  }
  document.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const t = e.target;
    if (t instanceof Element && t.matches("input, select, textarea")) return;
    const moves = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: sections.length - 1 };
    if (e.key in moves) {
      show(moves[e.key]);
      e.preventDefault();
    } else if ((e.key === "Enter" || e.key === " ") && t instanceof Element && t.matches("td[data-matrix]")) {
      pick(t);
      e.preventDefault();
    }
  });
  const m = /^#stage-(\d+)$/.exec(location.hash);
  show(m ? Number(m[1]) - 1 : 0);
})();
