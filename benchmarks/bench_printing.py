"""Printed output at scale: certificates and the program report on a 5,000-person demo.

    .venv/bin/python benchmarks/bench_printing.py [--db PATH] [--participants 5000] [--runs 3]
        [--report-only] [--baseline REV]

Without --db it writes `peerdesk demo` with 5,000 participants to a temporary folder (about
a minute). Then, median of several runs each:

  reportlab 500 / 1000  reportlab alone drawing one-page landscape certificates with the same
                        content as the classic design (frames, ornaments, 13 lines of text in
                        embedded DejaVu TTF, positions fixed in advance) into one PDF;
  peerdesk 1000         PeerDesk's 1,000 certificates from the database: the register read
                        back, each drawn in the classic design (measured name, wrapped statement,
                        figures, footer, fallback fonts) into one PDF written atomically;
  eligibility           who qualifies in the largest program (figures from peerdesk.metrics);
  program report        gather (every figure from peerdesk.metrics) + render, largest program:
                        in this process (warm), and in fresh processes as `peerdesk report
                        program` runs it (open, gather, draw), with the time of each part of
                        the gathering;
  baseline              with --baseline REV (a git revision, e.g. HEAD~3), the same fresh-process
                        program report with PeerDesk as it was at REV, alternating run by run
                        with the current code so both see the same machine load.

--report-only skips the certificates. The load average is printed before and after: the
machine is shared, and figures taken under load are slower.

Targets (issue 7): PeerDesk's 1,000 certificates within about 2x reportlab alone; a program
report under 3 s. Peak Python memory of one certificate batch via tracemalloc.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from peerdesk.printing import certificates, fonts, reports
from peerdesk.printing.eligibility import candidates
from peerdesk.printing.register import register
from peerdesk.store import open_db
from peerdesk.store.db import Database
from peerdesk.store.settings import load_settings


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def reportlab_alone(n: int, out: Path) -> None:
    """The floor: reportlab drawing n one-page certificates with the same content as PeerDesk's
    classic design (frames, ornaments, 13 lines of text in embedded DejaVu TTF), every
    position and size fixed in advance: no measuring, fitting, wrapping or font fallback."""
    if "Bench-Serif" not in pdfmetrics.getRegisteredFontNames():
        for face, file in (
            ("Bench-Serif", "DejaVuSerif.ttf"),
            ("Bench-Serif-Bold", "DejaVuSerif-Bold.ttf"),
            ("Bench-Serif-Italic", "DejaVuSerif-Italic.ttf"),
        ):
            pdfmetrics.registerFont(TTFont(face, str(fonts.locate(file))))
    w, h = landscape(A4)
    c = Canvas(str(out), pagesize=(w, h), initialFontName="Bench-Serif")
    lines = (
        ("Bench-Serif", 11, h - 100, "NORTHWIND LABS"),
        ("Bench-Serif-Bold", 30, h - 150, "Certificate of Recognition"),
        ("Bench-Serif-Italic", 13, h - 185, "is presented to"),
        (
            "Bench-Serif-Italic",
            15,
            h - 300,
            "in recognition of their generous contribution as a mentor and host in the",
        ),
        ("Bench-Serif-Italic", 15, h - 320, "Engineering & Data Mentoring program"),
        ("Bench-Serif-Bold", 13, h - 350, "14 sessions led   ·   10.5 hours mentored   ·   2 people helped"),
        ("Bench-Serif", 11, 120, "28 November 2026"),
        ("Bench-Serif", 9, 100, "Date"),
    )
    for i in range(n):
        c.setStrokeColorRGB(0.12, 0.16, 0.27)
        c.setLineWidth(3)
        c.rect(34, 34, w - 68, h - 68)
        c.setStrokeColorRGB(0.69, 0.55, 0.24)
        c.setLineWidth(1.2)
        c.rect(48, 48, w - 96, h - 96)
        c.setLineWidth(0.5)
        c.rect(54, 54, w - 108, h - 108)
        for x, y in ((48, 48), (w - 48, 48), (48, h - 48), (w - 48, h - 48)):
            p = c.beginPath()
            p.moveTo(x, y + 11)
            p.lineTo(x + 11, y)
            p.lineTo(x, y - 11)
            p.lineTo(x - 11, y)
            p.close()
            c.drawPath(p, stroke=0, fill=1)
        for face, size, y, text in lines:
            c.setFont(face, size)
            c.drawCentredString(w / 2, y, text)
        c.setFont("Bench-Serif-Bold", 40)
        c.drawCentredString(w / 2, h / 2 + 20, f"Participant Number {i}")
        c.line(w / 2 - 200, h / 2 + 8, w / 2 + 200, h / 2 + 8)
        c.line(150, 110, 320, 110)
        c.line(w - 320, 110, w - 150, 110)
        c.setFont("Bench-Serif-Bold", 11)
        c.drawCentredString(235, 96, "Ana Silva")
        c.setFont("Bench-Serif", 9)
        c.drawCentredString(235, 84, "Head of People & Culture")
        c.setFont("Bench-Serif", 8)
        c.drawCentredString(w / 2, 62, f"Certificate no. PD-2026-{i:05d}")
        c.showPage()
    c.save()


def timed_parts(runs: int, db: Database, program: int) -> dict[str, float]:
    """Mean time of each metrics call gather_program makes: the functions it names
    (reports.summary.program_figures, reports.ps.skills_learned, ...) are wrapped for the runs."""
    spent: dict[str, float] = {}
    named = set(reports.gather_program.__code__.co_names)
    wrapped: list[tuple[ModuleType, str, Callable[..., object]]] = []
    for module in (reports.summary, reports.ps, reports.dashboard, reports.people, reports.feedback):
        for name in sorted(named):
            fn = getattr(module, name, None)
            if not callable(fn) or isinstance(fn, type) or getattr(fn, "__module__", None) != module.__name__:
                continue  # not one of this module's own functions (an import, a class)
            key = f"{module.__name__.rsplit('.', 1)[-1]}.{name}"

            def timing(*a: object, _fn: Callable[..., object] = fn, _key: str = key, **kw: object) -> object:
                start = time.perf_counter()
                try:
                    return _fn(*a, **kw)
                finally:
                    spent[_key] = spent.get(_key, 0.0) + time.perf_counter() - start

            wrapped.append((module, name, fn))
            setattr(module, name, timing)
    try:
        for _ in range(runs):
            reports.gather_program(db, program)
    finally:
        for module, name, fn in wrapped:
            setattr(module, name, fn)
    return {k: v / runs for k, v in spent.items()}


def report_in_fresh_process(db_path: Path, program: int, out: Path, pythonpath: str | None) -> dict[str, float]:
    """One program report as `peerdesk report program` makes it: a new process opens the
    database, gathers and draws. With pythonpath, PeerDesk is imported from there."""
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    done = subprocess.run(
        [sys.executable, __file__, "--worker", str(db_path), str(program), str(out)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=tempfile.gettempdir(),  # not the checkout: PYTHONPATH decides which PeerDesk is imported
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def worker(db_path: Path, program: int, out: Path) -> None:
    """The body of report_in_fresh_process (runs in the child)."""
    start, start_cpu = time.perf_counter(), time.process_time()
    db = open_db(db_path, create=False, readonly=True)
    opened, opened_cpu = time.perf_counter(), time.process_time()
    report = reports.gather_program(db, program)
    gathered, gathered_cpu = time.perf_counter(), time.process_time()
    reports.write_program_report(report, out)
    drawn, drawn_cpu = time.perf_counter(), time.process_time()
    db.close()
    print(
        json.dumps(
            {
                "open": opened - start,
                "gather": gathered - opened,
                "draw": drawn - gathered,
                # CPU time of this process: what the work costs, less the waiting on a busy machine
                "open_cpu": opened_cpu - start_cpu,
                "gather_cpu": gathered_cpu - opened_cpu,
                "draw_cpu": drawn_cpu - gathered_cpu,
                "peerdesk": str(Path(reports.__file__).parents[3]),
            }
        )
    )


def baseline_tree(rev: str, into: Path) -> Path:
    """PeerDesk's package as it was at git revision `rev`, extracted under `into`."""
    repo = Path(__file__).resolve().parents[1]
    archive = subprocess.run(["git", "archive", rev, "peerdesk"], cwd=repo, check=True, capture_output=True).stdout
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} CPUs)"


