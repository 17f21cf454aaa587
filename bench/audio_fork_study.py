"""Study: what the per-sentence fork costs, and what saving espeak-ng's state would save.

Every utterance is said in a child forked from a warmed engine, so the same text
always gives the same samples (espeak-ng carries state from one utterance to the
next).  This script measures, on the speech script of the samples (English
voice), CPU time per utterance (parent and children, best of ``--repeat``):

- ``say``: the text said in this process, with no reset (not deterministic);
- ``fork``: said in a forked child, as a build does (the fork, the child's
  copy-on-write faults and its exit included);
- ``restore``: said in this process after copying back espeak-ng's writable data
  segment (``.data`` and ``.bss``, found through ``/proc/self/maps`` and the
  library's ELF program headers) and the C library's ``rand()`` state, saved
  once after the warm-up;

and checks, in two shuffled orders, that ``restore`` gives byte for byte the
samples ``fork`` gives.  It is a study, not product code: the segment holds
pointers to memory espeak-ng allocates (a second translator when a word switches
language, for one), which a copy taken earlier would leak or leave dangling, so
the build keeps its fork until espeak-ng can reset its state itself.

    .venv/bin/python bench/audio_fork_study.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import json
import os
import random
import resource
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: How the library's file is named in ``/proc/self/maps``.
LIBRARY = "libespeak-ng.so"
#: Bytes of glibc's default ``rand()`` state array (TYPE_3: 31 words and the
#: word before them, which holds the type and position).
_RAND_STATE = 128
_PT_LOAD = 1
_PF_W = 2


@dataclass(slots=True)
class StateSnapshot:
    """The library's writable segment and the ``rand()`` state, as saved."""

    address: int
    """Start of the library's writable segment in memory."""
    data: bytes
    """Its bytes when saved."""
    rand_state: int
    """Address of the live ``rand()`` state array (0: not saved)."""
    rand_bytes: bytes
    """That array (and its header word) when saved."""
    scratch: ctypes.Array[ctypes.c_char]
    """A state array ``rand()`` is switched to while its own is put back."""

    def restore(self) -> None:
        """Put the saved state back (call it before every text)."""
        if self.rand_state:
            libc = _libc()
            libc.setstate(self.scratch)
            ctypes.memmove(self.rand_state - 4, self.rand_bytes, _RAND_STATE)
            libc.setstate(self.rand_state)
        ctypes.memmove(self.address, self.data, len(self.data))


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None)
    libc.setstate.restype = ctypes.c_void_p
    libc.setstate.argtypes = [ctypes.c_void_p]
    libc.initstate.restype = ctypes.c_void_p
    libc.initstate.argtypes = [ctypes.c_uint, ctypes.c_void_p, ctypes.c_size_t]
    return libc


def _writable_load(path: str) -> tuple[int, int] | None:
    """(virtual address, size in memory) of the library's writable PT_LOAD
    segment, from its ELF program headers, or None."""
    with open(path, "rb") as fh:
        head = fh.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2 or head[5] != 1:  # 64-bit little-endian
            return None
        phoff, = struct.unpack_from("<Q", head, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", head, 0x36)
        fh.seek(phoff)
        table = fh.read(phentsize * phnum)
    found = None
    for i in range(phnum):
        p_type, p_flags, _, p_vaddr, _, _, p_memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", table, i * phentsize
        )
        if p_type == _PT_LOAD and p_flags & _PF_W:
            if found is not None:
                return None  # more than one: not the layout this was written for
            found = (p_vaddr, p_memsz)
    return found


