"""Export layouts, file names, e-mail drafts, failures while writing, and the command line."""

from __future__ import annotations

import email
import email.policy
import errno
import os

import pytest
from invites_fixtures import set_coordinator
from invites_helpers import events, parse

from peerdesk.cli import main
from peerdesk.invites import ExportError, ExportRequest, export_invites, plan_export, write_export
from peerdesk.store import open_db, safefile


def names(result) -> list[str]:
    return sorted(p.name for p in result.written)


def summaries(path) -> set[str]:
    return {str(e["SUMMARY"]) for e in events(parse(path.read_bytes()))}


def test_default_export_is_one_file_per_person_with_upcoming_sessions_plus_programs(db, program, tmp_path):
    result = export_invites(db, ExportRequest(layouts=("participant", "program"), upcoming_only=True), tmp_path)
    assert names(result) == sorted(
        [
            "Ana Silva.ics",
            "ana silva (2).ics",
            "O'Brien, \u201dPat\u201d; Jr.ics",
            "Zoë Ødegård.ics",
            "Zoë Ødegård - cancelled.ics",
            "Олена Коваленко.ics",
            "Олена Коваленко - cancelled.ics",
            "محمد علي.ics",
            "李小龍.ics",
            "Program - Onboarding 2027.ics",
        ]
    )
    assert result.cancellations == 2 and result.invitations == 8 and result.drafts == 0
    # The past kick-off is over: Mohammed only gets the lunch & learn.
    assert len(summaries(tmp_path / "محمد علي.ics")) == 1
    assert "Kick-off" not in summaries(tmp_path / "Program - Onboarding 2027.ics")
    assert summaries(tmp_path / "Zoë Ødegård - cancelled.ics") == {"Brown-bag: SQL tricks"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_participant_schedule_is_whole_and_only_theirs(db, program, tmp_path):
    zoe = program.people["zoe@example.com"]
    result = export_invites(db, ExportRequest(participant_ids=(zoe,)), tmp_path)
    assert names(result) == ["Zoë Ødegård - cancelled.ics", "Zoë Ødegård.ics"]
    assert summaries(tmp_path / "Zoë Ødegård.ics") == {"Kick-off", "Night deploy drill", "Mentoring: Zoë × Олена"}


def test_program_layout(db, program, tmp_path):
    result = export_invites(db, ExportRequest(layouts=("program",), program_id=program.program_id), tmp_path)
    assert names(result) == ["Program - Onboarding 2027.ics"]
    assert len(summaries(tmp_path / "Program - Onboarding 2027.ics")) == 4


def test_drafts_carry_the_invitation(db, program, tmp_path):
    olena = program.people["olena@example.com"]
    result = export_invites(db, ExportRequest(participant_ids=(olena,), eml=True), tmp_path)
    assert result.drafts == 2
    raw = (tmp_path / "Олена Коваленко.eml").read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["To"].addresses[0].display_name == "Олена Коваленко"
    assert msg["To"].addresses[0].addr_spec == "olena@example.com"
    assert msg["From"].addresses[0].addr_spec == "coordinator@example.com"
    assert msg["X-Unsent"] == "1"
    assert msg["Subject"].startswith("Invitation:")
    parts = {p.get_content_type(): p for p in msg.walk() if not p.is_multipart()}
    calendar = parts["text/calendar"]
    assert calendar.get_param("method") == "REQUEST"
    body = calendar.get_payload(decode=True)
    assert body == (tmp_path / "Олена Коваленко.ics").read_bytes()
    parse(body)
    assert parts["application/ics"].get_filename() == "invite.ics"
    text = parts["text/plain"].get_content()
    assert "Hello Олена Коваленко," in text
    # Her own time zone (Kyiv): the 12:00 Berlin lunch & learn is at 13:00 for her.
    assert "Tue 10 Nov 2026, 13:00–13:45 (Europe/Kyiv)" in text
    cancel = email.message_from_bytes(
        (tmp_path / "Олена Коваленко - cancelled.eml").read_bytes(), policy=email.policy.default
    )
    (cal_part,) = [p for p in cancel.walk() if p.get_content_type() == "text/calendar"]
    assert cal_part.get_param("method") == "CANCEL"
    assert cancel["Subject"] == "Cancelled: Brown-bag: SQL tricks"


def test_session_drafts_one_per_person(db, program, tmp_path):
    result = export_invites(
        db, ExportRequest(layouts=("session",), session_ids=(program.dst_session,), eml=True), tmp_path
    )
    assert names(result) == [
        "Night deploy drill - 2027-03-28 - Zoë Ødegård.eml",
        "Night deploy drill - 2027-03-28 - 李小龍.eml",
        "Night deploy drill - 2027-03-28.ics",
    ]


def test_a_hostile_name_cannot_add_mail_headers(db, program, tmp_path):
    db.execute("UPDATE participants SET name = ? WHERE email = 'li@example.com'", ("Li\r\nBcc: all@example.com\n",))
    export_invites(db, ExportRequest(layouts=("session",), session_ids=(program.dst_session,), eml=True), tmp_path)
    draft = next(p for p in tmp_path.iterdir() if p.name.endswith("Li Bcc - all@example.com.eml"))
    msg = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)
    assert msg["Bcc"] is None
    assert msg["To"].addresses[0].addr_spec == "li@example.com"