def ensure_certificates(db_path: Path, wanted: int) -> None:
    """Give `wanted` people an award and issue their certificates (once per database)."""
    db = open_db(db_path)
    try:
        have = db.execute("SELECT count(*) FROM certificates").fetchone()[0]
        if have >= wanted:
            return
        program = db.execute("SELECT id FROM programs ORDER BY id LIMIT 1").fetchone()[0]
        with db.atomic():
            people = [
                r[0]
                for r in db.execute(
                    "SELECT participant_id FROM program_members WHERE program_id = ? LIMIT ?", (program, wanted)
                )
            ]
            db.conn.executemany(
                "INSERT INTO awards(participant_id, program_id, title, reason, awarded_on) VALUES (?, ?, ?, ?, '2026-10-01')",
                [
                    (p, program, "Peer Learning Champion", "for helping colleagues learn, week after week")
                    for p in people
                ],
            )
        found = [c for c in candidates(db, program, kinds=("custom",)) if c.qualifies]
        certificates.issue(db, found[:wanted])
    finally:
        db.close()


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        worker(Path(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--report-only", action="store_true", help="skip the certificates")
    parser.add_argument("--baseline", metavar="REV", help="also time the program report as of this git revision")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="peerdesk-bench-printing-"))
    db_path = args.db
    if db_path is None:
        db_path = tmp / "demo.db"
        print(f"writing a demo with {args.participants} participants to {db_path} ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "peerdesk.cli", "demo", str(db_path), "--participants", str(args.participants)],
            check=True,
        )
    print("before:", load())
    fonts.register_all()
    db = open_db(db_path)
    db.execute("ANALYZE")
    db.close()

    if not args.report_only:
        ensure_certificates(db_path, 1000)
        rl500 = median_time(lambda: reportlab_alone(500, tmp / "rl500.pdf"), args.runs)
        rl1000 = median_time(lambda: reportlab_alone(1000, tmp / "rl1000.pdf"), args.runs)

        db = open_db(db_path)
        settings = load_settings(db)

        def peerdesk_1000() -> None:
            issued = register(db)[:1000]
            certificates.write_pdf(issued, settings, tmp / "pd1000.pdf", "classic")

        pd1000 = median_time(peerdesk_1000, args.runs)
        tracemalloc.start()
        peerdesk_1000()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.close()

    db = open_db(db_path)
    program, name, members = db.execute(
        "SELECT g.id, g.name, count(*) FROM programs g JOIN program_members m ON m.program_id = g.id "
        "GROUP BY g.id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    eligibility = median_time(lambda: candidates(db, program), args.runs) if not args.report_only else None
    gathered: list[reports.ProgramReport] = []
    gather = median_time(lambda: gathered.append(reports.gather_program(db, program)), args.runs)
    render = median_time(lambda: reports.write_program_report(gathered[-1], tmp / "report.pdf"), args.runs)
    parts = timed_parts(args.runs, db, program)
    pages = len(__import__("pypdf").PdfReader(str(tmp / "report.pdf")).pages)
    sessions = db.execute("SELECT count(*) FROM sessions").fetchone()[0]
    db.close()

    # Fresh processes, as `peerdesk report program` runs: current code and (optionally) the
    # baseline, alternating so that both see the same load.
    variants: dict[str, str | None] = {"current": None}
    if args.baseline:
        variants[f"baseline {args.baseline}"] = str(baseline_tree(args.baseline, tmp / "baseline"))
    fresh: dict[str, list[dict[str, float]]] = {k: [] for k in variants}
    for _ in range(args.runs):
        for label, path in variants.items():
            fresh[label].append(report_in_fresh_process(db_path, program, tmp / "fresh.pdf", path))

    print(f"database: {db_path} ({sessions:,} sessions); largest program '{name}' ({members:,} members)")
    if not args.report_only:
        print(f"reportlab alone, 500 certificates:   {rl500:6.2f} s")
        print(f"reportlab alone, 1000 certificates:  {rl1000:6.2f} s")
        print(
            f"PeerDesk, 1000 from the database:    {pd1000:6.2f} s  "
            f"({pd1000 / rl1000:.1f}x reportlab alone; target <= ~2x)"
        )
        print(f"  peak Python memory of the batch:   {peak / 2**20:6.1f} MiB")
        print(f"eligibility, largest program:        {eligibility:6.2f} s")
    print(f"program report, median of {args.runs}, in this process (warm):")
    print(f"  gather (metrics)                   {gather:6.2f} s")
    for key, seconds in sorted(parts.items(), key=lambda kv: -kv[1]):
        print(f"    {key:32s} {seconds:6.3f} s")
    print(f"  draw ({pages} pages)                    {render:6.2f} s")
    print(f"  total                              {gather + render:6.2f} s  (target < 3 s)")
    print(f"program report, median of {args.runs}, each in a fresh process (open + gather + draw):")
    for label, runs in fresh.items():
        print(f"  {label} (PeerDesk from {runs[0]['peerdesk']})")
        for kind, suffix in (("elapsed", ""), ("CPU    ", "_cpu")):
            med = {k: statistics.median(r[k + suffix] for r in runs) for k in ("open", "gather", "draw")}
            total = statistics.median(sum(r[k + suffix] for k in ("open", "gather", "draw")) for r in runs)
            print(
                f"    {kind}  open {med['open']:5.2f}  gather {med['gather']:5.2f}  draw {med['draw']:5.2f}  "
                f"total {total:5.2f} s"
            )
    print("after: ", load())


if __name__ == "__main__":
    main()
