"""A small park for the ledger and web ledger tests (``import ledger_park``): a
manufacturer and the multi-energy station.

Monthly meter totals (``meter_month``), 2022 and 2023, hand-checkable:

- enterprise A (electronic_information): electricity 100 000 kWh (90 000 in 2022), natural
  gas 1 000 m³ a month; value added 2023: 1 000 x 10⁴ yuan;
- station S (other): grid import 10 000 kWh, natural gas 20 000 m³; production meters: gas
  engines 30 000 kWh, PV 20 000 kWh (renewable), heat 100 GJ a month.
"""

from __future__ import annotations

from sqlalchemy import insert

from greenpark.store import Store
from greenpark.store.schema import Enterprise, EnterpriseYear, Meter, MeterMonth

A = "91520900MA6DLAAAA1"
S = "91520900MA6DLSSSS2"


def build(url: str) -> Store:
    store = Store(url)
    with store.write() as c:
        c.execute(
            insert(Enterprise),
            [
                {"id": 1, "park_id": 1, "credit_code": A, "name": "A",
                 "industry": "electronic_information"},
                {"id": 2, "park_id": 1, "credit_code": S, "name": "S", "industry": "other"},
            ],
        )  # fmt: skip
        c.execute(
            insert(EnterpriseYear),
            [{"enterprise_id": 1, "year": 2023, "value_added": 1000.0, "revenue": 5000.0}],
        )
        meters = [
            # id, code, carrier, unit, owner, direction, renewable
            (1, "A-EL", "electricity", "kWh", 1, "consumption", False),
            (2, "A-NG", "natural_gas", "m³", 1, "consumption", False),
            (3, "S-EL", "electricity", "kWh", 2, "consumption", False),
            (4, "S-NG", "natural_gas", "m³", 2, "consumption", False),
            (5, "S-GEN", "electricity", "kWh", 2, "production", False),
            (6, "S-PV", "electricity", "kWh", 2, "production", True),
            (7, "S-HT", "heat", "GJ", 2, "production", False),
        ]
        c.execute(
            insert(Meter),
            [
                {"id": i, "park_id": 1, "code": code, "name": code, "carrier": carrier,
                 "unit": unit, "enterprise_id": owner, "direction": d, "renewable": r,
                 "interval_s": 900}
                for i, code, carrier, unit, owner, d, r in meters
            ],
        )  # fmt: skip
        per_month = {1: 100_000.0, 2: 1_000.0, 3: 10_000.0, 4: 20_000.0, 5: 30_000.0, 6: 20_000.0,
                     7: 100.0}  # fmt: skip
        rows = []
        for year in (2022, 2023):
            for m in range(1, 13):
                for meter, q in per_month.items():
                    if year == 2022 and meter == 1:
                        q = 90_000.0
                    rows.append(
                        {
                            "meter_id": meter,
                            "month": f"{year}-{m:02d}",
                            "quantity": q,
                            "readings": 2976,
                        }
                    )
        c.execute(insert(MeterMonth), rows)
    return store
