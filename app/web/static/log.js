/* A hit's review log (GET /api/hits/{id}/log) in a dialog: any button with data-log="<hit id>" opens it. */
"use strict";

(() => {
  const { el, request, toast } = cm;
  const dialog = document.getElementById("log-dialog");
  if (!dialog) return;
  const STATUS = JSON.parse(document.getElementById("status-labels").textContent);
  const body = dialog.querySelector("[data-log-rows]");
  const title = dialog.querySelector("[data-log-title]");
  const when = (iso) => new Date(iso.endsWith("Z") || iso.includes("+") ? iso : iso + "Z")
    .toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });

  async function open(hitId) {
    try {
      const log = await request("GET", `/api/hits/${hitId}/log`);
      title.textContent = `命中 #${hitId}`;
      body.replaceChildren(...(log.items.length ? log.items.map((e) => el("tr", {},
        el("td", { class: "nowrap", "data-label": "时间" }, when(e.at)),
        el("td", { "data-label": "谁" }, e.actor || "—"),
        el("td", { "data-label": "从" }, STATUS[e.from_status] || e.from_status),
        el("td", { "data-label": "到" }, STATUS[e.to_status] || e.to_status),
        el("td", { "data-label": "备注" }, e.note || ""))) :
        [el("tr", {}, el("td", { colspan: 5, class: "empty" }, "还没有审核记录：入库以来一直待审核。"))]));
      dialog.showModal();
    } catch (err) {
      toast(err.message, true);
    }
  }

  document.addEventListener("click", (e) => {
    const button = e.target.closest("[data-log]");
    if (button) open(button.dataset.log);
  });
  dialog.querySelector("[data-close]").addEventListener("click", () => dialog.close());
})();
