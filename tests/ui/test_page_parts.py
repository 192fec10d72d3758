"""Pages built from the same parts (issue 16 point 9): empty states that say what to do on a new
program, one toolbar style, search hints and goal titles shown whole, charts without a
nonsense scale, and words a coordinator reads as words."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QToolBar

from peerdesk.store.programs import Goal, Program, add_goal, add_program
from peerdesk.store.training import add_default_modules
from peerdesk.ui.common import charts, page_parts
from peerdesk.ui.dashboard.page import DashboardPage
from peerdesk.ui.engagement.feedback import FeedbackPage
from peerdesk.ui.engagement.recognition import RecognitionPage
from peerdesk.ui.engagement.training import TrainingPage
from peerdesk.ui.participants.page import ParticipantsPage
from peerdesk.ui.printing.page import ReportsPage
from peerdesk.ui.sessions.page import SessionsPage

pytestmark = pytest.mark.usefixtures("jobs_awaited")

PAGES = (ParticipantsPage, SessionsPage, TrainingPage, RecognitionPage, FeedbackPage, ReportsPage)


def _page(cls, ctx, qtbot):
    page = cls(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def _shown_empty_states(page) -> list[page_parts.EmptyState]:
    return [e for e in page.findChildren(page_parts.EmptyState) if e.isVisible()]


def test_a_new_program_shows_what_to_do_on_every_page(ctx, qtbot):
    expected = {
        TrainingPage: ("No training modules yet", {"Add the standard modules", "Add a module…"}),
        RecognitionPage: ("No contributions this quarter", {"Show all time"}),
        FeedbackPage: ("No feedback last 90 days", {"Import feedback…", "Show all time"}),
        ReportsPage: ("No program yet", {"New program…"}),
    }
    for cls, (title, buttons) in expected.items():
        page = _page(cls, ctx, qtbot)
        shown = _shown_empty_states(page)
        assert shown, f"{cls.__name__} is blank on a new program"
        assert title in [e.title for e in shown]
        state = next(e for e in shown if e.title == title)
        assert {b.text() for b in state.findChildren(QPushButton) if b.isVisible()} == buttons


def test_the_empty_states_are_one_widget(ctx, qtbot):
    for cls in (ParticipantsPage, SessionsPage):
        page = _page(cls, ctx, qtbot)
        assert isinstance(page.empty, page_parts.EmptyState) and page.empty.isVisible()


def test_empty_states_follow_the_data(ctx, people, qtbot):
    training = _page(TrainingPage, ctx, qtbot)
    ctx.run("Standard modules", add_default_modules)
    assert not training.body.is_empty  # the catalogue shows; people with the mentor role are listed
    ctx.run("Program", add_program, Program("Mentoring"))
    reports = _page(ReportsPage, ctx, qtbot)
    assert not reports.body.is_empty and reports.eligible_stack.is_empty
    assert reports.eligible_stack.empty.title == "Nobody to consider yet"
    assert reports.register_stack.empty.title == "No certificates issued yet"
    recognition = _page(RecognitionPage, ctx, qtbot)
    assert recognition.awards_stack.empty.title == "No awards given yet"


def test_every_page_has_the_same_toolbar(ctx, qtbot):
    for cls in PAGES:
        page = _page(cls, ctx, qtbot)
        bars = page.findChildren(QToolBar)
        assert bars, f"{cls.__name__} has no toolbar"
        for bar in bars:
            assert bar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
            assert not bar.isMovable()
            for action in bar.actions():
                if not action.isSeparator():
                    assert _drawn(action.icon()), f"{cls.__name__}: {action.text()} has no icon"
        if cls is SessionsPage:
            continue  # its week view has its own Previous / Next buttons
        # Actions live on the toolbar: the only push buttons are an empty state's next steps.
        loose = [b.text() for b in page.findChildren(QPushButton) if not isinstance(b.parent(), page_parts.EmptyState)]
        assert not loose, f"{cls.__name__} has buttons outside its toolbar: {loose}"


def _drawn(icon: QIcon) -> bool:
    """An icon with lines in it (not a null icon, not an empty square)."""
    image = icon.pixmap(16, 16).toImage()
    return sum(image.pixelColor(x, y).alpha() > 120 for x in range(16) for y in range(16)) > 4


def test_the_main_buttons_of_pages_without_a_toolbar_have_icons(ctx, qtbot):
    """Pairings and Programs keep their actions in button rows beside what they act on."""
    from peerdesk.ui.pairings.page import PairingsPage
    from peerdesk.ui.programs.page import ProgramsPage

    pairings = _page(PairingsPage, ctx, qtbot)
    for button in (pairings.propose_button, pairings.lock_button, pairings.swap_button, pairings.accept_button):
        assert _drawn(button.icon()), button.text()
    for button in (pairings.first_button, pairings.invites_button, pairings.again_button):
        assert _drawn(button.icon()), button.text()  # the next steps after accepting
    programs = _page(ProgramsPage, ctx, qtbot)
    loose = [b.text() for b in programs.findChildren(QPushButton) if b.isVisibleTo(programs) and b.text()]
    assert loose and all(_drawn(b.icon()) for b in programs.findChildren(QPushButton) if b.text() in loose)


def test_every_shipped_icon_is_used_and_every_used_icon_is_shipped():
    """Only the icons the window shows are shipped (resources/icons/lucide, ISC)."""
    import ast
    from pathlib import Path

    import peerdesk.ui
    from peerdesk.ui.common import icons

    shipped = set(icons.names())
    ui = Path(peerdesk.ui.__file__).parent
    literals = {
        node.value
        for file in ui.rglob("*.py")
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert shipped - literals == set(), "shipped icons that nothing shows"
    for name in shipped:
        assert _drawn(icons.icon(name)), name


def test_search_hints_are_never_clipped(ctx, qtbot):
    for cls in (ParticipantsPage, TrainingPage, FeedbackPage):
        page = _page(cls, ctx, qtbot)
        for edit in page.findChildren(QLineEdit):
            hint = edit.placeholderText()
            if hint and edit.isVisibleTo(page):
                assert edit.minimumWidth() >= edit.fontMetrics().horizontalAdvance(hint) + 30, hint


def test_long_goal_titles_wrap_on_the_dashboard(ctx, qtbot):
    program = add_program(ctx.db, Program("Mentoring"))
    title = "Every active mentor has completed the mentor training and the listening module by 31 March"
    add_goal(ctx.db, Goal(program.id, title, "sessions_held", 2, dt.date(2026, 12, 31)))
    page = _page(DashboardPage, ctx, qtbot)
    qtbot.waitUntil(lambda: not page.busy and page.goals.rowCount() == 1)
    assert page.goals_view.wordWrap() and page.goals_view.textElideMode() == Qt.TextElideMode.ElideNone
    index = page.goals_view.model().index(0, 0)
    assert title in index.data(Qt.ItemDataRole.ToolTipRole)


@pytest.mark.parametrize(
    "values,labels",
    [
        ([0, 0, 0, 0, 0], []),  # nothing to measure: no scale at all (was 0 0 0 1 1)
        ([None, None], []),
        ([0, 1, 0], ["0", "1"]),
        ([0, 3, 2], ["0", "1", "2", "3"]),
        ([7, 94, 67], ["0", "20", "40", "60", "80", "100"]),
    ],
)
def test_bar_charts_label_their_axis_with_distinct_round_numbers(qtbot, values, labels):
    chart = charts.BarChart("Ratings given", whole=True)
    qtbot.addWidget(chart)
    chart.set_data(["★1", "★2", "★3", "★4", "★5"][: len(values)], [("Ratings", values, charts.AMBER)])
    assert chart.tick_labels() == labels


def test_hours_and_rates_have_round_gridlines():
    assert charts.axis_ticks(0.4) == [0.0, 0.1, 0.2, 0.3, 0.4]
    assert charts.tick_text(0.5, charts.axis_ticks(2.5)) == "0.5"
    assert charts.axis_ticks(93) == [0, 20, 40, 60, 80, 100]


def test_the_import_preview_does_not_say_utf_8_sig(ctx, tmp_path, qtbot):
    from peerdesk import importing
    from peerdesk.ui.participants.import_dialog import ImportDialog

    path = tmp_path / "people.csv"
    path.write_bytes("\ufeffname,email\nZoë Ødegård,zoe@example.com\n".encode())  # Excel's "CSV UTF-8"
    dialog = ImportDialog(ctx, importing.plan_import(ctx.db, path), path)
    qtbot.addWidget(dialog)
    assert "(UTF-8, comma-separated)" in dialog.summary.text() and "SIG" not in dialog.summary.text()


def test_refill_keeps_the_choice_falls_back_to_the_first_and_does_not_signal(qtbot):
    refill = page_parts.refill
    combo = QComboBox()
    qtbot.addWidget(combo)
    changes: list[int] = []
    combo.currentIndexChanged.connect(changes.append)
    refill(combo, [("Ada", 1), ("Bo", 2)], everything="All programs", select=2)
    assert [combo.itemText(i) for i in range(combo.count())] == ["All programs", "Ada", "Bo"]
    assert combo.currentData() == 2
    refill(combo, [("Bo", 2), ("Cy", 3)], everything="All programs")
    assert combo.currentText() == "Bo"
    refill(combo, [("Cy", 3)])
    assert combo.currentText() == "Cy" and combo.count() == 1
    assert changes == []
