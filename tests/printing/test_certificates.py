"""Certificates: eligibility against hand-worked figures, serials, register, PDFs."""

from __future__ import annotations

import csv
import dataclasses

import pytest
from pypdf import PdfReader

from peerdesk.printing import certificates, designs, register
from peerdesk.printing.eligibility import Condition, KindRule, candidates, rules_for, save_rules
from peerdesk.store.errors import ValidationError
from peerdesk.store.settings import load_settings, save_settings
from tests.printing.conftest import NAMES
from tests.printing.pdfcheck import contains_name, fonts_of, page_texts


def _by(found, key, kind):
    return next(c for c in found if c.participant_id == key and c.kind == kind)


def test_recognition_uses_real_figures(small):
    found = candidates(small.db, small.program)
    zoe = _by(found, small.p["zoe"], "recognition")
    assert zoe.qualifies
    assert zoe.figures.sessions_led == 3
    assert zoe.figures.hours_mentored == pytest.approx(12.5)
    assert zoe.figures.people_helped == 4
    assert zoe.figures.average_rating_received == pytest.approx(14 / 3)
    assert "12.5 hours mentored (needs 10)" in zoe.reasons
    mo = _by(found, small.p["mo"], "recognition")
    assert not mo.qualifies and not mo.close
    assert mo.missing == ("hours mentored: 1 of 10", "average rating: 3.0 of 4.0")


def test_completion_qualifies_and_close(small):
    found = candidates(small.db, small.program)
    yam = _by(found, small.p["yam"], "completion")
    assert not yam.qualifies and yam.close  # 4 sessions, completion not recorded yet
    dim = _by(found, small.p["dim"], "completion")
    assert not dim.qualifies and dim.close  # completed, 3 of 4 sessions
    dav = _by(found, small.p["dav"], "completion")
    assert not dav.qualifies and not dav.close  # completed, 2 of 4 sessions
    assert all(c.participant_id != small.p["ele"] for c in found)  # not in the program


def test_rules_are_editable_per_program(small):
    rules = rules_for(small.db, small.program)
    rules["completion"] = KindRule(
        "completion", True, "Certificate of Completion", (Condition("sessions_attended", 2),)
    )
    save_rules(small.db, small.program, rules)
    again = rules_for(small.db, small.program)
    assert again["completion"].conditions == (Condition("sessions_attended", 2),)
    found = candidates(small.db, small.program, kinds=("completion",))
    assert {c.participant_id for c in found if c.qualifies} == {small.p[k] for k in ("yam", "dav", "dim")}
    with pytest.raises(ValidationError):
        save_rules(
            small.db, small.program, {"recognition": KindRule("recognition", True, "x", (Condition("rating_avg", 7),))}
        )


def test_custom_award_is_a_certificate_with_its_wording(small):
    found = candidates(small.db, small.program, kinds=("custom",))
    (award,) = found
    assert award.qualifies and award.award_id == small.award
    content = certificates.content_for(award)
    assert content["heading"] == "Community Builder"
    assert content["statement"] == "for starting the lunch & learn series"


def test_serial_is_recorded_and_reused(small):
    qualified = [c for c in candidates(small.db, small.program) if c.qualifies]
    first = certificates.issue(small.db, qualified)
    assert [c.serial for c in first] == ["PD-2026-00001", "PD-2026-00002"]
    stored = small.db.execute("SELECT serial, participant_id, kind FROM certificates ORDER BY serial").fetchall()
    assert [tuple(r) for r in stored] == [
        ("PD-2026-00001", qualified[0].participant_id, qualified[0].kind),
        ("PD-2026-00002", qualified[1].participant_id, qualified[1].kind),
    ]
    # More sessions later do not change a certificate already issued.
    small.db.execute("UPDATE sessions SET duration_min = 900 WHERE id = ?", (small.s["s3"],))
    again = certificates.issue(small.db, [c for c in candidates(small.db, small.program) if c.qualifies])
    assert [c.serial for c in again] == [c.serial for c in first]
    assert [c.content for c in again] == [c.content for c in first]
    assert small.db.execute("SELECT count(*) FROM certificates").fetchone()[0] == 2


def test_a_serial_is_never_reused_after_undo(small):
    from peerdesk.store.workspace import Workspace

    ws = Workspace(small.db)
    qualified = [c for c in candidates(small.db, small.program) if c.qualifies]
    first, _ = ws.run("Issue certificates", certificates.issue, qualified[:1])
    ws.undo()
    assert small.db.execute("SELECT count(*) FROM certificates").fetchone()[0] == 0
    second, _ = ws.run("Issue certificates", certificates.issue, qualified[:1])
    assert first[0].serial == "PD-2026-00001"
    assert second[0].serial == "PD-2026-00002"


def test_pdf_holds_names_figures_and_serials(small, tmp_path):
    issued = certificates.issue(small.db, [c for c in candidates(small.db, small.program) if c.qualifies])
    settings = load_settings(small.db)
    for design in designs.DESIGNS:
        out = certificates.write_pdf(issued, settings, tmp_path / f"{design}.pdf", design)
        texts = page_texts(str(out))
        assert len(texts) == len(issued)
        for cert, page in zip(issued, texts, strict=True):
            assert contains_name(page, cert.name)
            assert cert.serial in page
            assert "Northwind Labs" in page or "NORTHWIND LABS" in page
            assert "Ana Silva" in page and "Head of People" in page
        zoe_page = next(p for c, p in zip(issued, texts, strict=True) if c.participant_id == small.p["zoe"])
        for figure in ("3", "12.5", "4"):
            assert figure in zoe_page
        assert "hours mentored" in zoe_page and "people helped" in zoe_page
        assert all(fonts_of(str(out)).values())


