"""The self-evaluation report as a PDF (``greenpark.reports.evaluation_pdf``), read back.

The park is the hand-built one of ``tests/evaluation/test_values.py`` (MIIT green park, 2022
and 2023). No PDF reader is a dependency of the project, so :func:`_pages` reads the file the
way reportlab writes it: each page's content stream (ASCII85 + Flate, decoded with the
standard library), its text shown by ``(...) Tj`` in the font set by ``/Fn size Tf``; text in
the Type0 font (STSong-Light, encoding UniGB-UCS2-H) is UTF-16BE, other text WinAnsi.
"""

from __future__ import annotations

import base64
import re
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import insert

from evaluation.test_values import TCE_MONTH, build_park
from greenpark.cli import cli
from greenpark.evaluation.service import Evaluation, evaluate
from greenpark.reports.evaluation_pdf import _markup, write_pdf
from greenpark.store import Store
from greenpark.store.schema import Park

_STREAM = re.compile(rb"<<([^<>]*?)>>\s*stream\r?\n(.*?)endstream", re.S)
_TEXT = re.compile(rb"/(F\d+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)\s*Tj|T\*|\bET\b", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(s: bytes) -> bytes:
    def one(m: re.Match[bytes]) -> bytes:
        e = m.group(1)
        if e[:1].isdigit():
            return bytes([int(e, 8)])
        return _ESCAPES.get(e, e)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, s, flags=re.S)


def _pages(data: bytes) -> list[str]:
    """The text of each page (content stream), one line per text line."""
    cid_fonts = set(re.findall(rb"/Name /(F\d+) /Subtype /Type0", data))
    pages = []
    for m in _STREAM.finditer(data):
        head, raw = m.groups()
        if b"/ASCII85Decode" in head:
            raw = base64.a85decode(raw.strip().removesuffix(b"~>"))
        if b"/FlateDecode" in head:
            raw = zlib.decompress(raw)
        lines, line, font = [], "", b""
        for t in _TEXT.finditer(raw):
            if t.group(1):
                font = t.group(1)
            elif t.group(2) is not None:
                s = _unescape(t.group(2))
                line += s.decode("utf-16-be" if font in cid_fonts else "cp1252")
            elif line:
                lines.append(line)
                line = ""
        pages.append("\n".join(lines))
    return pages


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('park') / 'park.db'}"
    store = Store(url)
    store.migrate()
    with store.write() as conn:
        conn.execute(insert(Park).values(id=1, code="P", name="Park 贵安"))
    store.dispose()
    build_park(url).dispose()
    return url


@pytest.fixture(scope="module")
def miit(url: str) -> Evaluation:
    store = Store(url)
    try:
        return evaluate(store, "miit-green-park", 2023)
    finally:
        store.dispose()


