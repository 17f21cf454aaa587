"""Builds on a real Dask cluster (``--cluster``): a LocalCluster of two
single-thread worker processes on 127.0.0.1, whose workers may read no image
from the disk (everything they need travels with the tasks).  A cluster build
gives the same bytes as a local one, survives a worker killed in the middle of
synthesis, refuses a worker that would make different audio, and fails fast
(exit 4) when the scheduler does not answer.

Deselect with ``-m 'not cluster'``."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import a11ypress
from a11ypress import cluster as cl
from a11ypress.pipeline import BuildResult
from a11ypress.shipped import NO_DISK_ENV
from a11ypress.tts.remote import KILL_FILE_ENV
from conftest import ASSETS, ROOT, SAMPLES

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.cluster

FORMATS = "epub,pdf,json,audio"


@pytest.fixture(scope="module")
def kill_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A worker that finds this file deletes it and dies mid-batch."""
    return tmp_path_factory.mktemp("kill") / "kill-a-worker"


@pytest.fixture(scope="module")
def address(kill_file: Path) -> Iterator[str]:
    """The scheduler of a LocalCluster of 2 single-thread worker processes."""
    env = {NO_DISK_ENV: "1", KILL_FILE_ENV: str(kill_file)}
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        env=env,
    ) as lc:
        yield lc.scheduler_address


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The samples and an article that cannot be read (it fails alone)."""
    broken = tmp_path_factory.mktemp("broken") / "broken.md"
    broken.write_bytes(b"# Broken\n\n\xff\xfe not UTF-8\n")
    return [*SAMPLES[:2], broken, *SAMPLES[2:]]


def _build(
    inputs: list[Path], out: Path, cache: Path, cluster: str | None, **more: object
) -> BuildResult:
    return a11ypress.build(
        inputs, formats=FORMATS, out=out, assets=ASSETS, cache_dir=cache, cluster=cluster,
        quiet=True, **more,
    )  # fmt: skip


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _lines(result: BuildResult) -> list[str]:
    return [d.format() for d in result.diagnostics if d.code != "cluster"]


@pytest.fixture(scope="module")
def local(
    tmp_path_factory: pytest.TempPathFactory, inputs: list[Path]
) -> tuple[Path, Path, list[str]]:
    """The same build on this machine only: output folder, speech cache, diagnostics."""
    root = tmp_path_factory.mktemp("local")
    result = _build(inputs, root / "out", root / "cache", None)
    assert result.articles == len(SAMPLES)
    return root / "out", root / "cache", _lines(result)


def _segments(cache: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(cache)): p.read_bytes() for p in sorted(cache.rglob("*.seg"))
    }


def test_every_format_identical_to_a_local_build(
    tmp_path: Path, address: str, local: tuple[Path, Path, list[str]], inputs: list[Path]
) -> None:
    """The samples in every format, and the speech cache the client fills
    from the workers' segments, byte for byte; the broken article is reported
    with its file, as locally, and the others are built."""
    result = _build(inputs, tmp_path / "out", tmp_path / "cache", address)
    assert _files(tmp_path / "out") == _files(local[0])
    assert _segments(tmp_path / "cache") == _segments(local[1])
    assert _lines(result) == local[2]
    assert result.failed == [str(inputs[2])]
    assert result.articles == len(SAMPLES)
    (used,) = [d for d in result.diagnostics if d.code == "cluster"]
    assert "2 Dask worker(s)" in used.message


def test_digest_identical(
    tmp_path: Path, address: str, local: tuple[Path, Path, list[str]]
) -> None:
    """A digest of the samples (its new headings synthesised on the workers)."""
    shutil.copytree(local[1], tmp_path / "cache-here")
    shutil.copytree(local[1], tmp_path / "cache-there")
    here = _build(SAMPLES, tmp_path / "here", tmp_path / "cache-here", None, title="Samples")
    there = _build(SAMPLES, tmp_path / "there", tmp_path / "cache-there", address, title="Samples")
    assert here.ok and there.ok
    assert _files(tmp_path / "there") == _files(tmp_path / "here")


def test_worker_killed_mid_synthesis(
    tmp_path: Path, address: str, local: tuple[Path, Path, list[str]], kill_file: Path
) -> None:
    """A worker killed (SIGKILL) in the middle of a batch: Dask runs the batch
    again on another worker; the build finishes with the same bytes."""
    article = next(p for p in SAMPLES if p.stem == "long-read")
    kill_file.touch()
    result = _build([article], tmp_path / "out", tmp_path / "cache", address)
    assert not kill_file.exists(), "no worker died"
    assert result.ok
    made = _files(tmp_path / "out")
    reference = _files(local[0])
    for name in ("long-read.mp3", "long-read.vtt", "long-read.timings.json", "long-read.epub"):
        assert made[name] == reference[name], name


def test_worker_with_another_version_is_refused(
    tmp_path: Path, address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker reporting another a11ypress version gets no work and is named
    in a warning; with no matching worker at all, the build fails clearly."""
    env = {**os.environ, cl.VERSION_ENV: "9.9.9"}
    extra = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
         "--no-dashboard", "--no-nanny", "--name", "other-version"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        with distributed.Client(address, set_as_default=False) as client:
            client.wait_for_workers(3, timeout=60)
        result = a11ypress.build(
            SAMPLES[:1], formats="json", out=tmp_path / "out", cluster=address, quiet=True
        )
        assert result.ok
        (refused,) = [d for d in result.diagnostics if d.code == "cluster-worker-refused"]
        assert "a11ypress: 9.9.9 (client: 0.1.0)" in refused.message
        monkeypatch.setenv(cl.VERSION_ENV, "8.8.8")  # now the client differs from all
        cl.local_identity.cache_clear()
        with pytest.raises(cl.ClusterUnavailable, match=r"no worker .* can be used"):
            cl.connect(address)
    finally:
        cl.local_identity.cache_clear()
        extra.terminate()
        extra.wait(30)


