/* 草稿检查: POST /api/check, highlights by severity, 采纳 / 全部采纳 (replace and re-check), verdict, copy.
   Hit offsets count Unicode code points (Python's str), so the text is handled as an array of code points. */
"use strict";

(() => {
  const { el, request, toast } = cm;
  const LABELS = JSON.parse(document.getElementById("severity-labels").textContent);
  const SEVERITY_RANK = { serious: 0, warning: 1, info: 2 };
  const draft = document.getElementById("draft");
  const titleInput = document.getElementById("title");
  const format = document.getElementById("format");
  const dateInput = document.getElementById("date");
  const fileInput = document.getElementById("file");
  const runButton = document.getElementById("run");
  const statusLine = document.getElementById("status");
  const extractedLine = document.getElementById("extracted");
  const result = document.getElementById("result");
  const staleNote = document.getElementById("stale");
  const recheck = document.getElementById("recheck");
  const annotated = document.getElementById("annotated");
  const annotatedTitle = document.getElementById("annotated-title");
  const textHeading = document.getElementById("text-heading");
  const list = document.getElementById("hits");
  const verdict = document.getElementById("verdict");
  const counts = document.getElementById("counts");
  const hitCount = document.getElementById("hit-count");
  const popover = document.getElementById("popover");
  const applyAll = document.getElementById("apply-all");
  const undoButton = document.getElementById("undo");
  const copyButton = document.getElementById("copy");
  const changesBox = document.getElementById("changes");
  const changeList = document.getElementById("change-list");
  const changeCount = document.getElementById("change-count");

  // What was checked: the result below describes exactly this title, text and date.
  let state = { title: "", text: "", date: "", points: { title: [], body: [] }, hits: [] };
  // Each 采纳 / 全部采纳: the box before and after it and the changes it made (undo pops the last).
  const history = [];
  let pinned = null;
  let hideTimer = null;

  // A page's HTML rather than a draft that merely mentions a tag: a document or WeChat's article body.
  function looksLikeHtml(text) {
    return /^\s*<(!doctype|html|head|body|meta)\b/i.test(text) || /id\s*=\s*["']?js_content\b/i.test(text);
  }

  function setBusy(message) {
    statusLine.textContent = message || "";
    runButton.disabled = Boolean(message);
  }

  const current = () => ({ title: titleInput.value, text: draft.value });

  // The result no longer describes the box: say so, and refuse to act on it until it is checked again.
  function isStale() {
    return !result.hidden && (draft.value !== state.text || titleInput.value !== state.title ||
      (dateInput.value || "") !== state.date);
  }

  function updateStale() {
    const stale = isStale();
    staleNote.hidden = !stale;
    result.classList.toggle("stale", stale);
    applyAll.disabled = stale || !state.hits.some((h) => h.suggestions.length === 1);
    for (const button of document.querySelectorAll("button[data-adopt]")) button.disabled = stale;
  }

  function forgetResult() {
    result.hidden = true;
    state = { title: "", text: "", date: "", points: { title: [], body: [] }, hits: [] };
    hidePopover(true);
  }

  function showExtracted(data) {
    if (data.title) titleInput.value = data.title;
    if (data.published_on) dateInput.value = data.published_on;
    const parts = [];
    if (data.title) parts.push(`标题“${data.title}”`);
    if (data.account) parts.push(`公众号“${data.account}”`);
    if (data.published_on) parts.push(`发布日期 ${data.published_on}`);
    extractedLine.textContent = parts.length ? `已从网页提取：${parts.join("，")}` : "";
    extractedLine.hidden = !parts.length;
  }

  async function extract(form) {
    const data = await request("POST", "/check/extract", form);
    history.length = 0;  // another document: the changes made to the previous one no longer apply
    titleInput.value = "";
    draft.value = data.text;
    showExtracted(data);
    if (format.value === "html") format.value = "auto";  // the box now holds text; a later paste is recognised again
    return data;
  }

  async function runFromInput() {
    try {
      if (format.value === "html" || (format.value === "auto" && looksLikeHtml(draft.value))) {
        setBusy("正在提取网页正文……");
        const form = new FormData();
        form.append("html", draft.value);
        await extract(form);
      }
      await check();
    } catch (err) {
      setBusy("");
      updateStale();
      toast(err.message, true);
    }
  }

  async function check() {
    const { title, text } = current();
    if (!text.trim()) {
      toast("请先粘贴稿件或上传文件", true);
      return;
    }
    setBusy("正在检查……");
    try {
      const body = { text };
      if (title.trim()) body.title = title;
      if (dateInput.value) body.date = dateInput.value;
      const data = await request("POST", "/api/check", body);
      state = {
        title, text, date: dateInput.value || "",
        points: { title: Array.from(title), body: Array.from(text) },
        hits: data.hits,
      };
      render();
      setBusy("");
      statusLine.textContent = `检查完成，用时 ${Math.round(data.elapsed_ms)} 毫秒（词库 ${data.lexicon_version}）`;
    } catch (err) {
      setBusy("");
      // A refused check (too long, …) leaves the previous result, which no longer matches the box.
      updateStale();
      toast(err.message, true);
    }
  }

  const slice = (field, start, end) => state.points[field].slice(start, end).join("");

  // The most serious first; at equal severity the title before the body, then by position.
  function byImportance(hits) {
    return hits.map((h, i) => i).sort((a, b) => {
      const x = hits[a], y = hits[b];
      return (SEVERITY_RANK[x.severity] ?? 9) - (SEVERITY_RANK[y.severity] ?? 9) ||
        (x.field === "title" ? 0 : 1) - (y.field === "title" ? 0 : 1) || x.start - y.start;
    });
  }

  // A field's text with each hit marked; a hit overlapping an earlier one is listed but not marked.
  function marked(field) {
    const hits = state.hits;
    const order = hits.map((h, i) => i).filter((i) => (hits[i].field || "body") === field)
      .sort((a, b) => hits[a].start - hits[b].start || hits[b].end - hits[a].end);
    const parts = [];
    let at = 0;
    for (const i of order) {
      const hit = hits[i];
      if (hit.start < at) continue;
      if (hit.start > at) parts.push(slice(field, at, hit.start));
      parts.push(el("mark", {
        class: `hit sev-${hit.severity}`, tabindex: 0, dataset: { i, severity: hit.severity },
      }, slice(field, hit.start, hit.end)));
      at = hit.end;
    }
    if (at < state.points[field].length) parts.push(slice(field, at));
    return parts;
  }

  function render() {
    hidePopover(true);
    result.hidden = false;
    const hits = state.hits;
    const serious = hits.filter((h) => h.severity === "serious").length;
    verdict.replaceChildren(
      serious ? "存在严重表述错误" : "可以发布",
      el("small", {}, serious
        ? `${serious} 处严重表述错误须修改后再发布`
        : hits.length ? `另有 ${hits.length} 处提示，请斟酌` : "未发现错敏问题"),
    );
    verdict.className = "verdict " + (serious ? "bad" : "ok");
    verdict.dataset.verdict = serious ? "serious" : "ok";

    const byCategory = new Map();
    for (const hit of hits) byCategory.set(hit.category, (byCategory.get(hit.category) || 0) + 1);
    counts.replaceChildren(...[...byCategory].sort((a, b) => b[1] - a[1])
      .map(([category, n]) => el("span", { class: "chip", dataset: { category } }, category, el("b", {}, n))));
    hitCount.textContent = `（${hits.length}）`;

    annotatedTitle.hidden = !state.title;
    annotatedTitle.replaceChildren(...marked("title"));
    annotated.replaceChildren(...marked("body"));
    textHeading.textContent = history.length ? "修改后的文本" : "原文";

    list.replaceChildren(...byImportance(hits).map((i) => {
      const hit = hits[i];
      return el("li", { dataset: { i }, class: `sev-item-${hit.severity}` },
        el("div", {},
          el("span", { class: `sev sev-${hit.severity}` }, LABELS[hit.severity] || hit.severity), " ",
          el("span", { class: "cat" }, hit.category),
          hit.field === "title" ? el("span", { class: "where" }, "标题") : null),
        el("p", {},
          el("span", { class: "wrong" }, hit.text),
          hit.suggestions.length ? [el("span", { class: "arrow" }, "→"),
            el("span", { class: "right" }, hit.suggestions.join("／"))] : null),
        el("p", { class: "msg" }, hit.message),
        hit.source ? el("p", { class: "src" }, "出处：", hit.source) : null,
        adoptButtons(i, "small"));
    }));
    if (!hits.length) list.replaceChildren(el("li", { class: "empty" }, "未发现错敏问题。"));
    renderChanges();
    updateStale();
  }

  function renderChanges() {
    const all = history.flatMap((step) => step.changes);
    changesBox.hidden = !all.length;
    changeCount.textContent = `（${all.length}）`;
    changeList.replaceChildren(...all.map((c) => el("li", {},
      c.field === "title" ? "标题：" : "", el("span", { class: "wrong" }, c.from),
      el("span", { class: "arrow" }, "→"), el("span", { class: "right" }, c.to))));
    undoButton.disabled = !history.length;
    undoButton.title = history.length ? `撤销：${history[history.length - 1].label}` : "";
  }

  function adoptButtons(i, size) {
    const hit = state.hits[i];
    if (!hit.suggestions.length) return null;
    return el("div", { class: "buttons" }, hit.suggestions.map((s) =>
      el("button", {
        type: "button", class: size, dataset: { adopt: i, suggestion: s }, disabled: isStale(),
        title: `把“${hit.text}”改为“${s}”并重新检查`,
      }, hit.suggestions.length > 1 ? `采纳：${s}` : "采纳")));
  }

  function refuseStale() {
    if (!isStale()) return false;
    toast("输入框中的文字已改过，请先重新检查，再采纳建议", true);
    return true;
  }

  // Replace the chosen hits (each with its replacement) in the checked title and text, then check again.
  function replaceHits(chosen, label) {
    const points = { title: state.points.title.slice(), body: state.points.body.slice() };
    const limit = { title: Infinity, body: Infinity };
    const changes = [];
    // From the end backwards, so that earlier offsets stay valid; a hit overlapping one already replaced is skipped.
    for (const { hit, to } of chosen.slice().sort((a, b) => b.hit.start - a.hit.start)) {
      const field = hit.field || "body";
      if (hit.end > limit[field]) continue;
      points[field].splice(hit.start, hit.end - hit.start, ...Array.from(to));
      limit[field] = hit.start;
      changes.unshift({ field, from: hit.text, to });
    }
    if (!changes.length) return 0;
    const before = { title: state.title, text: state.text };
    titleInput.value = points.title.join("");
    draft.value = points.body.join("");
    history.push({ label, before, after: current(), changes });
    check();
    return changes.length;
  }

  function adopt(i, suggestion) {
    if (refuseStale()) return;
    const hit = state.hits[i];
    replaceHits([{ hit, to: suggestion }], `“${hit.text}”→“${suggestion}”`);
  }

  function adoptAll() {
    if (refuseStale()) return;
    // Only hits with exactly one suggestion: between two, the editor chooses.
    const single = state.hits.filter((h) => h.suggestions.length === 1).map((hit) => ({ hit, to: hit.suggestions[0] }));
    const choices = state.hits.filter((h) => h.suggestions.length > 1).length;
    const n = replaceHits(single, `全部采纳 ${single.length} 处`);
    if (history.length && n) history[history.length - 1].label = `全部采纳 ${n} 处`;
    const rest = choices ? `；${choices} 处有多个建议，请逐一选择` : "";
    toast(`已采纳 ${n} 处建议${rest}，正在重新检查`);
  }

  function undo() {
    const step = history[history.length - 1];
    if (!step) return;
    const now = current();
    if ((now.title !== step.after.title || now.text !== step.after.text) &&
        !window.confirm("采纳之后输入框中的文字又改过，撤销会一并丢弃这些改动。继续撤销吗？")) return;
    history.pop();
    titleInput.value = step.before.title;
    draft.value = step.before.text;
    toast(`已撤销：${step.label}，正在重新检查`);
    check();
  }

  async function copyText() {
    const text = draft.value;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
      } else {
        // http:// inside the office network is not a secure context: the old way still works there.
        const scratch = el("textarea", { readonly: true });
        scratch.style.position = "fixed";
        scratch.style.top = "-1000px";
        scratch.value = text;
        document.body.append(scratch);
        scratch.select();
        const ok = document.execCommand("copy");
        scratch.remove();
        if (!ok) throw new Error("copy refused");
      }
      toast(history.length ? "已复制修改后的文本" : "已复制输入框中的文本");
    } catch (err) {
      draft.focus();
      draft.select();
      toast("浏览器不允许自动复制：已选中输入框中的文本，请按 Ctrl+C", true);
    }
  }

  // -- the popover: hover shows, click pins --
  function showPopover(mark, pin) {
    clearTimeout(hideTimer);
    const i = Number(mark.dataset.i);
    const hit = state.hits[i];
    popover.replaceChildren(
      el("p", {}, el("span", { class: `sev sev-${hit.severity}` }, LABELS[hit.severity] || hit.severity), " ",
        el("span", { class: "cat" }, hit.category)),
      el("p", {}, el("b", {}, hit.text), hit.suggestions.length ? ` → ${hit.suggestions.join("／")}` : ""),
      el("p", { class: "msg" }, hit.message),
      hit.source ? el("p", { class: "src" }, "出处：", hit.source) : null,
      adoptButtons(i, "small"));
    popover.hidden = false;
    const box = mark.getBoundingClientRect();
    const left = Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - popover.offsetWidth - 12);
    popover.style.left = `${Math.max(8, left)}px`;
    popover.style.top = `${box.bottom + window.scrollY + 6}px`;
    for (const node of document.querySelectorAll(".active")) node.classList.remove("active");
    mark.classList.add("active");
    const item = list.querySelector(`li[data-i="${i}"]`);
    if (item) item.classList.add("active");
    if (pin) {
      pinned = mark;
      if (item) item.scrollIntoView({ block: "nearest" });
    }
  }

  function hidePopover(force) {
    if (pinned && !force) return;
    pinned = null;
    popover.hidden = true;
    for (const node of document.querySelectorAll(".active")) node.classList.remove("active");
  }

  for (const box of [annotated, annotatedTitle]) {
  box.addEventListener("mouseover", (e) => {
    const mark = e.target.closest("mark.hit");
    if (mark && !pinned) showPopover(mark, false);
  });
  box.addEventListener("mouseout", (e) => {
    if (e.target.closest("mark.hit") && !pinned) hideTimer = setTimeout(() => hidePopover(false), 300);
  });
  popover.addEventListener("mouseover", () => clearTimeout(hideTimer));
  popover.addEventListener("mouseout", () => { if (!pinned) hideTimer = setTimeout(() => hidePopover(false), 300); });
  box.addEventListener("click", (e) => {
    const mark = e.target.closest("mark.hit");
    if (mark) showPopover(mark, true);
  });
  box.addEventListener("keydown", (e) => {
    const mark = e.target.closest("mark.hit");
    if (mark && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      showPopover(mark, true);
    }
  });
  }
  list.addEventListener("click", (e) => {
    const item = e.target.closest("li[data-i]");
    if (!item || e.target.closest("button")) return;
    const mark = result.querySelector(`mark[data-i="${item.dataset.i}"]`);
    if (mark) {
      mark.scrollIntoView({ block: "center" });
      showPopover(mark, true);
    }
  });
  document.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-adopt]");
    if (button) {
      adopt(Number(button.dataset.adopt), button.dataset.suggestion);
      return;
    }
    if (pinned && !e.target.closest(".popover") && !e.target.closest("mark.hit")) hidePopover(true);
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") hidePopover(true);
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      runFromInput();
    }
  });

  runButton.addEventListener("click", runFromInput);
  recheck.addEventListener("click", runFromInput);
  applyAll.addEventListener("click", adoptAll);
  undoButton.addEventListener("click", undo);
  for (const input of [draft, titleInput, dateInput]) input.addEventListener("input", updateStale);
  copyButton.addEventListener("click", copyText);
  fileInput.closest("label").addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      fileInput.click();
    }
  });
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files[0];
    if (!file) return;
    const form = new FormData();
    form.append("file", file, file.name);
    try {
      setBusy(`正在读取 ${file.name}……`);
      await extract(form);
      await check();
    } catch (err) {
      setBusy("");
      // The file was refused: a result of the earlier text must not look like this file's.
      forgetResult();
      toast(`${file.name}：${err.message}`, true);
    } finally {
      fileInput.value = "";
    }
  });
})();