@pytest.fixture(scope="module")
def pdf(miit: Evaluation, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("pdf") / "sub" / "report.pdf"
    write_pdf(path, miit)
    return path.read_bytes()


def test_the_pdf_opens_and_has_its_pages(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-1.")
    assert pdf.rstrip().endswith(b"%%EOF")
    pages = len(re.findall(rb"/Type /Page\b(?!s)", pdf))
    texts = _pages(pdf)
    # overview 1, indicators 4, years 2, gaps 2, notes 2 with this park
    assert 6 <= pages <= 16
    assert len(texts) == pages
    assert all(f"page {i}" in t for i, t in enumerate(texts, start=1))
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in pdf  # A4 landscape


def test_the_overview_page(pdf: bytes, miit: Evaluation) -> None:
    first = _pages(pdf)[0]
    assert "Self-evaluation report: MIIT green industrial park evaluation 2023" in first
    assert "绿色工业园区评价 自评价报告" in first
    assert "Park 贵安 (P)" in first
    assert "catalogues/miit_green_park.csv, version 2016" in first
    assert "工信厅节函〔2016〕586号" in first  # the scheme's source
    assert f"GI\n{miit.score.index:.2f} / 100" in first
    assert f"{100 * miit.score.completeness:.0f} % of the scorable indicators" in first
    failed = len(miit.score.mandatory_failed)
    undecided = len(miit.score.mandatory_undecided)
    n = 19 + 8  # mandatory: 19 numbered indicators + 8 basic requirements
    assert f"{n}: passed {n - failed - undecided}, failed {failed}, undecided {undecided}" in first
    assert "Generated\n20" in first


def test_the_indicator_table(pdf: bytes, miit: Evaluation) -> None:
    pages = _pages(pdf)
    head = "id\nname\nvalue\nunit\nleading\nscore\nstatus\nsource / formula\ncomplete"
    table = [t for t in pages if head in t]
    assert len(table) >= 2  # the header row repeats on every page of the table
    text = "\n".join(table)
    ids = [line for line in text.splitlines() if line in miit.current.scheme.ids]
    assert ids == list(miit.current.scheme.ids)  # every indicator once, in catalogue order
    assert (
        "能源产出率\nenergy productivity\n2.941\n万元/tce\n3\n0.98\ncomputed\nmandatory: fail"
        in text
    )
    ep = text.split("energy_productivity", 1)[1]
    assert "enterprise_year.value_added" in ep.split("renewable_share")[0]  # the source
    assert "100 %" in ep.split("renewable_share")[0]  # completeness
    share = 100 * 2.458 / TCE_MONTH
    assert f"可再生能源使用比例\nrenewable energy share\n{share:.3g}\n%\n15" in text
    assert "central_wwtp" in text and "mandatory: pass" in text
    assert "manual entry needed" in text and "mandatory:\nundecided" in text


def test_the_years_gaps_and_notes(pdf: bytes, miit: Evaluation) -> None:
    text = "\n".join(_pages(pdf))
    assert "Scores by year" in text
    assert "2022 value\n2022 score\n2022 mandatory\n2023 value\n2023 score" in text
    assert f"GI\n{miit.of_year(2022).index:.2f}\n{miit.score.index:.2f}" in text
    assert "Gaps to the leading values" in text
    gap = 15 - 100 * 2.458 / TCE_MONTH  # percentage points of renewable share to go
    assert (
        f"renewable_share\nrenewable energy share\n%\nhigher\n6.94\n15\n{gap:.3g}\nno\nfail" in text
    )
    assert "Uncertain catalogue values (confidence U): 31" in text
    assert "Manual indicators: 25" in text  # 20 numbered + 5 basic requirements


def test_chinese_is_set_in_the_cid_font_not_embedded(pdf: bytes) -> None:
    assert b"/BaseFont /STSong-Light" in pdf
    assert b"/Encoding /UniGB-UCS2-H" in pdf
    assert b"/FontFile" not in pdf  # nothing embedded: the viewer supplies the font


def test_markup() -> None:
    assert _markup("10⁴ yuan <x> & 万元/tce") == (
        '10<super>4</super> yuan &lt;x&gt; &amp; <font name="STSong-Light">万元</font>/tce'
    )
    assert _markup(None) == ""


def test_a_title_and_a_single_year(url: str, tmp_path: Path) -> None:
    store = Store(url)
    try:
        ev = evaluate(
            store, "zero-carbon-park", 2025, park_attributes={"annual_energy_tce": 500_000}
        )
    finally:
        store.dispose()
    path = tmp_path / "zero.pdf"
    write_pdf(path, ev, title="零碳园区 self-check")
    text = "\n".join(_pages(path.read_bytes()))
    assert "\n零碳园区 self-check\n" in text
    assert "only 2025 is shown" in text
    assert "annual_energy_tce = 500,000" in text
    assert "renewable_share (not scored)" in text
    assert "co2_per_tce" in text and "no energy recorded in the ledger" in text


def test_the_cli_writes_the_pdf(url: str, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    base = ["--database", url, "evaluate", "--scheme", "miit-green-park", "--year", "2023"]
    result = CliRunner().invoke(cli, [*base, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert "energy_productivity" in "\n".join(_pages(data))
    result = CliRunner().invoke(cli, [*base, "-o", str(tmp_path / "report.docx")])
    assert result.exit_code != 0 and ".pdf" in str(result.exception)
