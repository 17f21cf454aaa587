"""Offline speech synthesis for the audio edition.

``engine`` wraps pyttsx3's espeak driver so it is dependable (one sentence at a
time, waiting for the end of each utterance, verified audio, retries, nothing on
stdout); ``pool`` runs it in worker processes on all cores and survives a worker
crash; ``cache`` keeps each synthesised sentence by content; ``encode`` turns
sentences into MP3 segments or PCM; ``tags`` writes ID3 tags and chapters;
``sidecar`` writes the per-sentence timings (WebVTT and JSON); ``m4b`` builds
an AAC audiobook with ffmpeg.
"""