def _silent_listener() -> socket.socket:
    """A socket that accepts connections and never says anything."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    return sock


@pytest.mark.parametrize("kind", ["refused", "silent"])
def test_unreachable_scheduler_exits_4(tmp_path: Path, kind: str) -> None:
    """Nothing listening, or a listener that never answers: a clear error and
    exit code 4 (the address from ``A11YPRESS_CLUSTER``), after at most
    :data:`CONNECT_TIMEOUT` seconds of waiting."""
    assert cl.CONNECT_TIMEOUT < 10
    listener = _silent_listener()
    port = listener.getsockname()[1]
    if kind == "refused":
        listener.close()
    env = {**os.environ, "A11YPRESS_CLUSTER": f"tcp://127.0.0.1:{port}"}
    start = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "a11ypress", "build", str(SAMPLES[0]), "-o", str(tmp_path)],
            env=env, capture_output=True, text=True, cwd=ROOT, timeout=120,
        )  # fmt: skip
    finally:
        listener.close()
    print(f"{kind}: failed after {time.monotonic() - start:.1f} s")
    assert proc.returncode == 4, proc.stderr
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in proc.stderr
    assert not any(tmp_path.iterdir())


def test_tls_with_dask_configuration(tmp_path: Path, local: tuple[Path, Path, list[str]]) -> None:
    """A tls:// scheduler: the build works with Dask's TLS settings in the
    environment (same bytes), and fails at once with exit 4 without them."""
    from distributed.security import Security

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
         "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    files = {"tls_ca_file": str(cert)}
    for role in ("scheduler", "worker", "client"):
        files[f"tls_{role}_cert"], files[f"tls_{role}_key"] = str(cert), str(key)
    security = Security(require_encryption=True, **files)
    article = next(p for p in SAMPLES if p.stem == "inline")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, protocol="tls://", security=security,
    ) as lc:  # fmt: skip
        address = lc.scheduler_address
        assert address.startswith("tls://")
        cmd = [sys.executable, "-m", "a11ypress", "build", str(article), "--to", "epub,audio",
               "-q", "-o", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"),
               "--cluster", address]  # fmt: skip
        bare = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
        proc = subprocess.run(cmd, env=bare, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 4, proc.stderr
        assert "is a tls:// address, but Dask's TLS configuration" in proc.stderr
        env = {
            **bare,
            "DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION": "True",
            "DASK_DISTRIBUTED__COMM__TLS__CA_FILE": str(cert),
            "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT": str(cert),
            "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": str(key),
        }
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
    # (the EPUB is not compared: built without the PDF, it has no print page numbers)
    for name in ("inline.mp3", "inline.vtt", "inline.timings.json"):
        assert (tmp_path / "out" / name).read_bytes() == (local[0] / name).read_bytes(), name


def test_image_candidates() -> None:
    """Every way an article names an image is found in its text (the cluster
    ships what the client finds for each): Markdown images, component props,
    front-matter values, and bare file names."""
    from a11ypress.shipped import image_candidates

    text = (
        "---\ncover: /img/cover.webp\nimage:\n  src: ./hero.JPG\n---\n"
        '![A](./a.png "t") ![](<b c.gif>) ::nuxt-img{src="./p.svg" alt="x"}\n'
        "<img src='/x/y.jpeg'> see pictures/plan.png and [doc](other.md)\n"
        ':::figure{src="./my photo.png"}\n'
    )
    found = image_candidates(text)
    for want in ("/img/cover.webp", "./hero.JPG", "./a.png", "b c.gif", "./p.svg", "/x/y.jpeg",
                 "pictures/plan.png", "other.md", "./my photo.png"):  # fmt: skip
        assert want in found, want
    assert len(found) == len(set(found))
