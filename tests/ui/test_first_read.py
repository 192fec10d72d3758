"""Pages whose first data the window reads on a worker (a class's `load(db)`): built from it, they
ask nothing of the program file on the UI thread."""

from __future__ import annotations

import pytest

from peerdesk.ui.window.main_window import load_page_class
from peerdesk.ui.window.pages import PAGES

READ_FIRST = [title for title, spec in PAGES if hasattr(load_page_class(spec), "load")]


def test_the_pages_with_many_rows_are_read_on_a_worker():
    assert {"Participants", "Sessions", "Training"} <= set(READ_FIRST)


@pytest.mark.parametrize("title", READ_FIRST)
def test_a_page_built_from_its_first_read_queries_nothing_itself(title, ctx, people, qtbot, first_read):
    page_class = load_page_class(dict(PAGES)[title])
    data = first_read(page_class, ctx)
    statements: list[str] = []
    ctx.db.conn.set_trace_callback(statements.append)
    try:
        page = page_class(ctx, data=data)
    finally:
        ctx.db.conn.set_trace_callback(None)
    qtbot.addWidget(page)
    assert statements == []
