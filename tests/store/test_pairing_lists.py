"""Store lists behind the Pairings page's management tabs: exclusions with names, last meetings."""

from __future__ import annotations

import datetime as dt

from peerdesk.store import pairings as store
from peerdesk.store.participants import add_participant
from peerdesk.store.records import Participant


def _people(db, *names):
    return [add_participant(db, Participant(name=n, email=f"{n.split()[0].lower()}@x.org")) for n in names]


def test_list_exclusions_names_both_people_in_id_order_with_reason_and_day(db, fixed_clock):
    ada, bob, cy = _people(db, "Ada A", "Bob B", "Cy C")
    store.add_exclusion(db, cy.id, ada.id, "  relatives ")
    rows = store.list_exclusions(db)
    assert len(rows) == 1
    e = rows[0]
    assert (e.a.participant_id, e.a.name, e.a.email) == (ada.id, "Ada A", "ada@x.org")
    assert (e.b.participant_id, e.b.name) == (cy.id, "Cy C")
    assert e.reason == "relatives" and e.since == dt.date(2026, 11, 2)
    store.add_exclusion(db, bob.id, cy.id)
    assert {(x.a.name, x.b.name) for x in store.list_exclusions(db)} == {("Ada A", "Cy C"), ("Bob B", "Cy C")}
    db.execute("DELETE FROM participants WHERE id = ?", (cy.id,))  # cascades
    assert store.list_exclusions(db) == []


def _session(db, uid, pairing_id, start, status):
    db.execute(
        "INSERT INTO sessions(uid, pairing_id, kind, title, start_utc, timezone, duration_min, status, created_at, "
        "updated_at) VALUES (?, ?, 'mentoring', 'Meet', ?, 'UTC', 30, ?, '2026-01-01', '2026-01-01')",
        (uid, pairing_id, start, status),
    )


def test_last_meetings_counts_only_held_sessions(db, fixed_clock):
    ada, bob, cy, di = _people(db, "Ada A", "Bob B", "Cy C", "Di D")
    store.accept_round(
        db,
        "buddies",
        [store.NewGroup(((ada.id, "peer"), (bob.id, "peer"))), store.NewGroup(((cy.id, "peer"), (di.id, "peer")))],
    )
    first, second = sorted(p.id for p in store.active_pairings(db))
    _session(db, "a", first, "2026-10-01T09:00:00+00:00", "held")
    _session(db, "b", first, "2026-10-15T09:00:00+00:00", "held")
    _session(db, "c", first, "2026-10-29T09:00:00+00:00", "cancelled")
    _session(db, "d", first, "2026-11-20T09:00:00+00:00", "planned")
    _session(db, "e", second, "2026-10-20T09:00:00+00:00", "cancelled")
    last = store.last_meetings(db, [first, second])
    assert last == {first: dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC)}
    assert store.last_meetings(db, []) == {}
