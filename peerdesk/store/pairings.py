"""Pairings and matching rounds: who is paired with whom, who met whom, and accepting a round."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from peerdesk import clock
from peerdesk.store.db import Database
from peerdesk.store.errors import NotFound, ValidationError
from peerdesk.store.programs import program_config, update_program_config
from peerdesk.store.records import PairingId, ParticipantId, ProgramId
from peerdesk.store.workspace import bulk

KINDS = {"mentoring": "mentoring", "buddies": "buddy", "cross_functional": "cross_functional", "circles": "circle"}
MEMBER_ROLES = ("mentor", "mentee", "peer", "host")
# Rounds that replace the previous one of their program when accepted (rotation).
ROTATING = ("buddies", "cross_functional", "circles")


@dataclass(frozen=True)
class PairingMember:
    """Someone in a pairing, with their role."""

    participant_id: ParticipantId
    email: str
    name: str
    role: str
    department: str = ""


@dataclass(frozen=True)
class Pairing:
    """A pair or group that meets: mentoring, buddies, cross-functional pair or circle."""

    id: PairingId
    kind: str
    status: str
    started_on: dt.date
    members: tuple[PairingMember, ...]
    program_id: ProgramId | None = None
    program: str = ""
    round_id: int | None = None
    skill: str | None = None
    ended_on: dt.date | None = None
    score: float | None = None
    breakdown: Mapping[str, Any] = field(default_factory=dict)
    locked: bool = False

    @property
    def emails(self) -> tuple[str, ...]:
        return tuple(m.email for m in self.members)

    @property
    def member_ids(self) -> tuple[int, ...]:
        return tuple(m.participant_id for m in self.members)


@dataclass(frozen=True)
class MatchRound:
    """One accepted matching round."""

    id: int
    mode: str
    created_at: str
    total_score: float
    program_id: ProgramId | None = None
    program: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    pairings: int = 0
    sat_out: tuple[str, ...] = ()  # names


@dataclass(frozen=True)
class Contact:
    """One time two people were paired: with whom, how, when."""

    other_id: ParticipantId
    other_name: str
    other_department: str
    kind: str
    program: str
    started_on: dt.date
    ended_on: dt.date | None
    status: str


@dataclass(frozen=True)
class NewGroup:
    """A group of an accepted round, as plain values (from a matching proposal)."""

    members: tuple[tuple[int, str], ...]  # (participant id, role)
    score: float | None = None
    breakdown: Mapping[str, Any] = field(default_factory=dict)
    skill: str | None = None
    locked: bool = False


_SELECT = (
    "SELECT p.id, p.program_id, coalesce(pr.name, ''), p.round_id, p.kind, p.status, s.name, p.started_on, "
    "p.ended_on, p.score, p.breakdown, p.locked FROM pairings p "
    "LEFT JOIN programs pr ON pr.id = p.program_id LEFT JOIN skills s ON s.id = p.skill_id"
)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def _load(db: Database, where: str = "", params: Sequence[Any] = ()) -> list[Pairing]:
    rows = db.execute(f"{_SELECT} {where} ORDER BY p.started_on DESC, p.id DESC", tuple(params)).fetchall()
    if not rows:
        return []
    ids = [r[0] for r in rows]
    members: dict[int, list[PairingMember]] = defaultdict(list)
    for chunk in range(0, len(ids), 900):
        part = ids[chunk : chunk + 900]
        marks = ",".join("?" * len(part))
        for pid, part_id, email, name, role, dept in db.execute(
            "SELECT pm.pairing_id, pm.participant_id, pa.email, pa.name, pm.role, pa.department "
            f"FROM pairing_members pm JOIN participants pa ON pa.id = pm.participant_id "
            f"WHERE pm.pairing_id IN ({marks}) "
            "ORDER BY pm.pairing_id, CASE pm.role WHEN 'mentor' THEN 0 WHEN 'host' THEN 1 ELSE 2 END, pa.name",
            part,
        ):
            members[pid].append(PairingMember(ParticipantId(part_id), email, name, role, dept))
    out = []
    for r in rows:
        try:
            breakdown = json.loads(r[10] or "{}")
        except ValueError:
            breakdown = {}
        out.append(
            Pairing(
                id=PairingId(r[0]),
                program_id=ProgramId(r[1]) if r[1] is not None else None,
                program=r[2],
                round_id=r[3],
                kind=r[4],
                status=r[5],
                skill=r[6],
                started_on=_date(r[7]) or clock.today(),
                ended_on=_date(r[8]),
                score=r[9],
                breakdown=breakdown if isinstance(breakdown, dict) else {},
                locked=bool(r[11]),
                members=tuple(members.get(r[0], ())),
            )
        )
    return out


def list_pairings(
    db: Database, *, program_id: int | None = None, status: str | None = None, kind: str | None = None
) -> list[Pairing]:
    """Pairings, newest first, optionally of one program, status or kind."""
    clauses: list[str] = []
    params: list[Any] = []
    if program_id is not None:
        clauses.append("p.program_id = ?")
        params.append(program_id)
    if status is not None:
        clauses.append("p.status = ?")
        params.append(status)
    if kind is not None:
        clauses.append("p.kind = ?")
        params.append(kind)
    return _load(db, ("WHERE " + " AND ".join(clauses)) if clauses else "", params)


def active_pairings(db: Database, program_id: int | None = None) -> list[Pairing]:
    return list_pairings(db, program_id=program_id, status="active")


def count_active(db: Database, program_id: int | None = None) -> int:
    """How many pairings are active (in one program, or in all)."""
    where, params = ("AND program_id = ?", (program_id,)) if program_id is not None else ("", ())
    return int(db.execute(f"SELECT count(*) FROM pairings WHERE status = 'active' {where}", params).fetchone()[0])


def round_session_ids(db: Database, round_id: int) -> list[int]:
    """The planned sessions of a round's pairings, in time order (what its invites cover)."""
    return [
        r[0]
        for r in db.execute(
            "SELECT s.id FROM sessions s JOIN pairings p ON p.id = s.pairing_id "
            "WHERE p.round_id = ? AND s.status = 'planned' ORDER BY s.start_utc, s.id",
            (round_id,),
        )
    ]


