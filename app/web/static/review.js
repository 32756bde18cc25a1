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
  let current = null;

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

  async function review(row, status) {
    if (!row) return;
    try {
      const hit = await request("PATCH", `/api/hits/${row.dataset.id}`, { status, note: noteValue() });
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
    selectedCount.textContent = `已选 ${picked.length} 条`;
    selectAll.checked = picked.length > 0 && picked.length === rows().length;
  }

  async function bulk(status) {
    const picked = selected();
    if (!picked.length) {
      toast("请先选中命中（勾选，或按 x）", true);
      return;
    }
    try {
      const result = await request("POST", "/api/hits/review", {
        ids: picked.map((row) => Number(row.dataset.id)), status, note: noteValue(),
      });
      result.items.forEach(show);
      for (const row of picked) row.querySelector(".pick").checked = false;
      updateSelection();
      toast(`${picked.length} 条命中已设为${STATUS[status]}（${result.updated} 条有变化）`);
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
    dialog.showModal();
    form.elements.reason.focus();
  }

  async function submitExempt() {
    const row = current;
    const kind = form.elements.kind.value;
    const scope = form.elements.scope.value;
    const body = {
      kind,
      value: kind === "rule" ? row.dataset.rule : form.elements.phrase.value.trim(),
      scope,
      reason: form.elements.reason.value.trim(),
    };
    if (scope === "account") body.account_id = Number(row.dataset.accountId);
    if (scope === "organization") body.organization_id = Number(row.dataset.organizationId);
    try {
      const created = await request("POST", "/api/exemptions", body);
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
    updateSelection();
  });
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
