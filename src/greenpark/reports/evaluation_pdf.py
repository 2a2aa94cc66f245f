"""The self-evaluation report of an evaluation scheme as a PDF (issue 8, item 7).

:func:`write_pdf` lays out an :class:`~greenpark.evaluation.service.Evaluation` (what
:func:`greenpark.evaluation.service.evaluate` returns) on A4 landscape pages, in the order a
reviewer reads it:

1. **overview**: park, scheme with its catalogue version and source, evaluation year, date
   generated, the index (GI for the MIIT green park) and its completeness, the mandatory items
   passed, failed and undecided, the scoring rules;
2. **indicators**: id, name in Chinese and English, value, unit, leading value, score, status
   (computed / manual / missing data and the mandatory verdict, coloured), the computation with
   its inputs and their sources, completeness; the header row repeats on every page;
3. **scores by year**: value, score and mandatory verdict of each year the store has data for
   (up to three), side by side, then the index, completeness and failed items of each year;
4. **gaps**: distance of each indicator to its leading value and the inputs that move it;
   then, when given (the park schemes), **sponge city** (海绵城市): the park's annual runoff
   volume capture ratio, the rainfall with its completeness and the catchment table, or one
   line saying there is no catchment or no rainfall in the year;
5. **notes**: the catalogue values marked uncertain (confidence U), the indicators that need a
   manual entry with evidence, values missing for lack of data, the scheme's scoring note.

Nothing is computed here: every number is one the evaluation (or the sponge-city year of
:func:`greenpark.evaluation.sponge_service.sponge_year`) holds, the same the workbook of
:func:`greenpark.evaluation.service.write_xlsx` shows, only formatted.

Chinese text is set in Adobe's ``STSong-Light`` CID font, which PDF viewers supply (no font
file is embedded or shipped); Latin text in Helvetica. reportlab is imported only when a PDF
is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from xml.sax.saxutils import escape

from greenpark.evaluation.scoring import IndicatorScore
from greenpark.evaluation.service import Evaluation, YearEvaluation, mandatory_text
from greenpark.evaluation.values import Value

if TYPE_CHECKING:
    from greenpark.evaluation.sponge_service import SpongeYear

__all__ = ["write_pdf"]

#: reportlab's built-in CID font for simplified Chinese (not embedded: viewers supply it).
CJK_FONT: Final[str] = "STSong-Light"
LATIN_FONT: Final[str] = "Helvetica"
LATIN_BOLD: Final[str] = "Helvetica-Bold"

#: Status colours (traffic lights) of the indicator, year and gap tables.
_GREEN: Final[str] = "#d4edda"
_RED: Final[str] = "#f5c6cb"
_AMBER: Final[str] = "#ffeeba"
_GREY: Final[str] = "#e9ecef"
_MUTED: Final[str] = "#555555"

_SUPERSCRIPTS: Final[dict[str, str]] = {
    c: d for c, d in zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-", strict=True)
}
_CM: Final[float] = 72 / 2.54  # points per centimetre


# --- text ----------------------------------------------------------------------------------


def _latin(ch: str) -> bool:
    """Whether Helvetica (WinAnsi encoding) has ``ch``."""
    if ch in _SUPERSCRIPTS:
        return True
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _runs(text: str) -> list[tuple[bool, str]]:
    """``text`` cut into runs of (Latin?, characters)."""
    out: list[tuple[bool, str]] = []
    for ch in text:
        latin = _latin(ch)
        if out and out[-1][0] == latin:
            out[-1] = (latin, out[-1][1] + ch)
        else:
            out.append((latin, ch))
    return out


def _markup(text: Any) -> str:
    """Paragraph markup of ``text``: escaped, Chinese (non-WinAnsi) runs in :data:`CJK_FONT`,
    superscript digits (10⁴) as ``<super>``."""
    parts = []
    for latin, run in _runs("" if text is None else str(text)):
        s = escape(run)
        if latin:
            for c, d in _SUPERSCRIPTS.items():
                s = s.replace(c, f"<super>{d}</super>")
            parts.append(s)
        else:
            parts.append(f'<font name="{CJK_FONT}">{s}</font>')
    return "".join(parts)


def _num(x: float | None, digits: int = 4) -> str:
    if x is None:
        return "-"
    return f"{x:,.{digits}g}" if abs(x) < 1e5 else f"{x:,.0f}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f} %"


def _name(zh: str, en: str) -> str:
    """Chinese name over the English one (markup)."""
    lines = [_markup(t) for t in (zh, en) if t]
    return "<br/>".join(lines) or "-"


def _leading(ind: Any) -> str:
    return "pass" if ind.is_pass else _num(ind.leading)


def _score_of(y: YearEvaluation, id: str) -> IndicatorScore | None:
    if y.score is None or id not in y.score.scheme.ids:
        return None
    return y.score.indicator(id)


def _verdict_colour(text: str) -> str | None:
    return {"pass": _GREEN, "fail": _RED, "undecided": _AMBER}.get(text)


# --- the document --------------------------------------------------------------------------


class _Kit:
    """Styles and cell makers (reportlab objects, built once reportlab is imported)."""

    def __init__(self) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

        if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
            # <b>/<i> around Chinese text: the same face (the CID font has no bold)
            pdfmetrics.registerFontFamily(
                CJK_FONT, normal=CJK_FONT, bold=CJK_FONT, italic=CJK_FONT, boldItalic=CJK_FONT
            )
        self.colors = colors
        self.Paragraph = Paragraph
        self.Spacer = Spacer
        self.Table = Table
        self.TableStyle = TableStyle
        base = {"fontName": LATIN_FONT, "splitLongWords": 1}
        self.cell = ParagraphStyle("cell", fontSize=7, leading=8.6, **base)
        self.head = ParagraphStyle("head", parent=self.cell, fontName=LATIN_BOLD)
        self.small = ParagraphStyle(
            "small", parent=self.cell, fontSize=6.3, leading=7.6, textColor=_MUTED
        )
        self.body = ParagraphStyle("body", fontSize=9, leading=11.5, spaceAfter=3, **base)
        self.h1 = ParagraphStyle(
            "h1", fontSize=17, leading=21, spaceAfter=2, **{**base, "fontName": LATIN_BOLD}
        )
        self.subtitle = ParagraphStyle("subtitle", parent=self.body, fontSize=12, leading=15)
        self.h2 = ParagraphStyle(
            "h2",
            fontSize=12.5,
            leading=15,
            spaceBefore=10,
            spaceAfter=5,
            keepWithNext=1,
            **{**base, "fontName": LATIN_BOLD},
        )

    def p(self, markup: str, style: Any = None) -> Any:
        return self.Paragraph(markup, style or self.cell)

    def t(self, text: Any, style: Any = None) -> Any:
        """A paragraph of plain ``text``."""
        return self.p(_markup(text), style)

    def table(
        self,
        head: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths_cm: Sequence[float],
        *,
        styles: Sequence[tuple[Any, ...]] = (),
        header: bool = True,
    ) -> Any:
        """A table of paragraphs; ``head`` (repeated on each page) unless ``header`` is false;
        cells given as str are plain text."""
        data = [[self.t(h, self.head) for h in head]] if header else []
        for row in rows:
            data.append([self.t(c) if isinstance(c, str) else c for c in row])
        grid = [
            ("GRID", (0, 0), (-1, -1), 0.4, self.colors.HexColor("#999999")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        if header:
            grid.append(("BACKGROUND", (0, 0), (-1, 0), self.colors.HexColor(_GREY)))
        return self.Table(
            data,
            colWidths=[w * _CM for w in widths_cm],
            repeatRows=1 if header else 0,
            splitInRow=1,
            hAlign="LEFT",
            style=self.TableStyle([*grid, *styles]),
        )

    def fill(self, col: int, row: int, colour: str | None) -> list[tuple[Any, ...]]:
        if colour is None:
            return []
        return [("BACKGROUND", (col, row), (col, row), self.colors.HexColor(colour))]


def _overview(kit: _Kit, ev: Evaluation, title: str, generated: str) -> list[Any]:
    cur = ev.current
    scheme = cur.scheme
    settings = scheme.settings
    score = cur.score
    story: list[Any] = [kit.t(title, kit.h1)]
    if settings.title_zh:
        story.append(kit.t(f"{settings.title_zh} 自评价报告", kit.subtitle))
    story.append(kit.Spacer(1, 0.3 * _CM))

    mandatory = [i for i in scheme.indicators if i.mandatory]
    verdicts = {
        i.id: mandatory_text(None if score is None else score.indicator(i.id).passed, True)
        for i in mandatory
    }
    by = {k: [i for i, v in verdicts.items() if v == k] for k in ("pass", "fail", "undecided")}
    index = "-"
    if cur.index is not None:
        index = f"{cur.index:.2f}"
        if score is not None and score.index_max is not None:
            index += f" / {score.index_max:g}"
    computed = sum(v.value is not None for v in cur.values.values())
    manual = sum(v.is_manual for v in cur.values.values())
    overall = "-" if score is None or score.passed is None else ("pass" if score.passed else "fail")
    pass_mark = "none" if settings.pass_mark is None else f"{settings.pass_mark:g}"
    lines: list[tuple[str, str]] = [
        ("Park", f"{ev.park.name} ({ev.park.code})"),
        ("Scheme", f"{settings.title_en or scheme.name} / {settings.title_zh} [{scheme.name}]"),
        ("Catalogue", f"{scheme.source_file}, version {scheme.version}"),
        ("Source", settings.source or "-"),
        ("Evaluation year", f"{ev.year} (years shown: {', '.join(str(y.year) for y in ev.years)})"),
        ("Generated", generated),
        (settings.index_name, index),
        (
            "Completeness",
            f"{_pct(None if score is None else score.completeness)} of the scorable indicators "
            f"have a value; computed from data: {computed} of {len(cur.values)}, "
            f"manual entries: {manual}",
        ),
        (
            "Mandatory items",
            f"{len(mandatory)}: passed {len(by['pass'])}, failed {len(by['fail'])}, "
            f"undecided {len(by['undecided'])}",
        ),
        ("Failed", ", ".join(by["fail"]) or "none"),
        ("Undecided", ", ".join(by["undecided"]) or "none"),
        ("Overall", f"{overall} (pass mark: {pass_mark})"),
        (
            "Scoring",
            f"method {settings.method}, aggregation {settings.aggregation}, cap {settings.cap:g}, "
            f"scale {settings.scale:g}, missing values: {settings.missing}, mandatory items pass "
            f"at: {settings.mandatory_pass} (confidence {settings.confidence})",
        ),
    ]
    if cur.park_attributes:
        attrs = ", ".join(f"{k} = {v:,.6g}" for k, v in cur.park_attributes.items())
        lines.append(("Park attributes", attrs))
    for sid, v in cur.supplementary.items():
        extra = [x for x in (v.provenance(), v.note) if x]
        lines.append((f"{sid} (not scored)", "; ".join([f"{_num(v.value)} {v.unit}", *extra])))
    if cur.note:
        lines.append(("Note", cur.note))
    rows = [[kit.t(k, kit.head), kit.t(v)] for k, v in lines]
    styles = kit.fill(1, 9, _RED if by["fail"] else None)
    styles += kit.fill(1, 11, {"pass": _GREEN, "fail": _RED}.get(overall))
    story.append(kit.table(("", ""), rows, (4.5, 21.5), header=False, styles=styles))
    return story


def _source_cell(kit: _Kit, v: Value) -> Any:
    text = []
    if v.value is not None:
        text.append(f"<b>computed:</b> {_markup(v.formula)}")
        if v.inputs:
            text.append(f"<b>inputs:</b> {_markup(v.provenance())}")
    elif v.is_manual:
        text.append(_markup(v.note))
    else:
        text.append(f"<b>missing data:</b> {_markup(v.note)}")
        if v.formula:
            text.append(f"<b>computation:</b> {_markup(v.formula)}")
    if v.value is not None and v.note:
        text.append(f"<b>note:</b> {_markup(v.note)}")
    return kit.p("<br/>".join(text))


def _indicators(kit: _Kit, ev: Evaluation) -> list[Any]:
    cur = ev.current
    score = cur.score
    head = ("id", "name", "value", "unit", "leading", "score", "status", "source / formula",
            "complete")  # fmt: skip
    widths = (4.3, 4.6, 1.6, 1.6, 1.4, 1.1, 2.2, 8.2, 1.4)
    rows, styles = [], []
    for r, ind in enumerate(cur.scheme.indicators, start=1):
        v = cur.values[ind.id]
        s = score.indicator(ind.id) if score else None
        status = [v.kind]
        colour = None
        if s is not None and s.status == "no_reference":
            status.append("no leading value")
        if ind.mandatory:
            verdict = mandatory_text(None if s is None else s.passed, True)
            status.append(f"mandatory: {verdict}")
            colour = _verdict_colour(verdict)
        elif s is not None and s.reached is not None:
            status.append("reached" if s.reached else "not reached")
            colour = _GREEN if s.reached else _AMBER
        group = ind.group + (" · mandatory" if ind.mandatory else "")
        rows.append(
            [
                [kit.t(ind.id), kit.t(group, kit.small)],
                kit.p(_name(ind.name_zh, ind.name_en)),
                _num(v.value),
                ind.unit,
                _leading(ind),
                "-" if s is None or s.score is None else f"{s.score:.2f}",
                kit.p("<br/>".join(_markup(x) for x in status)),
                _source_cell(kit, v),
                _pct(v.completeness),
            ]
        )
        styles += kit.fill(6, r, colour)
    return [
        kit.t("Indicators", kit.h2),
        kit.table(head, rows, widths, styles=styles),
    ]


def _years(kit: _Kit, ev: Evaluation) -> list[Any]:
    cur = ev.current
    settings = cur.scheme.settings
    years = ev.years
    head = ["id", "name", "unit", "leading"]
    for y in years:
        head += [f"{y.year} value", f"{y.year} score", f"{y.year} mandatory"]
    fixed = (4.3, 5.2, 1.6, 1.5)
    per = (26.4 - sum(fixed)) / len(years)
    widths = [*fixed, *[w * per for y in years for w in (0.4, 0.25, 0.35)]]
    rows: list[list[Any]] = []
    styles: list[tuple[Any, ...]] = []
    for r, ind in enumerate(cur.scheme.indicators, start=1):
        row: list[Any] = [ind.id, ind.name_en or ind.name_zh, ind.unit, _leading(ind)]
        for k, y in enumerate(years):
            v = y.values.get(ind.id)
            s = _score_of(y, ind.id)
            verdict = mandatory_text(None if s is None else s.passed, ind.mandatory)
            row += [
                _num(None if v is None else v.value),
                "-" if s is None or s.score is None else f"{s.score:.2f}",
                verdict,
            ]
            styles += kit.fill(4 + 3 * k + 2, r, _verdict_colour(verdict))
        rows.append(row)

    def summary(label: str, get: Callable[[YearEvaluation], str]) -> None:
        r = len(rows) + 1
        row: list[Any] = [kit.t(label, kit.head), "", "", ""]
        for k, y in enumerate(years):
            row += [get(y), "", ""]
            c = 4 + 3 * k
            styles.append(("SPAN", (c, r), (c + 2, r)))
        styles.append(("SPAN", (0, r), (3, r)))
        styles.append(("BACKGROUND", (0, r), (-1, r), kit.colors.HexColor(_GREY)))
        rows.append(row)

    def index(y: YearEvaluation) -> str:
        if y.score is None:
            return f"not scored: {y.note}"
        return "-" if y.index is None else f"{y.index:.2f}"

    summary(settings.index_name, index)
    summary("completeness", lambda y: _pct(y.score.completeness if y.score else None))
    summary(
        "mandatory failed",
        lambda y: (", ".join(y.score.mandatory_failed) or "none") if y.score else "-",
    )
    story = [kit.t("Scores by year", kit.h2)]
    if len(years) == 1:
        story.append(
            kit.t(
                f"The store holds no data of the years before {ev.year}: only {ev.year} is shown.",
                kit.body,
            )
        )
    story.append(kit.table(head, rows, widths, styles=styles))
    return story


def _gaps(kit: _Kit, ev: Evaluation) -> list[Any]:
    cur = ev.current
    score = cur.score
    head = ("id", "name", "unit", "direction", "value", "leading", "gap", "reached",
            "mandatory", "moved by", "note")  # fmt: skip
    widths = (4.3, 4.4, 1.6, 1.5, 1.5, 1.4, 1.4, 1.4, 1.6, 3.8, 3.5)
    rows, styles = [], []
    for r, ind in enumerate(cur.scheme.indicators, start=1):
        v = cur.values[ind.id]
        s = score.indicator(ind.id) if score else None
        reached = "-" if s is None or s.reached is None else ("yes" if s.reached else "no")
        verdict = mandatory_text(None if s is None else s.passed, ind.mandatory)
        rows.append(
            [
                ind.id,
                ind.name_en or ind.name_zh,
                ind.unit,
                ind.direction,
                _num(v.value),
                _leading(ind),
                _num(None if s is None else s.gap),
                reached,
                verdict,
                ", ".join(v.inputs) if v.inputs else ("manual entry" if v.is_manual else "-"),
                v.note,
            ]
        )
        styles += kit.fill(7, r, {"yes": _GREEN, "no": _AMBER}.get(reached))
        styles += kit.fill(8, r, _verdict_colour(verdict))
    intro = (
        "Gap: how much the value must still rise (higher is better) or fall (lower is better) "
        "to reach the leading value, in the indicator's unit; zero or negative: reached. "
        "Pass items: 0 met, 1 not met. Moved by: the inputs the value is computed from."
    )
    return [
        kit.t("Gaps to the leading values", kit.h2),
        kit.t(intro, kit.body),
        kit.table(head, rows, widths, styles=styles),
    ]


def _fixed(x: float | None, fmt: str = ",.0f") -> str:
    """``x`` with a fixed format (``-`` for None)."""
    return "-" if x is None else format(x, fmt)


def _sponge(kit: _Kit, sponge: SpongeYear) -> list[Any]:
    """The sponge-city section: the park's ratio, the rainfall and its completeness, the
    catchment table and the notes; one line when there is nothing to compute."""
    from greenpark.evaluation.sponge_service import (
        catchment_lines,
        completeness_text,
        empty_text,
        report_notes,
        weighting_text,
    )

    story: list[Any] = [kit.t(f"Sponge city (海绵城市) {sponge.year}", kit.h2)]
    empty = empty_text(sponge)
    if empty is not None:
        return [*story, kit.t(empty, kit.body)]
    result = sponge.result
    ratio = f"{_fixed(sponge.percent, '.1f')} %"
    if result is not None and result.runoff_m3:
        captured, runoff = _fixed(result.captured_m3), _fixed(result.runoff_m3)
        ratio += f" (captured {captured} of {runoff} m³ runoff)"
    lines = [
        ("Capture ratio (年径流总量控制率)", ratio),
        ("Weighting", weighting_text(sponge.weighting)),
        (
            "Rainfall",
            f"{sponge.rainfall_mm:,.1f} mm on {sponge.days_present} days; "
            f"{sponge.counted_days} days above {sponge.min_rain_mm:g} mm counted",
        ),
        ("Completeness", completeness_text(sponge)),
    ]
    rows = [[kit.t(k, kit.head), kit.t(v)] for k, v in lines]
    styles = kit.fill(1, 3, None if sponge.complete else _AMBER)
    story.append(kit.table(("", ""), rows, (5.0, 21.0), header=False, styles=styles))
    story.append(kit.Spacer(1, 0.25 * _CM))
    head = ("code", "name", "area [m²]", "ψ [-]", "volume [m³]", "design depth [mm]",
            "runoff [m³]", "captured [m³]", "ratio [%]")  # fmt: skip
    table = [
        [
            c.code,
            c.name,
            _fixed(c.area_m2),
            _fixed(c.runoff_coefficient, ".2f"),
            _fixed(c.capture_volume_m3),
            _fixed(c.design_depth_mm, ".1f"),
            _fixed(c.runoff_m3),
            _fixed(c.captured_m3),
            _fixed(c.percent, ".1f"),
        ]
        for c in catchment_lines(sponge)
    ]
    story.append(kit.table(head, table, (3.6, 6.0, 2.4, 1.6, 2.4, 2.6, 2.4, 2.4, 2.0)))
    story += [kit.t(note, kit.small) for note in report_notes(sponge)]
    return story


def _notes(kit: _Kit, ev: Evaluation) -> list[Any]:
    cur = ev.current
    scheme = cur.scheme
    settings = scheme.settings
    story: list[Any] = [kit.t("Notes", kit.h2)]
    if settings.note:
        rules = f"Scoring rules (confidence {settings.confidence}): {settings.note}"
        story.append(kit.t(rules, kit.body))

    uncertain = [i for i in scheme.indicators if i.confidence.strip().upper().startswith("U")]
    story.append(kit.t(f"Uncertain catalogue values (confidence U): {len(uncertain)}", kit.h2))
    if uncertain:
        story.append(
            kit.t(
                "Documented defaults to be checked against the official text; correct them in "
                "the catalogue (docs/evaluation.md, Correcting a value).",
                kit.body,
            )
        )
        rows = [
            [i.id, kit.p(_name(i.name_zh, i.name_en)), _leading(i), i.unit, i.source, i.note]
            for i in uncertain
        ]
        head = ("id", "name", "leading", "unit", "source", "note")
        story.append(kit.table(head, rows, (4.3, 4.6, 1.4, 1.6, 6.5, 8.0)))
    else:
        story.append(kit.t("None: every leading value has a checked source.", kit.body))
    checked = [i for i in scheme.indicators if i not in uncertain]
    if checked:
        story.append(kit.t("Sources of the other catalogue values", kit.h2))
        rows = [[i.id, _leading(i), i.unit, i.confidence, i.source] for i in checked]
        head = ("id", "leading", "unit", "confidence", "source")
        story.append(kit.table(head, rows, (4.3, 1.4, 1.6, 1.8, 17.3)))

    manual = [i for i in scheme.indicators if cur.values[i.id].is_manual]
    story.append(kit.t(f"Manual indicators: {len(manual)}", kit.h2))
    if manual:
        story.append(
            kit.t(
                "No data of the platform gives these: they are entered by hand with evidence "
                "attachments and who entered them.",
                kit.body,
            )
        )
        rows = [
            [
                i.id,
                kit.p(_name(i.name_zh, i.name_en)),
                i.unit,
                _leading(i),
                "yes" if i.mandatory else "no",
            ]
            for i in manual
        ]
        head = ("id", "name", "unit", "leading", "mandatory")
        story.append(kit.table(head, rows, (4.3, 8.0, 2.0, 1.6, 1.8)))
    else:
        story.append(kit.t("None.", kit.body))

    missing = [i for i in scheme.indicators if cur.values[i.id].value is None and i not in manual]
    if missing:
        story.append(kit.t(f"Missing data: {len(missing)}", kit.h2))
        rows = [[i.id, i.name_en or i.name_zh, cur.values[i.id].note] for i in missing]
        story.append(kit.table(("id", "name", "why"), rows, (4.3, 5.0, 17.1)))
    if scheme.not_applicable:
        story.append(
            kit.t("Not applicable to this park: " + ", ".join(scheme.not_applicable), kit.body)
        )
    return story


def write_pdf(
    path: Path | str,
    evaluation: Evaluation,
    *,
    title: str | None = None,
    sponge: SpongeYear | None = None,
) -> None:
    """Write the self-evaluation report of ``evaluation`` to a PDF file (A4 landscape).

    Sections: overview (park, scheme, catalogue version and source, year, date generated,
    index and completeness, mandatory items passed/failed/undecided), the indicator table
    (header repeated on every page), the scores of each year side by side, the gaps to the
    leading values, with ``sponge`` the sponge city (capture ratio [%], rainfall [mm] and
    its completeness, catchments), and notes (uncertain catalogue values, manual
    indicators, missing data).

    Parameters
    ----------
    path
        The .pdf file written (replaced if it exists; parent folders are made).
    evaluation
        What :func:`greenpark.evaluation.service.evaluate` returned.
    title
        The report's title (default: "Self-evaluation report: <scheme title> <year>").
    sponge
        The park's sponge-city year
        (:func:`greenpark.evaluation.sponge_service.sponge_year`); None: no such section.
    """
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    kit = _Kit()
    out = Path(path)
    cur = evaluation.current
    settings = cur.scheme.settings
    scheme_title = settings.title_en or cur.scheme.name
    title = title or f"Self-evaluation report: {scheme_title} {evaluation.year}"
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    running = f"{evaluation.park.name} · {scheme_title} {evaluation.year}"

    def page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        width, _ = doc.pagesize
        x, y = doc.leftMargin, 0.7 * _CM
        for latin, run in _runs(running):
            font = LATIN_FONT if latin else CJK_FONT
            canvas.setFont(font, 7)
            canvas.drawString(x, y, run)
            x += canvas.stringWidth(run, font, 7)
        canvas.setFont(LATIN_FONT, 7)
        canvas.drawRightString(
            width - doc.rightMargin, y, f"generated {generated} · page {doc.page}"
        )
        canvas.restoreState()

    margin = 1.3 * _CM
    doc = SimpleDocTemplate(
        str(out),
        pagesize=landscape(A4),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author="greenpark",
        subject=f"{cur.scheme.name} {evaluation.year}, {evaluation.park.code}",
        creator="greenpark",
    )
    story = [
        *_overview(kit, evaluation, title, generated),
        PageBreak(),
        *_indicators(kit, evaluation),
        PageBreak(),
        *_years(kit, evaluation),
        PageBreak(),
        *_gaps(kit, evaluation),
        *([] if sponge is None else _sponge(kit, sponge)),
        PageBreak(),
        *_notes(kit, evaluation),
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.build(story, onFirstPage=page, onLaterPages=page)
