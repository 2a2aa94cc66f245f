"""The derived profiles shipped in ``demo/data`` (made by :mod:`greenpark.demo.make_profiles`).

:func:`load_profiles` reads them once into plain numpy arrays; everything that turns them
into time series is in :mod:`greenpark.demo.series` and takes these arrays as input.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

DATA_DIR = Path(__file__).with_name("data")

#: HJ 212 codes of the ambient-air parameters, in the column order of the air profile.
AIR_PARAMETERS = ("a34004", "a34002", "a21026", "a21004", "a21005", "a05024")


@dataclass(frozen=True)
class SurfaceWaterLevel:
    """Quartiles of one parameter for one water body and class (national snapshot)."""

    p25: float
    p50: float
    p75: float


@dataclass(frozen=True)
class Profiles:
    """The real-data shapes the demo is built on (see ``data/README.md``).

    Attributes
    ----------
    air_diurnal
        ``{HJ 212 code: 24 hourly means}``, hour-start local time, Guiyang 2022-01-04
        [μg/m³; CO mg/m³].
    steel_kwh
        35,040 real 15-min energies of the UCI steel plant, 2018 [kWh].
    pv_shapes
        Real PV days as per-unit AC power over the daylight fraction, shape (days, grid) [-].
    pv_clearness
        Each PV day's energy over the largest day's [-].
    wwtp_q_in, wwtp_cod_in, wwtp_cod_out
        Daily ratio to the median of influent flow, influent COD and effluent COD [-].
    surface_water
        ``{(water_body, class, HJ 212 code): SurfaceWaterLevel}``.
    """

    air_diurnal: dict[str, NDArray[np.float64]]
    steel_kwh: NDArray[np.float64]
    pv_shapes: NDArray[np.float64]
    pv_clearness: NDArray[np.float64]
    wwtp_q_in: NDArray[np.float64]
    wwtp_cod_in: NDArray[np.float64]
    wwtp_cod_out: NDArray[np.float64]
    surface_water: dict[tuple[str, str, str], SurfaceWaterLevel]


@cache
def load_profiles(data_dir: Path = DATA_DIR) -> Profiles:
    """Read the shipped profile files (cached).

    Parameters
    ----------
    data_dir
        Folder holding the files written by ``make_profiles``.

    Returns
    -------
    Profiles
        The arrays, read-only.
    """
    air = pd.read_csv(data_dir / "air_guiyang_diurnal.csv").sort_values("hour")
    steel = pd.read_csv(data_dir / "steel_load_15min.csv.gz")
    pv = pd.read_csv(data_dir / "pv_day_shapes.csv.gz")
    wwtp = pd.read_csv(data_dir / "wwtp_daily.csv.gz")
    water = pd.read_csv(data_dir / "surface_water_levels.csv")
    shape_cols = [c for c in pv.columns if c.startswith("s") and c[1:].isdigit()]

    def frozen(a: NDArray[np.float64]) -> NDArray[np.float64]:
        a = np.ascontiguousarray(a, dtype=float)
        a.setflags(write=False)
        return a

    return Profiles(
        air_diurnal={p: frozen(air[p].to_numpy()) for p in AIR_PARAMETERS},
        steel_kwh=frozen(steel["usage_kwh"].to_numpy()),
        pv_shapes=frozen(pv[shape_cols].to_numpy()),
        pv_clearness=frozen(pv["clearness"].to_numpy()),
        wwtp_q_in=frozen(wwtp["q_in"].to_numpy()),
        wwtp_cod_in=frozen(wwtp["cod_in"].to_numpy()),
        wwtp_cod_out=frozen(wwtp["cod_out"].to_numpy()),
        surface_water={
            (r.water_body, r["class"], r.parameter): SurfaceWaterLevel(r.p25, r.p50, r.p75)
            for _, r in water.iterrows()
        },
    )
