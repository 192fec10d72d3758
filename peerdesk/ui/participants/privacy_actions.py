"""Participants > Erase participant… and Export participant data…: a person's rights over their data."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from peerdesk.jobs import Work
from peerdesk.store import backups
from peerdesk.store.db import Database
from peerdesk.store.errors import StoreError
from peerdesk.store.lookups import people_by_id
from peerdesk.store.privacy import (
    Erasure,
    Forgotten,
    erase_participant,
    erasure_preview,
    forget_freed_pages,
    mention_place,
    other_mentions,
    write_participant_export,
)
from peerdesk.ui.common import widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.jobs import run_modal
from peerdesk.wording import plural as _plural

ERASE_LABEL = "Erase participant"
MENTIONS_SHOWN = 8


def _verb(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


@dataclass(frozen=True)
class _Preview:
    """What the confirmation says erasing would touch, read on a worker (~2 s at 5,000 people:
    every free text is searched for the name)."""

    counts: dict[str, int]
    mentions: list[tuple[str, str]]  # (where, text) of the first few texts by others that name them
    mentioned: int  # how many such texts there are


def _read_preview(db: Database, pid: int) -> _Preview:
    found = other_mentions(db, pid)
    shown = [(mention_place(db, table, col, rowid), text) for table, col, rowid, text in found[:MENTIONS_SHOWN]]
    return _Preview(erasure_preview(db, pid), shown, len(found))


class EraseDialog(QDialog):
    """Explains what erasing removes; the Erase button works once the person's e-mail is typed."""

    def __init__(self, ctx: AppContext, participant_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.participant_id = participant_id
        self.result_: Erasure | None = None
        self.backup: backups.Backup | None = None
        self.forgotten: Forgotten | None = None
        person = people_by_id(ctx.db, [participant_id])[participant_id]
        name, self.email = person.name, person.email
        preview = run_modal(
            parent,
            f"Finding what names {name}",
            lambda work: _read_preview(work.reader(), participant_id),
            path=ctx.path,
            cancellable=False,
        )
        counts = preview.counts
        self.setWindowTitle(f"Erase {name}")
        layout = QVBoxLayout(self)
        text = QLabel(self)
        text.setWordWrap(True)
        lines = [
            f"<b>Erase {_escape(name)} ({_escape(self.email)}) and their records?</b>",
            "<ul>",
            f"<li>{_plural(counts['pairings'], 'pairing')} {_verb(counts['pairings'], 'stays', 'stay')} "
            "as history without them</li>",
            f"<li>{_plural(counts['feedback'], 'feedback answer')} they gave "
            f"{_verb(counts['feedback'], 'stays', 'stay')}, anonymous</li>",
            f"<li>their attendance at {_plural(counts['sessions'], 'session')} is dropped</li>",
            f"<li>{_plural(counts['certificates'], 'certificate')} and {_plural(counts['awards'], 'award')}"
            " are removed</li>",
            f"<li>{_plural(counts['reports'], 'person', 'people')} {_verb(counts['reports'], 'loses', 'lose')}"
            " them as manager</li>",
            "<li>their name is replaced in the titles of their pairings' sessions</li>",
            "</ul>",
            *_mentions_text(preview),
            self._backup_text(),
        ]
        text.setText("".join(lines))
        layout.addWidget(text)
        layout.addWidget(QLabel("To confirm, type their e-mail address:", self))
        self.confirm_edit = QLineEdit(self)
        self.confirm_edit.setPlaceholderText(self.email)
        self.confirm_edit.setAccessibleName("E-mail address to confirm")
        layout.addWidget(self.confirm_edit)
        self.message = widgets.InlineMessage(self)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.erase_button = QPushButton("&Erase", self)
        self.erase_button.setToolTip("Remove this person and everything about them for good")
        self.erase_button.setEnabled(False)
        buttons.addButton(self.erase_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.rejected.connect(self.reject)
        self.erase_button.clicked.connect(self.erase)
        layout.addWidget(buttons)
        self.confirm_edit.textChanged.connect(self._update)

    def _backup_text(self) -> str:
        path = self.ctx.workspace.path
        if path is None:
            return "This cannot be undone."
        folder = backups.backup_dir(path)
        return (
            f"This cannot be undone. The file is backed up first, to {_escape(str(folder))}; that backup and "
            "older ones still hold them until they roll out of the set (File > Restore lists them)."
        )

    def _update(self) -> None:
        self.erase_button.setEnabled(self.confirm_edit.text().strip().casefold() == self.email.casefold())

    def erase(self) -> None:
        if not self.erase_button.isEnabled():
            return
        try:  # a bulk write: backed up first, on a worker while the window waits
            self.result_ = self.ctx.run(ERASE_LABEL, erase_participant, self.participant_id)
            self.backup = self.ctx.last_changes.backup if self.ctx.last_changes else None
        except StoreError as exc:
            self.message.show_error(str(exc))
            return
        try:  # ~1 s at 5,000 people (VACUUM): on a worker too
            self.forgotten = run_modal(
                self, "Removing old copies of the erased records", self._forget, cancellable=False
            )
        except StoreError as exc:  # erased already; only the clean-up of old pages failed
            self.forgotten = Forgotten(False, False)
            self.message.show_error(str(exc))
        self.ctx.undo_state_changed.emit()
        self.accept()

    def _forget(self, _work: Work) -> Forgotten:
        """The undo history would hold what was just erased; so would old copies of pages."""
        workspace = self.ctx.workspace
        with workspace.writing:
            if workspace.undo_log is not None:
                workspace.undo_log.clear()
            return forget_freed_pages(workspace.db)


def _mentions_text(preview: _Preview) -> list[str]:
    n = preview.mentioned
    if not n:
        return []
    lines = [
        f"<p>{_plural(n, 'text')} written by or about other people {_verb(n, 'mentions', 'mention')} them and "
        f"{_verb(n, 'is', 'are')} <b>left as written</b> (PeerDesk never rewrites other people's words); review "
        f"{_verb(n, 'it', 'them')} by hand:</p><ul>"
    ]
    lines += [f"<li>{_escape(where)}: “{_escape(_snippet(text))}”</li>" for where, text in preview.mentions]
    if n > MENTIONS_SHOWN:
        lines.append(f"<li>and {n - MENTIONS_SHOWN} more</li>")
    lines.append("</ul>")
    return lines


def _snippet(text: str, width: int = 80) -> str:
    try:
        value = json.loads(text)  # a setting is stored as JSON: show the words, not the quotes
        if isinstance(value, str):
            text = value
    except ValueError:
        pass
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def erase_participant_dialog(ctx: AppContext, participant_id: int, parent: QWidget | None = None) -> Erasure | None:
    """Ask for confirmation and erase a participant; return what was erased, or None."""
    if ctx.readonly:
        widgets.warn(parent, ERASE_LABEL, "The program file is open read-only; nothing can be erased.")
        return None
    dialog = EraseDialog(ctx, participant_id, parent)
    widgets.exec_dialog(dialog)
    done = dialog.result_
    if done is not None:
        text = (
            f"{done.name} was erased: {_plural(done.feedback_anonymised, 'feedback answer')} made anonymous, "
            f"{_plural(done.pairings_left, 'pairing')} kept as history, "
            f"{_plural(done.texts_scrubbed, 'title or comment')} with their name rewritten."
        )
        if dialog.backup is not None:
            text += f"\n\nThe file as it was before is in the backup {dialog.backup.path}."
        if dialog.forgotten is not None and not dialog.forgotten.checkpointed:
            text += (
                "\n\nAnother program is reading the file, so the old copies of the erased records are still in its "
                "journal (-wal file); they are removed when that program (or PeerDesk) closes the file."
            )
        widgets.inform(parent, ERASE_LABEL, text)
    return done


def export_participant_data_dialog(ctx: AppContext, participant_id: int, parent: QWidget | None = None) -> Path | None:
    """Ask where, then write everything held about a participant to a JSON file."""
    person = people_by_id(ctx.db, [participant_id]).get(participant_id)
    if person is None:
        return None
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", person.name).strip() or "participant"
    folder = ctx.workspace.path.parent if ctx.workspace.path is not None else Path.home()
    out = widgets.ask_save_file(
        parent, "Export participant data", "JSON files (*.json);;All files (*)", str(folder / f"{safe} - data.json")
    )
    if out is None:
        return None
    try:
        write_participant_export(ctx.db, participant_id, out)
    except StoreError as exc:
        widgets.warn(parent, "Export participant data", str(exc))
        return None
    widgets.inform(
        parent,
        "Export participant data",
        f"Everything PeerDesk holds about {person.name} was written to {out}. The file is readable by you only.",
    )
    return out
