"""A program's settings have one writer: each section is set without losing the others."""

from __future__ import annotations

from dataclasses import replace

from peerdesk.printing.eligibility import DEFAULT_RULES, rules_for, save_rules
from peerdesk.store.pairings import matching_config, save_matching_config
from peerdesk.store.programs import (
    Program,
    add_program,
    get_program,
    program_config,
    update_program,
    update_program_config,
)


def test_every_writer_of_the_settings_keeps_the_other_sections(db):
    program = add_program(db, Program("Mentoring", config={"meeting_minutes": 45}))
    save_matching_config(db, program.id, options={"group_size": 4})
    save_rules(db, program.id, DEFAULT_RULES)
    update_program(db, replace(get_program(db, program.id), name="Mentoring 2027"))
    config = program_config(db, program.id)
    assert config["meeting_minutes"] == 45
    assert matching_config(db, program.id)["options"] == {"group_size": 4}
    assert set(rules_for(db, program.id)) == set(DEFAULT_RULES)
    assert update_program_config(db, program.id, {"meeting_minutes": 30})["certificates"] == config["certificates"]
