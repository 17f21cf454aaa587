"""Encoding utterances: an MP3 segment per sentence (lameenc), or PCM.

Each sentence becomes its own complete MP3 stream (CBR, 22,050 Hz mono).
Streams are concatenated into the book, so a cached sentence is never encoded
again and sentences are encoded in parallel.  A decoder plays every frame of
every stream, so a segment lasts exactly its number of frames × 576 samples:
chapter and sentence times are exact.  (Each stream starts with the encoder's
short delay of silence, which falls between sentences.)
"""

from __future__ import annotations

import lameenc

from a11ypress.tts.engine import SAMPLE_RATE

#: MP3 bit rate in kbit/s (plenty for speech at 22,050 Hz mono).
MP3_BITRATE = 64
#: LAME quality (0 best and slowest, 9 worst and fastest).
MP3_QUALITY = 5
#: Samples per MPEG-2 Layer III frame.
FRAME_SAMPLES = 576

_BITRATES_MPEG2_L3 = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_RATES_MPEG2 = (22050, 24000, 16000)


def new_encoder() -> lameenc.Encoder:
    """A LAME encoder with the settings used for every segment (and the bench floor)."""
    enc = lameenc.Encoder()
    enc.set_bit_rate(MP3_BITRATE)
    enc.set_in_sample_rate(SAMPLE_RATE)
    enc.set_channels(1)
    enc.set_quality(MP3_QUALITY)
    enc.silence()
    return enc


def encode_mp3(pcm: bytes) -> tuple[bytes, int]:
    """One complete MP3 stream for ``pcm``, and its decoded length in samples."""
    enc = new_encoder()
    data = bytes(enc.encode(pcm)) + bytes(enc.flush())
    return data, count_frames(data) * FRAME_SAMPLES


def count_frames(data: bytes) -> int:
    """Number of MPEG-2 Layer III frames in ``data`` (our encoder's output)."""
    n = 0
    i = 0
    size = len(data)
    while i + 4 <= size:
        b1, b2 = data[i + 1], data[i + 2]
        if data[i] != 0xFF or (b1 & 0xFE) != 0xF2:  # sync, MPEG-2, Layer III
            raise ValueError(f"not an MPEG-2 Layer III frame at byte {i}")
        bitrate = _BITRATES_MPEG2_L3[b2 >> 4] * 1000
        rate = _RATES_MPEG2[(b2 >> 2) & 3]
        padding = (b2 >> 1) & 1
        if bitrate == 0:
            raise ValueError(f"free-format frame at byte {i}")
        i += 72 * bitrate // rate + padding
        n += 1
    return n


def silence(ms: int) -> bytes:
    """``ms`` milliseconds of silent PCM."""
    return bytes(2 * (SAMPLE_RATE * ms // 1000))
