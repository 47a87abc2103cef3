#!/usr/bin/python3
"""Baseline for bench_smtp_throughput: Python's smtplib sending the same messages the same way.

usage: smtp_smtplib.py PORT TOTAL WORKERS  -- prints "<messages per second>"
TOTAL messages of 10 KiB, one SMTP session each, WORKERS threads (the GIL releases on I/O).
"""
import smtplib
import sys
import threading
import time

port, total, workers = (int(a) for a in sys.argv[1:4])
line = "x" * 78 + "\r\n"
message = "Subject: bench\r\n\r\n" + line * ((10240 - 18) // len(line))


def worker(n):
    for _ in range(n):
        with smtplib.SMTP("127.0.0.1", port) as s:
            s.sendmail("<bench@localhost>", ["<sink@localhost>"], message)


start = time.monotonic()
threads = [threading.Thread(target=worker, args=(total // workers,)) for _ in range(workers)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"{total / (time.monotonic() - start):.1f}")