def get_pairing(db: Database, pairing_id: int) -> Pairing:
    found = _load(db, "WHERE p.id = ?", (pairing_id,))
    if not found:
        raise NotFound(f"Pairing {pairing_id} does not exist.")
    return found[0]


def end_pairing(db: Database, pairing_id: int, on: dt.date | None = None) -> None:
    """Mark a pairing as ended (it stays in the history)."""
    get_pairing(db, pairing_id)
    day = (on or clock.today()).isoformat()
    db.execute(
        "UPDATE pairings SET status = 'ended', ended_on = ? WHERE id = ? AND status = 'active'", (day, pairing_id)
    )


def end_pairings(db: Database, ids: Iterable[int], on: dt.date | None = None) -> None:
    """End several pairings (one transaction)."""
    with db.atomic():
        for pairing_id in ids:
            end_pairing(db, pairing_id, on)


def lock_pairings(db: Database, ids: Iterable[int], locked: bool) -> None:
    """Lock or unlock several pairings (one transaction): a locked one carries on into the next round."""
    with db.atomic():
        for pairing_id in ids:
            set_locked(db, pairing_id, locked)


def set_locked(db: Database, pairing_id: int, locked: bool) -> None:
    """Lock an active pairing so that new rounds keep it as it is."""
    get_pairing(db, pairing_id)
    db.execute("UPDATE pairings SET locked = ? WHERE id = ?", (int(locked), pairing_id))


# -- history ---------------------------------------------------------------------------