def test_missing_coordinator_address_is_a_clear_error(db, program, tmp_path):
    set_coordinator(db, email="")
    with pytest.raises(ExportError, match="coordinator's e-mail address"):
        export_invites(db, ExportRequest(), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_disk_full_leaves_no_partial_file_and_keeps_the_old_one(db, program, tmp_path, monkeypatch):
    plan = plan_export(db, ExportRequest(layouts=("session",), session_ids=(program.dst_session,)))
    target = tmp_path / plan.files[0].name
    target.write_bytes(b"previous export")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safefile.os, "fsync", full)
    with pytest.raises(ExportError, match="disk is full") as caught:
        write_export(plan, tmp_path)
    assert caught.value.written == []
    assert target.read_bytes() == b"previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_failure_midway_reports_what_was_written(db, program, tmp_path, monkeypatch):
    plan = plan_export(db, ExportRequest(layouts=("participant",), upcoming_only=True))
    real = safefile.os.replace
    calls = []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(errno.EROFS, "Read-only file system")
        real(src, dst)

    monkeypatch.setattr(safefile.os, "replace", replace)
    with pytest.raises(ExportError, match="read-only") as caught:
        write_export(plan, tmp_path)
    assert [p.name for p in caught.value.written] == [f.name for f in plan.files[:2]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f.name for f in plan.files[:2])


def test_folder_that_is_a_file(db, program, tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="not a folder"):
        export_invites(db, ExportRequest(), blocker)


def test_progress_and_cancel(db, program, tmp_path):
    plan = plan_export(db, ExportRequest(layouts=("participant",), upcoming_only=True))
    seen = []
    result = write_export(
        plan, tmp_path, progress=lambda done, total, name: seen.append((done, total)), cancelled=lambda: len(seen) >= 3
    )
    assert result.cancelled
    assert len(result.written) == 3
    assert seen == [(0, len(plan.files)), (1, len(plan.files)), (2, len(plan.files))]
    assert "Stopped before the end" in result.summary()


@pytest.fixture
def db_file(tmp_path):
    from invites_fixtures import build_program

    path = tmp_path / "program.db"
    db = open_db(path)
    with db.atomic():
        build_program(db)
    db.close()
    return path


def test_cli_default(db_file, tmp_path, capsys):
    out = tmp_path / "invites"
    assert main(["--db", str(db_file), "ics", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Program - Onboarding 2027.ics" in printed
    assert len(list(out.glob("*.ics"))) == 10


def test_cli_default_with_drafts_writes_one_draft_per_person(db_file, tmp_path, capsys):
    out = tmp_path / "invites"
    assert main(["--db", str(db_file), "ics", "--out", str(out), "--eml"]) == 0
    drafts = sorted(p.stem for p in out.glob("*.eml"))
    assert drafts == sorted(p.stem for p in out.glob("*.ics") if not p.name.startswith("Program - "))


def test_cli_filters_and_eml(db_file, tmp_path, capsys):
    out = tmp_path / "one"
    assert main(["--db", str(db_file), "ics", "--out", str(out), "--participant", "ZOE@example.com", "--eml"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "Zoë Ødegård - cancelled.eml",
        "Zoë Ødegård - cancelled.ics",
        "Zoë Ødegård.eml",
        "Zoë Ødegård.ics",
    ]
    out = tmp_path / "prog"
    assert main(["--db", str(db_file), "ics", "--out", str(out), "--program", "onboarding 2027"]) == 0
    assert [p.name for p in out.iterdir()] == ["Program - Onboarding 2027.ics"]
    out = tmp_path / "sess"
    assert main(["--db", str(db_file), "ics", "--out", str(out), "--session", "1"]) == 0
    assert [p.name for p in out.iterdir()] == ["Night deploy drill - 2027-03-28.ics"]


@pytest.mark.parametrize(
    "extra,message",
    [
        (["--participant", "nobody@example.com"], "no participant with e-mail nobody@example.com"),
        (["--program", "Nope"], "no program named 'Nope'"),
        (["--session", "999"], "no session with id 999"),
        (
            ["--participant", "ana.silva2@example.com", "--program", "Onboarding 2027", "--session", "3"],
            "no sessions match",
        ),
    ],
)
def test_cli_failures_are_one_line(db_file, tmp_path, capsys, extra, message):
    assert main(["--db", str(db_file), "ics", "--out", str(tmp_path / "x"), *extra]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_cli_without_coordinator(db_file, tmp_path, capsys):
    db = open_db(db_file)
    set_coordinator(db, email="")
    db.close()
    assert main(["--db", str(db_file), "ics", "--out", str(tmp_path / "x")]) == 1
    assert "Settings" in capsys.readouterr().err
    assert not os.path.exists(tmp_path / "x")
