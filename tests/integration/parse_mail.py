#!/usr/bin/python3
"""Parses a delivered mail file with Python's email package (the oracle for what a mail reader
sees) and prints one "key=value" line per fact: subject, from, to, message-id (decoded), the
text body's charset and text, and per attachment its filename, content type, size and SHA-256.
Non-ASCII text is printed as UTF-8.
"""
import hashlib
import sys
from email import message_from_bytes
from email.policy import default

with open(sys.argv[1], "rb") as f:
    msg = message_from_bytes(f.read(), policy=default)
out = []
for key in ("subject", "from", "to", "message-id"):
    out.append(f"{key}={msg.get(key, '')}")
body = msg.get_body(preferencelist=("plain",))
if body is not None:
    out.append(f"charset={body.get_content_charset()}")
    out.append("text=" + body.get_content().replace("\r\n", "\n").replace("\n", "\\n"))
for part in msg.iter_attachments():
    payload = part.get_payload(decode=True) or b""
    out.append("attachment=" + "\t".join([str(part.get_filename()), part.get_content_type(),
                                           str(len(payload)), hashlib.sha256(payload).hexdigest()]))
sys.stdout.buffer.write(("\n".join(out) + "\n").encode("utf-8"))