def _pairs_of(member_rows: Iterable[tuple[int, int]]) -> Iterable[tuple[int, int, int]]:
    """(pairing id, a, b) with a < b for every two members of each pairing."""
    by_pairing: dict[int, list[int]] = defaultdict(list)
    for pairing, person in member_rows:
        by_pairing[pairing].append(person)
    for pairing, people in by_pairing.items():
        people.sort()
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                yield pairing, a, b


def met_counts(db: Database) -> dict[tuple[int, int], int]:
    """How many times each two people were paired, in any format and program."""
    counts: Counter[tuple[int, int]] = Counter()
    rows = db.execute("SELECT pairing_id, participant_id FROM pairing_members")
    for _, a, b in _pairs_of(rows):
        counts[(a, b)] += 1
    return dict(counts)


def latest_mentors(db: Database, mentee: int | None = None) -> dict[int, int]:
    """Each mentee's current mentor, else their most recent one (any program): mentee id -> mentor id
    (for everyone, or for one mentee)."""
    rows = db.execute(
        "SELECT e.participant_id, m.participant_id FROM pairings p "
        "JOIN pairing_members e ON e.pairing_id = p.id AND e.role = 'mentee' "
        "JOIN pairing_members m ON m.pairing_id = p.id AND m.role = 'mentor' "
        f"WHERE p.kind = 'mentoring' {'' if mentee is None else 'AND e.participant_id = ?'} "
        "ORDER BY p.status = 'active', coalesce(p.ended_on, p.started_on), p.started_on, p.id",
        () if mentee is None else (mentee,),
    )
    return {who: mentor for who, mentor in rows}  # later rows win: the active or latest pairing


def recent_pairs(db: Database, program_id: int | None, rounds: int) -> frozenset[tuple[int, int]]:
    """Pairs not to repeat: paired now (any format), or since the program's K-th last round.

    A round's window opens when it was accepted; with fewer than K rounds so far, all of
    the history counts.
    """
    where = "program_id = ?" if program_id is not None else "program_id IS NULL"
    params: tuple[Any, ...] = (program_id,) if program_id is not None else ()
    row = db.execute(
        f"SELECT created_at FROM match_rounds WHERE {where} ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?",
        (*params, max(0, rounds - 1)),
    ).fetchone()
    since = row[0][:10] if row else None
    if since is None:
        sql = "SELECT pairing_id, participant_id FROM pairing_members"
        args: tuple[Any, ...] = ()
    else:
        sql = (
            "SELECT pm.pairing_id, pm.participant_id FROM pairing_members pm JOIN pairings p ON p.id = pm.pairing_id "
            "WHERE p.status = 'active' OR p.started_on >= ? OR coalesce(p.ended_on, '9999') >= ?"
        )
        args = (since, since)
    return frozenset((a, b) for _, a, b in _pairs_of(db.execute(sql, args)))


def last_sat_out(db: Database, program_id: int | None) -> dict[int, int]:
    """For each person, the number (id) of the program's latest round they sat out."""
    where = "r.program_id = ?" if program_id is not None else "r.program_id IS NULL"
    params = (program_id,) if program_id is not None else ()
    return {
        pid: rid
        for pid, rid in db.execute(
            f"SELECT s.participant_id, max(s.round_id) FROM round_sitouts s JOIN match_rounds r ON r.id = s.round_id "
            f"WHERE {where} GROUP BY s.participant_id",
            params,
        )
    }


def contacts_of(db: Database, participant_id: int) -> list[Contact]:
    """Everyone this person was paired with, newest first."""
    rows = db.execute(
        "SELECT other.participant_id, pa.name, pa.department, p.kind, coalesce(pr.name, ''), p.started_on, "
        "p.ended_on, p.status FROM pairing_members me "
        "JOIN pairing_members other ON other.pairing_id = me.pairing_id AND other.participant_id != me.participant_id "
        "JOIN pairings p ON p.id = me.pairing_id JOIN participants pa ON pa.id = other.participant_id "
        "LEFT JOIN programs pr ON pr.id = p.program_id "
        "WHERE me.participant_id = ? ORDER BY p.started_on DESC, pa.name",
        (participant_id,),
    )
    return [
        Contact(ParticipantId(r[0]), r[1], r[2], r[3], r[4], _date(r[5]) or clock.today(), _date(r[6]), r[7])
        for r in rows
    ]


