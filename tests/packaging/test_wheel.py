"""The package as a user installs it: sdist -> wheel, installed into a fresh venv outside the
checkout, runs the demo, certificates and a report with every font embedded from the wheel."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.printing.pdfcheck import fonts_of

REPO = Path(__file__).resolve().parents[2]
BIN = "Scripts" if sys.platform == "win32" else "bin"


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: int = 300) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The wheel `python -m build` makes from the sdist it made first (as PyPI users get it)."""
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, REPO, cwd=out)
    assert len(list(out.glob("peerdesk-*.tar.gz"))) == 1
    (wheel,) = out.glob("peerdesk-*.whl")
    return wheel


def checkout_files() -> set[str]:
    """What the wheel must carry: every module of the package and every shipped resource."""
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "peerdesk").rglob("*") if p.is_file()}
    shipped = {
        "peerdesk/" + p.relative_to(REPO).as_posix()
        for p in (REPO / "resources").rglob("*")
        if p.is_file() and "screenshots" not in p.parts
    }
    return {f for f in modules | shipped if "__pycache__" not in f}


def test_wheel_carries_every_module_and_resource(built):
    names = set(zipfile.ZipFile(built).namelist())
    assert checkout_files() - names == set()
    assert not [n for n in names if "screenshots" in n or "__pycache__" in n]
    assert any(n.endswith("licenses/LICENSE") for n in names)


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory) -> Path:
    """A fresh venv outside the checkout, with PeerDesk from the wheel only.

    The dependencies are the ones this test run already has (a .pth line puts their
    site-packages on the path; its .pth files, e.g. the editable install's, are not run)."""
    venv = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=venv)
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    purelib.mkdir(parents=True, exist_ok=True)
    (purelib / "_test_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    python = venv / BIN / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", built, cwd=venv)
    return venv


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PEERDESK_DB")}
    env["HOME"] = str(home)
    return env


def test_installed_wheel_runs_demo_certificates_and_report(installed, tmp_path):
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = clean_env(work)
    peerdesk, python = installed / BIN / "peerdesk", installed / BIN / "python"

    where = json.loads(
        run(
            python,
            "-c",
            "import json, peerdesk; from peerdesk.printing import fonts; "
            "print(json.dumps([peerdesk.__file__] + [str(fonts.locate(f.filename)) for f in fonts.FONT_FILES.values()]))",
            cwd=work,
            env=env,
        )
    )
    assert all(Path(p).is_relative_to(installed) for p in where), where  # the wheel's own copies, not the checkout's
    assert run(peerdesk, "--version", cwd=work, env=env).strip().startswith("PeerDesk ")

    db = work / "d.peerdesk.db"
    run(peerdesk, "demo", db, cwd=work, env=env)
    programs = json.loads(run(peerdesk, "--db", db, "list", "programs", "--json", cwd=work, env=env))
    run(peerdesk, "--db", db, "certificates", "--out", work / "certificates.pdf", cwd=work, env=env)
    run(peerdesk, "--db", db, "report", "program", programs[0]["name"], "--out", work / "report.pdf", cwd=work, env=env)

    for pdf in ("certificates.pdf", "report.pdf"):
        used = fonts_of(str(work / pdf))
        assert used and all(used.values()), f"{pdf}: fonts not embedded: {used}"  # a base-14 font is not
    assert any("DroidSansFallback" in name for name in fonts_of(str(work / "certificates.pdf")))  # 王小明


def test_version_is_the_packages(capsys):
    from importlib.metadata import version

    import peerdesk
    from peerdesk.cli import main

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"PeerDesk {peerdesk.__version__}" == f"PeerDesk {version('peerdesk')}"
