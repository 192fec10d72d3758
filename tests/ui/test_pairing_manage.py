"""Pairings page tabs: never-pair exclusions (dialog, remove, undo) and active pairings (end, lock, undo)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from peerdesk.store import pairings as store
from peerdesk.store.participants import add_participant
from peerdesk.store.records import Participant
from peerdesk.ui.common import widgets
from peerdesk.ui.pairings.manage import ActivePairingsTab, ExclusionDialog, ExclusionsTab
from peerdesk.ui.pairings.models import LOCKED_MARK, ActivePairingsModel, ExclusionsModel
from peerdesk.ui.pairings.page import PairingsPage


@pytest.fixture
def staff(ctx):
    names = ("Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra")
    return [
        add_participant(ctx.db, Participant(name=n, email=n.split()[0].lower() + "@x.org", department="R&D"))
        for n in names
    ]


def _pick(qtbot, combo, text: str) -> None:
    combo.lineEdit().clear()
    qtbot.keyClicks(combo.lineEdit(), text)


def _select(view, proxy, model, rows) -> None:
    selection = view.selectionModel()
    selection.clearSelection()
    for row in rows:
        index = proxy.mapFromSource(model.index(row, 0))
        selection.select(index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)


def test_exclusion_dialog_validates_then_writes_undoably(qtbot, ctx, staff):
    ada, grace = staff[0], staff[1]
    d = ExclusionDialog(ctx)
    qtbot.addWidget(d)
    _pick(qtbot, d.first, "ada")
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    assert "second person" in d.message.text() and not d.message.isHidden()
    _pick(qtbot, d.second, "lovelace")  # the same person by another part of her name
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    assert d.message.text() == "Choose two different people."
    assert store.exclusions(ctx.db) == frozenset()
    _pick(qtbot, d.second, "grace@x")  # by e-mail
    qtbot.keyClicks(d.reason_edit, "Grace manages Ada's project")
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    assert d.result() == d.DialogCode.Accepted
    rows = store.list_exclusions(ctx.db)
    assert [(e.a.name, e.b.name, e.reason) for e in rows] == [
        ("Ada Lovelace", "Grace Hopper", "Grace manages Ada's project")
    ]
    assert rows[0].since == dt.date(2026, 11, 2)
    assert store.exclusions(ctx.db) == {tuple(sorted((ada.id, grace.id)))}
    # the same two again (in the other order) are refused
    again = ExclusionDialog(ctx)
    qtbot.addWidget(again)
    _pick(qtbot, again.first, "Grace")
    _pick(qtbot, again.second, "Ada")
    qtbot.mouseClick(again.ok_button, Qt.MouseButton.LeftButton)
    assert "already never paired" in again.message.text()
    assert again.result() != again.DialogCode.Accepted
    ctx.undo()
    assert store.exclusions(ctx.db) == frozenset()


def test_ambiguous_or_unknown_names_are_not_guessed(qtbot, ctx, staff):
    d = ExclusionDialog(ctx)
    qtbot.addWidget(d)
    _pick(qtbot, d.first, "a")  # matches several people
    _pick(qtbot, d.second, "Nobody Here")
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    assert d.message.text() == "“a” matches 4 people: pick the first person from the list."
    _pick(qtbot, d.first, "Ada")
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    assert d.message.text() == "Nobody matches “Nobody Here”: type part of the second person's name or e-mail."
    assert store.exclusions(ctx.db) == frozenset()


def test_exclusions_tab_lists_adds_removes_and_follows_undo(qtbot, ctx, staff, prompts, monkeypatch):
    ada, grace, alan, edsger = staff
    tab = ExclusionsTab(ctx)
    qtbot.addWidget(tab)
    assert tab.model.rowCount() == 0 and not tab.remove_button.isEnabled()

    def fill(dialog: ExclusionDialog) -> int:
        _pick(qtbot, dialog.first, "Alan")
        _pick(qtbot, dialog.second, "Edsger")
        qtbot.keyClicks(dialog.reason_edit, "relatives")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(widgets, "exec_dialog", fill)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    ctx.run("exclude", store.add_exclusion, ada.id, grace.id, "manager")
    assert tab.model.rowCount() == 2  # refreshed by ctx.changed, for the dialog's write and any other
    shown = {(tab.model.data(tab.model.index(r, 0)), tab.model.data(tab.model.index(r, 1))) for r in range(2)}
    assert shown == {("Alan Turing", "Edsger Dijkstra"), ("Ada Lovelace", "Grace Hopper")}
    row = next(r for r in range(2) if tab.model.rows[r].a.name == "Alan Turing")
    assert tab.model.data(tab.model.index(row, 2)) == "relatives"
    assert tab.model.data(tab.model.index(row, 3)) == "2026-11-02"
    _select(tab.view, tab.proxy, tab.model, [row])
    assert tab.remove_button.isEnabled()
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert store.exclusions(ctx.db) == {tuple(sorted((ada.id, grace.id)))}
    assert tab.model.rowCount() == 1
    ctx.undo()
    assert tab.model.rowCount() == 2
    tab.filter_edit.setText("relat")
    assert tab.proxy.rowCount() == 1
    # renaming someone shows in the list
    ctx.run("rename", lambda db: db.execute("UPDATE participants SET name = 'Ada King' WHERE id = ?", (ada.id,)))
    assert "Ada King" in {e.a.name for e in tab.model.rows} | {e.b.name for e in tab.model.rows}


def _pair(ctx, *people, mode="buddies", role="peer", program_id=None, locked=False):
    group = store.NewGroup(tuple((p.id, role) for p in people), score=0.5, locked=locked)
    return store.accept_round(ctx.db, mode, [group], program_id=program_id, started_on=dt.date(2026, 10, 5))


def test_active_pairings_tab_ends_after_confirming_and_undoes(qtbot, ctx, staff, prompts):
    ada, grace, alan, edsger = staff
    store.accept_round(
        ctx.db,
        "mentoring",
        [
            store.NewGroup(((ada.id, "mentor"), (grace.id, "mentee"))),
            store.NewGroup(((alan.id, "mentor"), (edsger.id, "mentee"))),
        ],
        started_on=dt.date(2026, 9, 1),
    )
    ada_pairing = next(p for p in store.active_pairings(ctx.db) if ada.id in p.member_ids)
    ctx.db.execute(
        "INSERT INTO sessions(uid, pairing_id, kind, title, start_utc, timezone, duration_min, status, created_at, "
        "updated_at) VALUES ('s1', ?, 'mentoring', 'Check-in', '2026-10-20T08:00:00+00:00', 'UTC', 30, 'held', "
        "'2026-10-01', '2026-10-01')",
        (ada_pairing.id,),
    )
    tab = ActivePairingsTab(ctx)
    qtbot.addWidget(tab)
    assert tab.model.rowCount() == 0  # read when first shown
    tab.show()
    assert tab.model.rowCount() == 2
    row = next(r for r, p in enumerate(tab.model.rows) if p.id == ada_pairing.id)
    cells = [tab.model.data(tab.model.index(row, c)) for c in range(6)]
    assert cells[0] == "Mentoring" and cells[1] == "(everyone)"
    assert cells[2] == "Ada Lovelace (mentor) + Grace Hopper (mentee)"
    assert cells[3:] == ["2026-09-01", "2026-10-20", ""]
    assert tab.model.data(tab.model.index(1 - row, 4)) == "never"
    assert not tab.end_button.isEnabled()
    _select(tab.view, tab.proxy, tab.model, [row])
    prompts.confirm_answer = False
    qtbot.mouseClick(tab.end_button, Qt.MouseButton.LeftButton)
    assert "Ada Lovelace" in prompts.confirms[-1][1]
    assert len(store.active_pairings(ctx.db)) == 2
    prompts.confirm_answer = True
    qtbot.mouseClick(tab.end_button, Qt.MouseButton.LeftButton)
    ended = store.get_pairing(ctx.db, ada_pairing.id)
    assert ended.status == "ended" and ended.ended_on == dt.date(2026, 11, 2)
    assert [p.id for p in tab.model.rows] == [p.id for p in store.active_pairings(ctx.db)] and tab.model.rowCount() == 1
    ctx.undo()
    assert store.get_pairing(ctx.db, ada_pairing.id).status == "active"
    assert tab.model.rowCount() == 2


def test_lock_and_unlock_several_keeps_selection_and_locked_pairs_survive_a_new_round(qtbot, ctx, staff, prompts):
    ada, grace, alan, edsger = staff
    store.accept_round(
        ctx.db,
        "buddies",
        [
            store.NewGroup(((ada.id, "peer"), (grace.id, "peer"))),
            store.NewGroup(((alan.id, "peer"), (edsger.id, "peer"))),
        ],
    )
    tab = ActivePairingsTab(ctx)
    qtbot.addWidget(tab)
    assert tab.model.rowCount() == 0  # read when first shown
    tab.show()
    _select(tab.view, tab.proxy, tab.model, [0, 1])
    assert tab.lock_button.text() == "Lock"
    qtbot.mouseClick(tab.lock_button, Qt.MouseButton.LeftButton)
    assert all(p.locked for p in store.active_pairings(ctx.db))
    assert len(tab.selected()) == 2 and tab.lock_button.text() == "Unlock"
    assert tab.model.data(tab.model.index(0, 5)) == LOCKED_MARK
    _select(tab.view, tab.proxy, tab.model, [next(r for r, p in enumerate(tab.model.rows) if ada.id in p.member_ids)])
    qtbot.mouseClick(tab.lock_button, Qt.MouseButton.LeftButton)
    locked = {frozenset(p.member_ids) for p in store.active_pairings(ctx.db) if p.locked}
    assert locked == {frozenset((alan.id, edsger.id))}
    ctx.undo()  # the unlock
    assert all(p.locked for p in store.active_pairings(ctx.db))
    assert tab.model.data(tab.model.index(0, 5)) == tab.model.data(tab.model.index(1, 5)) == LOCKED_MARK
    ctx.redo()
    # a new round of the same format ends the unlocked pairing and keeps the locked one
    store.accept_round(ctx.db, "buddies", [store.NewGroup(((ada.id, "peer"), (grace.id, "peer")))])
    active = {frozenset(p.member_ids) for p in store.active_pairings(ctx.db)}
    assert frozenset((alan.id, edsger.id)) in active
    assert [p.locked for p in store.active_pairings(ctx.db) if ada.id in p.member_ids] == [False]


def test_page_has_the_new_tabs(qtbot, ctx, staff, prompts):
    page = PairingsPage(ctx)
    qtbot.addWidget(page)
    titles = [page.history_tabs.tabText(i) for i in range(page.history_tabs.count())]
    assert titles == ["Rounds", "Who met whom", "Department contacts", "Active pairings", "Never pair"]


def test_models_pass_the_model_tester(qtmodeltester, ctx, staff):
    ada, grace, alan, _ = staff
    store.add_exclusion(ctx.db, ada.id, grace.id, "manager")
    exclusions = ExclusionsModel()
    exclusions.set_rows(store.list_exclusions(ctx.db))
    qtmodeltester.check(exclusions)
    _pair(ctx, ada, alan)
    active = ActivePairingsModel()
    active.set_rows(store.active_pairings(ctx.db), {}, "Europe/Oslo")
    qtmodeltester.check(active)


def test_with_a_program_file_the_problem_is_loaded_off_the_ui_thread(qtbot, tmp_path, qapp, monkeypatch, prompts):
    import threading

    from peerdesk.matching import load as matching_load
    from peerdesk.store.workspace import Workspace
    from peerdesk.ui.common.context import AppContext
    from peerdesk.ui.pairings import page as pairings_page

    ws = Workspace.open(tmp_path / "program.peerdesk.db")
    try:
        ctx = AppContext(ws)
        for k in range(6):
            ctx.run("add", add_participant, Participant(name=f"Peer {k}", email=f"peer{k}@x.org", department="D"))
        threads: list[int] = []

        def load(db, *args, **kwargs):
            threads.append(threading.get_ident())
            return matching_load.load_problem(db, *args, **kwargs)

        monkeypatch.setattr(pairings_page, "load_problem", load)
        page = PairingsPage(ctx)
        qtbot.addWidget(page)
        page.mode_combo.setCurrentIndex(page.mode_combo.findData("buddies"))
        with qtbot.waitSignal(page.proposal_ready, timeout=20000):
            qtbot.mouseClick(page.propose_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.job is None, timeout=5000)
        assert threads and threads[0] != threading.get_ident()
        assert page.problem is not None and len(page.problem.people) == 6
        assert sorted(i for g in page.proposal_model.groups for i in g.ids) == sorted(p.id for p in page.problem.people)
        page.accept()
        assert len(store.active_pairings(ctx.db)) == 3
        page.history_runner.wait()  # its history is read on a worker: let it show before the file closes
    finally:
        ws.close()


def test_hidden_active_pairings_tab_catches_up_when_shown(qtbot, ctx, staff, prompts):
    ada, grace, alan, edsger = staff
    tab = ActivePairingsTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    assert tab.model.rowCount() == 0
    tab.hide()
    _pair(ctx, ada, grace)
    ctx.run("end nothing yet", lambda db: db.execute("UPDATE pairings SET score = 0.7"))
    assert tab.model.rowCount() == 0  # not read while hidden
    tab.show()
    assert [p.member_ids for p in tab.model.rows] == [tuple(sorted((ada.id, grace.id)))]
    ctx.run("end", store.end_pairing, tab.model.rows[0].id)
    assert tab.model.rowCount() == 0  # shown: follows at once


def test_active_pairings_sort_and_filter_through_the_model(qtbot, ctx, staff, prompts, qtmodeltester):
    ada, grace, alan, edsger = staff
    store.accept_round(
        ctx.db,
        "mentoring",
        [store.NewGroup(((ada.id, "mentor"), (grace.id, "mentee")))],
        started_on=dt.date(2026, 9, 1),
    )
    store.accept_round(
        ctx.db, "buddies", [store.NewGroup(((alan.id, "peer"), (edsger.id, "peer")))], started_on=dt.date(2026, 10, 1)
    )
    tab = ActivePairingsTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    qtmodeltester.check(tab.proxy)

    def members() -> list[str]:
        return [tab.proxy.index(r, 2).data() for r in range(tab.proxy.rowCount())]

    assert members() == ["Alan Turing + Edsger Dijkstra", "Ada Lovelace (mentor) + Grace Hopper (mentee)"]  # newest
    tab.view.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    assert members() == ["Ada Lovelace (mentor) + Grace Hopper (mentee)", "Alan Turing + Edsger Dijkstra"]
    tab.filter_edit.setText("mentoring GRACE")  # every word, in any column, any case
    assert members() == ["Ada Lovelace (mentor) + Grace Hopper (mentee)"]
    tab.filter_edit.setText("edsger@x")  # e-mails too
    assert members() == ["Alan Turing + Edsger Dijkstra"]
    assert tab.count_label.text() == "1 of 2 shown"
    tab.filter_edit.clear()
    assert tab.count_label.text() == "2 active"