def _mappings() -> tuple[int, int, str] | None:
    """(load address, start of the first writable mapping, path) of the
    loaded library, from ``/proc/self/maps``."""
    base = writable = None
    path = ""
    try:
        with open(f"/proc/{os.getpid()}/maps", encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if len(fields) < 6 or LIBRARY not in fields[5]:
            continue
        start = int(fields[0].split("-")[0], 16)
        if base is None and int(fields[2], 16) == 0:
            base, path = start, fields[5]
        if writable is None and fields[1].startswith("rw"):
            writable = start
    if base is None or writable is None:
        return None
    return base, writable, path


def _rand_state(libc: ctypes.CDLL, scratch: ctypes.Array[ctypes.c_char]) -> int:
    """Address of the live ``rand()`` state array, found without changing it:
    switching to ``scratch`` and back leaves the sequence where it was."""
    live = libc.initstate(1, scratch, _RAND_STATE)
    if not live:
        return 0
    libc.setstate(live)
    return int(live)


def snapshot() -> StateSnapshot | None:
    """Save the loaded espeak-ng library's state now, or None when it cannot
    be found (not Linux, not 64-bit ELF, library not loaded)."""
    found = _mappings()
    if found is None:
        return None
    base, writable, path = found
    try:
        load = _writable_load(path)
    except OSError:
        return None
    if load is None:
        return None
    end = base + load[0] + load[1]
    if not base < writable < end:
        return None
    libc = _libc()
    scratch = ctypes.create_string_buffer(2 * _RAND_STATE)
    live = _rand_state(libc, scratch)
    rand_bytes = ctypes.string_at(live - 4, _RAND_STATE) if live else b""
    data = ctypes.string_at(writable, end - writable)
    return StateSnapshot(writable, data, live, rand_bytes, scratch)


_LIST = """
import json, sys
from pathlib import Path
from a11ypress.document import load
from a11ypress.render.speech import SpeechOptions, speech_script
from a11ypress.render.speech_normalize import load_lexicon
out = []
for path in sorted(Path(sys.argv[1]).glob("*.md")):
    if path.name != "README.md":
        script = speech_script(load(path).document, SpeechOptions(lexicon=load_lexicon()))
        out += [u.text for u in script.utterances if u.lang.startswith("en")]
print(json.dumps(list(dict.fromkeys(out))))
"""


def _utterances() -> list[str]:
    """The samples' English utterances, listed in another process so that this
    one stays as small as a synthesis worker (a fork costs more in a bigger one)."""
    root = Path(__file__).resolve().parent.parent / "samples"
    out = subprocess.run(
        [sys.executable, "-c", _LIST, str(root)], capture_output=True, check=True, text=True
    ).stdout
    found: list[str] = json.loads(out)
    return found


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    """Run the study and print its figures."""
    from a11ypress.tts.encode import encode_mp3
    from a11ypress.tts.engine import SpeechEngine

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    texts = _utterances()
    engine = SpeechEngine(None)
    saved = snapshot()
    if saved is None:
        sys.exit("espeak-ng's data segment was not found (Linux, 64-bit ELF only)")
    with tempfile.TemporaryDirectory(prefix="a11ypress-fork-study-") as tmp:
        where = Path(tmp) / "pcm"
        forked: dict[str, bytes] = {}  # digests only: a big parent forks slower
        for text in texts:
            engine.run_in_child(text, where.write_bytes)
            forked[text] = hashlib.sha256(where.read_bytes()).digest()

    def restored(text: str) -> bytes:
        saved.restore()
        pcm: bytes = engine._say(text)
        return pcm

    def fork_all() -> None:
        for t in texts:
            engine.run_in_child(t, len)

    runs: dict[str, Callable[[], object]] = {
        "say": lambda: [engine._say(t) for t in texts],
        "fork": fork_all,
        "restore": lambda: [restored(t) for t in texts],
        "say+encode": lambda: [encode_mp3(engine._say(t)) for t in texts],
    }
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(args.repeat):
        for name, run in runs.items():
            t0 = _cpu()
            run()
            best[name] = min(best[name], _cpu() - t0)
    same = 0
    for seed in (1, 2):
        order = texts[:]
        random.Random(seed).shuffle(order)
        same += sum(hashlib.sha256(restored(t)).digest() == forked[t] for t in order)
    n = len(texts)
    print(f"{n} distinct English utterances of the samples; CPU ms per utterance, best of "
          f"{args.repeat} (parent and children)")
    for name, s in best.items():
        print(f"  {name:8} {1000 * s / n:6.2f}")
    floor = best["say+encode"]
    print(f"fork costs {1000 * (best['fork'] - best['say']) / n:.2f} ms per utterance "
          f"= {(best['fork'] - best['say']) / floor:.0%} of say + encode; restoring costs "
          f"{1000 * (best['restore'] - best['say']) / n:.2f} ms")
    print(f"restore gives the forked samples for {same} of {2 * n} utterances (2 shuffled orders)")


if __name__ == "__main__":
    main()