def department_contacts(db: Database, program_id: int | None = None) -> tuple[list[str], list[list[int]]]:
    """Departments and, for each two, how many pairs of their people were paired (any format).

    The matrix is symmetric; the diagonal counts pairs within one department.
    """
    sql = "SELECT pm.pairing_id, pm.participant_id FROM pairing_members pm JOIN pairings p ON p.id = pm.pairing_id" + (
        " WHERE p.program_id = ?" if program_id is not None else ""
    )
    dept = {
        pid: (d or "(no department)") for pid, d in db.execute("SELECT id, department FROM participants").fetchall()
    }
    counts: Counter[tuple[str, str]] = Counter()
    for _, a, b in _pairs_of(db.execute(sql, (program_id,) if program_id is not None else ())):
        da, db_ = sorted((dept.get(a, "?"), dept.get(b, "?")))
        counts[(da, db_)] += 1
    names = sorted({d for pair in counts for d in pair}, key=str.casefold)
    index = {d: i for i, d in enumerate(names)}
    matrix = [[0] * len(names) for _ in names]
    for (da, db_), c in counts.items():
        matrix[index[da]][index[db_]] += c
        if da != db_:
            matrix[index[db_]][index[da]] += c
    return names, matrix


def list_rounds(db: Database, program_id: int | None = None) -> list[MatchRound]:
    """Accepted rounds, newest first, with their number of pairings and who sat out."""
    where = "WHERE r.program_id = ?" if program_id is not None else ""
    params = (program_id,) if program_id is not None else ()
    sat: dict[int, list[str]] = defaultdict(list)
    for rid, name in db.execute(
        "SELECT s.round_id, pa.name FROM round_sitouts s JOIN participants pa ON pa.id = s.participant_id"
    ):
        sat[rid].append(name)
    out = []
    for r in db.execute(
        "SELECT r.id, r.mode, r.created_at, r.total_score, r.program_id, coalesce(pr.name, ''), r.params, "
        "(SELECT count(*) FROM pairings p WHERE p.round_id = r.id) FROM match_rounds r "
        f"LEFT JOIN programs pr ON pr.id = r.program_id {where} ORDER BY r.created_at DESC, r.id DESC",
        params,
    ):
        try:
            p = json.loads(r[6] or "{}")
        except ValueError:
            p = {}
        out.append(
            MatchRound(
                id=r[0],
                mode=r[1],
                created_at=r[2],
                total_score=r[3],
                program_id=ProgramId(r[4]) if r[4] is not None else None,
                program=r[5],
                params=p if isinstance(p, dict) else {},
                pairings=r[7],
                sat_out=tuple(sorted(sat.get(r[0], []))),
            )
        )
    return out


# -- accepting a round -----------------------------------------------------------------


