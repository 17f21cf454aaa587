"""Saying each text in a child process forked from a ready engine.

Both engines carry state from one utterance to the next: espeak-ng its pitch
flutter and more, ONNX Runtime the random generator behind Piper's noise.  So
every text is said in a child forked from the same ready state: the same text
always gives the same samples, whichever worker says it and whatever came
before, and a crash in the engine kills only that child, which is retried.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

from a11ypress.tts.engine import SynthesisError


def run_forked(
    say: Callable[[str], bytes],
    text: str,
    handle: Callable[[bytes], object],
    attempts: int = 3,
) -> None:
    """Call ``say(text)`` in a forked child and ``handle(pcm)`` there (to encode
    and store it); a child that crashes, fails or gives empty or odd-sized
    audio is replaced, up to ``attempts`` times.

    Raises :class:`SynthesisError` when every attempt failed.
    """
    problem = "no attempt"
    for _ in range(attempts):
        pid = os.fork()
        if pid == 0:  # child: say it, hand it over, leave without any cleanup
            code = 0
            try:
                pcm = say(text)
                if not pcm or len(pcm) % 2:
                    code = 3
                else:
                    handle(pcm)
            except BaseException:
                code = 2
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            problem = f"engine crashed ({signal.Signals(os.WTERMSIG(status)).name})"
        elif os.WEXITSTATUS(status) == 3:
            problem = "empty or malformed audio"
        elif os.WEXITSTATUS(status) != 0:
            problem = "engine failed"
        else:
            return
    raise SynthesisError(f"could not synthesise {text[:60]!r}: {problem}")
