"""The schema, as an ordered list of migrations; PRAGMA user_version holds how many ran.

An applied migration is never edited: change the schema by appending a new one.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

# 'PDSK' — marks a file as a PeerDesk database (PRAGMA application_id).
APPLICATION_ID = 0x5044534B

_V1 = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE participants (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    department TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    timezone TEXT NOT NULL DEFAULT 'UTC',
    hire_date TEXT,
    role TEXT NOT NULL DEFAULT 'peer' CHECK (role IN ('mentor', 'mentee', 'both', 'peer')),
    capacity INTEGER NOT NULL DEFAULT 1 CHECK (capacity BETWEEN 0 AND 20),
    manager_email TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'alumni')),
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX participants_department ON participants(department);
CREATE INDEX participants_manager ON participants(manager_email);

CREATE TABLE skills (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE participant_skills (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    skill_id INTEGER NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
    direction TEXT NOT NULL CHECK (direction IN ('teach', 'learn')),
    level INTEGER NOT NULL DEFAULT 3 CHECK (level BETWEEN 1 AND 5),
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (participant_id, skill_id, direction)
);
CREATE INDEX participant_skills_skill ON participant_skills(skill_id, direction);

-- Weekly windows in the participant's own time zone; minutes from midnight.
CREATE TABLE availability (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440 AND end_min > start_min)
);
CREATE INDEX availability_participant ON availability(participant_id);

CREATE TABLE programs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    objective TEXT NOT NULL DEFAULT 'custom',
    description TEXT NOT NULL DEFAULT '',
    start_date TEXT,
    end_date TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('planned', 'active', 'closed')),
    -- JSON: matching weights and options, certificate eligibility rules
    config TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);

CREATE TABLE program_members (
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    enrolled_on TEXT NOT NULL,
    completed_on TEXT,
    PRIMARY KEY (program_id, participant_id)
);
CREATE INDEX program_members_participant ON program_members(participant_id);

CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    metric TEXT NOT NULL,
    -- JSON: metric parameters (department, period, kind, threshold ...)
    params TEXT NOT NULL DEFAULT '{}',
    comparison TEXT NOT NULL DEFAULT '>=' CHECK (comparison IN ('>=', '<=')),
    target REAL NOT NULL,
    start_date TEXT,
    deadline TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX goals_program ON goals(program_id);

CREATE TABLE match_rounds (
    id INTEGER PRIMARY KEY,
    program_id INTEGER REFERENCES programs(id) ON DELETE SET NULL,
    mode TEXT NOT NULL CHECK (mode IN ('mentoring', 'buddies', 'cross_functional', 'circles')),
    created_at TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '{}',
    total_score REAL NOT NULL DEFAULT 0
);

-- Who sat out a round (odd person out), so the next sit-out rotates fairly.
CREATE TABLE round_sitouts (
    round_id INTEGER NOT NULL REFERENCES match_rounds(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (round_id, participant_id)
);

CREATE TABLE pairings (
    id INTEGER PRIMARY KEY,
    program_id INTEGER REFERENCES programs(id) ON DELETE SET NULL,
    round_id INTEGER REFERENCES match_rounds(id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('mentoring', 'buddy', 'cross_functional', 'circle')),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
    skill_id INTEGER REFERENCES skills(id) ON DELETE SET NULL,
    started_on TEXT NOT NULL,
    ended_on TEXT,
    score REAL,
    breakdown TEXT NOT NULL DEFAULT '{}',
    locked INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX pairings_program ON pairings(program_id, status);
CREATE INDEX pairings_round ON pairings(round_id);

CREATE TABLE pairing_members (
    pairing_id INTEGER NOT NULL REFERENCES pairings(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('mentor', 'mentee', 'peer', 'host')),
    PRIMARY KEY (pairing_id, participant_id)
);
CREATE INDEX pairing_members_participant ON pairing_members(participant_id);

CREATE TABLE pairing_exclusions (
    participant_a INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    participant_b INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (participant_a, participant_b),
    CHECK (participant_a < participant_b)
);

-- A recurring series; each occurrence is a row of sessions with series_id set.
CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    rrule TEXT NOT NULL,
    timezone TEXT NOT NULL,
    first_start_local TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    program_id INTEGER REFERENCES programs(id) ON DELETE SET NULL,
    pairing_id INTEGER REFERENCES pairings(id) ON DELETE SET NULL,
    series_id INTEGER REFERENCES series(id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    description TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    online_url TEXT NOT NULL DEFAULT '',
    start_utc TEXT NOT NULL,
    timezone TEXT NOT NULL,
    duration_min INTEGER NOT NULL CHECK (duration_min BETWEEN 5 AND 1440),
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'held', 'cancelled')),
    -- For an occurrence of a series: the start it had in the rule (RECURRENCE-ID).
    original_start_utc TEXT,
    sequence INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX sessions_start ON sessions(start_utc);
CREATE INDEX sessions_program ON sessions(program_id, start_utc);
CREATE INDEX sessions_pairing ON sessions(pairing_id, start_utc);
CREATE INDEX sessions_series ON sessions(series_id);
CREATE INDEX sessions_status ON sessions(status, start_utc);

CREATE TABLE session_skills (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    skill_id INTEGER NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, skill_id)
);

CREATE TABLE session_people (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    role TEXT NOT NULL DEFAULT 'attendee' CHECK (role IN ('host', 'attendee')),
    -- NULL: not recorded yet; 1 attended; 0 absent
    attended INTEGER CHECK (attended IN (0, 1)),
    PRIMARY KEY (session_id, participant_id)
);
CREATE INDEX session_people_participant ON session_people(participant_id, session_id);

CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    -- NULL once the rater was erased
    participant_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    anonymous INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
    submitted_at TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'manual'
);
CREATE UNIQUE INDEX feedback_one_per_person ON feedback(session_id, participant_id)
    WHERE participant_id IS NOT NULL;
CREATE INDEX feedback_participant ON feedback(participant_id);

CREATE TABLE training_modules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT '',
    required INTEGER NOT NULL DEFAULT 1 CHECK (required IN (0, 1)),
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE training_completions (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    module_id INTEGER NOT NULL REFERENCES training_modules(id) ON DELETE CASCADE,
    completed_on TEXT NOT NULL,
    PRIMARY KEY (participant_id, module_id)
);

CREATE TABLE awards (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    program_id INTEGER REFERENCES programs(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    awarded_on TEXT NOT NULL
);
CREATE INDEX awards_participant ON awards(participant_id);

CREATE TABLE certificates (
    id INTEGER PRIMARY KEY,
    serial TEXT NOT NULL UNIQUE,
    participant_id INTEGER REFERENCES participants(id) ON DELETE CASCADE,
    program_id INTEGER REFERENCES programs(id) ON DELETE SET NULL,
    award_id INTEGER REFERENCES awards(id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('recognition', 'completion', 'custom')),
    issued_on TEXT NOT NULL,
    -- JSON: the figures and wording printed on it
    content TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX certificates_once ON certificates(participant_id, program_id, kind, award_id);
"""


