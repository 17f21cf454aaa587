"""Cluster benchmark: the same build on the local pool and on a Dask cluster.

A Dask scheduler and two single-thread workers are started on this machine
(``dask scheduler`` and ``dask worker ADDRESS --nthreads 1 --nworkers 2``, as
the README shows), then the same generated articles are built, all formats
(epub, pdf, json, audio), with an empty speech cache each time:

- ``--digest`` (one book; on the cluster only the audio's sentences go to the
  workers) and one book per article (each article is a task);
- on the local pool (``--jobs 2``) and with ``--cluster ADDRESS``, interleaved,
  best of ``--repeat``: the overhead ratio is cluster / local (target <= 1.15x);
- the client's CPU time (what the ``a11ypress build`` process itself spent:
  reading, writing outputs, the speech cache, assembling the audio);
- one more cluster run with Dask's task stream on: the compute time of each
  kind of task, and the bytes sent each way per article (the tasks' and
  results' pickled size).

It ends with the figures ``docs/scaling.md`` projects from.  Figures taken on
a shared machine are noisy: compare the ratios, not the seconds.

    .venv/bin/python bench/cluster_bench.py [--articles 50] [--repeat 2]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pickle
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from corpus import write_corpus

A11YPRESS = [sys.executable, "-m", "a11ypress"]
DASK = str(Path(sys.executable).parent / "dask")
FORMATS = "epub,pdf,json,audio"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_cluster(log: Path) -> tuple[str, list[subprocess.Popen[bytes]]]:
    """A scheduler and two single-thread workers on 127.0.0.1."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    out = log.open("wb")
    procs = [
        subprocess.Popen(
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=out, stderr=out,
        ),
    ]  # fmt: skip
    time.sleep(1.5)
    procs.append(
        subprocess.Popen(
            [DASK, "worker", address, "--nthreads", "1", "--nworkers", "2", "--no-dashboard"],
            stdout=out, stderr=out,
        )
    )  # fmt: skip
    from distributed import Client

    with Client(address, timeout=30) as client:
        client.wait_for_workers(2, timeout=60)
    return address, procs


def build(args: list[str], out: Path, cache: Path, cluster: str | None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the build process and its children)."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    extra = ["--cluster", cluster] if cluster else ["--jobs", "2"]
    cmd = [*A11YPRESS, "build", *args, "--to", FORMATS, "-q", "-o", str(out)]
    cmd += ["--cache-dir", str(cache), *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"build failed ({proc.returncode}): {proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def same(a: Path, b: Path) -> bool:
    """True when both folders hold the same files with the same bytes."""
    names = sorted(p.name for p in a.iterdir())
    if names != sorted(p.name for p in b.iterdir()):
        return False
    return all((a / n).read_bytes() == (b / n).read_bytes() for n in names)


def task_stream(address: str, args: list[str], tmp: Path, n: int) -> dict[str, Any]:
    """One cluster build with the task stream and the transfer sizes recorded."""
    from distributed import Client, get_task_stream

    # Sizes: run the build in this process, wrapping the cluster's submit.
    from a11ypress import build as api_build
    from a11ypress import cluster as cl

    sent: list[int] = []
    back: list[int] = []
    original, original_executor = cl.Cluster.submit, cl.Cluster.executor

    def submit(self: cl.Cluster, fn: Any, *a: Any) -> Any:
        sent.append(len(pickle.dumps(a)))
        fut = original(self, fn, *a)
        fut.add_done_callback(measure)
        return fut

    def measure(fut: Any) -> None:
        with contextlib.suppress(Exception):  # released or cancelled before this ran
            back.append(len(pickle.dumps(fut.result())))

    def executor(self: cl.Cluster) -> Any:
        outer = self

        class Sized:
            def submit(self, fn: Any, *a: Any) -> Any:
                return submit(outer, fn, *a)

            def shutdown(self, wait: bool = True, **_: Any) -> None:
                pass

        return Sized()

    cl.Cluster.submit = submit  # type: ignore[method-assign]
    cl.Cluster.executor = executor  # type: ignore[method-assign]
    files = [a for a in args if a.endswith(".md")]
    title = args[args.index("--digest") + 1] if "--digest" in args else None
    shutil.rmtree(tmp / "stream-cache", ignore_errors=True)
    with Client(address) as client, get_task_stream(client=client) as ts:
        api_build(
            files, formats=FORMATS, out=tmp / "stream", cache_dir=tmp / "stream-cache",
            cluster=address, title=title, quiet=True,
        )  # fmt: skip
    stream = ts.data
    cl.Cluster.submit = original  # type: ignore[method-assign]
    cl.Cluster.executor = original_executor  # type: ignore[method-assign]
    kinds: dict[str, list[float]] = {}
    for task in stream:
        kind = str(task["key"]).split("-")[0]
        for ss in task["startstops"]:
            if ss["action"] == "compute":
                kinds.setdefault(kind, []).append(ss["stop"] - ss["start"])
    return {"kinds": kinds, "sent": sum(sent) / n, "back": sum(back) / n, "tasks": len(sent)}


def main() -> None:
    """Run and print the table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--modes", default="digest,per-article", help="digest, per-article or both")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="a11ypress-cluster-bench-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        files = [str(p) for p in write_corpus(tmp / "gen", args.articles)]
        t0 = time.perf_counter()
        address, procs = start_cluster(tmp / "dask.log")
        started = time.perf_counter() - t0
        print(
            f"cluster bench: {args.articles} generated articles, all formats ({FORMATS}), "
            f"cold speech cache; 2 cores; cluster = 2 single-thread workers on this machine "
            f"(started in {started:.1f} s); best of {args.repeat}, interleaved"
        )
        modes = {
            "digest": [*files, "--digest", "Bench digest"],
            "per-article": files,
        }
        for name in args.modes.split(","):
            build_args = modes[name]
            local_best = remote_best = float("inf")
            remote_cpu = 0.0
            for _ in range(args.repeat):
                lw, _ = build(build_args, tmp / "local", tmp / "cache-l", None)
                rw, rc = build(build_args, tmp / "remote", tmp / "cache-r", address)
                local_best = min(local_best, lw)
                if rw < remote_best:
                    remote_best, remote_cpu = rw, rc
            ok = same(tmp / "local", tmp / "remote")
            print(
                f"{name:<12} local pool {local_best:6.2f} s | cluster {remote_best:6.2f} s = "
                f"{remote_best / local_best:4.2f}x (target <= 1.15x) | client CPU "
                f"{remote_cpu:5.2f} s = {1000 * remote_cpu / args.articles:5.1f} ms/article | "
                f"outputs identical: {ok}"
            )
            info = task_stream(address, build_args, tmp, args.articles)
            for kind, times in sorted(info["kinds"].items()):
                print(
                    f"{'':<12} task {kind:<18} {len(times):4d} tasks, compute "
                    f"{1000 * sum(times) / len(times):7.1f} ms each, "
                    f"{1000 * sum(times) / args.articles:7.1f} ms per article"
                )
            print(
                f"{'':<12} bytes per article: {info['sent'] / 1024:7.1f} KiB to the workers, "
                f"{info['back'] / 1024:7.1f} KiB back ({info['tasks']} tasks)"
            )
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONPATH", str(Path(__file__).resolve().parent.parent / "src"))
    main()
