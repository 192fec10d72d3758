"""Driving the Pairings page in tests: propose and wait, select a proposed group."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt

from peerdesk.ui.pairings.page import PairingsPage


def run(qtbot, page: PairingsPage) -> None:
    """Click Propose and wait until the proposal is shown and the job has ended."""
    with qtbot.waitSignal(page.proposal_ready, timeout=20000):
        qtbot.mouseClick(page.propose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.job is None, timeout=5000)


def select(page: PairingsPage, row: int) -> None:
    """Select the proposed group at a row of the model."""
    index = page.proposal_proxy.mapFromSource(page.proposal_model.index(row, 0))
    page.proposal_view.selectionModel().select(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
