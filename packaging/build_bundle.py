"""Build the double-click bundle of PeerDesk with PyInstaller: dist/PeerDesk/ (dist/PeerDesk.app on macOS).

    python -m pip install -e '.[bundle]'
    python packaging/build_bundle.py

1. builds PeerDesk's wheel and installs it (without dependencies) into build/bundle/site, so
   that the bundle carries what the wheel carries;
2. runs PyInstaller on packaging/peerdesk.spec (one folder, windowed);
3. on Linux adds share/ (the .desktop file, AppStream metainfo and hicolor icons) and
   install-desktop-entry.sh, which puts PeerDesk in the desktop's application menu.
Prints the bundle's path and size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_ID = "org.peerdesk.PeerDesk"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=True)


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def install_wheel(work: Path) -> Path:
    wheels, site = work / "wheel", work / "site"
    for folder in (wheels, site):
        shutil.rmtree(folder, ignore_errors=True)
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", wheels, ROOT)
    (wheel,) = wheels.glob("peerdesk-*.whl")
    run(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-compile", "--target", site, wheel)
    return site


def add_linux_desktop_files(bundle: Path) -> None:
    """share/applications, share/metainfo and share/icons/hicolor inside the bundle."""
    share = bundle / "share"
    (share / "applications").mkdir(parents=True, exist_ok=True)
    (share / "metainfo").mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "packaging" / "linux" / f"{APP_ID}.desktop", share / "applications")
    shutil.copy2(ROOT / "packaging" / "linux" / f"{APP_ID}.metainfo.xml", share / "metainfo")
    icons = ROOT / "resources" / "icons" / "app"
    for size in ICON_SIZES:
        folder = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(icons / f"peerdesk-{size}.png", folder / f"{APP_ID}.png")
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copy2(icons / "peerdesk.svg", scalable / f"{APP_ID}.svg")
    script = bundle / "install-desktop-entry.sh"
    shutil.copy2(ROOT / "packaging" / "linux" / "install-desktop-entry.sh", script)
    script.chmod(0o755)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the bundle goes (default dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bundle", help="build folder")
    args = parser.parse_args(argv)
    site = install_wheel(args.work)
    env = dict(os.environ, PEERDESK_BUNDLE_SITE=str(site))
    run(
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
        "--distpath", args.dist, "--workpath", args.work / "pyinstaller", ROOT / "packaging" / "peerdesk.spec",
        env=env,
    )  # fmt: skip
    bundle = args.dist / ("PeerDesk.app" if sys.platform == "darwin" else "PeerDesk")
    if sys.platform.startswith("linux"):
        add_linux_desktop_files(bundle)
    print(f"bundle: {bundle} ({size_of(bundle) / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
