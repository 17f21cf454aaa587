"""Folder inputs: nothing outside the site root is read (symbolic links out,
``..`` in image paths, a config naming files outside its folder)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner

import a11ypress
from a11ypress.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"
PNG = (DATA / "site" / "public" / "img" / "diagram.png").read_bytes()


def _hostile_site(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n\nNever read.\n")
    (outside / "secret.png").write_bytes(PNG)
    site = tmp_path / "site"
    (site / "content" / "sub").mkdir(parents=True)
    (site / "public").mkdir()
    (site / "content" / "link.md").symlink_to(outside / "secret.md")
    (site / "content" / "linked-folder").symlink_to(outside)
    (site / "public" / "img.png").symlink_to(outside / "secret.png")
    (site / "content" / "sub" / ".navigation.yml").symlink_to(outside / "secret.md")
    (site / "content" / "sub" / "a.md").write_text(
        "# A\n\n![Up and out](/../outside/secret.png)\n\n![Linked out](/img.png)\n\n"
        "![Relative out](../../../outside/secret.png)\n\n"
        "![Encoded out](/%2e%2e/outside/secret.png)\n"
    )
    return site


def test_symlinks_and_dotdot_stay_inside(tmp_path: Path) -> None:
    site = _hostile_site(tmp_path)
    result = a11ypress.build(site, formats="json", out=tmp_path / "out", title="S")
    by_code = [(d.code, Path(d.file or "").name) for d in result.diagnostics]
    assert ("outside-site", "link.md") in by_code
    assert ("outside-site", "linked-folder") in by_code
    assert ("outside-site", ".navigation.yml") in by_code
    assert result.articles == 1
    result = a11ypress.build(site, formats="epub", out=tmp_path / "out2", title="S")
    with zipfile.ZipFile(result.outputs[0]) as z:
        assert not [n for n in z.namelist() if n.endswith(".png")]
        texts = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xhtml")).decode()
    assert texts.count("image-placeholder") == 4
    assert "Never read" not in texts


def test_config_reads_nothing_outside_its_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "content" / "a.md").write_text("# A\n")
    (tmp_path / "vocab.yaml").write_text("x: ignore\n")
    (site / "a11ypress.toml").write_text('formats = "json"\ncomponents = "../vocab.yaml"\n')
    res = CliRunner().invoke(main, ["build", str(site), "-o", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert f"{site / 'a11ypress.toml'}:2: error: option 'components' names" in res.stderr
    assert "[config-outside]" in res.stderr
    assert not (tmp_path / "out").exists()
