"""Benchmark: HJ 212 codec throughput on typical ~400-byte ambient-air minute packets.

Run ``python benchmarks/hj212_codec.py [n_packets]``. Measures, per packet, the stream
decoder (find ``##``, length, tail, CRC) plus ``parse_packet`` plus ``reply_for``, with the
packets fed in 4 KiB chunks as a socket would deliver them. Target: ≥ 30,000 packets/s.
"""

from __future__ import annotations

import sys
import time

from greenpark.hj212 import Decoder, Frame, encode_frame, parse_packet, reply_for

# The flash520/hj212 ambient-air minute packet (411-byte segment), made to want an answer.
SEGMENT = (
    "QN=20220513162608370;ST=22;CN=2051;PW=123456;MN=JLYP01_AIR01_0001;Flag=5;"
    "CP=&&DataTime=20220513162600;a21004-Avg=4,a21004-Flag=N;a05024-Avg=63,a05024-Flag=N;"
    "a21026-Avg=6,a21026-Flag=N;a21005-Avg=0.427,a21005-Flag=N;a34004-Avg=14,a34004-Flag=N;"
    "a34002-Avg=31,a34002-Flag=N;a01007-Avg=1,a01007-Flag=N;a01008-Avg=11,a01008-Flag=N;"
    "a01001-Avg=17,a01001-Flag=N;a01002-Avg=85,a01002-Flag=N;a01006-Avg=95,a01006-Flag=N&&"
)


def run(n: int) -> dict[str, float]:
    frame = encode_frame(SEGMENT)
    stream = frame * n
    chunks = [stream[i : i + 4096] for i in range(0, len(stream), 4096)]
    decoder = Decoder()
    t0 = time.perf_counter()
    count = 0
    replies = 0
    for chunk in chunks:
        for item in decoder.feed(chunk):
            if isinstance(item, Frame):
                packet = parse_packet(item.data)
                count += 1
                if reply_for(packet) is not None:
                    replies += 1
    dt = time.perf_counter() - t0
    assert count == replies == n
    t1 = time.perf_counter()
    for _ in range(n):
        parse_packet(SEGMENT)
    dt_parse = time.perf_counter() - t1
    return {
        "frame_bytes": len(frame),
        "packets": n,
        "decode_parse_reply_per_s": n / dt,
        "parse_only_per_s": n / dt_parse,
    }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    for key, value in run(n).items():
        print(f"{key:28s} {value:,.0f}")


if __name__ == "__main__":
    main()
