"""Pairings in the store, the loader, and `peerdesk match` / `peerdesk list pairings`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest

from peerdesk.cli import main
from peerdesk.matching import propose, violations
from peerdesk.matching.load import flag_unschedulable, load_problem, round_of, stored_options, stored_weights
from peerdesk.matching.model import DEFAULT_WEIGHTS, Options, Weights
from peerdesk.matching.scoring import required_overlap
from peerdesk.store import open_db
from peerdesk.store import pairings as store
from peerdesk.store.pairings import record_round
from peerdesk.store.participants import add_participant
from peerdesk.store.programs import Program, add_program, enrol, find_program, get_program, update_program
from peerdesk.store.records import Participant, parse_availability, parse_skills
from peerdesk.store.settings import Settings, save_settings

WEEK = "Mon 09:00-17:00; Tue 09:00-17:00; Wed 09:00-17:00"


def _add(db, name, **kw):
    kw.setdefault("availability", parse_availability(WEEK))
    kw.setdefault("timezone", "Europe/Berlin")
    for key in ("teaches", "learns"):
        if isinstance(kw.get(key), str):
            kw[key] = parse_skills(kw[key])
    first = name.split()[0].lower()
    return add_participant(db, Participant(name=name, email=f"{first}@x.org", **kw))


@pytest.fixture
def org(db):
    people = {
        "ada": _add(db, "Ada Lovelace", department="Engineering", role="mentor", teaches="Python:5", capacity=2),
        "max": _add(db, "Max Weber", department="Sales", role="mentee", learns="Python:2"),
        "zoe": _add(db, "Zoe Odegard", department="Sales", role="mentee", learns="Python:1", manager_email="ada@x.org"),
        "li": _add(db, "Li Chen", department="Design", role="peer"),
        "sam": _add(db, "Sam Novak", department="Design", role="peer", status="paused"),
    }
    program = add_program(db, Program(name="Buddies"))
    enrol(db, program.id, [p.id for p in people.values()])
    return people, program


def test_loader_builds_the_problem_from_the_store(db, org):
    people, program = org
    store.add_exclusion(db, people["max"].id, people["li"].id, "same project")
    problem = load_problem(db, "mentoring", program_id=program.id)
    by_email = {p.email: p for p in problem.people}
    assert set(by_email) == {"ada@x.org", "max@x.org", "zoe@x.org", "li@x.org", "sam@x.org"}
    assert by_email["ada@x.org"].capacity == 2
    assert (min(people["max"].id, people["li"].id), max(people["max"].id, people["li"].id)) in problem.exclusions
    assert problem.weights == DEFAULT_WEIGHTS["mentoring"]
    proposal = propose(problem)
    assert violations(problem, proposal) == []
    assert [(g.members[0].email, g.members[1].email) for g in proposal.groups] == [("ada@x.org", "max@x.org")]
    assert "manager" in proposal.unmatched[0].reason  # Zoe's only mentor is her manager


def test_accepting_a_round_records_everything_in_one_undoable_step(workspace):
    db = workspace.db
    a = _add(db, "Ana Silva", department="Sales")
    b = _add(db, "Ben Okafor", department="Engineering")
    c = _add(db, "Cleo Haddad", department="Design")
    problem = load_problem(db, "buddies", options=Options(odd_person="sitout"))
    proposal = propose(problem)
    assert len(proposal.groups) == 1 and proposal.unmatched[0].sat_out
    round_id, changes = workspace.run("Accept round", record_round, round_of(proposal), started_on=dt.date(2026, 11, 9))
    assert changes.touches("pairings", "pairing_members", "match_rounds", "round_sitouts")
    active = store.active_pairings(db)
    assert len(active) == 1 and active[0].round_id == round_id
    assert active[0].started_on == dt.date(2026, 11, 9) and active[0].kind == "buddy"
    sat = proposal.unmatched[0].id
    assert store.last_sat_out(db, None) == {sat: round_id}
    rounds = store.list_rounds(db)
    assert rounds[0].pairings == 1 and len(rounds[0].sat_out) == 1
    # the next round: the pair that just met may not meet again, the one who sat out plays
    again = propose(load_problem(db, "buddies", options=Options(odd_person="sitout")))
    assert sat in again.matched_ids
    assert set(again.pairs()).isdisjoint({tuple(sorted(active[0].member_ids))})
    workspace.undo()
    assert store.active_pairings(db) == [] and store.list_rounds(db) == []
    assert {a.id, b.id, c.id} >= set()


def test_rotation_ends_the_previous_round_but_keeps_locked_pairings(db):
    people = [_add(db, f"P{k} Person", department=("Sales", "Design")[k % 2]) for k in range(6)]
    first = propose(load_problem(db, "buddies"))
    record_round(db, round_of(first))
    locked = store.active_pairings(db)[0]
    store.set_locked(db, locked.id, True)
    problem = load_problem(db, "buddies")
    assert [sorted(g.ids) for g in problem.locked] == [sorted(locked.member_ids)]
    second = propose(problem)
    assert violations(problem, second) == []
    record_round(db, round_of(second))
    active = store.active_pairings(db)
    assert locked.id in {p.id for p in active}
    assert len(active) == 3
    ended = store.list_pairings(db, status="ended")
    assert len(ended) == 2 and all(p.ended_on == dt.date(2026, 11, 2) for p in ended)
    assert len(people) == 6


def test_no_repeat_window_counts_the_last_k_rounds(db):
    save_settings(db, Settings(buddy_no_repeat_rounds=1))
    a, b = _add(db, "Ann A"), _add(db, "Bob B")
    record_round(db, round_of(propose(load_problem(db, "buddies"))))
    assert store.recent_pairs(db, None, 1) == {(a.id, b.id)}  # active now
    for p in store.active_pairings(db):
        store.end_pairing(db, p.id, dt.date(2026, 10, 1))
    db.execute("UPDATE pairings SET started_on = '2026-09-01'")
    db.execute("UPDATE match_rounds SET created_at = '2026-09-01T09:00:00+00:00'")
    db.execute(
        "INSERT INTO match_rounds(program_id, mode, created_at) VALUES (NULL, 'buddies', '2026-10-15T09:00:00+00:00')"
    )
    assert store.recent_pairs(db, None, 1) == frozenset()
    assert store.recent_pairs(db, None, 2) == {(a.id, b.id)}
    assert store.met_counts(db) == {(a.id, b.id): 1}


def test_history_contacts_and_department_matrix(db, org):
    people, program = org
    record_round(db, round_of(propose(load_problem(db, "mentoring", program_id=program.id))), program_id=program.id)
    contacts = store.contacts_of(db, people["ada"].id)
    assert [c.other_name for c in contacts] == ["Max Weber"]
    assert contacts[0].kind == "mentoring" and contacts[0].program == "Buddies"
    names, matrix = store.department_contacts(db)
    assert names == ["Engineering", "Sales"]
    assert matrix == [[0, 1], [1, 0]]


def test_weights_and_options_live_in_the_program_config(db, org):
    _, program = org
    db.execute("UPDATE programs SET config = ? WHERE id = ?", (json.dumps({"certificates": {"min": 3}}), program.id))
    store.save_matching_config(db, program.id, mode="buddies", weights=Weights(skills=1, novelty=0.5).as_dict())
    store.save_matching_config(db, program.id, options={"odd_person": "sitout", "min_overlap_hours": 2})
    assert stored_weights(db, program.id, "buddies") == Weights(skills=1, novelty=0.5)
    assert stored_weights(db, program.id, "circles") == DEFAULT_WEIGHTS["circles"]
    options = stored_options(db, program.id)
    assert options.odd_person == "sitout" and options.min_overlap_hours == 2.0
    config = json.loads(db.execute("SELECT config FROM programs WHERE id = ?", (program.id,)).fetchone()[0])
    assert config["certificates"] == {"min": 3}


def test_exclusions_are_symmetric_and_validated(db, org):
    people, _ = org
    store.add_exclusion(db, people["li"].id, people["ada"].id, "conflict")
    store.add_exclusion(db, people["ada"].id, people["li"].id, "updated")
    assert store.exclusions(db) == {tuple(sorted((people["ada"].id, people["li"].id)))}
    assert store.remove_exclusion(db, people["li"].id, people["ada"].id)
    with pytest.raises(Exception, match="two different"):
        store.add_exclusion(db, people["li"].id, people["li"].id)


@pytest.fixture
def demo_file(tmp_path):
    path = tmp_path / "demo.db"
    assert main(["demo", str(path)]) == 0
    return path


JSON_KEYS = {
    "mode",
    "groups",
    "unmatched",
    "total_score",
    "objective",
    "lowest_score",
    "blocking_pairs",
    "preferences_granted",
}


def test_match_json_follows_the_design_contract(demo_file, capsys):
    capsys.readouterr()
    assert main(["--db", str(demo_file), "match", "--program", "New-Hire Buddies", "--mode", "buddies", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["mode"] == "buddies"
    assert set(out) == JSON_KEYS
    assert out["objective"] == "best"
    assert out["lowest_score"] == pytest.approx(min(g["score"] for g in out["groups"]), abs=1e-4)
    assert isinstance(out["blocking_pairs"], int) and out["blocking_pairs"] >= 0
    granted = out["preferences_granted"]
    assert set(granted) == {"stated", "first", "top3", "none"}
    assert granted["first"] <= granted["top3"] <= granted["stated"] - granted["none"]
    group = out["groups"][0]
    assert {"members", "score", "breakdown"} <= set(group)
    assert {m["role"] for g in out["groups"] for m in g["members"]} == {"peer"}
    assert all(0 <= g["score"] <= 1 for g in out["groups"])
    assert out["total_score"] == pytest.approx(sum(g["score"] * _pairs(g) for g in out["groups"]), abs=0.01)
    for u in out["unmatched"]:
        assert u["email"] and u["reason"]


def _pairs(group) -> int:
    n = len(group["members"])
    return n * (n - 1) // 2


def test_match_accept_records_and_list_pairings_shows_them(demo_file, capsys):
    before = len(store.list_pairings(open_db(demo_file)))
    assert main(["--db", str(demo_file), "match", "--mode", "circles", "--group-size", "5", "--accept", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["round_id"] > 0
    assert main(["--db", str(demo_file), "list", "pairings", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == before + len(out["groups"])
    circles = [r for r in rows if r["round_id"] == out["round_id"]]
    assert {len(r["members"]) for r in circles} <= {3, 4, 5, 6}  # 3 to 6 people who share a skill and an hour
    assert {"id", "program", "kind", "status", "members"} <= set(rows[0])
    assert all(r["kind"] == "circle" and r["status"] == "active" for r in circles)


@pytest.mark.parametrize(
    ("program", "mode"), [("Engineering & Data Mentoring", "mentoring"), ("New-Hire Buddies", "buddies")]
)
def test_match_objectives_report_what_they_promise(demo_file, capsys, program, mode):
    capsys.readouterr()
    figures = {}
    for objective in ("best", "fairest", "stable"):
        args = ["--db", str(demo_file), "match", "--program", program, "--mode", mode, "--objective", objective]
        assert main([*args, "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["objective"] == objective
        figures[objective] = out
    assert figures["stable"]["blocking_pairs"] == 0
    assert figures["fairest"]["lowest_score"] >= figures["best"]["lowest_score"] - 1e-4
    assert figures["best"]["total_score"] >= figures["fairest"]["total_score"] - 1e-3
    matched = {o: sum(len(g["members"]) for g in out["groups"]) for o, out in figures.items()}
    assert matched["fairest"] == matched["best"] >= matched["stable"]
    assert main(["--db", str(demo_file), "match", "--program", program, "--mode", mode, "--objective", "stable"]) == 0
    assert "Objective: stable" in capsys.readouterr().out


def test_match_errors_are_one_line(demo_file, capsys):
    assert main(["--db", str(demo_file), "match", "--program", "Nope", "--mode", "buddies"]) == 1
    assert "no program named 'Nope'" in capsys.readouterr().err
    assert main(["--db", str(demo_file), "match", "--mode", "circles", "--group-size", "9"]) == 2
    assert main(["--db", str(demo_file), "match", "--mode", "trios"]) == 2
    capsys.readouterr()
    assert main(["--db", str(demo_file), "match", "--mode", "circles", "--objective", "stable"]) == 2
    assert "--objective stable is for mentoring, buddies and cross_functional" in capsys.readouterr().err
    assert main(["--db", str(demo_file), "match", "--mode", "buddies", "--objective", "fair"]) == 2


def test_match_text_output_explains_pairs(demo_file, capsys):
    assert (
        main(["--db", str(demo_file), "match", "--program", "Engineering & Data Mentoring", "--mode", "mentoring"]) == 0
    )
    text = capsys.readouterr().out
    assert "(mentor)" in text and "(mentee)" in text and "h/week overlap" in text
    assert "total score" in text and "(optimal)" in text


def test_the_minimum_common_time_defaults_to_the_programs_meeting_length(db, org):
    people, program = org
    update_program(db, replace(get_program(db, program.id), config={"meeting_minutes": 90}))
    problem = load_problem(db, "buddies", program_id=program.id)
    assert problem.meeting_minutes == 90 and problem.options.min_overlap_hours is None
    assert required_overlap(problem) == 90
    # the old default, 0 h, saved along with every other option, now means "the meeting length"
    store.save_matching_config(db, program.id, options={"odd_person": "sitout", "min_overlap_hours": 0.0})
    assert stored_options(db, program.id).min_overlap_hours is None
    store.save_matching_config(db, program.id, options={"min_overlap_hours": 0.5})
    assert required_overlap(load_problem(db, "buddies", program_id=program.id)) == 30
    # without a program, meetings last an hour
    assert required_overlap(load_problem(db, "buddies")) == 60


def _pieces_org(db):
    """Four people; Ana shares an hour a week with each of the others, but in two half hours."""
    ana = _add(db, "Ana Lima", department="Sales", availability=parse_availability("Mon 09:00-09:30; Tue 09:00-09:30"))
    others = [_add(db, n, department=d) for n, d in (("Ben Ode", "Design"), ("Cy Park", "Design"), ("Dee Ray", "Ops"))]
    program = add_program(db, Program(name="Buddies"))
    enrol(db, program.id, [ana.id, *(p.id for p in others)])
    return ana, program


def test_a_pair_sharing_an_hour_in_pieces_is_proposed_but_flagged(db):
    ana, program = _pieces_org(db)
    problem = load_problem(db, "buddies", program_id=program.id)
    proposal = flag_unschedulable(db, propose(problem), starts_on=dt.date(2026, 11, 9), duration_min=60)
    (stuck,) = [g for g in proposal.groups if ana.id in g.ids]
    partner = next(m.name for m in stuck.members if m.id != ana.id)
    assert stuck.cannot_meet == (
        f"Ana Lima and {partner} share no free hour in the 4 weeks from Mon 09 Nov "
        "(their common hours come in stretches shorter than an hour)."
    )
    assert [g.cannot_meet for g in proposal.groups if ana.id not in g.ids] == [""]
    flagged = [g for g in proposal.to_json()["groups"] if "cannot_meet" in g]
    assert [{m["email"] for m in g["members"]} for g in flagged] == [{m.email for m in stuck.members}]


def test_match_json_flags_groups_that_cannot_meet_as_an_addition(tmp_path, capsys):
    path = tmp_path / "pieces.db"
    db = open_db(path)
    ana, _ = _pieces_org(db)
    db.close()
    args = ["--db", str(path), "match", "--program", "Buddies", "--mode", "buddies"]
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == JSON_KEYS
    assert out["objective"] == "best"
    assert out["lowest_score"] == pytest.approx(min(g["score"] for g in out["groups"]), abs=1e-4)
    assert isinstance(out["blocking_pairs"], int) and out["blocking_pairs"] >= 0
    (flagged,) = [g for g in out["groups"] if "cannot_meet" in g]
    assert ana.email in {m["email"] for m in flagged["members"]}
    assert "share no free hour in the next 4 weeks" in flagged["cannot_meet"]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "cannot meet: Ana Lima and" in text and "1 of them cannot hold a first meeting" in text


def test_the_demo_circles_program_forms_circles_under_the_rules(demo_file, capsys):
    args = ["--db", str(demo_file), "match", "--program", "Cross-Functional Learning Circles", "--mode", "circles"]
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["groups"], "a demo where no circle can form shows the coordinator nothing"
    db = open_db(demo_file)
    problem = load_problem(db, "circles", program_id=find_program(db, "Cross-Functional Learning Circles").id)
    assert violations(problem, propose(problem)) == []
    for g in out["groups"]:
        assert g["facts"][0] == f"all {len(g['members'])} want to learn {g['skill']}"