def accept_round(
    db: Database,
    mode: str,
    groups: Sequence[NewGroup],
    *,
    program_id: int | None = None,
    started_on: dt.date | None = None,
    total_score: float = 0.0,
    params: Mapping[str, Any] | None = None,
    sat_out: Mapping[int, str] | None = None,
) -> int:
    """Record a round in one transaction: the round, its pairings and members, who sat out.

    Rotating formats (buddies, cross-functional, circles) end the program's previous
    active pairings of that kind, except locked ones, which carry on unchanged.
    Returns the new round's id.
    """
    if mode not in KINDS:
        raise ValidationError(f"Unknown matching mode '{mode}'.")
    kind = KINDS[mode]
    day = (started_on or clock.today()).isoformat()
    now = clock.stamp()
    with db.atomic():
        if program_id is not None and not db.execute("SELECT 1 FROM programs WHERE id = ?", (program_id,)).fetchone():
            raise NotFound(f"Program {program_id} does not exist.")
        for g in groups:
            if len(g.members) < 2:
                raise ValidationError("A pairing needs at least two people.")
            for _pid, role in g.members:
                if role not in MEMBER_ROLES:
                    raise ValidationError(f"'{role}' is not a pairing role.")
        scope = "program_id = ?" if program_id is not None else "program_id IS NULL"
        scope_args: tuple[Any, ...] = (program_id,) if program_id is not None else ()
        kept: set[frozenset[int]] = set()
        for p in _load(db, f"WHERE p.{scope} AND p.kind = ? AND p.status = 'active'", (*scope_args, kind)):
            if p.locked:
                kept.add(frozenset(p.member_ids))
            elif mode in ROTATING:
                db.execute("UPDATE pairings SET status = 'ended', ended_on = ? WHERE id = ?", (day, p.id))
        cur = db.execute(
            "INSERT INTO match_rounds(program_id, mode, created_at, params, total_score) VALUES (?, ?, ?, ?, ?)",
            (program_id, mode, now, json.dumps(dict(params or {}), sort_keys=True), float(total_score)),
        )
        round_id = int(cur.lastrowid or 0)
        for g in groups:
            if frozenset(pid for pid, _ in g.members) in kept:
                continue  # a locked pairing that simply carries on
            skill_id = None
            if g.skill:
                row = db.execute("SELECT id FROM skills WHERE name = ?", (g.skill,)).fetchone()
                skill_id = row[0] if row else db.execute("INSERT INTO skills(name) VALUES (?)", (g.skill,)).lastrowid
            cur = db.execute(
                "INSERT INTO pairings(program_id, round_id, kind, status, skill_id, started_on, score, breakdown, "
                "locked, created_at) VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?, ?)",
                (
                    program_id,
                    round_id,
                    kind,
                    skill_id,
                    day,
                    None if g.score is None else round(float(g.score), 4),
                    json.dumps({k: round(float(v), 4) for k, v in g.breakdown.items()}, sort_keys=True),
                    int(g.locked),
                    now,
                ),
            )
            pairing_id = int(cur.lastrowid or 0)
            db.conn.executemany(
                "INSERT INTO pairing_members(pairing_id, participant_id, role) VALUES (?, ?, ?)",
                [(pairing_id, pid, role) for pid, role in g.members],
            )
        for pid, reason in (sat_out or {}).items():
            db.execute(
                "INSERT INTO round_sitouts(round_id, participant_id, reason) VALUES (?, ?, ?)", (round_id, pid, reason)
            )
    return round_id


@dataclass(frozen=True)
class NewRound:
    """A proposal to record as a round: its groups, score, the parameters it was made with, who sat out."""

    mode: str
    groups: tuple[NewGroup, ...]
    total_score: float = 0.0
    params: Mapping[str, Any] = field(default_factory=dict)
    sat_out: Mapping[int, str] = field(default_factory=dict)


@bulk("accepting a round")
def record_round(
    db: Database, new: NewRound, *, program_id: int | None = None, started_on: dt.date | None = None
) -> int:
    """Accept a round (a bulk change: the file is backed up first); returns the round id."""
    return accept_round(
        db,
        new.mode,
        new.groups,
        program_id=program_id,
        started_on=started_on,
        total_score=new.total_score,
        params=new.params,
        sat_out=new.sat_out,
    )


# -- exclusions ------------------------------------------------------------------------


def add_exclusion(db: Database, a: int, b: int, reason: str = "") -> None:
    """Never pair these two (in any format)."""
    if a == b:
        raise ValidationError("Choose two different people.")
    low, high = sorted((a, b))
    db.execute(
        "INSERT INTO pairing_exclusions(participant_a, participant_b, reason, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(participant_a, participant_b) DO UPDATE SET reason = excluded.reason",
        (low, high, reason.strip(), clock.stamp()),
    )


