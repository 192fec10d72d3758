"""Fixtures for the window's tests: isolated QSettings, a context over a program file in a temporary
folder (worker threads read it as they read a coordinator's file), people, and message boxes / file
dialogs replaced by recorders so that nothing modal ever blocks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QThreadPool

from peerdesk.store.participants import add_participant
from peerdesk.store.records import Participant, SkillLevel, Window
from peerdesk.store.workspace import Workspace
from peerdesk.ui.common import widgets
from peerdesk.ui.common.context import AppContext


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, qapp):
    """QSettings written to a temporary folder, never to the user's real configuration."""
    folder = tmp_path_factory.mktemp("qsettings")
    QCoreApplication.setOrganizationName("PeerDeskTests")
    QCoreApplication.setApplicationName("PeerDeskTests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QSettings().clear()
    yield folder


@dataclass
class Prompts:
    """What the code asked the user; answers to give back."""

    warnings: list[tuple[str, str]] = field(default_factory=list)
    infos: list[tuple[str, str]] = field(default_factory=list)
    confirms: list[tuple[str, str]] = field(default_factory=list)
    bugs: list[tuple[str, str]] = field(default_factory=list)
    confirm_answer: bool = True
    open_paths: list[Path | None] = field(default_factory=list)
    save_paths: list[Path | None] = field(default_factory=list)
    delimiter: str = ","  # the separator chosen in the participant export's file dialog


@pytest.fixture
def prompts(monkeypatch) -> Prompts:
    rec = Prompts()

    def confirm(parent: Any, title: str, text: str, action: str = "OK", **_kw: Any) -> bool:
        rec.confirms.append((title, text))
        return rec.confirm_answer

    monkeypatch.setattr(widgets, "warn", lambda parent, title, text: rec.warnings.append((title, text)))
    monkeypatch.setattr(widgets, "inform", lambda parent, title, text: rec.infos.append((title, text)))
    monkeypatch.setattr(widgets, "about", lambda parent, title, text: rec.infos.append((title, text)))
    monkeypatch.setattr(widgets, "report_bug", lambda parent, title, text, detail: rec.bugs.append((text, detail)))
    monkeypatch.setattr(widgets, "confirm", confirm)
    monkeypatch.setattr(widgets, "ask_open_file", lambda *a, **k: rec.open_paths.pop(0) if rec.open_paths else None)
    monkeypatch.setattr(widgets, "ask_save_file", lambda *a, **k: rec.save_paths.pop(0) if rec.save_paths else None)

    def export_target(*a: Any, **k: Any) -> tuple[Path, str] | None:
        path = rec.save_paths.pop(0) if rec.save_paths else None
        return None if path is None else (path, rec.delimiter)

    from peerdesk.ui.participants import import_dialog

    monkeypatch.setattr(import_dialog, "ask_export_target", export_target)
    return rec


@pytest.fixture
def workspace(tmp_path):
    """A program file, not an in-memory store: the window's jobs take the same threaded path as a user's."""
    ws = Workspace.open(tmp_path / "program.peerdesk.db")
    yield ws
    QThreadPool.globalInstance().waitForDone()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the test's widgets, closed by qtbot
    ws.close()


@pytest.fixture
def ctx(workspace, qapp):
    context = AppContext(workspace)
    yield context


PEOPLE = [
    Participant(
        name="Zoë Ødegård",
        email="zoe.odegard@example.com",
        department="Platform Engineering",
        title="Senior Engineer",
        location="Oslo",
        timezone="Europe/Oslo",
        hire_date=dt.date(2021, 3, 1),
        role="mentor",
        capacity=2,
        teaches=(SkillLevel("Python", 5), SkillLevel("SQL", 4)),
        learns=(SkillLevel("Public speaking", 2),),
        availability=(Window(0, 540, 720),),
    ),
    Participant(
        name="Łukasz Nowak",
        email="lukasz.nowak@example.com",
        department="Data",
        title="Data Analyst",
        timezone="Europe/Warsaw",
        role="mentee",
        learns=(SkillLevel("Python", 2),),
    ),
    Participant(
        name="Ana Silva",
        email="ana.silva@example.com",
        department="Platform Engineering",
        title="VP Engineering",
        timezone="Europe/Lisbon",
        role="both",
        capacity=3,
        teaches=(SkillLevel("Kubernetes", 4),),
    ),
    Participant(
        name="Émile Durand",
        email="emile.durand@example.com",
        department="Sales",
        role="peer",
        status="paused",
    ),
    Participant(name="李娜", email="li.na@example.com", department="Data", role="mentee"),
    Participant(name="bob o'brien", email="bob.obrien@example.com", department="Sales", role="peer"),
]


@pytest.fixture
def people(ctx) -> list[Participant]:
    """A handful of participants with accents, other scripts, quotes; written without undo history."""
    return [add_participant(ctx.db, p) for p in PEOPLE]


def _settle(*widgets: Any, timeout_s: float = 20.0) -> None:
    """Let every background job of these widgets report and show its outcome, as a user would wait."""
    import time

    from PySide6.QtWidgets import QApplication

    from peerdesk.ui.common.jobs import JobRunner

    deadline = time.perf_counter() + timeout_s
    while True:
        QApplication.processEvents()
        busy = [r for w in widgets for r in w.findChildren(JobRunner) if r.busy]
        if not busy:
            return
        if time.perf_counter() > deadline:
            raise AssertionError(f"{len(busy)} background job(s) still running after {timeout_s} s")
        time.sleep(0.005)


@pytest.fixture
def first_read():
    """first_read(PageClass, ctx): what the window reads on a worker before it builds such a page
    (the class's load(), over a reader of its own), to hand to the page as `data`."""
    from peerdesk.jobs import Work

    def read(page_class: Any, ctx: Any) -> Any:
        return Work(ctx.path).perform(lambda work: page_class.load(work.reader()))

    return read


@pytest.fixture
def settle(qapp):
    """settle(page, ...): wait for the page's figures, computed on worker threads, to show."""
    return _settle


@pytest.fixture
def jobs_awaited(monkeypatch, qapp):
    """Every background job is awaited right after it starts: it still runs on a pool thread over
    its own reader of the program file, and the test reads its outcome as a user would, once shown."""
    from peerdesk.ui.common.jobs import JobRunner

    start = JobRunner.run

    def run_and_wait(self: JobRunner, fn: Any) -> None:
        start(self, fn)
        self.wait()

    monkeypatch.setattr(JobRunner, "run", run_and_wait)
