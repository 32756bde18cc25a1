/* 账号管理 and 豁免: register (POST /api/accounts), import (POST /api/accounts/import) with its row errors,
   edit (PATCH), deactivate (DELETE) and re-activate accounts; revoke exemptions (DELETE /api/exemptions/{id}). */
"use strict";

(() => {
  const { el, request, toast } = cm;
  const reload = (delay) => setTimeout(() => location.reload(), delay || 600);

  for (const box of document.querySelectorAll("[data-autosubmit]")) {
    box.addEventListener("change", () => box.form.submit());
  }

  const register = document.getElementById("register-form");
  if (register) {
    register.addEventListener("submit", async (e) => {
      e.preventDefault();
      const data = Object.fromEntries(new FormData(register));
      if (!data.organization.trim()) delete data.organization;
      try {
        const account = await request("POST", "/api/accounts", data);
        toast(`已登记：${account.name}（${account.filing_no}）`);
        register.reset();
        reload();
      } catch (err) {
        toast(err.message, true);
      }
    });
  }

  const importForm = document.getElementById("import-form");
  if (importForm) {
    const result = document.getElementById("import-result");
    const summary = result.querySelector(".import-summary");
    const table = result.querySelector(".import-errors");
    importForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        const report = await request("POST", "/api/accounts/import", new FormData(importForm));
        result.hidden = false;
        summary.textContent = `新增 ${report.created} 个，更新 ${report.updated} 个，未变 ${report.unchanged} 个` +
          (report.errors.length ? `；${report.errors.length} 行未导入：` : "。");
        table.hidden = !report.errors.length;
        table.tBodies[0].replaceChildren(...report.errors.map((problem) =>
          el("tr", {}, el("td", { "data-label": "行号" }, problem.line), el("td", { "data-label": "原因" }, problem.message))));
        toast(report.errors.length ? "导入完成，有的行未导入，见下表" : "导入完成");
      } catch (err) {
        result.hidden = false;
        summary.textContent = err.message;
        table.hidden = true;
        toast(err.message, true);
      }
    });
  }

  const dialog = document.getElementById("edit-dialog");
  let editing = null;
  document.addEventListener("click", async (e) => {
    const row = e.target.closest("tr[data-id]");
    if (e.target.closest("[data-edit]") && dialog) {
      editing = row;
      const form = dialog.querySelector("form");
      form.elements.name.value = row.dataset.name;
      form.elements.platform.value = row.dataset.platform;
      form.elements.organization.value = row.dataset.organization;
      dialog.querySelector("[data-filing-no]").textContent = row.dataset.filingNo;
      dialog.showModal();
    } else if (e.target.closest("[data-deactivate]")) {
      if (!window.confirm(`停用“${row.dataset.name}”？停用后不再接收文章；账号、文章和命中都保留，可重新启用。`)) return;
      try {
        await request("DELETE", `/api/accounts/${row.dataset.id}`);
        toast(`已停用：${row.dataset.name}`);
        reload();
      } catch (err) {
        toast(err.message, true);
      }
    } else if (e.target.closest("[data-activate]")) {
      try {
        await request("PATCH", `/api/accounts/${row.dataset.id}`, { active: true });
        toast(`已重新启用：${row.dataset.name}`);
        reload();
      } catch (err) {
        toast(err.message, true);
      }
    } else if (e.target.closest("[data-revoke]")) {
      const id = e.target.closest("[data-revoke]").dataset.revoke;
      if (!window.confirm(`删除豁免 #${id}？以后入库和重新扫描的文章将照常检查；已排除的命中保持排除。`)) return;
      try {
        await request("DELETE", `/api/exemptions/${id}`);
        toast(`已删除豁免 #${id}`);
        reload();
      } catch (err) {
        toast(err.message, true);
      }
    }
  });
  if (dialog) {
    dialog.querySelector("[data-close]").addEventListener("click", () => dialog.close());
    dialog.querySelector("form").addEventListener("submit", () => {
      const form = dialog.querySelector("form");
      const body = { name: form.elements.name.value.trim(), platform: form.elements.platform.value };
      const organization = form.elements.organization.value.trim();
      body.organization = organization || null;
      // method="dialog" closes the dialog; the request goes after.
      setTimeout(async () => {
        try {
          await request("PATCH", `/api/accounts/${editing.dataset.id}`, body);
          toast("已保存");
          reload();
        } catch (err) {
          toast(err.message, true);
        }
      }, 0);
    });
  }
})();
