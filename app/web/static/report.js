/* 季度报告: start a re-scan (POST /api/rescans) and follow it (GET /api/rescans/{id}) until it ends. */
"use strict";

(() => {
  const { request, toast } = cm;
  const button = document.getElementById("rescan");
  const box = document.getElementById("rescan-progress");
  const bar = box.querySelector("progress");
  const text = box.querySelector(".progress-text");
  const quarter = document.getElementById("quarter");

  quarter.addEventListener("change", () => quarter.form.submit());
  document.getElementById("print").addEventListener("click", () => window.print());

  function showJob(job) {
    bar.max = Math.max(job.total, 1);
    bar.value = job.status === "done" ? bar.max : job.done;
    const counts = `已扫描 ${job.done} / ${job.total} 篇；新增 ${job.added} 条，保留 ${job.kept} 条，过时 ${job.obsolete} 条`;
    const state = { running: "正在重新扫描", done: "重新扫描完成", failed: "重新扫描失败" }[job.status] || job.status;
    text.textContent = `${state}：${counts}${job.error ? "（" + job.error + "）" : ""}`;
    box.dataset.status = job.status;
  }

  async function follow(id) {
    for (;;) {
      const job = await request("GET", `/api/rescans/${id}`);
      showJob(job);
      if (job.status !== "running") return job;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  button.addEventListener("click", async () => {
    if (!confirm(`用当前词库和豁免重新扫描${button.textContent.replace("用当前词库重新扫描", "")}的全部文章？已有的审核结论保留。`)) return;
    button.disabled = true;
    box.hidden = false;
    text.textContent = "正在启动……";
    try {
      const started = await request("POST", "/api/rescans", { quarter: button.dataset.quarter });
      const job = await follow(started.id);
      if (job.status === "done") {
        toast("重新扫描完成，报告已更新");
        const reload = document.createElement("a");
        reload.href = location.pathname + location.search;
        reload.textContent = "刷新报告";
        text.append("　", reload);
      } else {
        toast("重新扫描失败", true);
      }
    } catch (err) {
      text.textContent = err.message;
      toast(err.message, true);
    } finally {
      button.disabled = false;
    }
  });
})();
