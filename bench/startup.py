"""Start-up: the wall time of `cuomin check FILE` on a one-line draft, and of `cuomin serve` until it answers.

    .venv/bin/python bench/startup.py [--runs 5]

Each figure is the median of --runs fresh processes, in one run:
- baseline: a process that builds the detector from the YAML lexicons and loads jieba's dictionary,
  then checks the draft (what `cuomin check` did before the compiled cache);
- `cuomin check` with an empty cache directory (it compiles and saves the detector and the word table);
- `cuomin check` on the warm cache (the target: under 0.5 s);
- `cuomin serve` (one worker, warm cache) until /healthz answers.
The machine's other load shows in every figure alike; compare them with each other.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving import CUOMIN, cuomin_serve  # noqa: E402

DRAFT = "截止目前，他做为一名党员冲锋在前。\n"
BASELINE = """
import datetime as dt, sys
from app.config import DEFAULT_LEXICON_DIR
from app.detection.detector import Detector
from app.detection.segment import tokenizer
detector = Detector.from_dir(DEFAULT_LEXICON_DIR)
tokenizer()
hits = detector.check(open(sys.argv[1], encoding="utf-8").read(), date=dt.date(2024, 5, 1))
assert hits, "the draft should have hits"
"""


CPU_SECONDS: list[float] = []  # user + system time of each process wall() ran, in order


def wall(command: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, cwd=ROOT, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_SECONDS.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    if done.returncode not in (0, 1):  # 1: the draft has a serious hit
        raise SystemExit(f"{command} failed:\n{done.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    med = statistics.median
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / "draft.txt"
        draft.write_text(DRAFT, encoding="utf-8")
        base = med([wall([sys.executable, "-c", BASELINE, str(draft)], {}) for _ in range(args.runs)])
        base_cpu = med(CPU_SECONDS[-args.runs :])
        print(f"基线（从 YAML 编译检测器并加载 jieba 词典，再检查）：{base:.2f} s（CPU {base_cpu:.2f} s）", flush=True)
        cold = []
        for n in range(args.runs):
            env = {"CUOMIN_CACHE_DIR": str(Path(tmp) / f"cold-{n}")}
            cold.append(wall([*CUOMIN, "check", str(draft)], env))
        print(f"cuomin check，空缓存（编译并写缓存）：{med(cold):.2f} s", flush=True)
        env = {"CUOMIN_CACHE_DIR": str(Path(tmp) / "cold-0")}
        warm = med([wall([*CUOMIN, "check", str(draft)], env) for _ in range(args.runs)])
        warm_cpu = med(CPU_SECONDS[-args.runs :])
        print(
            f"cuomin check，缓存已建：{warm:.2f} s（基线的 {warm / base:.2f} 倍；目标 < 0.5 s）；"
            f"CPU {warm_cpu:.2f} s（基线的 {warm_cpu / base_cpu:.2f} 倍：机器被别的进程占用时，"
            f"墙钟时间里有等待 CPU 的时间，CPU 时间没有）；本机 1 分钟平均负载 {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        env["CUOMIN_DATABASE_URL"] = f"sqlite:///{tmp}/serve.db"
        subprocess.run([*CUOMIN, "db", "upgrade"], env={**os.environ, **env}, check=True, capture_output=True)
        serve = []
        for _ in range(args.runs):
            started = time.perf_counter()
            with cuomin_serve(Path(tmp), env, timeout=120):
                serve.append(time.perf_counter() - started)
        print(f"cuomin serve 到 /healthz 应答（1 个工作进程，缓存已建）：{med(serve):.2f} s")


if __name__ == "__main__":
    main()
