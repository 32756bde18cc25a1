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

  let started = 0;

  function showJob(job) {
    bar.max = Math.max(job.total, 1);
    const seconds = Math.round((Date.now() - started) / 1000);
    if (job.status === "running" && job.done === 0) {
      // Workers load the lexicons before the first article: say that it has started, and for how long.
      bar.removeAttribute("value");  // an indeterminate bar moves while nothing is counted yet
      text.textContent = `重新扫描已开始（任务编号 ${job.id}，共 ${job.total} 篇）：正在加载词库（使用 PostgreSQL 时等待 cuomin worker 进程），已用 ${seconds} 秒……`;
      box.dataset.status = "starting";
      return;
    }
    bar.value = job.status === "done" ? bar.max : job.done;
    const percent = job.total ? Math.floor((100 * job.done) / job.total) : 100;
    const counts = `已扫描 ${job.done} / ${job.total} 篇（${percent}%，${seconds} 秒）；新增 ${job.added} 条，保留 ${job.kept} 条，过时 ${job.obsolete} 条`;
    const state = { running: "正在重新扫描", done: "重新扫描完成", failed: "重新扫描失败" }[job.status] || job.status;
    text.textContent = `${state}：${counts}${job.error ? "（" + job.error + "）" : ""}`;
    box.dataset.status = job.status;
  }

  async function follow(id) {
    for (;;) {
      const job = await request("GET", `/api/rescans/${id}`);
      job.id = id;
      showJob(job);
      if (job.status !== "running") return job;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  button.addEventListener("click", async () => {
    if (!confirm(`用当前词库和豁免重新扫描${button.textContent.replace("用当前词库重新扫描", "")}的全部文章？已有的审核结论保留。`)) return;
    button.disabled = true;
    box.hidden = false;
    started = Date.now();
    bar.removeAttribute("value");
    text.textContent = "正在启动重新扫描……";
    try {
      const job = await follow((await request("POST", "/api/rescans", { quarter: button.dataset.quarter })).id);
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
