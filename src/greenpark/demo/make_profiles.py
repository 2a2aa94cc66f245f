"""Derive the demo's compact profile files from the real reference data (run once).

Usage::

    python -m greenpark.demo.make_profiles /path/to/shared/data [output folder]

reads the real files named in ``SOURCES.md`` of that folder and writes the derived files
into ``src/greenpark/demo/data/`` (next to this module) or the given output folder. They
ship with the package so that ``greenpark demo`` works without the reference data.
``data/README.md`` describes each output, its source file and licence note. The outputs
are deterministic (gzip without a time stamp): re-running on the same inputs gives
byte-identical files.
"""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from greenpark.demo.solar import sunrise_sunset

OUT = Path(__file__).with_name("data")

#: NREL SERF (Golden, Colorado), the site of PVDAQ system 50 [°].
SERF_LATITUDE = 39.742
SERF_LONGITUDE = -105.179
SERF_UTC_OFFSET_H = -7.0
#: Points of the daylight-fraction grid of a PV day shape [-].
PV_GRID = 61

#: CNEMC column -> HJ 212 code; ``o3_24h`` is the 1-h O3 (labels swapped, SOURCES.md §0).
AIR_COLUMNS = {
    "pm2_5": "a34004",
    "pm10": "a34002",
    "so2": "a21026",
    "no2": "a21004",
    "co": "a21005",
    "o3_24h": "a05024",
}
#: CNEMC surface-water column -> HJ 212 code.
WATER_COLUMNS = {
    "水温(℃)": "w01010",
    "pH(无量纲)": "w01001",
    "溶解氧(mg/L)": "w01009",
    "高锰酸盐指数(mg/L)": "w01019",
    "氨氮(mg/L)": "w21003",
    "总磷(mg/L)": "w21011",
}
ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "劣Ⅴ": "worse_than_V"}


def _write_csv(frame: pd.DataFrame, out: Path, name: str, *, compress: bool = False) -> Path:
    path = out / name
    text = frame.to_csv(index=False, lineterminator="\n")
    if compress:
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
            gz.write(text.encode("utf-8"))
        path.write_bytes(buf.getvalue())
    else:
        path.write_text(text, encoding="utf-8")
    return path


def air_diurnal(src: Path) -> pd.DataFrame:
    """Mean over Guiyang's 10 national stations of each hour of 2022-01-04.

    CNEMC ``timepoint`` marks the *end* of the hour; the output ``hour`` is the hour's
    start (local time), so timepoint T00 becomes hour 23.
    """
    raw = pd.read_csv(src / "cnemc_guiyang_hourly_2022-01-04.csv")
    end_hour = pd.to_datetime(raw["timepoint"]).dt.hour
    raw["hour"] = (end_hour - 1) % 24
    means = raw.groupby("hour")[list(AIR_COLUMNS)].mean().rename(columns=AIR_COLUMNS)
    out = means.reset_index().round(3)
    return out


def steel_load(src: Path) -> pd.DataFrame:
    """The ``Usage_kWh`` column of the UCI steel-industry file, unchanged (35,040 values).

    Row ``i`` is the interval starting 2018-01-01 00:00 + 15 min · i (the file labels each
    value with the interval's end; its last label is an upstream quirk, see SOURCES.md §3a).
    """
    raw = pd.read_csv(src / "uci_steel_industry_energy_15min_2018.csv", encoding="utf-8-sig")
    if len(raw) != 35_040:
        raise ValueError(f"expected 35,040 rows, got {len(raw)}")
    return pd.DataFrame({"usage_kwh": raw["Usage_kWh"].to_numpy()})


def pv_day_shapes(src: Path) -> pd.DataFrame:
    """Real PV days as per-unit shapes over the daylight fraction, with their clearness.

    Each complete day of PVDAQ system 50 (96 values) is mapped from clock time to the
    fraction of daylight s = (t − sunrise)/(sunset − sunrise) at Golden, Colorado, and
    sampled on :data:`PV_GRID` points of s ∈ [0, 1]. Power is divided by the 98th percentile
    of the daily maxima (a clear day's peak), night tare (negative values) is set to 0.
    ``clearness`` is the day's energy over the largest day's energy [-].
    """
    raw = pd.read_csv(src / "nrel_pvdaq50_serf_east_15min_ac_power_2016.csv").dropna()
    local = pd.to_datetime(raw["measured_on"].str[:19])  # local standard time, UTC-7
    power = raw["ac_power"].to_numpy(dtype=float).clip(min=0.0)
    frame = pd.DataFrame({"date": local.dt.date, "t": local, "p": power})
    days = [g for _, g in frame.groupby("date") if len(g) == 96 and g["p"].sum() > 0]
    p_ref = float(np.percentile([g["p"].max() for g in days], 98))
    grid = np.linspace(0.0, 1.0, PV_GRID)
    rows = []
    for g in days:
        t0 = g["t"].iloc[0]
        doy = t0.day_of_year
        sunrise, sunset = sunrise_sunset(doy, SERF_LATITUDE, SERF_LONGITUDE, SERF_UTC_OFFSET_H)
        centre_h = (g["t"] - t0.normalize()).dt.total_seconds().to_numpy() / 3600 + 0.125
        s = (centre_h - float(sunrise)) / (float(sunset) - float(sunrise))
        pu = g["p"].to_numpy() / p_ref
        shape = np.interp(grid, s, pu, left=0.0, right=0.0)
        shape[0] = shape[-1] = 0.0
        rows.append((str(g["date"].iloc[0]), float(pu.sum() * 0.25), shape))
    energy = np.array([r[1] for r in rows])
    out = pd.DataFrame(
        {
            "date": [r[0] for r in rows],
            "clearness": np.round(energy / energy.max(), 4),
            "full_load_h": np.round(energy, 4),
        }
    )
    shapes = pd.DataFrame(
        np.round(np.vstack([r[2] for r in rows]), 4), columns=[f"s{j:02d}" for j in range(PV_GRID)]
    )
    return pd.concat([out, shapes], axis=1)


