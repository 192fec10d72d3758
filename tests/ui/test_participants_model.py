"""The participants table model and its filtering proxy."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from peerdesk.store.participants import list_participants, set_archived
from peerdesk.ui.participants.model import (
    CAPACITY,
    COLUMNS,
    DEPARTMENT,
    ID_ROLE,
    NAME,
    ParticipantsFilter,
    ParticipantsModel,
)


@pytest.fixture
def models(ctx, people, qapp):
    model = ParticipantsModel()
    model.set_rows(list_participants(ctx.db))
    proxy = ParticipantsFilter()
    proxy.setSourceModel(model)
    proxy.set_show_archived(True)
    return model, proxy


def names(proxy) -> list[str]:
    return [proxy.index(r, NAME).data() for r in range(proxy.rowCount())]


def test_model_passes_the_model_tester(models, qtmodeltester):
    model, proxy = models
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)


def test_columns_and_display(models):
    model, _ = models
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == list(COLUMNS)
    row = next(r for r in range(model.rowCount()) if model.participant(r).email == "zoe.odegard@example.com")
    values = [model.index(row, c).data() for c in range(model.columnCount())]
    assert values == [
        "Zoë Ødegård",
        "zoe.odegard@example.com",
        "Platform Engineering",
        "Senior Engineer",
        "Mentor",
        "Active",
        "Europe/Oslo",
        "Python (5), SQL (4)",
        "Public speaking (2)",
        "2",
        "",  # not trained (no completions in this store)
    ]
    assert model.index(row, 0).data(ID_ROLE) == model.participant(row).id
    assert "Oslo (Europe/Oslo)" in model.index(row, NAME).data(Qt.ItemDataRole.ToolTipRole)


def test_names_sort_with_locale_aware_collation(models):
    model, proxy = models
    proxy.sort(NAME, Qt.SortOrder.AscendingOrder)
    # Accented initials sort with their base letter (É with E, Ł with L, Z after others);
    # case does not matter ("bob" among the Bs); other scripts come after Latin.
    assert names(proxy) == ["Ana Silva", "bob o'brien", "Émile Durand", "Łukasz Nowak", "Zoë Ødegård", "李娜"]
    proxy.sort(NAME, Qt.SortOrder.DescendingOrder)
    assert names(proxy)[0] == "李娜"


def test_sort_by_department_then_name_and_by_number(models):
    _, proxy = models
    proxy.sort(DEPARTMENT, Qt.SortOrder.AscendingOrder)
    assert [(proxy.index(r, DEPARTMENT).data(), proxy.index(r, NAME).data()) for r in range(3)] == [
        ("Data", "Łukasz Nowak"),
        ("Data", "李娜"),
        ("Platform Engineering", "Ana Silva"),
    ]
    proxy.sort(CAPACITY, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, CAPACITY).data() for r in range(2)] == ["3", "2"]


def test_sorting_keeps_persistent_indexes(models):
    model, proxy = models
    row = next(r for r in range(model.rowCount()) if model.participant(r).name == "Zoë Ødegård")
    from PySide6.QtCore import QPersistentModelIndex

    held = QPersistentModelIndex(model.index(row, 1))
    proxy.sort(CAPACITY, Qt.SortOrder.AscendingOrder)
    assert held.isValid()
    assert held.data() == "zoe.odegard@example.com"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zoe", {"Zoë Ødegård"}),
        ("ZOË", {"Zoë Ødegård"}),
        ("lukasz", {"Łukasz Nowak"}),
        ("odegard", {"Zoë Ødegård"}),
        ("emile", {"Émile Durand"}),
        ("python", {"Zoë Ødegård", "Łukasz Nowak"}),  # teaches or learns
        ("platform silva", {"Ana Silva"}),  # every word, any order
        ("kubernetes", {"Ana Silva"}),
        ("li.na@", {"李娜"}),
        ("李", {"李娜"}),
        ("o'brien", {"bob o'brien"}),
        ("'", {"bob o'brien"}),
        ('"', set()),
        ("--", set()),
        ("'; DROP TABLE participants; --", set()),
        ("%", set()),
        ("van-an", set()),
        ("", {p for p in ["Zoë Ødegård", "Łukasz Nowak", "Ana Silva", "Émile Durand", "李娜", "bob o'brien"]}),
    ],
)
def test_search_folds_accents_and_is_safe(models, query, expected):
    _, proxy = models
    proxy.set_query(query)
    assert set(names(proxy)) == expected


def test_combo_filters_and_archived(ctx, models):
    model, proxy = models
    proxy.set_department("Data")
    assert set(names(proxy)) == {"Łukasz Nowak", "李娜"}
    proxy.set_role("mentee")
    proxy.set_department(None)
    assert set(names(proxy)) == {"Łukasz Nowak", "李娜"}
    proxy.set_role(None)
    proxy.set_status("paused")
    assert names(proxy) == ["Émile Durand"]
    proxy.set_status(None)
    zoe = next(p for p in model.participants() if p.name == "Zoë Ødegård")
    set_archived(ctx.db, [zoe.id], True)
    model.set_rows(list_participants(ctx.db))
    assert "Zoë Ødegård" in names(proxy)
    row = model.row_of(zoe.id)
    assert model.index(row, 5).data() == "Active (archived)"
    assert model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    proxy.set_show_archived(False)
    assert "Zoë Ødegård" not in names(proxy)
    assert proxy.is_filtering() is False


def test_reload_reapplies_the_filter(ctx, models):
    model, proxy = models
    proxy.set_query("zoe")
    model.set_rows(list_participants(ctx.db))
    assert names(proxy) == ["Zoë Ødegård"]
    model.set_rows([])
    assert proxy.rowCount() == 0


def test_typing_and_backspacing_always_matches_a_fresh_search(ctx, models):
    """The incremental narrowing while typing gives exactly what a search from scratch gives."""
    from peerdesk.textfold import matches

    model, proxy = models
    keys = {p.name: key for p, key in zip(model.participants(), model.keys, strict=True)}
    typed = ["p", "py", "pyt", "py", "p", "", "a", "an", "ana", "ana ", "ana s", "ana", "e", "em", "z", "zo", "zoë"]
    for step, text in enumerate(typed):
        if step == 8:
            proxy.set_department("Platform Engineering")
        if step == 12:
            proxy.set_department(None)
        proxy.set_query(text)
        expected = {
            name
            for name, key in keys.items()
            if matches(key, text)
            and (
                proxy.department is None
                or model.participant(model.row_of(_id(model, name))).department == proxy.department
            )
        }
        assert set(names(proxy)) == expected, text


def _id(model, name):
    return next(p.id for p in model.participants() if p.name == name)
