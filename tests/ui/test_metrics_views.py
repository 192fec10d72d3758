"""Charts draw what they are given, in light and dark palettes; the metrics' Qt models pass qtmodeltester."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtGui import QColor, QPalette

from peerdesk.metrics import Scope, evaluate_goals, leaderboard
from peerdesk.metrics.dashboard import action_lists
from peerdesk.metrics.feedback import feedback_summary
from peerdesk.store.programs import Goal, Program, add_goal, add_program, list_goals, list_programs
from peerdesk.store.recognition import Award, give_award, list_awards
from peerdesk.store.sessions import Session, create_session, mark_held, set_feedback
from peerdesk.store.training import add_default_modules, list_modules
from peerdesk.ui.common import charts
from peerdesk.ui.engagement.feedback import CommentsModel, GroupsModel
from peerdesk.ui.engagement.recognition import AwardsModel, LeaderboardModel
from peerdesk.ui.engagement.training import ModulesModel, TraineesModel, load_trainees
from peerdesk.ui.programs.goal_models import ActionModel, GoalProgressModel
from peerdesk.ui.programs.page import ProgramsModel

D = dt.date


def count_colour(image, colour: QColor) -> int:
    return sum(
        1
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
        if image.pixelColor(x, y).rgb() == colour.rgb()
    )


@pytest.mark.parametrize("dark", [False, True])
def test_charts_draw_their_data_in_both_palettes(qtbot, dark):
    palette = QPalette()
    if dark:
        palette.setColor(QPalette.ColorRole.Window, QColor("#202124"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#e8eaed"))
    bars = charts.BarChart("Sessions")
    qtbot.addWidget(bars)
    bars.setPalette(palette)
    bars.resize(400, 200)
    bars.set_data(["Sep", "Oct", "Nov"], [("Sessions", [4, None, 10], charts.BLUE)])
    assert count_colour(bars.grab().toImage(), charts.BLUE) > 100
    bars.set_data(["Sep"], [("Sessions", [None], charts.BLUE)])
    assert count_colour(bars.grab().toImage(), charts.BLUE) == 0
    line = charts.LineChart("Rating")
    qtbot.addWidget(line)
    line.setPalette(palette)
    line.resize(400, 200)
    line.set_data(["a", "b", "c", "d"], [("Rating", [4.0, None, 3.5, 4.5], charts.AMBER)], maximum=5)
    assert count_colour(line.grab().toImage(), charts.AMBER) > 10
    assert "a: 4" in line.toolTip() and "b: –" in line.toolTip()
    spark = charts.Sparkline()
    qtbot.addWidget(spark)
    spark.resize(120, 30)
    spark.set_values([None, 1.0, 2.0, 3.0], target=2.5, colour=charts.GREEN)
    assert count_colour(spark.grab().toImage(), charts.GREEN) > 3
    status = charts.StatusBar()
    qtbot.addWidget(status)
    status.resize(300, 44)
    status.set_counts({"met": 1, "missed": 3})
    image = status.grab().toImage()
    assert count_colour(image, charts.RED) > 2 * count_colour(image, charts.GREEN) > 0  # 3 to 1, plus legend swatches
    assert "Missed: 3" in status.toolTip()


@pytest.fixture
def data(ctx, people):
    db = ctx.db
    zoe, lukasz = people[0].id, people[1].id
    program = add_program(db, Program("P", start_date=D(2026, 10, 1)))
    add_goal(db, Goal(program.id, "Sessions", "sessions_held", 3, D(2026, 12, 31)))
    add_goal(db, Goal(program.id, "Rating", "average_rating", 4, D(2026, 10, 31)))
    s = create_session(
        db,
        Session(
            title="Clinic",
            kind="workshop",
            start_utc=dt.datetime(2026, 10, 7, 9, tzinfo=dt.UTC),
            program_id=program.id,
            hosts=(zoe,),
            attendees=(lukasz,),
        ),
    )
    mark_held(db, s.id, {lukasz: True})
    set_feedback(db, s.id, lukasz, 4, "Useful")
    add_default_modules(db)
    give_award(db, Award(zoe, "Star", "Ran the clinic"))
    return program


def test_models_pass_qtmodeltester(ctx, data, qtmodeltester):
    db = ctx.db
    goals = GoalProgressModel()
    goals.set_rows(evaluate_goals(db, list_goals(db)), {data.id: "P"})
    qtmodeltester.check(goals)
    actions = ActionModel()
    unpaired = action_lists(db, Scope())[2]
    actions.set_items(unpaired.items[:2], unpaired.total)
    assert actions.rowCount() == 3  # two shown, "… and N more"
    qtmodeltester.check(actions)
    actions.set_items((), 0)
    assert actions.data(actions.index(0)) == "Nothing needs attention here."
    qtmodeltester.check(actions)
    programs = ProgramsModel()
    programs.set_rows([(p, 2) for p in list_programs(db)])
    qtmodeltester.check(programs)
    modules = ModulesModel()
    modules.load(list_modules(db), {})
    qtmodeltester.check(modules)
    trainees = TraineesModel()
    trainees.load(load_trainees(db), list_modules(db))
    qtmodeltester.check(trainees)
    board = LeaderboardModel()
    board.set_rows(leaderboard(db))
    assert board.rowCount() == 1
    qtmodeltester.check(board)
    awards = AwardsModel()
    awards.set_rows([(a, "Zoë", "") for a in list_awards(db)])
    qtmodeltester.check(awards)
    summary = feedback_summary(db)
    kinds = GroupsModel("Kind")
    kinds.set_rows(summary.by_kind)
    qtmodeltester.check(kinds)
    comments = CommentsModel()
    comments.set_rows(summary.comments)
    assert comments.data(comments.index(0, 3)) == "★★★★☆"
    qtmodeltester.check(comments)
