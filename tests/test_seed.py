"""The real seed article parses to the expected model."""

from __future__ import annotations

import json
import subprocess
import sys

from a11ypress import model as m
from a11ypress.document import load
from a11ypress.serialize import to_json
from a11ypress.transforms.text import plain_text
from conftest import SEED


def test_seed_model() -> None:
    loaded = load(SEED)
    doc = loaded.document
    assert not loaded.failed
    assert doc.metadata.title == "Global Agreement on AI: 'Secure by Design'"
    assert doc.metadata.description.startswith("In a historic move")
    # meta-tags merged into metadata (front matter wins; the rest fills in)
    assert "secure by design" in doc.metadata.keywords
    assert doc.metadata.source_url == (
        "https://devunpack.com/software/global-agreement-on-ai-security-by-design"
    )
    assert doc.title_in_body
    kinds = [type(b).__name__ for b in doc.children]
    assert kinds == ["Figure", "Heading"] + ["Paragraph"] * 6 + ["Heading", "Paragraph"]
    fig = doc.children[0]
    assert isinstance(fig, m.Figure)
    assert fig.image.src == "/software/global-agreement-on-ai-security-by-design.webp"
    assert fig.image.alt.startswith("abstract AI letters, computer motherboard")
    h1, h2 = doc.children[1], doc.children[8]
    assert isinstance(h1, m.Heading) and h1.level == 1
    assert isinstance(h2, m.Heading) and h2.level == 2 and plain_text(h2) == "Further reading"
    last = doc.children[9]
    assert isinstance(last, m.Paragraph) and isinstance(last.children[0], m.Link)
    assert last.children[0].url.startswith("https://www.reuters.com/technology/")
    assert "::" not in to_json(doc.children)


def test_inspect_cli_on_seed() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "a11ypress", "inspect", str(SEED)],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(proc.stdout)
    assert data["metadata"]["title"] == "Global Agreement on AI: 'Secure by Design'"
    assert data["children"][0]["image"]["alt"].startswith("abstract AI letters")
    assert "::" not in json.dumps(data["children"])