def _v1(db: sqlite_utils.Database) -> None:
    for statement in _split(_V1):
        db.execute(statement)


def _split(script: str) -> list[str]:
    """Split a schema script into statements (no semicolons inside our statements)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _v2(db: sqlite_utils.Database) -> None:
    """Indexes for the metrics (dashboard, reports) on large programs.

    feedback_session: feedback by session (ratings per session, and cascading deletes of a
    session no longer scan every feedback row). The two covering indexes let attendance,
    hours and rating aggregates over a period read indexes only, never table rows.
    """
    db.execute("CREATE INDEX IF NOT EXISTS feedback_session ON feedback(session_id, rating)")
    db.execute(
        "CREATE INDEX IF NOT EXISTS session_people_cover ON session_people(session_id, role, attended, participant_id)"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS sessions_period_cover "
        "ON sessions(status, start_utc, duration_min, kind, program_id, pairing_id)"
    )


def _v3(db: sqlite_utils.Database) -> None:
    """A person's sessions read from the index alone (per-person figures, new-hire cohorts).

    It supersedes session_people_participant (same leading column), which is dropped.
    """
    db.execute(
        "CREATE INDEX IF NOT EXISTS session_people_person_cover "
        "ON session_people(participant_id, attended, role, session_id)"
    )
    db.execute("DROP INDEX IF EXISTS session_people_participant")


def _v4(db: sqlite_utils.Database) -> None:
    """High-water marks of serial numbers (certificates), so that a number once printed is
    never given to anyone else, even after an undo. Undo never rewinds this table."""
    db.execute("CREATE TABLE IF NOT EXISTS serial_counters (prefix TEXT PRIMARY KEY, last INTEGER NOT NULL)")


_V5 = """
-- A program's meeting plan (session guide): its meetings in order. A session of a pairing
-- takes one step (sessions.plan_step_id); a removed step leaves its sessions without one.
CREATE TABLE IF NOT EXISTS plan_steps (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    agenda TEXT NOT NULL DEFAULT '',
    questions TEXT NOT NULL DEFAULT '',
    links TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS plan_steps_program ON plan_steps(program_id, position);

-- Terms of a program with their own dates and enrolment.
CREATE TABLE IF NOT EXISTS cohorts (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL CHECK (end_date >= start_date),
    closed_on TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (program_id, name)
);

CREATE TABLE IF NOT EXISTS cohort_members (
    cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    enrolled_on TEXT NOT NULL,
    completed_on TEXT,
    PRIMARY KEY (cohort_id, participant_id)
);
CREATE INDEX IF NOT EXISTS cohort_members_participant ON cohort_members(participant_id);

-- The coordinator's message templates (one per kind of drafted e-mail).
CREATE TABLE IF NOT EXISTS message_templates (
    kind TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Which messages were drafted for whom and when (so a reminder is not drafted twice in a week,
-- and survey answers can be matched to the feedback requests they answer).
CREATE TABLE IF NOT EXISTS draft_log (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('feedback', 'reminders', 'welcome', 'training')),
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
    pairing_id INTEGER REFERENCES pairings(id) ON DELETE CASCADE,
    drafted_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS draft_log_person ON draft_log(kind, participant_id, drafted_at);
CREATE INDEX IF NOT EXISTS draft_log_session ON draft_log(session_id, participant_id);
CREATE INDEX IF NOT EXISTS draft_log_pairing ON draft_log(pairing_id);
"""


def _v5(db: sqlite_utils.Database) -> None:
    """Program rhythm: meeting plans, cohorts, message templates and the drafting log."""
    for statement in _split(_V5):
        db.execute(statement)
    if "plan_step_id" not in {r[1] for r in db.execute("PRAGMA table_info(sessions)")}:
        db.execute("ALTER TABLE sessions ADD COLUMN plan_step_id INTEGER REFERENCES plan_steps(id) ON DELETE SET NULL")
    db.execute("CREATE INDEX IF NOT EXISTS sessions_plan_step ON sessions(plan_step_id)")


_V6 = """
-- What a participant asked for: keep their current or previous mentor (participants.keep_mentor),
-- up to five ranked preferred partners, and people not to be paired with (a hard rule, kept
-- private to the coordinator: never exported, never shown to the people named).
ALTER TABLE participants ADD COLUMN keep_mentor INTEGER NOT NULL DEFAULT 0 CHECK (keep_mentor IN (0, 1));

CREATE TABLE preferred_partners (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    partner_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    rank INTEGER NOT NULL CHECK (rank BETWEEN 1 AND 5),
    PRIMARY KEY (participant_id, partner_id),
    UNIQUE (participant_id, rank),
    CHECK (participant_id != partner_id)
);
CREATE INDEX preferred_partners_partner ON preferred_partners(partner_id);

CREATE TABLE avoided_partners (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    other_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    PRIMARY KEY (participant_id, other_id),
    CHECK (participant_id != other_id)
);
CREATE INDEX avoided_partners_other ON avoided_partners(other_id);

-- How the columns of a form export map to participant fields, remembered for files with the
-- same headers (headers_key: a hash of them); mapping is the JSON of peerdesk.intake.
CREATE TABLE column_mappings (
    headers_key TEXT PRIMARY KEY,
    headers TEXT NOT NULL,
    mapping TEXT NOT NULL,
    used_at TEXT NOT NULL
);
"""


def _v6(db: sqlite_utils.Database) -> None:
    """Stated preferences (a wish to keep one's mentor, ranked preferred partners, people to avoid)
    and the remembered column mappings of form exports."""
    for statement in _split(_V6):
        db.execute(statement)


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2, _v3, _v4, _v5, _v6]
LATEST = len(MIGRATIONS)
