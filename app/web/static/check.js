/* 草稿检查: POST /api/check, highlights by severity, 采纳 / 全部采纳 (replace and re-check), verdict, copy.
   Hit offsets count Unicode code points (Python's str), so the text is handled as an array of code points. */
"use strict";

(() => {
  const { el, request, toast } = cm;
  const LABELS = JSON.parse(document.getElementById("severity-labels").textContent);
  const draft = document.getElementById("draft");
  const format = document.getElementById("format");
  const dateInput = document.getElementById("date");
  const fileInput = document.getElementById("file");
  const runButton = document.getElementById("run");
  const statusLine = document.getElementById("status");
  const result = document.getElementById("result");
  const annotated = document.getElementById("annotated");
  const list = document.getElementById("hits");
  const verdict = document.getElementById("verdict");
  const counts = document.getElementById("counts");
  const hitCount = document.getElementById("hit-count");
  const popover = document.getElementById("popover");
  const applyAll = document.getElementById("apply-all");
  const copyButton = document.getElementById("copy");

  let state = { text: "", points: [], hits: [] };
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

  async function extract(form) {
    const data = await request("POST", "/check/extract", form);
    draft.value = data.text;
    if (format.value === "html") format.value = "auto";  // the box now holds text; a later paste is recognised again
    return data;
  }

  async function runFromInput() {
    try {
      let text = draft.value;
      if (format.value === "html" || (format.value === "auto" && looksLikeHtml(text))) {
        setBusy("正在提取网页正文……");
        const form = new FormData();
        form.append("html", text);
        text = (await extract(form)).text;
      }
      await check(text);
    } catch (err) {
      setBusy("");
      toast(err.message, true);
    }
  }

  async function check(text) {
    if (!text.trim()) {
      toast("请先粘贴稿件或上传文件", true);
      return;
    }
    setBusy("正在检查……");
    try {
      const body = { text };
      if (dateInput.value) body.date = dateInput.value;
      const data = await request("POST", "/api/check", body);
      state = { text, points: Array.from(text), hits: data.hits };
      render();
      setBusy("");
      statusLine.textContent = `检查完成，用时 ${Math.round(data.elapsed_ms)} 毫秒（词库 ${data.lexicon_version}）`;
    } catch (err) {
      setBusy("");
      toast(err.message, true);
    }
  }

  const slice = (start, end) => state.points.slice(start, end).join("");

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

    // The text with each hit marked; a hit overlapping an earlier one is listed but not marked.
    const order = hits.map((h, i) => i).sort((a, b) => hits[a].start - hits[b].start || hits[b].end - hits[a].end);
    const parts = [];
    let at = 0;
    for (const i of order) {
      const hit = hits[i];
      if (hit.start < at) continue;
      if (hit.start > at) parts.push(slice(at, hit.start));
      parts.push(el("mark", {
        class: `hit sev-${hit.severity}`, tabindex: 0, dataset: { i, severity: hit.severity },
      }, slice(hit.start, hit.end)));
      at = hit.end;
    }
    if (at < state.points.length) parts.push(slice(at));
    annotated.replaceChildren(...parts);

    list.replaceChildren(...order.map((i) => {
      const hit = hits[i];
      return el("li", { dataset: { i }, class: `sev-item-${hit.severity}` },
        el("div", {},
          el("span", { class: `sev sev-${hit.severity}` }, LABELS[hit.severity] || hit.severity), " ",
          el("span", { class: "cat" }, hit.category)),
        el("p", {},
          el("span", { class: "wrong" }, hit.text),
          hit.suggestions.length ? [el("span", { class: "arrow" }, "→"),
            el("span", { class: "right" }, hit.suggestions.join("／"))] : null),
        el("p", { class: "msg" }, hit.message),
        hit.source ? el("p", { class: "src" }, "出处：", hit.source) : null,
        adoptButtons(i, "small"));
    }));
    if (!hits.length) list.replaceChildren(el("li", { class: "empty" }, "未发现错敏问题。"));
    applyAll.disabled = !hits.some((h) => h.suggestions.length);
  }

  function adoptButtons(i, size) {
    const hit = state.hits[i];
    if (!hit.suggestions.length) return null;
    return el("div", { class: "buttons" }, hit.suggestions.map((s) =>
      el("button", {
        type: "button", class: size, dataset: { adopt: i, suggestion: s },
        title: `把“${hit.text}”改为“${s}”并重新检查`,
      }, hit.suggestions.length > 1 ? `采纳：${s}` : "采纳")));
  }

  function adopt(i, suggestion) {
    const hit = state.hits[i];
    const text = slice(0, hit.start) + suggestion + slice(hit.end);
    draft.value = text;
    check(text);
  }

  function adoptAll() {
    // From the end backwards, so that earlier offsets stay valid; overlapping hits after the first are skipped.
    const chosen = state.hits.filter((h) => h.suggestions.length).sort((a, b) => b.start - a.start);
    const points = state.points.slice();
    let limit = Infinity;
    let n = 0;
    for (const hit of chosen) {
      if (hit.end > limit) continue;
      points.splice(hit.start, hit.end - hit.start, ...Array.from(hit.suggestions[0]));
      limit = hit.start;
      n += 1;
    }
    const text = points.join("");
    draft.value = text;
    toast(`已采纳 ${n} 处建议，正在重新检查`);
    check(text);
  }

  async function copyText() {
    const text = state.text || draft.value;
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
      toast("已复制修改后的文本");
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

  annotated.addEventListener("mouseover", (e) => {
    const mark = e.target.closest("mark.hit");
    if (mark && !pinned) showPopover(mark, false);
  });
  annotated.addEventListener("mouseout", (e) => {
    if (e.target.closest("mark.hit") && !pinned) hideTimer = setTimeout(() => hidePopover(false), 300);
  });
  popover.addEventListener("mouseover", () => clearTimeout(hideTimer));
  popover.addEventListener("mouseout", () => { if (!pinned) hideTimer = setTimeout(() => hidePopover(false), 300); });
  annotated.addEventListener("click", (e) => {
    const mark = e.target.closest("mark.hit");
    if (mark) showPopover(mark, true);
  });
  annotated.addEventListener("keydown", (e) => {
    const mark = e.target.closest("mark.hit");
    if (mark && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      showPopover(mark, true);
    }
  });
  list.addEventListener("click", (e) => {
    const item = e.target.closest("li[data-i]");
    if (!item || e.target.closest("button")) return;
    const mark = annotated.querySelector(`mark[data-i="${item.dataset.i}"]`);
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
  applyAll.addEventListener("click", adoptAll);
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
      const data = await extract(form);
      await check(data.text);
    } catch (err) {
      setBusy("");
      toast(err.message, true);
    } finally {
      fileInput.value = "";
    }
  });
})();