@pytest.mark.parametrize("paper,size", [("A4", (841.89, 595.28)), ("Letter", (792, 612))])
def test_landscape_paper_from_settings(small, tmp_path, paper, size):
    save_settings(small.db, dataclasses.replace(load_settings(small.db), paper_size=paper))
    issued = certificates.issue(small.db, [c for c in candidates(small.db, small.program) if c.qualifies])
    out = certificates.write_pdf(issued, load_settings(small.db), tmp_path / "c.pdf", "modern")
    box = PdfReader(str(out)).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(size, abs=0.5)


def test_one_file_each_with_progress_and_cancel(small, tmp_path):
    issued = certificates.issue(small.db, [c for c in candidates(small.db, small.program) if c.qualifies])
    seen = []
    files = certificates.write_files(
        issued, load_settings(small.db), tmp_path / "out", progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(1, 2), (2, 2)]
    assert sorted(f.name for f in files) == sorted(certificates.file_name(c) for c in issued)
    assert all(len(page_texts(str(f))) == 1 for f in files)
    calls = []

    def cancel_after_first():
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(certificates.Cancelled) as info:
        certificates.write_files(issued, load_settings(small.db), tmp_path / "c", cancel=cancel_after_first)
    assert len(info.value.written) == 1
    with pytest.raises(certificates.Cancelled):
        certificates.write_pdf(issued, load_settings(small.db), tmp_path / "one.pdf", cancel=cancel_after_first)
    assert not (tmp_path / "one.pdf").exists()


def test_every_script_prints_on_a_certificate(small, tmp_path):
    # Give everyone an award so each name gets a certificate.
    for key in NAMES:
        small.db.execute(
            "INSERT INTO awards(participant_id, program_id, title, reason, awarded_on) VALUES (?, ?, 'Thanks', '', '2026-10-01')",
            (small.p[key], small.program),
        )
    issued = certificates.issue(small.db, candidates(small.db, small.program, kinds=("custom",)))
    out = certificates.write_pdf(issued, load_settings(small.db), tmp_path / "all.pdf", "classic")
    texts = page_texts(str(out))
    for cert, page in zip(issued, texts, strict=True):
        assert contains_name(page, cert.name), (cert.name, page)


def test_long_name_stays_inside_the_border(tmp_path):
    from peerdesk.printing import text

    long = "Maximiliana Alexandra-Konstantinopoulou von Hohenzollern-Sigmaringen und Württemberg-Teck"
    lines, size = text.fit_block(long, "serif-bold", 40, 600)
    assert 1 < len(lines) <= 2
    assert all(text.text_width(line, "serif-bold", size) <= 600 for line in lines)
    solid = "X" * 200
    lines, size = text.fit_block(solid, "serif-bold", 40, 600)
    assert lines == [solid] and text.text_width(solid, "serif-bold", size) <= 600


def test_register_lists_and_exports(small, tmp_path):
    issued = certificates.issue(small.db, [c for c in candidates(small.db, small.program) if c.qualifies])
    rows = register.register(small.db)
    assert {r.serial for r in rows} == {c.serial for c in issued}
    assert register.by_serial(small.db, issued[0].serial) == issued[0]
    out = register.export_csv(rows, tmp_path / "register.csv")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        read = list(csv.DictReader(fh))
    assert [r["serial"] for r in read] == [r.serial for r in rows]
    zoe = next(r for r in read if r["email"] == "zoe@example.com")
    assert zoe["name"] == NAMES["zoe"] and zoe["program"] == "Platform Onboarding"
    assert "12.5 hours mentored" in zoe["figures"]


def test_large_programs_take_the_whole_scope_path(small, monkeypatch):
    from peerdesk.printing import eligibility

    few = candidates(small.db, small.program)
    monkeypatch.setattr(eligibility, "MAX_ID_LIST", 1)
    many = candidates(small.db, small.program)
    assert [(c.participant_id, c.kind, c.qualifies, c.close, c.reasons) for c in many] == [
        (c.participant_id, c.kind, c.qualifies, c.close, c.reasons) for c in few
    ]


def test_logo_and_signature_are_printed(small, tmp_path):
    from PIL import Image

    logo, signature = tmp_path / "logo.png", tmp_path / "signature.png"
    Image.new("RGB", (300, 100), (15, 92, 99)).save(logo)
    Image.new("RGBA", (400, 120), (20, 30, 90, 255)).save(signature)
    save_settings(
        small.db, dataclasses.replace(load_settings(small.db), logo_path=str(logo), signature_path=str(signature))
    )
    issued = certificates.issue(small.db, [c for c in candidates(small.db, small.program) if c.qualifies])
    for design in designs.DESIGNS:
        out = certificates.write_pdf(issued[:1], load_settings(small.db), tmp_path / f"{design}.pdf", design)
        page = PdfReader(str(out)).pages[0]
        assert len(page.images) == 2, design
    # A missing image file is left off rather than failing the batch.
    save_settings(small.db, dataclasses.replace(load_settings(small.db), logo_path=str(tmp_path / "gone.png")))
    out = certificates.write_pdf(issued[:1], load_settings(small.db), tmp_path / "gone.pdf")
    assert len(PdfReader(str(out)).pages[0].images) == 1
