"""`peerdesk drafts`: unsent e-mails written headless, logged so that a second run leaves them out."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from test_cli import peerdesk

README = Path(__file__).resolve().parents[2] / "README.md"


def test_drafts_are_written_once_and_documented(tmp_path):
    db = tmp_path / "demo.db"
    peerdesk("demo", str(db), check=True)
    out = tmp_path / "out"
    first = peerdesk("drafts", "--kind", "feedback", "--out", str(out), db=db, check=True)
    files = sorted(out.glob("*.eml"))
    assert files and first.stdout.startswith(f"Drafted {len(files)} messages (feedback requests)")
    before = int(first.stdout.split("Left out ")[1].split()[0])  # the demo's past requests
    msg = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert msg["X-Unsent"] == "1" and msg.get_content_type() == "text/plain"
    again = peerdesk("drafts", "--kind", "feedback", "--out", str(tmp_path / "again"), db=db, check=True)
    assert (
        again.stdout.startswith("No feedback requests to draft.")
        and f"Left out {len(files) + before} messages" in again.stdout
    )
    welcome = peerdesk(
        "drafts", "--kind", "welcome", "--out", str(out), "--program", "New-Hire Buddies", db=db, check=True
    )
    assert "welcome to new pairs" in welcome.stdout
    assert "peerdesk drafts --kind feedback|reminders|welcome|training --out DIR" in README.read_text(encoding="utf-8")


def test_drafts_usage_and_failures(tmp_path):
    assert peerdesk("drafts", "--kind", "spam", "--out", str(tmp_path)).returncode == 2
    db = tmp_path / "empty.db"
    peerdesk("demo", str(db), "--participants", "5", check=True)
    unknown = peerdesk("drafts", "--kind", "training", "--out", str(tmp_path / "o"), "--program", "Nope", db=db)
    assert unknown.returncode == 1 and unknown.stderr.strip() == "peerdesk: no program named 'Nope'"
    assert "Traceback" not in unknown.stderr
