"""The "Sponge city" section of the Evaluation page and the ``sponge`` field of its twin
``/api/evaluation``: the year's runoff volume capture ratio of the park's registered
catchments under its stored daily rainfall (GB/T 51345-2018 style), thin over
:func:`greenpark.evaluation.sponge_service.sponge_year`.

The page computes on the days present (``allow_gaps``) and shows the rainfall's completeness
and the missing days beside the ratio; no catchment or no rainfall in the year is shown as
such, not as an error.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from greenpark.evaluation.sponge_service import SHOWN_MISSING, catchment_lines, sponge_year
from greenpark.store import Store

__all__ = ["EvaluationSpongeCatchmentPublic", "EvaluationSpongePublic", "sponge_public"]


class EvaluationSpongeCatchmentPublic(BaseModel):
    """One catchment in the year."""

    code: str
    name: str
    site: str | None
    area_m2: float = Field(description="Area [m²].")
    runoff_coefficient: float = Field(description="Composite runoff coefficient ψ [-].")
    capture_volume_m3: float = Field(
        description="Capture volume of the facilities in service in the year [m³]."
    )
    design_depth_mm: float = Field(description="Daily rain the facilities hold, V / (ψ A) [mm].")
    facilities: list[str] = Field(description="Codes of the facilities counted.")
    runoff_m3: float | None = Field(description="Runoff of the counted days [m³].")
    captured_m3: float | None = Field(description="Runoff captured [m³].")
    ratio: float | None = Field(description="Capture ratio [-] (null: nothing computed).")


class EvaluationSpongePublic(BaseModel):
    """The park's sponge city in the year: the capture ratio of each catchment and of the
    park, and the rainfall it rests on with its completeness."""

    year: int
    weighting: str = Field(description="Park ratio: runoff (Σ captured / Σ runoff) or area.")
    min_rain_mm: float = Field(description="Days with at most this rain are left out [mm].")
    ratio: float | None = Field(description="The park's capture ratio [-] (null: none).")
    captured_m3: float | None
    runoff_m3: float | None
    catchments: list[EvaluationSpongeCatchmentPublic]
    rainfall_mm: float = Field(description="Rain of the days present [mm].")
    days_in_year: int
    days_present: int = Field(description="Days with a rainfall value.")
    completeness: float = Field(description="Days present / days of the year [-].")
    counted_days: int = Field(description="Days above min_rain_mm.")
    missing_days: int
    first_missing: list[str] = Field(description="The first missing days (ISO dates).")
    sources: dict[str, int] = Field(description="Rainfall source -> days from it.")
    notes: list[str]


def sponge_public(store: Store, year: int, park_code: str) -> EvaluationSpongePublic:
    """The section's model for ``year`` (computed on the days present; see module doc)."""
    sy = sponge_year(store, year, park_code=park_code, allow_gaps=True)
    catchments = [
        EvaluationSpongeCatchmentPublic.model_validate(c, from_attributes=True)
        for c in catchment_lines(sy)
    ]
    return EvaluationSpongePublic(
        year=sy.year,
        weighting=sy.weighting,
        min_rain_mm=sy.min_rain_mm,
        ratio=sy.ratio,
        captured_m3=None if sy.result is None else sy.result.captured_m3,
        runoff_m3=None if sy.result is None else sy.result.runoff_m3,
        catchments=catchments,
        rainfall_mm=sy.rainfall_mm,
        days_in_year=sy.days_in_year,
        days_present=sy.days_present,
        completeness=sy.completeness,
        counted_days=sy.counted_days,
        missing_days=len(sy.missing_days),
        first_missing=[d.isoformat() for d in sy.missing_days[:SHOWN_MISSING]],
        sources=dict(sy.sources),
        notes=list(sy.notes),
    )
