"""The Participants list shows who is trained (every required module completed), and keeps it current."""

from __future__ import annotations

from dataclasses import replace

import pytest

from peerdesk.store import participants as store
from peerdesk.store.training import Module, add_module, record_completion, remove_completion, update_module
from peerdesk.ui.participants.model import COLUMNS, ID_ROLE, TRAINED, TRAINED_MARK, ParticipantsModel
from peerdesk.ui.participants.page import ParticipantsPage


@pytest.fixture
def page(ctx, people, qtbot, prompts):
    widget = ParticipantsPage(ctx)
    qtbot.addWidget(widget)
    return widget


def marks(page) -> dict[str, str]:
    model = page.model
    return {model.participant(r).email: model.index(r, TRAINED).data() for r in range(model.rowCount())}


def email_id(ctx, email: str) -> int:
    found = store.find_by_email(ctx.db, email)
    assert found is not None and found.id is not None
    return int(found.id)


def test_trained_column_follows_completions_modules_and_undo(ctx, page):
    assert COLUMNS[TRAINED] == "Trained"
    assert set(marks(page).values()) == {""}
    zoe, ana = email_id(ctx, "zoe.odegard@example.com"), email_id(ctx, "ana.silva@example.com")
    basics = ctx.run("module", add_module, Module(name="Mentoring basics"))
    ethics = ctx.run("module", add_module, Module(name="Ethics"))
    ctx.run("done", record_completion, zoe, basics.id)
    ctx.run("done", record_completion, ana, basics.id)
    assert set(marks(page).values()) == {""}  # two required modules: nobody has both yet
    ctx.run("done", record_completion, zoe, ethics.id)
    shown = marks(page)
    assert shown["zoe.odegard@example.com"] == TRAINED_MARK
    assert [e for e, m in shown.items() if m] == ["zoe.odegard@example.com"]
    # Ethics becomes optional: Ana is trained too, without any participant row being written
    ctx.run("optional", update_module, replace(ethics, required=False))
    assert {e for e, m in marks(page).items() if m} == {"zoe.odegard@example.com", "ana.silva@example.com"}
    ctx.undo()
    ctx.run("undone", remove_completion, zoe, ethics.id)
    assert set(marks(page).values()) == {""}
    ctx.undo()
    assert marks(page)["zoe.odegard@example.com"] == TRAINED_MARK
    row = page.model.row_of(zoe)
    assert page.model.index(row, TRAINED).data(ID_ROLE) == zoe


def test_a_full_reload_and_an_edit_keep_the_mark(ctx, page):
    zoe = email_id(ctx, "zoe.odegard@example.com")
    basics = ctx.run("module", add_module, Module(name="Mentoring basics"))
    ctx.run("done", record_completion, zoe, basics.id)
    page.reload()
    assert marks(page)["zoe.odegard@example.com"] == TRAINED_MARK
    person = store.find_by_email(ctx.db, "zoe.odegard@example.com")
    ctx.run("Edit", store.update_participant, replace(person, name="Aaron Zoë"))
    assert marks(page)["zoe.odegard@example.com"] == TRAINED_MARK
    assert page.model.participant(page.model.row_of(zoe)).name == "Aaron Zoë"


def test_sorting_by_trained_puts_the_trained_together(ctx, people, qtmodeltester):
    model = ParticipantsModel()
    ids = [int(p.id or 0) for p in people]
    model.set_rows(store.list_participants(ctx.db), {ids[1], ids[4]})
    qtmodeltester.check(model)
    model.sort(TRAINED, model.sort_state()[1].DescendingOrder)
    assert {model.index(r, 0).data(ID_ROLE) for r in range(2)} == {ids[1], ids[4]}
    assert model.trained_flips({ids[1]}) == {ids[4]}
