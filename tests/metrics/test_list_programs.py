"""`peerdesk list programs`: rows on the small program, and the JSON through the entry point on the demo."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from peerdesk.commands.list_programs import rows
from peerdesk.store.programs import Goal, add_goal

D = dt.date


def test_rows_carry_each_goal_target_actual_and_status(small):
    add_goal(
        small.db, Goal(small.prog["P1"], "Five sessions", "sessions_held", 5, D(2026, 12, 31), start_date=D(2026, 9, 1))
    )
    add_goal(
        small.db,
        Goal(small.prog["P2"], "Attendance 90%", "attendance_rate", 90, D(2026, 10, 31), start_date=D(2026, 10, 1)),
    )
    listed = {r["name"]: r for r in rows(small.db)}
    assert set(listed) == {"Onboarding", "Collab"}
    p1 = listed["Onboarding"]
    assert (p1["objective"], p1["start"], p1["end"], p1["members"]) == ("onboarding", "2026-09-01", None, 3)
    assert [(g["title"], g["target"], g["actual"], g["status"]) for g in p1["goals"]] == [
        ("Five sessions", 5.0, 4.0, "on_track")
    ]
    assert [(g["actual"], g["status"]) for g in listed["Collab"]["goals"]] == [(80.0, "missed")]


def test_list_programs_json_on_the_demo(tmp_path):
    exe = shutil.which("peerdesk", path=str(Path(sys.executable).parent)) or "peerdesk"
    env = {k: v for k, v in os.environ.items() if k not in ("PEERDESK_DB", "DISPLAY")}
    db = tmp_path / "demo.db"
    subprocess.run([exe, "demo", str(db)], check=True, capture_output=True, env=env, timeout=120)
    out = subprocess.run(
        [exe, "--db", str(db), "list", "programs", "--json"], check=True, capture_output=True, text=True, env=env
    )
    programs = json.loads(out.stdout)
    assert len(programs) >= 2
    goals = [g for p in programs for g in p["goals"]]
    assert len(goals) >= 3
    assert all({"name", "objective", "start", "end", "goals"} <= set(p) for p in programs)
    assert all({"title", "target", "actual", "status"} <= set(g) for g in goals)
    assert {g["status"] for g in goals} <= {"on_track", "at_risk", "met", "missed"}
    assert len({g["status"] for g in goals}) >= 2
