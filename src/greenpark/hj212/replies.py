"""Answers a monitoring centre (or station) sends back, and the command table behind them.

Roles (HJ 212-2017 6.5): the station / data logger (现场机) uploads; the centre (上位机)
answers uploads with 9014, notifications with 9013; the station answers the centre's
requests with 9011 (QnRtn) then 9012 (ExeRtn). Every answer echoes QN, PW and MN, uses
``ST=91`` and a Flag carrying only the version bits (A = 0, D = 0).
"""

from __future__ import annotations

from enum import StrEnum

from greenpark.hj212.packet import CpItem, Packet, Version

__all__ = [
    "COMMANDS",
    "CommandKind",
    "heartbeat_9015",
    "reply_9011",
    "reply_9012",
    "reply_9013",
    "reply_9014",
    "reply_for",
]


class CommandKind(StrEnum):
    """What a packet with a given CN is, seen from the centre that receives it."""

    UPLOAD = "upload"
    """Station data; answered with 9014 when A = 1."""
    NOTIFY = "notify"
    """Station notification; answered with 9013."""
    HEARTBEAT = "heartbeat"
    """HJ 212-2025 9015; answered with 9013 when A = 1."""
    REQUEST = "request"
    """Centre-to-station command; the station answers 9011 then 9012."""
    ANSWER = "answer"
    """9011-9014; never answered."""


_U, _N, _R, _A = CommandKind.UPLOAD, CommandKind.NOTIFY, CommandKind.REQUEST, CommandKind.ANSWER
COMMANDS: dict[str, tuple[str, CommandKind]] = {
    # HJ 212-2017 6.6.5 table 9 (HJ 212-2025 6.7.5 table 12)
    "1000": ("set timeout and retries", _R),
    "1001": ("upload data-logger hardware ids (2025)", _N),
    "1002": ("set data-logger MN (2025)", _R),
    "1011": ("get / upload station time", _R),
    "1012": ("set station time", _R),
    "1013": ("time calibration request (notification)", _N),
    "1014": ("key exchange (2025)", _N),
    "1061": ("get / upload real-time interval", _R),
    "1062": ("set real-time interval", _R),
    "1063": ("get / upload minute interval", _R),
    "1064": ("set minute interval", _R),
    "1072": ("set station password", _R),
    "2011": ("real-time data", _U),
    "2012": ("stop real-time upload", _R),
    "2013": ("raw periodic-measurement data (2025)", _U),
    "2021": ("equipment running state", _U),
    "2022": ("stop equipment-state upload", _R),
    "2031": ("daily data", _U),
    "2041": ("daily equipment running time", _U),
    "2051": ("minute data", _U),
    "2052": ("single noise measurement (2025)", _U),
    "2061": ("hourly data", _U),
    "2062": ("automatic standard-sample check data (2025)", _U),
    "2081": ("data-logger restart time", _U),
    "2111": ("furnace temperature 5-min mean (2025)", _U),
    "3011": ("zero / span calibration", _R),
    "3012": ("immediate sampling", _R),
    "3013": ("start cleaning / back-blowing", _R),
    "3014": ("comparison sampling", _R),
    "3015": ("over-limit sample retention", _U),
    "3016": ("set sampling period", _R),
    "3017": ("get / upload sampling period", _U),
    "3018": ("get / upload sample output time", _U),
    "3019": ("get / upload instrument SN", _U),
    "3020": ("get / upload field information", _U),
    "3021": ("set field parameter", _R),
    "3022": ("immediate retention-sample task (2025)", _R),
    "3024": ("start standard-sample check (2025)", _R),
    "9011": ("request answer (QnRtn)", _A),
    "9012": ("execution result (ExeRtn)", _A),
    "9013": ("notification answer", _A),
    "9014": ("data answer", _A),
    "9015": ("heartbeat (2025)", CommandKind.HEARTBEAT),
}
"""CN → (meaning, kind): HJ 212-2017 table 9; 2025 additions per hj212_2025.md §4."""


def _answer(packet: Packet, cn: str, cp: tuple = ()) -> Packet:
    version = int(packet.version)
    return Packet(
        qn=packet.qn,
        st="91",
        cn=cn,
        pw=packet.pw,
        mn=packet.mn,
        flag=None if packet.flag is None else version << 2,
        cp=cp,
    )


def reply_9014(packet: Packet) -> Packet:
    """Data answer to an upload: ``QN=<same>;ST=91;CN=9014;PW;MN;Flag=<version<<2>;CP=&&&&``.

    Send it only when ``packet.ack_wanted`` (use :func:`reply_for` to decide). Each part
    of a split upload gets its own answer echoing that part's QN.

    References
    ----------
    HJ 212-2017 tables C.14-C.19, C.50 (split); hj212.md §8.1; HJ 212-2025 Appendix C
    (``Flag=8``).
    """
    return _answer(packet, "9014")


def reply_9013(packet: Packet) -> Packet:
    """Notification answer (to 1013, 1001, 1014 or an A = 1 heartbeat 9015).

    References
    ----------
    HJ 212-2017 table C.4; hj212.md §8.2; hj212_2025.md §7.
    """
    return _answer(packet, "9013")


def reply_9011(request: Packet, qn_rtn: int = 1) -> Packet:
    """Station's request answer ``CP=&&QnRtn=<n>&&`` (1 = ready; 2-9, 100 refusals).

    References
    ----------
    HJ 212-2017 6.6.3 table 6 (QnRtn) and table C.3.
    """
    return _answer(request, "9011", ((CpItem("QnRtn", str(qn_rtn)),),))


def reply_9012(request: Packet, exe_rtn: int = 1) -> Packet:
    """Station's execution result ``CP=&&ExeRtn=<n>&&`` (1 = success; 2-6, 100 failures).

    References
    ----------
    HJ 212-2017 6.6.4 table 7 (ExeRtn) and table C.3.
    """
    return _answer(request, "9012", ((CpItem("ExeRtn", str(exe_rtn)),),))


def heartbeat_9015(
    qn: str, st: str, pw: str, mn: str, *, ack: bool = False, version: int = Version.HJ212_2025
) -> Packet:
    """A station heartbeat ``CN=9015`` with an empty CP (new in HJ 212-2025).

    References
    ----------
    HJ 212-2025 6.7.5 table 12 and Appendix C.54 (per hj212_2025.md §4).
    """
    return Packet(qn=qn, st=st, cn="9015", pw=pw, mn=mn, flag=(version << 2) | int(ack))


def reply_for(packet: Packet) -> Packet | None:
    """The answer a centre owes for a received packet, or None.

    Upload with A = 1 → 9014; notification → 9013; heartbeat with A = 1 → 9013;
    answers, requests, unknown CNs and uploads without A → None.

    References
    ----------
    HJ 212-2017 6.5 and Appendix C; hj212.md §8.1-8.2; hj212_2025.md §7.
    """
    kind = COMMANDS.get(packet.cn or "", (None, None))[1]
    if kind is CommandKind.UPLOAD and packet.ack_wanted:
        return reply_9014(packet)
    if kind is CommandKind.NOTIFY:
        return reply_9013(packet)
    if kind is CommandKind.HEARTBEAT and packet.ack_wanted:
        return reply_9013(packet)
    return None
