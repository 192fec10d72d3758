"""Every figure PeerDesk shows, computed in one place (no Qt): the dashboard, the PDF
reports and the certificates all read their numbers from here.

- scope:      Period and Scope (department, program, kinds), and the shared SQL definitions
              of "held", "present" and "active" (read its docstring for the conventions);
- catalogue:  the metric catalogue (participation, sessions, attendance, hours, ratings,
              training, pairings, cross-functional reach): compute(db, key, scope, params);
- goals:      evaluate_goal(db, goal) -> GoalProgress (actual, target, trend, status);
- people:     person_figures / people_figures, contribution points, leaderboard;
- summary:    program_figures(db, program_id) for reports;
- dashboard:  dashboard(db, program_id) with key figures, monthly series, action lists;
- feedback:   feedback_summary(db, scope) by session kind, host and month.
"""

from peerdesk.metrics.catalogue import CATALOGUE, METRICS, Metric, Param, compute, format_value, metric
from peerdesk.metrics.goals import STATUS_LABELS, GoalProgress, check_goal, evaluate_goal, evaluate_goals
from peerdesk.metrics.people import LeaderboardEntry, PersonFigures, leaderboard, people_figures, person_figures
from peerdesk.metrics.scope import NAMED_PERIODS, Period, Scope, named_period
from peerdesk.metrics.summary import ProgramFigures, program_figures, program_period

__all__ = [
    "CATALOGUE",
    "METRICS",
    "NAMED_PERIODS",
    "STATUS_LABELS",
    "GoalProgress",
    "LeaderboardEntry",
    "Metric",
    "Param",
    "PersonFigures",
    "Period",
    "ProgramFigures",
    "Scope",
    "check_goal",
    "compute",
    "evaluate_goal",
    "evaluate_goals",
    "format_value",
    "leaderboard",
    "metric",
    "named_period",
    "people_figures",
    "person_figures",
    "program_figures",
    "program_period",
]
