"""After a write, the Participants page updates only the rows concerned, and ends up exactly where a
full reload would: same rows in the same order, same filtering, same selection."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from peerdesk.importing import apply_import, plan_import
from peerdesk.store import participants as store
from peerdesk.store.privacy import erase_participant
from peerdesk.store.records import Participant, SkillLevel, Window
from peerdesk.ui.participants import page as participants_page
from peerdesk.ui.participants.model import CAPACITY, DEPARTMENT, ID_ROLE, NAME, ParticipantsFilter, ParticipantsModel
from peerdesk.ui.participants.page import ParticipantsPage


@pytest.fixture
def page(ctx, people, qtbot, prompts):
    widget = ParticipantsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    return widget


def by_email(ctx, email: str) -> Participant:
    found = store.find_by_email(ctx.db, email)
    assert found is not None
    return found


def shown_ids(proxy) -> list[int]:
    return [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())]


def assert_like_a_fresh_load(page, ctx) -> None:
    """The page's model and proxy equal a model and proxy loaded from scratch with the same settings."""
    fresh = ParticipantsModel()
    fresh.sort(*page.model.sort_state())
    fresh.set_rows(store.list_participants(ctx.db))
    assert page.model.participants() == fresh.participants()
    assert page.model.ids == fresh.ids
    assert page.model.keys == fresh.keys
    assert page.model.archived_count == fresh.archived_count
    assert [page.model.row_of(pid) for pid in fresh.ids] == list(range(len(fresh.ids)))
    for row in range(fresh.rowCount()):
        assert [page.model.index(row, c).data() for c in range(fresh.columnCount())] == [
            fresh.index(row, c).data() for c in range(fresh.columnCount())
        ]
    proxy = ParticipantsFilter()
    proxy.setSourceModel(fresh)
    proxy.query = page.proxy.query
    proxy.department, proxy.role, proxy.status = page.proxy.department, page.proxy.role, page.proxy.status
    proxy.set_show_archived(page.proxy.show_archived)
    assert shown_ids(page.proxy) == shown_ids(proxy)
    departments = [page.department_filter.itemData(i) for i in range(1, page.department_filter.count())]
    assert departments == store.departments(ctx.db)
    assert page.count_label.text()


def rename_and_move(ctx):
    zoe = by_email(ctx, "zoe.odegard@example.com")
    edited = replace(zoe, name="Aaron Zoë", department="Legal", teaches=(SkillLevel("Go", 3),), availability=())
    ctx.run("Edit Zoë", store.update_participant, edited)


def fewer_skills(ctx):
    zoe = by_email(ctx, "zoe.odegard@example.com")
    ctx.run("Edit Zoë", store.update_participant, replace(zoe, teaches=zoe.teaches[:1], capacity=7))


def add(ctx):
    new = Participant(
        name="Ngozi Okafor",
        email="ngozi@example.com",
        department="Finance",
        teaches=(SkillLevel("Excel", 4),),
        availability=(Window(1, 600, 660),),
    )
    ctx.run("Add Ngozi", store.add_participant, new)


def delete(ctx):
    ids = [by_email(ctx, e).id for e in ("lukasz.nowak@example.com", "bob.obrien@example.com")]
    ctx.run("Delete 2", store.delete_participants, ids)


def archive(ctx):
    ctx.run("Archive Zoë", store.set_archived, [by_email(ctx, "zoe.odegard@example.com").id], True)


def erase(ctx):
    ctx.run("Erase Émile", erase_participant, by_email(ctx, "emile.durand@example.com").id)


def small_import(ctx):
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "people.csv"
        csv.write_text(
            "name,email,department\nÉmile Durand,emile.durand@example.com,Legal\nYara Haddad,yara@example.com,Data\n",
            encoding="utf-8",
        )
        ctx.run("Import participants", apply_import, plan_import(ctx.db, csv))


WRITES = [rename_and_move, fewer_skills, add, delete, archive, erase, small_import]
KEPT = ("ana.silva@example.com", "li.na@example.com")  # selected, and never changed by WRITES


@pytest.mark.parametrize("write", WRITES, ids=[w.__name__ for w in WRITES])
@pytest.mark.parametrize(
    "sort", [(NAME, Qt.SortOrder.AscendingOrder), (DEPARTMENT, Qt.SortOrder.DescendingOrder), (CAPACITY, None)]
)
def test_write_undo_redo_refresh_only_the_rows_concerned(page, ctx, qtbot, qtmodeltester, write, sort):
    column, order = sort
    page.table.sortByColumn(column, order or Qt.SortOrder.AscendingOrder)
    kept = [by_email(ctx, e).id for e in KEPT]
    page.select_ids(kept, kept[1])
    qtmodeltester.check(page.model, force_py=True)  # stays connected: checks every signal that follows
    # Qt's own tester on the proxy (pytest-qt's fixture watches one model); a failure is a Qt warning
    proxy_tester = QAbstractItemModelTester(page.proxy, QAbstractItemModelTester.FailureReportingMode.Warning)

    for step in (write, lambda c: c.undo(), lambda c: c.redo()):
        with qtbot.assertNotEmitted(page.model.modelReset):
            step(ctx)
        assert_like_a_fresh_load(page, ctx)
        assert sorted(page.selected_ids()) == sorted(kept)
        assert page.model.ids[page.proxy.mapToSource(page.table.currentIndex()).row()] == kept[1]
    del proxy_tester


