/* 审核: j/k move, c confirm, d dismiss, e exempt, x select; bulk actions on the selection.
   Every action is the JSON API (PATCH /api/hits/{id}, POST /api/hits/review, POST /api/exemptions). */
"use strict";

(() => {
  const { request, toast } = cm;
  const STATUS = { pending: "待审核", confirmed: "已确认", dismissed: "已排除", obsolete: "已过时" };
  const queue = document.getElementById("queue");
  const rows = () => [...queue.querySelectorAll("li.hit-row")];
  const note = document.getElementById("note");
  const selectAll = document.getElementById("select-all");
  const selectedCount = document.getElementById("selected-count");
  const dialog = document.getElementById("exempt-dialog");
  const form = document.getElementById("exempt-form");
  const bulkBox = document.getElementById("bulk");
  const selectMatching = document.getElementById("select-matching");
  const apiFilter = JSON.parse(document.getElementById("api-filter").textContent);
  const total = Number(bulkBox.dataset.total);
  let current = null;
  // "all": every hit the filter matches (not only this page); "ids": the hits a filter-wide action just
  // changed, kept selected so that 退回待审 can undo it even though they no longer match the filter.
  let wide = null;

  function focusRow(row) {
    if (!row) return;
    if (current) current.classList.remove("current");
    current = row;
    row.classList.add("current");
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    const all = rows();
    if (!all.length) return;
    const at = current ? all.indexOf(current) : -1;
    focusRow(all[Math.max(0, Math.min(all.length - 1, at + step))] || all[0]);
  }

  function show(hit) {
    const row = queue.querySelector(`li.hit-row[data-id="${hit.id}"]`);
    if (!row) return;
    row.className = row.className.replace(/\bstatus-\w+/, `status-${hit.status}`);
    row.querySelector("[data-status]").textContent = STATUS[hit.status] || hit.status;
    const info = [];
    if (hit.reviewer) info.push(` · ${hit.reviewer}`);
    if (hit.note) info.push(` · 备注：${hit.note}`);
    row.querySelector("[data-review-info]").textContent = info.join("");
  }

  function noteValue() {
    const value = note.value.trim();
    return value ? value : undefined;
  }

  // A note belongs to the review it was written for: cleared once used, so it never sticks to the next.
  function noteUsed() {
    note.value = "";
  }

  async function review(row, status) {
    if (!row) return;
    try {
      const hit = await request("PATCH", `/api/hits/${row.dataset.id}`, { status, note: noteValue() });
      noteUsed();
      show(hit);
      toast(`#${hit.id} ${STATUS[hit.status]}`);
      if (row === current) move(1);
    } catch (err) {
      toast(err.message, true);
    }
  }

  function selected() {
    return rows().filter((row) => row.querySelector(".pick").checked);
  }

  function updateSelection() {
    const picked = selected();
    for (const row of rows()) row.classList.toggle("selected", row.querySelector(".pick").checked);
    const all = rows();
    selectAll.checked = picked.length > 0 && picked.length === all.length;
    if (wide && wide.kind === "all" && !selectAll.checked) wide = null;
    if (selectMatching) selectMatching.hidden = !selectAll.checked || Boolean(wide);
    if (wide && wide.kind === "all") selectedCount.textContent = `已选全部 ${total} 条符合筛选的命中`;
    else if (wide) selectedCount.textContent = `已选刚才处理的 ${wide.ids.length} 条`;
    else selectedCount.textContent = `已选 ${picked.length} 条`;
  }

  const STATUS_VERB = { confirmed: "确认", dismissed: "排除", pending: "退回待审" };

  async function bulk(status) {
    const picked = selected();
    const count = wide && wide.kind === "all" ? total : wide ? wide.ids.length : picked.length;
    if (!count) {
      toast("请先选中命中（勾选，或按 x）", true);
      return;
    }
    // Dismissing, or anything beyond this page, is asked for once more: it cannot be undone by a keystroke.
    if ((status === "dismissed" || (wide && wide.kind === "all")) &&
        !window.confirm(`${STATUS_VERB[status]}${wide && wide.kind === "all" ? "符合筛选的全部" : "所选"} ${count} 条命中？`)) return;
    try {
      if (wide && wide.kind === "all") {
        const result = await request("POST", "/api/hits/review-matching", {
          filter: apiFilter, expected: total, status, note: noteValue(),
        });
        noteUsed();
        wide = { kind: "ids", ids: result.ids };
        for (const hit of await Promise.all(picked.map((row) => request("GET", `/api/hits/${row.dataset.id}`)))) show(hit);
        updateSelection();
        const skipped = result.obsolete ? `，${result.obsolete} 条已过时未处理` : "";
        toast(`${result.ids.length} 条命中已设为${STATUS[status]}（${result.updated} 条有变化${skipped}）`);
        return;
      }
      const ids = wide ? wide.ids : picked.map((row) => Number(row.dataset.id));
      let updated = 0;
      // The API takes 1,000 ids a request; the ids of a filter-wide action may be more.
      for (let at = 0; at < ids.length; at += 1000) {
        const result = await request("POST", "/api/hits/review", { ids: ids.slice(at, at + 1000), status, note: noteValue() });
        result.items.forEach(show);
        updated += result.updated;
      }
      noteUsed();
      // The selection stays: the next bulk action (退回待审) can undo this one.
      updateSelection();
      toast(`${count} 条命中已设为${STATUS[status]}（${updated} 条有变化）`);
    } catch (err) {
      toast(err.message, true);
    }
  }

  function openExempt(row) {
    if (!row) return;
    focusRow(row);
    form.reset();
    form.elements.phrase.value = row.dataset.text;
    form.querySelector("[data-rule-label]").textContent = row.dataset.rule;
    form.elements.scope.querySelector('option[value="organization"]').disabled = !row.dataset.organizationId;
    form.elements.reason.value = note.value.trim();
    dialog.returnValue = "";
    delete preview.dataset.count;
    dialog.showModal();
    form.elements.reason.focus();
    updatePreview();
  }

  function exemptBody(row) {
    const kind = form.elements.kind.value;
    const scope = form.elements.scope.value;
    const body = { kind, value: kind === "rule" ? row.dataset.rule : form.elements.phrase.value.trim(), scope };
    if (scope === "account") body.account_id = Number(row.dataset.accountId);
    if (scope === "organization") body.organization_id = Number(row.dataset.organizationId);
    return body;
  }

  // Before it is made: how many pending hits the exemption will dismiss (POST /api/exemptions/preview).
  const preview = form.querySelector("[data-testid=exempt-preview]");
  let previewTimer = null;
  let previewSeq = 0;
  function updatePreview() {
    clearTimeout(previewTimer);
    const row = current;
    const body = exemptBody(row);
    if (!body.value) {
      preview.textContent = "";
      return;
    }
    preview.textContent = "正在计算将排除的命中……";
    const seq = ++previewSeq;
    previewTimer = setTimeout(async () => {
      try {
        const result = await request("POST", "/api/exemptions/preview", body);
        if (seq !== previewSeq) return;
        preview.textContent = `豁免后将立即排除 ${result.would_dismiss} 条待审核命中（记入审核记录）。`;
        preview.dataset.count = result.would_dismiss;
      } catch (err) {
        if (seq === previewSeq) preview.textContent = err.message;
      }
    }, 200);
  }
  form.addEventListener("input", (e) => { if (e.target.name !== "reason") updatePreview(); });
  form.addEventListener("change", (e) => { if (e.target.name !== "reason") updatePreview(); });

  async function submitExempt() {
    const row = current;
    const body = { ...exemptBody(row), reason: form.elements.reason.value.trim() };
    try {
      const created = await request("POST", "/api/exemptions", body);
      noteUsed();
      toast(`已豁免：排除了 ${created.dismissed} 条待审核命中`);
      if (created.dismissed > 1) {
        setTimeout(() => location.reload(), 800);
      } else {
        const hit = await request("GET", `/api/hits/${row.dataset.id}`);
        show(hit);
        move(1);
      }
    } catch (err) {
      toast(err.message, true);
    }
  }

  form.addEventListener("submit", (e) => {
    if (!form.elements.reason.value.trim()) {
      e.preventDefault();
      toast("请填写豁免理由", true);
      return;
    }
    // method="dialog" closes the dialog; the request goes after.
    setTimeout(submitExempt, 0);
  });
  form.querySelector("[data-close]").addEventListener("click", () => dialog.close());

  queue.addEventListener("click", (e) => {
    const row = e.target.closest("li.hit-row");
    if (!row) return;
    const button = e.target.closest("button[data-act]");
    if (e.target.classList.contains("pick")) {
      wide = null;
      updateSelection();
      return;
    }
    focusRow(row);
    if (!button) return;
    if (button.dataset.act === "exempt") openExempt(row);
    else review(row, button.dataset.act);
  });
  selectAll.addEventListener("change", () => {
    for (const row of rows()) row.querySelector(".pick").checked = selectAll.checked;
    wide = null;
    updateSelection();
  });
  if (selectMatching) {
    selectMatching.addEventListener("click", () => {
      wide = { kind: "all" };
      updateSelection();
    });
  }
  for (const button of document.querySelectorAll("button[data-bulk]")) {
    button.addEventListener("click", () => bulk(button.dataset.bulk));
  }

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || cm.typing(e) || dialog.open) return;
    const key = e.key;
    if (key === "j") move(1);
    else if (key === "k") move(-1);
    else if (key === "c") review(current, "confirmed");
    else if (key === "d") review(current, "dismissed");
    else if (key === "e") openExempt(current);
    else if (key === "x" && current) {
      const pick = current.querySelector(".pick");
      pick.checked = !pick.checked;
      wide = null;
      updateSelection();
    } else if (key === "Escape") note.blur();
    else return;
    e.preventDefault();
  });
  note.addEventListener("keydown", (e) => {
    if (e.key === "Escape" || e.key === "Enter") {
      e.preventDefault();
      note.blur();
      if (current) current.focus({ preventScroll: true });
    }
  });

  focusRow(rows()[0]);
})();
