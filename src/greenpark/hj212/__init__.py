"""HJ 212 codec, sans-I/O: CRC, framing, packet parse/build, answers, code tables.

Bytes in, frames and packets out; no sockets, no database (house style rule 10, modelled on
python-hyper/h11). Imports only the standard library; ``cryptography`` is imported lazily
by :mod:`greenpark.hj212.crypto` for HJ 212-2025 SM4.

References
----------
HJ 212-2017 《污染物在线监控（监测）系统数据传输标准》; HJ 212-2025
《污染物自动监测监控系统数据传输技术要求》; see ``docs/hj212.md``.
"""

from greenpark.hj212.codes import CodeInfo, load_codes, load_codes_2005, map_2005_code
from greenpark.hj212.crc import CrcMethod, crc_hj212, crc_matches, crc_modbus, crc_modbus_swapped
from greenpark.hj212.frame import Decoder, Frame, FrameError, FrameErrorReason, encode_frame
from greenpark.hj212.packet import (
    CpItem,
    Packet,
    PacketError,
    Version,
    build,
    parse_hj_time,
    parse_packet,
)
from greenpark.hj212.replies import (
    COMMANDS,
    CommandKind,
    heartbeat_9015,
    reply_9011,
    reply_9012,
    reply_9013,
    reply_9014,
    reply_for,
)

__all__ = [
    "COMMANDS",
    "CodeInfo",
    "CommandKind",
    "CpItem",
    "CrcMethod",
    "Decoder",
    "Frame",
    "FrameError",
    "FrameErrorReason",
    "Packet",
    "PacketError",
    "Version",
    "build",
    "crc_hj212",
    "crc_matches",
    "crc_modbus",
    "crc_modbus_swapped",
    "encode_frame",
    "heartbeat_9015",
    "load_codes",
    "load_codes_2005",
    "map_2005_code",
    "parse_hj_time",
    "parse_packet",
    "reply_9011",
    "reply_9012",
    "reply_9013",
    "reply_9014",
    "reply_for",
]