def remove_exclusion(db: Database, a: int, b: int) -> bool:
    low, high = sorted((a, b))
    cur = db.execute("DELETE FROM pairing_exclusions WHERE participant_a = ? AND participant_b = ?", (low, high))
    return cur.rowcount > 0


def remove_exclusions(db: Database, pairs: Iterable[tuple[int, int]]) -> int:
    """Allow these pairs again (one transaction); returns how many rules were removed."""
    with db.atomic():
        return sum(remove_exclusion(db, a, b) for a, b in pairs)


def exclusions(db: Database) -> frozenset[tuple[int, int]]:
    return frozenset((a, b) for a, b in db.execute("SELECT participant_a, participant_b FROM pairing_exclusions"))


@dataclass(frozen=True)
class Exclusion:
    """Two people who are never paired, with the coordinator's reason and since when."""

    a: PairingMember
    b: PairingMember
    reason: str
    since: dt.date


def list_exclusions(db: Database) -> list[Exclusion]:
    """Every never-pair exclusion with both people's names, newest first."""
    rows = db.execute(
        "SELECT e.participant_a, a.email, a.name, a.department, e.participant_b, b.email, b.name, b.department, "
        "e.reason, e.created_at FROM pairing_exclusions e JOIN participants a ON a.id = e.participant_a "
        "JOIN participants b ON b.id = e.participant_b ORDER BY e.created_at DESC, a.name, b.name"
    )
    return [
        Exclusion(
            PairingMember(ParticipantId(r[0]), r[1], r[2], "", r[3]),
            PairingMember(ParticipantId(r[4]), r[5], r[6], "", r[7]),
            r[8],
            _date(r[9]) or clock.today(),
        )
        for r in rows
    ]


def last_meetings(db: Database, pairing_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """For each pairing, the start (UTC) of its latest held session; pairings never met are absent."""
    out: dict[int, dt.datetime] = {}
    ids = list(pairing_ids)
    for chunk in range(0, len(ids), 900):
        part = ids[chunk : chunk + 900]
        marks = ",".join("?" * len(part))
        for pid, start in db.execute(
            f"SELECT pairing_id, max(start_utc) FROM sessions WHERE status = 'held' AND pairing_id IN ({marks}) "
            "GROUP BY pairing_id",
            part,
        ):
            moment = dt.datetime.fromisoformat(start)
            out[pid] = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return out


# -- matching settings per program (programs.config JSON, key "matching") ---------------


def matching_config(db: Database, program_id: int | None) -> dict[str, Any]:
    """The program's stored matching settings: {"weights": {mode: {...}}, "options": {...}}."""
    if program_id is None:
        return {}
    row = db.execute("SELECT config FROM programs WHERE id = ?", (program_id,)).fetchone()
    if row is None:
        raise NotFound(f"Program {program_id} does not exist.")
    try:
        config = json.loads(row[0] or "{}")
    except ValueError:
        return {}
    matching = config.get("matching") if isinstance(config, dict) else None
    return matching if isinstance(matching, dict) else {}


def save_matching_config(
    db: Database, program_id: int, *, mode: str | None = None, weights: Mapping[str, float] | None = None,
    options: Mapping[str, Any] | None = None,
) -> None:  # fmt: skip
    """Store weights for a mode and/or options, keeping every other key of the config."""
    with db.atomic():
        matching = program_config(db, program_id).get("matching")
        if not isinstance(matching, dict):
            matching = {}
        if weights is not None:
            if mode not in KINDS:
                raise ValidationError(f"Unknown matching mode '{mode}'.")
            stored = matching.get("weights")
            all_weights: dict[str, Any] = stored if isinstance(stored, dict) else {}
            all_weights[mode] = {k: round(float(v), 4) for k, v in weights.items()}
            matching["weights"] = all_weights
        if options is not None:
            matching["options"] = dict(options)
        update_program_config(db, program_id, {"matching": matching})