def test_filters_judge_changed_rows_on_their_new_data(page, ctx, qtbot):
    page.archived_check.setChecked(False)
    qtbot.keyClicks(page.search, "python")
    before = shown_ids(page.proxy)
    lukasz = by_email(ctx, "lukasz.nowak@example.com")
    ctx.run("Edit", store.update_participant, replace(lukasz, learns=(SkillLevel("Rust", 2),)))
    assert lukasz.id in before and lukasz.id not in shown_ids(page.proxy)
    ana = by_email(ctx, "ana.silva@example.com")
    ctx.run("Edit", store.update_participant, replace(ana, learns=(SkillLevel("Python", 1),)))
    assert ana.id in shown_ids(page.proxy)
    archive(ctx)
    assert by_email(ctx, "zoe.odegard@example.com").id not in shown_ids(page.proxy)
    assert_like_a_fresh_load(page, ctx)
    qtbot.keyClicks(page.search, "3")  # typing on from the updated rows
    assert shown_ids(page.proxy) == []
    page.search.setText("pyth")
    assert_like_a_fresh_load(page, ctx)


def test_a_department_filter_on_a_department_that_empties_is_dropped(page, ctx):
    page.department_filter.setCurrentIndex(page.department_filter.findData("Sales"))
    ids = [by_email(ctx, e).id for e in ("emile.durand@example.com", "bob.obrien@example.com")]
    ctx.run("Delete", store.delete_participants, ids)
    assert page.proxy.department is None
    assert page.department_filter.currentIndex() == 0
    assert_like_a_fresh_load(page, ctx)


def test_large_or_unknown_changes_reload_everything(page, ctx, qtbot, monkeypatch):
    monkeypatch.setattr(participants_page, "INCREMENTAL_MOST", 1)
    with qtbot.waitSignal(page.model.modelReset, timeout=0):
        delete(ctx)
    assert_like_a_fresh_load(page, ctx)
    monkeypatch.setattr(participants_page, "INCREMENTAL_MOST", 200)
    with qtbot.assertNotEmitted(page.model.modelReset):
        ctx.undo()
    assert_like_a_fresh_load(page, ctx)


@pytest.fixture
def crowd(ctx):
    """Eighty people, enough to scroll."""
    with ctx.db.atomic():
        return [
            store.add_participant(
                ctx.db,
                Participant(name=f"Person {i:02}", email=f"p{i:02}@example.com", department=("Data", "Sales")[i % 2]),
            )
            for i in range(80)
        ]


@pytest.fixture
def crowd_page(ctx, crowd, qtbot, prompts):
    widget = ParticipantsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(900, 400)
    widget.show()
    return widget


def test_an_edit_elsewhere_keeps_the_scroll_position(crowd_page, ctx, crowd):
    page = crowd_page
    bar = page.table.verticalScrollBar()
    assert bar.maximum() > 0
    page.select_ids([crowd[40].id], crowd[40].id)
    bar.setValue(bar.maximum() // 2)
    before = bar.value()
    ctx.run("Edit", store.update_participant, replace(crowd[79], title="Far below"))
    ctx.run("Archive", store.set_archived, [crowd[78].id], True)
    assert bar.value() == before
    assert page.selected_ids() == [crowd[40].id]
    assert_like_a_fresh_load(page, ctx)


def test_the_current_row_is_followed_when_it_moves(crowd_page, ctx, crowd):
    page = crowd_page
    page.select_ids([crowd[0].id], crowd[0].id)
    ctx.run("Rename", store.update_participant, replace(crowd[0], name="Zed Last"))
    current = page.table.currentIndex()
    assert page.model.ids[page.proxy.mapToSource(current).row()] == crowd[0].id
    assert page.table.viewport().rect().intersects(page.table.visualRect(current))
    assert_like_a_fresh_load(page, ctx)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_sequence_of_writes_undos_and_redos_matches_a_fresh_load(crowd_page, ctx, crowd, data):
    page = crowd_page
    column = data.draw(st.sampled_from([NAME, DEPARTMENT, CAPACITY]), "sort column")
    descending = data.draw(st.booleans(), "descending")
    page.table.sortByColumn(column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
    page.archived_check.setChecked(data.draw(st.booleans(), "show archived"))
    page.search.setText(data.draw(st.sampled_from(["", "person 1", "data", "x"]), "query"))
    names = st.sampled_from(["Aaron", "Person 05", "person 05", "Zoë", "Émile", "Ö", "a"])
    try:
        for _ in range(data.draw(st.integers(1, 6), "steps")):
            people = ctx.workspace.db.execute("SELECT id FROM participants ORDER BY id").fetchall()
            ids = [r[0] for r in people]
            action = data.draw(st.sampled_from(["edit", "add", "delete", "archive", "undo", "redo"]), "action")
            if action == "edit" and ids:
                p = store.get_participant(ctx.db, data.draw(st.sampled_from(ids)))
                changed = replace(
                    p,
                    name=data.draw(names),
                    department=data.draw(st.sampled_from(["", "Data", "Legal"])),
                    capacity=data.draw(st.integers(0, 3)),
                    teaches=data.draw(st.sampled_from([(), (SkillLevel("Python", 2),), (SkillLevel("X", 1),)])),
                )
                ctx.run("Edit", store.update_participant, changed)
            elif action == "add":
                n = max(ids, default=0) + 1000  # never the e-mail of someone present
                ctx.run("Add", store.add_participant, Participant(name=data.draw(names), email=f"new{n}@example.com"))
            elif action == "delete" and ids:
                ctx.run("Delete", store.delete_participants, data.draw(st.lists(st.sampled_from(ids), max_size=3)))
            elif action == "archive" and ids:
                chosen = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3))
                ctx.run("Archive", store.set_archived, chosen, data.draw(st.booleans()))
            elif action == "undo":
                ctx.undo()
            elif action == "redo":
                ctx.redo()
            assert_like_a_fresh_load(page, ctx)
    finally:
        while ctx.undo() is not None:  # back to the crowd for the next example
            pass
        ctx.workspace.undo_log.clear()
    assert_like_a_fresh_load(page, ctx)
