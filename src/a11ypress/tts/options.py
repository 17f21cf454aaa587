"""What the user chose for the audio edition."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

AudioFormat = Literal["mp3", "m4b", "wav"]
"""An audio container a11ypress writes."""

#: Audio containers and their file extensions.
AUDIO_FORMATS: dict[AudioFormat, str] = {"mp3": ".mp3", "m4b": ".m4b", "wav": ".wav"}


@dataclass(frozen=True, slots=True)
class AudioOptions:
    """Options of the ``audio`` output format."""

    format: AudioFormat = "mp3"
    """``mp3`` (ID3 chapters), ``m4b`` (AAC with chapters, needs ffmpeg) or ``wav``."""
    voice: str | None = None
    """Voice for the document's language (id, name or language); None picks one."""
    rate: int = 175
    """Speaking rate in words per minute."""
    read_code: bool = False
    """Read code samples line by line instead of only announcing them."""
    lexicon: Path | None = None
    """YAML pronunciation lexicon added to the built-in one."""
    jobs: int | None = None
    """Worker processes for synthesis (None: one per core)."""
    cache_dir: Path | None = None
    """Where synthesised sentences are cached (None: the user cache folder)."""
    progress: bool = True
    """Show a progress bar with ETA on stderr."""

    @property
    def extension(self) -> str:
        """File extension of the main output."""
        return AUDIO_FORMATS[self.format]
