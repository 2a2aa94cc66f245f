"""Green-manufacturing titles beside the MIIT scheme (``values.green_titles``): a count of
the registry's enterprises holding a green factory or green data-centre title by the year."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from test_values import build_park

from greenpark.evaluation.service import evaluate
from greenpark.evaluation.values import GREEN_TITLES, EnterpriseRecord, green_titles
from greenpark.store import Store
from greenpark.store.schema import CERTIFICATION_KINDS, Certification


def _e(code: str, *titles: tuple[str, int]) -> EnterpriseRecord:
    return EnterpriseRecord(code, code, "other", None, None, None, titles=titles)


def test_every_registry_title_is_counted() -> None:
    assert set(GREEN_TITLES) == set(CERTIFICATION_KINDS)


def test_titles_granted_by_the_year_count_once_per_enterprise() -> None:
    ents = [
        _e("A", ("national_green_data_centre", 2021), ("provincial_green_factory", 2019)),
        _e("B", ("provincial_green_factory", 2024)),
        _e("C", ("national_green_factory", 2026)),  # granted after the year: not yet
        _e("D"),
    ]
    v = green_titles(ents, 2025)
    assert v.value == 2.0 and v.unit == "enterprises" and v.completeness == 1.0
    assert v.inputs["provincial_green_factory"]["value"] == 2
    assert v.inputs["national_green_data_centre"]["value"] == 1
    assert v.inputs["national_green_factory"]["value"] == 0
    assert v.inputs["holders"][0].startswith("A (provincial green factory 2019, national green")
    assert green_titles(ents, 2018).value == 0.0
    assert green_titles(ents, 2026).value == 3.0


def test_evaluate_shows_them_beside_the_miit_scheme(park_url: str) -> None:
    store: Store = build_park(park_url)
    with store.write() as c:
        c.execute(
            insert(Certification),
            [
                {"enterprise_id": 1, "kind": "national_green_factory", "year": 2022},
                {"enterprise_id": 2, "kind": "provincial_green_factory", "year": 2024},
            ],
        )
    ev = evaluate(store, "miit-green-park", 2023).current
    v = ev.supplementary["green_titles"]
    assert v.value == pytest.approx(1.0)  # enterprise 2's title is of 2024
    assert "green_titles" not in ev.values  # not an indicator: not scored
