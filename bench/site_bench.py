"""Site benchmark: a generated Nuxt Content site built as one book, in one run.

For 100, 250 and 500 generated articles (ten numbered folders with an
index.md each, links between articles, images in public/), times
``a11ypress build SITE --digest T --to epub,pdf`` and the same build of the same
files listed by hand (``build F1 F2 ... --digest T --assets public``), and prints:

- the CPU time per article (user + system, which a busy machine does not
  inflate as it does wall time; linear cost: roughly constant across sizes);
- the peak resident memory of each build, and per article;
- the ratio of the site build to the hand-listed one (target <= 1.05x: finding,
  ordering and linking the articles costs next to nothing).

    .venv/bin/python bench/site_bench.py [--sizes 100,250,500] [--to epub,pdf]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import article

ROOT = Path(__file__).resolve().parent.parent
A11YPRESS = [sys.executable, "-m", "a11ypress"]
FOLDERS = 10
#: A 4 x 4 PNG, so that every article carries an image from public/.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000004000000040802000000269309290000001049444154"
    "789c6338616303470cc47100111214016eba81930000000049454e44ae426082"
)


def make_site(root: Path, n: int) -> list[Path]:
    """A site of ``n`` articles; returns the files in reading order."""
    (root / "public" / "images").mkdir(parents=True)
    (root / "public" / "images" / "a.webp").write_bytes(PNG)
    files: list[Path] = []
    per = -(-n // FOLDERS)
    for f in range(FOLDERS):
        folder = root / "content" / f"{f + 1}.section-{f}"
        folder.mkdir(parents=True)
        (folder / ".navigation.yml").write_text(f"title: Section {f}\n")
        for k in range(per):
            i = f * per + k
            if i >= n:
                break
            name = "index.md" if k == 0 else f"{k}.article-{i}.md"
            target = (i * 7 + 3) % n
            tf, tk = divmod(target, per)
            route = f"/section-{tf}" + ("" if tk == 0 else f"/article-{target}")
            body = article(i) + f"\n\nRead next: [article {target}]({route}).\n"
            (folder / name).write_text(body, "utf-8")
            files.append(folder / name)
    return files


def measure(cmd: list[str]) -> tuple[float, int]:
    """CPU seconds (user + system: steady on a shared machine, where wall time
    is not) and peak resident memory (bytes) of one run."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    seconds = usage.ru_utime + usage.ru_stime
    print(f"  ({wall:.1f} s wall, {seconds:.1f} s CPU: {' '.join(cmd[3:5])} ...)", flush=True)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd[:6])} ...\n{err.decode()[-2000:]}")
    return seconds, usage.ru_maxrss * 1024


def main() -> None:
    """Run and print the table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="100,250,500")
    ap.add_argument("--to", default="epub,pdf")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="a11ypress-site-bench-"))
    rows = []
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            site = tmp / f"site{n}"
            files = make_site(site, n)
            common = ["--digest", f"Site {n}", "--to", args.to, "-q"]
            hand = [*A11YPRESS, "build", *map(str, files), *common]
            hand += ["--assets", str(site / "public"), "-o", str(tmp / f"hand{n}")]
            ours = [*A11YPRESS, "build", str(site), *common, "-o", str(tmp / f"site-out{n}")]
            t_hand, m_hand = measure(hand)
            t_site, m_site = measure(ours)
            rows.append((n, t_site, m_site, t_hand, m_hand))
            print(
                f"{n:>4} articles: site {t_site:6.1f} s CPU ({1000 * t_site / n:5.0f} ms/article, "
                f"peak {m_site / 2**20:5.0f} MB = {m_site / n / 2**10:5.0f} KB/article) | "
                f"by hand {t_hand:6.1f} s (peak {m_hand / 2**20:5.0f} MB) | "
                f"ratio {t_site / t_hand:4.2f}x (target <= 1.05x)",
                flush=True,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    first, last = rows[0], rows[-1]
    extra = max(last[0] - first[0], 1)
    print(
        f"linearity: {1000 * last[1] / last[0]:.0f} ms/article at {last[0]} vs "
        f"{1000 * first[1] / first[0]:.0f} at {first[0]}; memory grows by "
        f"{(last[2] - first[2]) / extra / 2**10:.0f} KB per added article "
        f"({first[0]} -> {last[0]})"
    )


if __name__ == "__main__":
    main()
