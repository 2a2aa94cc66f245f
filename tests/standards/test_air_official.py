"""Reproduce every AQI published by the CNEMC real-time platform in ``tests/data/cnemc/``.

Files and sources: ``tests/data/cnemc/README.md``. All rows are before 2026-03-01, so the
HJ 633-2012 tables apply (chosen here by timestamp, ``standard="auto"``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from greenpark.standards.air import POLLUTANTS, hourly_aqi

DATA = Path(__file__).resolve().parents[1] / "data" / "cnemc"

#: file -> number of rows with a published AQI (SOURCES.md §1).
FILES = {
    "cnemc_guiyang_hourly_2022-01-04.csv": 221,
    "cnemc_high_aqi_rows_2022-01-04.csv": 13,
    "cnemc_dust_storm_north_china_2023-03-22T10.csv": 77,
    "cnemc_aqi_station_snapshot_2017-07-07T16.csv": 1462,
    "cnemc_aqi_station_snapshot_2018-02-20T07.csv": 1475,
}

#: Chinese primary-pollutant names of the release platform -> pollutant codes.
NAMES_ZH = {
    "细颗粒物(PM2.5)": "pm2_5",
    "颗粒物(PM10)": "pm10",
    "二氧化硫": "so2",
    "二氧化氮": "no2",
    "一氧化碳": "co",
    "臭氧1小时": "o3",
}

#: Our column -> file column. ``o3_24h`` is the latest 1-h O3 (labels swapped upstream).
COLUMNS = {"pm2_5": "pm2_5", "pm10": "pm10", "so2": "so2", "no2": "no2", "co": "co", "o3": "o3_24h"}


def _load(name: str) -> pd.DataFrame:
    raw = pd.read_csv(DATA / name, dtype=str, keep_default_na=False)
    raw = raw.replace({"-;": ""}).apply(lambda s: s.str.strip())
    raw = raw[raw["aqi"] != ""].reset_index(drop=True)
    frame = pd.DataFrame({ours: pd.to_numeric(raw[theirs]) for ours, theirs in COLUMNS.items()})
    frame.index = pd.DatetimeIndex(pd.to_datetime(raw["timepoint"])).tz_localize("Asia/Shanghai")
    frame["published_aqi"] = pd.to_numeric(raw["aqi"]).to_numpy()
    frame["published_primary"] = raw["primarypollutant"].to_numpy()
    frame["published_quality"] = raw["quality"].to_numpy() if "quality" in raw else ""
    return frame


@pytest.fixture(scope="module")
def official() -> pd.DataFrame:
    return pd.concat([_load(name).assign(file=name) for name in FILES])


@pytest.fixture(scope="module")
def computed(official: pd.DataFrame) -> pd.DataFrame:
    return hourly_aqi(official[list(POLLUTANTS)])


def test_row_counts(official: pd.DataFrame) -> None:
    assert official.groupby("file").size().to_dict() == FILES
    assert len(official) == 3248


def test_every_published_aqi_is_reproduced(official: pd.DataFrame, computed: pd.DataFrame) -> None:
    assert (computed["standard"] == "2012").all()
    mismatch = official[computed["aqi"].to_numpy() != official["published_aqi"].to_numpy()]
    assert mismatch.empty, mismatch.head(20).to_string()
    assert int((computed["aqi"].to_numpy() == official["published_aqi"].to_numpy()).sum()) == 3248


def test_every_published_category_is_reproduced(
    official: pd.DataFrame, computed: pd.DataFrame
) -> None:
    has = official["published_quality"].to_numpy() != ""
    assert int(has.sum()) == 2937
    ours = computed["category"].astype(str).to_numpy()[has]
    assert (ours == official["published_quality"].to_numpy()[has]).all()


def test_every_published_primary_pollutant_is_reproduced(
    official: pd.DataFrame, computed: pd.DataFrame
) -> None:
    published = [
        frozenset(NAMES_ZH[n] for n in text.split(",")) if text else frozenset()
        for text in official["published_primary"]
    ]
    ours = [
        frozenset(str(v).split(",")) if isinstance(v, str) else frozenset()
        for v in computed["primary_pollutant"]
    ]
    bad = [i for i, (a, b) in enumerate(zip(published, ours, strict=True)) if a != b]
    assert not bad, official.iloc[bad[:20]].to_string()
    assert len(published) == 3248
    assert sum(1 for p in published if p) > 0
    assert np.isnan(computed["aqi"]).sum() == 0
