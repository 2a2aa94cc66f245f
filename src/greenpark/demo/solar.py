"""Simple solar geometry for the demo: declination, equation of time, sunrise and sunset.

These are the textbook approximations (accurate to a few minutes), enough to stretch real
PV day shapes to the daylight of another place and day. They are vectorised over the day of
the year and use local *standard* time (no daylight saving; China has none).

References
----------
.. [1] P. I. Cooper, "The absorption of radiation in solar stills", Solar Energy 12(3),
   1969 (declination formula).
.. [2] J. W. Spencer, "Fourier series representation of the position of the sun", Search
   2(5), 1971 (equation of time).
.. [3] J. A. Duffie and W. A. Beckman, *Solar Engineering of Thermal Processes*, 4th ed.,
   Wiley 2013, section 1.6 (sunset hour angle, day length).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def declination(day_of_year: ArrayLike) -> NDArray[np.float64]:
    """Solar declination [°] by Cooper's formula.

    Parameters
    ----------
    day_of_year
        Day of the year, 1 = 1 January [-].

    Returns
    -------
    numpy.ndarray
        Declination [°].

    Notes
    -----
    δ = 23.45° · sin(2π (284 + n) / 365)

    References
    ----------
    Cooper (1969), see the module references.
    """
    n = np.asarray(day_of_year, dtype=float)
    return 23.45 * np.sin(2.0 * np.pi * (284.0 + n) / 365.0)


def equation_of_time(day_of_year: ArrayLike) -> NDArray[np.float64]:
    """Equation of time [min] by Spencer's Fourier series.

    Parameters
    ----------
    day_of_year
        Day of the year, 1 = 1 January [-].

    Returns
    -------
    numpy.ndarray
        Apparent minus mean solar time [min].

    Notes
    -----
    B = 2π (n − 1) / 365;
    E = 229.18 (0.000075 + 0.001868 cos B − 0.032077 sin B − 0.014615 cos 2B − 0.04089 sin 2B)

    References
    ----------
    Spencer (1971), as given by Duffie and Beckman (2013) eq. 1.5.3.
    """
    b = 2.0 * np.pi * (np.asarray(day_of_year, dtype=float) - 1.0) / 365.0
    return 229.18 * (
        0.000075
        + 0.001868 * np.cos(b)
        - 0.032077 * np.sin(b)
        - 0.014615 * np.cos(2 * b)
        - 0.04089 * np.sin(2 * b)
    )


def sunrise_sunset(
    day_of_year: ArrayLike, latitude: float, longitude: float, utc_offset_h: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Sunrise and sunset in local standard time [h after midnight].

    Parameters
    ----------
    day_of_year
        Day of the year, 1 = 1 January [-].
    latitude
        Latitude, north positive [°].
    longitude
        Longitude, east positive [°].
    utc_offset_h
        Offset of local standard time from UTC [h], e.g. 8 for Asia/Shanghai.

    Returns
    -------
    tuple of numpy.ndarray
        Sunrise and sunset [h], local standard time.

    Notes
    -----
    Sunset hour angle ω_s = arccos(−tan φ · tan δ); day length 2 ω_s / 15 [h]; solar noon
    at 12 − (λ − 15·offset)/15 − E/60 [h]. Refraction and the solar disc are ignored.

    References
    ----------
    Duffie and Beckman (2013) eqs. 1.6.10 and 1.6.11; Cooper (1969); Spencer (1971).
    """
    delta = np.radians(declination(day_of_year))
    phi = np.radians(latitude)
    cos_ws = np.clip(-np.tan(phi) * np.tan(delta), -1.0, 1.0)
    half_day = np.degrees(np.arccos(cos_ws)) / 15.0
    noon = 12.0 - (longitude - 15.0 * utc_offset_h) / 15.0 - equation_of_time(day_of_year) / 60.0
    return noon - half_day, noon + half_day


def noon_elevation(day_of_year: ArrayLike, latitude: float) -> NDArray[np.float64]:
    """Solar elevation at solar noon [°].

    Parameters
    ----------
    day_of_year
        Day of the year, 1 = 1 January [-].
    latitude
        Latitude, north positive [°].

    Returns
    -------
    numpy.ndarray
        90° − |φ − δ| [°].

    References
    ----------
    Duffie and Beckman (2013), section 1.6 (zenith angle at solar noon).
    """
    return 90.0 - np.abs(latitude - declination(day_of_year))
