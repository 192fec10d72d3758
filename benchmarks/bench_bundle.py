"""The double-click bundle: build it, start it under Xvfb, print a certificate from it.

    .venv/bin/pip install -e '.[bundle]'
    .venv/bin/python benchmarks/bench_bundle.py [--no-build] [--runs 5] [--screenshot out.png]

Builds dist/PeerDesk/ with packaging/build_bundle.py (unless --no-build), then, on a private
Xvfb display:
- starts the bundled binary with --demo and waits until its main window is on screen: the
  first launch (which writes the demo program) and later launches (which reopen it);
- starts a bare PySide6 window (QApplication + an empty QMainWindow, from this venv's Python)
  the same way, as the yardstick;
- runs `PeerDesk certificates` from the bundle on the demo and checks every font is embedded.
Prints the bundle size and the medians of --runs start-to-window times. Linux only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "PeerDesk"
BARE = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication(sys.argv)\n"
    "window = QMainWindow()\n"
    "window.setWindowTitle('bare PySide6 window')\n"
    "window.resize(800, 600)\n"
    "window.show()\n"
    "app.exec()\n"
)


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """A private X server on the first free display number."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    number = b""
    while not number.endswith(b"\n"):
        chunk = os.read(read, 16)
        if not chunk:
            raise RuntimeError("Xvfb did not start")
        number += chunk
    os.close(read)
    return server, f":{number.decode().strip()}"


def mapped_window(display: str, title_part: str) -> str | None:
    """The id of a viewable top-level window whose name contains title_part, or None."""
    env = dict(os.environ, DISPLAY=display)
    tree = subprocess.run(["xwininfo", "-root", "-tree"], env=env, capture_output=True, text=True).stdout
    for line in tree.splitlines():
        line = line.strip()
        if title_part in line and line.startswith("0x"):
            wid = line.split()[0]
            info = subprocess.run(["xwininfo", "-id", wid], env=env, capture_output=True, text=True).stdout
            if "IsViewable" in info:
                return wid
    return None


def time_to_window(
    command: list[str], display: str, title_part: str, home: Path, after: Callable[[str], None] | None = None
) -> float:
    """Seconds from starting the command to its window being on screen; the process is then ended."""
    env = dict(
        os.environ,
        DISPLAY=display,
        QT_QPA_PLATFORM="xcb",
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        PEERDESK_BACKUP_DIR=str(home / "backups"),
    )
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            wid = mapped_window(display, title_part)
            if wid is not None:
                elapsed = time.perf_counter() - started
                break
            if proc.poll() is not None:
                raise RuntimeError(f"{command[0]} exited {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
            if time.perf_counter() - started > 120:
                raise RuntimeError(f"no window from {command[0]} after 120 s")
            time.sleep(0.01)
        if after is not None:
            after(wid)
    finally:
        proc.terminate()  # PeerDesk closes the program file cleanly on SIGTERM
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-build", action="store_true", help="use the dist/PeerDesk already built")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--screenshot", type=Path, help="save a screenshot of the bundle's window here")
    args = parser.parse_args(argv)
    if not sys.platform.startswith("linux"):
        raise SystemExit("this benchmark runs the Linux bundle")
    if not args.no_build:
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build_bundle.py")], check=True)
        print(f"build: {time.perf_counter() - started:.0f} s")
    binary = BUNDLE / "PeerDesk"
    size = sum(p.stat().st_size for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"bundle: {BUNDLE} {size / 1e6:.0f} MB in {sum(1 for _ in BUNDLE.rglob('*'))} files")
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")

    server, display = start_xvfb()
    work = Path(tempfile.mkdtemp(prefix="peerdesk-bundle-"))
    try:
        title = "demo.peerdesk.db"

        def shoot(wid: str) -> None:
            if args.screenshot is not None:
                time.sleep(3)  # the dashboard fills in the background
                env = dict(os.environ, DISPLAY=display)
                subprocess.run(["import", "-window", wid, str(args.screenshot)], env=env, check=True)

        first, again, bare = [], [], []
        for run in range(args.runs):
            home = work / f"home{run}"
            first.append(time_to_window([str(binary), "--demo"], display, title, home))
            again.append(time_to_window([str(binary), "--demo"], display, title, home, shoot if run == 0 else None))
            bare.append(time_to_window([sys.executable, "-c", BARE], display, "bare PySide6 window", home))

        demo_db = work / "home0" / "data" / "PeerDesk" / "demo.peerdesk.db"
        out = work / "certificates.pdf"
        env = dict(os.environ, HOME=str(work / "home0"), QT_QPA_PLATFORM="offscreen")
        printed = subprocess.run(
            [str(binary), "--db", str(demo_db), "certificates", "--out", str(out)],
            env=env,
            capture_output=True,
            text=True,
        )
        if printed.returncode != 0:
            raise RuntimeError(f"certificates from the bundle failed: {printed.stderr}")
        from pypdf import PdfReader

        fonts: dict[str, bool] = {}
        reader = PdfReader(str(out))
        for page in reader.pages:
            for ref in (page["/Resources"].get_object().get("/Font") or {}).values():
                font = ref.get_object()
                descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                fonts[str(font["/BaseFont"])] = any(k in descriptor.get_object() for k in ("/FontFile2", "/FontFile3"))
        if not fonts or not all(fonts.values()):
            raise RuntimeError(f"fonts not embedded: {fonts}")
        print(
            f"certificates from the bundle: {len(reader.pages)} pages, fonts all embedded: {', '.join(sorted(fonts))}"
        )
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)

    med = statistics.median
    print(f"start to window, median of {args.runs} (min-max):")
    print(f"  bundle --demo, first launch (writes the demo): {med(first):.2f} s ({min(first):.2f}-{max(first):.2f})")
    print(f"  bundle --demo, reopening the demo:             {med(again):.2f} s ({min(again):.2f}-{max(again):.2f})")
    print(f"  bare PySide6 window (venv Python):             {med(bare):.2f} s ({min(bare):.2f}-{max(bare):.2f})")
    print(f"  ratio bundle / bare: {med(again) / med(bare):.1f}x reopening, {med(first) / med(bare):.1f}x first launch")
    if args.screenshot is not None:
        print(f"screenshot: {args.screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
