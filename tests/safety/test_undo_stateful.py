"""Undo history never corrupts data: any mix of edits, undos and redos equals a replay of the edits left."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from peerdesk import clock
from peerdesk.store.db import open_db
from peerdesk.store.errors import StoreError
from peerdesk.store.participants import (
    add_participant,
    delete_participants,
    list_participants,
    set_archived,
    update_participant,
)
from peerdesk.store.programs import Program, add_program, delete_program, enrol, unenrol
from peerdesk.store.records import Participant, SkillLevel, Window
from peerdesk.store.sessions import Session, create_session, delete_sessions
from peerdesk.store.workspace import Workspace

# Any letters, marks, symbols and spaces; control characters are the importer tests' business.
NAMES = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
    lambda s: s.strip() != ""
)
LOCAL = st.sampled_from(["ana", "ben", "chloe", "dev", "eli", "fay"])
SKILLS = st.lists(
    st.builds(SkillLevel, st.sampled_from(["Python", "SQL", "Go", "Rust", "Public speaking"]), st.integers(1, 5)),
    max_size=3,
    unique_by=lambda s: s.skill,
).map(tuple)
WINDOWS = st.lists(
    st.builds(lambda d, s, n: Window(d, s, s + n), st.integers(0, 6), st.integers(0, 1200), st.integers(15, 239)),
    max_size=2,
).map(tuple)


def dump(db):
    """Every row of every table, with rowids: two stores are equal when their dumps are."""
    tables = [r[0] for r in db.execute("SELECT name FROM main.sqlite_master WHERE type='table' ORDER BY name")]
    return {t: db.execute(f"SELECT rowid, * FROM main.[{t}] ORDER BY rowid").fetchall() for t in tables}


class UndoMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        clock.freeze(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC))
        self.ws = Workspace.open(":memory:")
        self.done: list[tuple] = []  # (fn, args) of the edits on the undo stack
        self.undone: list[tuple] = []
        self.sessions = 0

    def teardown(self) -> None:
        self.ws.close()
        clock.freeze(None)

    def _edit(self, label, fn, *args):
        try:
            _result, changes = self.ws.run(label, fn, *args)
        except StoreError:
            return  # refused: nothing written, nothing recorded
        if changes.tables:  # an edit that changed nothing is not an undo step
            self.done.append((fn, args))
            self.undone.clear()

    def _people(self):
        return list_participants(self.ws.db)

    def _ids(self, table):
        return [r[0] for r in self.ws.db.execute(f"SELECT id FROM {table} ORDER BY id")]

    @rule(name=NAMES, local=LOCAL, dept=st.sampled_from(["", "Sales", "Ops"]), teaches=SKILLS, windows=WINDOWS)
    def add(self, name, local, dept, teaches, windows):
        p = Participant(name=name, email=f"{local}@example.org", department=dept, teaches=teaches, availability=windows)
        self._edit("Add participant", add_participant, p)

    @precondition(lambda self: self._ids("participants"))
    @rule(data=st.data(), name=NAMES, local=LOCAL, learns=SKILLS, role=st.sampled_from(["peer", "mentor", "mentee"]))
    def edit(self, data, name, local, learns, role):
        p = data.draw(st.sampled_from(self._people()))
        changed = replace(p, name=name, email=f"{local}@example.org", learns=learns, role=role)
        self._edit("Edit participant", update_participant, changed)

    @precondition(lambda self: self._ids("participants"))
    @rule(data=st.data(), archived=st.booleans())
    def archive(self, data, archived):
        pid = data.draw(st.sampled_from(self._ids("participants")))
        self._edit("Archive", set_archived, [pid], archived)

    @precondition(lambda self: self._ids("participants"))
    @rule(data=st.data())
    def delete(self, data):
        ids = data.draw(st.lists(st.sampled_from(self._ids("participants")), min_size=1, max_size=3, unique=True))
        self._edit("Delete participants", delete_participants, ids)

    @rule(name=st.sampled_from(["Onboarding", "Upskilling", "Circles"]))
    def add_program(self, name):
        self._edit("Add program", add_program, Program(name=name))

    @precondition(lambda self: self._ids("programs") and self._ids("participants"))
    @rule(data=st.data(), enrolling=st.booleans())
    def membership(self, data, enrolling):
        program = data.draw(st.sampled_from(self._ids("programs")))
        people = data.draw(st.lists(st.sampled_from(self._ids("participants")), min_size=1, max_size=3, unique=True))
        self._edit("Enrol" if enrolling else "Unenrol", enrol if enrolling else unenrol, program, people)

    @precondition(lambda self: self._ids("programs"))
    @rule(data=st.data())
    def remove_program(self, data):
        self._edit("Delete program", delete_program, data.draw(st.sampled_from(self._ids("programs"))))

    @precondition(lambda self: self._ids("participants"))
    @rule(data=st.data(), hours=st.integers(0, 500))
    def schedule(self, data, hours):
        people = data.draw(st.lists(st.sampled_from(self._ids("participants")), min_size=1, max_size=3, unique=True))
        self.sessions += 1
        s = Session(
            title=f"Session {self.sessions}",
            start_utc=dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC) + dt.timedelta(hours=hours),
            hosts=tuple(people[:1]),
            attendees=tuple(people[1:]),
            uid=f"s{self.sessions}@test",
        )
        self._edit("Schedule", create_session, s)

    @precondition(lambda self: self._ids("sessions"))
    @rule(data=st.data())
    def unschedule(self, data):
        self._edit("Delete session", delete_sessions, [data.draw(st.sampled_from(self._ids("sessions")))])

    @precondition(lambda self: self.done)
    @rule()
    def undo(self):
        self.ws.undo()
        self.undone.append(self.done.pop())

    @precondition(lambda self: self.undone)
    @rule()
    def redo(self):
        self.ws.redo()
        self.done.append(self.undone.pop())

    @invariant()
    def equals_a_replay_of_the_remaining_edits(self):
        fresh = open_db(":memory:")
        try:
            for fn, args in self.done:
                with fresh.atomic():
                    fn(fresh, *args)
            assert dump(self.ws.db) == dump(fresh)
        finally:
            fresh.close()
        log = self.ws.undo_log
        assert log.can_undo == bool(self.done) and log.can_redo == bool(self.undone)

    @invariant()
    def references_hold(self):
        assert self.ws.db.execute("PRAGMA foreign_key_check").fetchall() == []


UndoMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestUndoHistory = UndoMachine.TestCase