def wwtp_daily(src: Path) -> pd.DataFrame:
    """Day-to-day variation of the UCI sewage plant (527 days), each as a ratio to its median.

    ``q_in`` influent flow, ``cod_in`` influent COD, ``cod_out`` effluent COD [-]; ``ph_in``
    and ``ph_out`` unchanged. Missing days (``?`` upstream) are filled by linear interpolation
    in day order, and ``filled`` says which values were filled.
    """
    raw = pd.read_csv(src / "uci_wwtp_daily_influent_effluent_1990-1991.csv")
    cols = {"Q-E": "q_in", "DQO-E": "cod_in", "DQO-S": "cod_out", "PH-E": "ph_in", "PH-S": "ph_out"}
    out = raw[list(cols)].rename(columns=cols).astype(float)
    filled = out.isna()
    out = out.interpolate(limit_direction="both")
    for c in ("q_in", "cod_in", "cod_out"):
        out[c] = (out[c] / out[c].median()).round(4)
    out["filled"] = ["".join(c[0] for c in cols.values() if f[c]) for _, f in filled.iterrows()]
    out.insert(0, "day", raw["DAY"].str.removeprefix("D-"))
    return out


def surface_water_levels(src: Path) -> pd.DataFrame:
    """Quartiles of each parameter per water body and official class, national snapshot.

    Rivers and lakes are told apart by the section name (湖, 库 or 淀 = lake/reservoir), as in
    SOURCES.md §4a; ``--`` cells are missing values.
    """
    raw = pd.read_csv(src / "cnemc_surface_water_auto_stations_2026-02-04.csv")
    raw = raw.replace("--", np.nan)
    raw["water_body"] = np.where(raw["断面名称"].str.contains("湖|库|淀"), "lake", "river")
    raw["class"] = raw["水质类别"].map(ROMAN)
    rows = []
    for (body, cls), g in raw.dropna(subset=["class"]).groupby(["water_body", "class"]):
        for col, code in WATER_COLUMNS.items():
            v = pd.to_numeric(g[col], errors="coerce").dropna()
            if len(v) < 3:
                continue
            q25, q50, q75 = np.percentile(v, [25, 50, 75])
            rows.append((body, cls, code, len(v), q25, q50, q75))
    out = pd.DataFrame(rows, columns=["water_body", "class", "parameter", "n", "p25", "p50", "p75"])
    return out.round({"p25": 4, "p50": 4, "p75": 4})


def main(argv: list[str] | None = None) -> int:
    """Write every derived file; arguments: the folder of the real data [, output folder]."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 2):
        sys.stderr.write(
            "usage: python -m greenpark.demo.make_profiles /path/to/shared/data [output]\n"
        )
        return 2
    src = Path(args[0])
    out = Path(args[1]) if len(args) == 2 else OUT
    if not (src / "SOURCES.md").is_file():
        sys.stderr.write(f"{src} does not look like the shared data folder (no SOURCES.md)\n")
        return 2
    out.mkdir(parents=True, exist_ok=True)
    written = [
        _write_csv(air_diurnal(src), out, "air_guiyang_diurnal.csv"),
        _write_csv(steel_load(src), out, "steel_load_15min.csv.gz", compress=True),
        _write_csv(pv_day_shapes(src), out, "pv_day_shapes.csv.gz", compress=True),
        _write_csv(wwtp_daily(src), out, "wwtp_daily.csv.gz", compress=True),
        _write_csv(surface_water_levels(src), out, "surface_water_levels.csv"),
    ]
    for path in written:
        sys.stdout.write(f"{path.name}: {path.stat().st_size:,} bytes\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
