#!/usr/bin/python3
"""A real SMTP server for the copas::smtp tests: aiosmtpd on 127.0.0.1, an ephemeral port.

Prints "PORT <n>" on stdout once it accepts connections, then serves until stdin closes or it
gets SIGTERM. Each accepted message is stored in --dir as <n>.eml (the DATA bytes, dot-unstuffed,
exactly as received) and <n>.info ("key=value" lines: envelope, EHLO name, TLS and AUTH
state, and the attachments as Python's email package parses them back, with their SHA-256).

Every QUIT appends a line "quit" to --dir/quits (the tests check a refused command is followed
by one). --size-limit N answers 552 to a message over N bytes (aiosmtpd's data_size_limit).

Senders containing "refused" get "553 5.1.8 <addr>: Sender address rejected"; recipients
containing "refused" get "550 5.1.1 <addr>: Recipient address rejected".
"""
import argparse
import asyncio
import hashlib
import os
import signal
import ssl
import sys
import threading
from email import message_from_bytes
from email.policy import default as default_policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult


class Store:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if "refused" in address:
            return f"553 5.1.8 <{address}>: Sender address rejected"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "refused" in address:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        with self.lock, open(os.path.join(self.directory, "quits"), "a") as f:
            f.write("quit\n")
        return "221 Bye"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        data = envelope.original_content
        attachments = []
        try:
            parsed = message_from_bytes(data, policy=default_policy)
            for part in parsed.iter_attachments() if parsed.is_multipart() else []:
                payload = part.get_payload(decode=True) or b""
                attachments.append({
                    "filename": part.get_filename(),
                    "content_type": part.get_content_type(),
                    "size": len(payload),
                    "sha256": hashlib.sha256(payload).hexdigest(),
                })
            subject = parsed.get("subject")
        except Exception as e:  # stored as is: the test decides
            subject = None
            attachments = [{"error": str(e)}]
        login = session.auth_data if session.authenticated else ""
        tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        lines = [f"mail_from={envelope.mail_from}"]
        lines += [f"rcpt={r}" for r in envelope.rcpt_tos]
        lines += [f"option={o}" for o in envelope.mail_options]
        lines += [f"ehlo={session.host_name}", f"tls={int(tls)}",
                  f"login={login.decode() if isinstance(login, bytes) else (login or '')}",
                  f"subject={subject or ''}"]
        lines += ["attachment=" + "\t".join(str(a.get(k)) for k in
                  ("filename", "content_type", "size", "sha256", "error")) for a in attachments]
        base = os.path.join(self.directory, str(n))
        with open(base + ".eml", "wb") as f:
            f.write(data)
        with open(base + ".info.tmp", "w") as f:
            f.write("\n".join(lines) + "\n")
        os.rename(base + ".info.tmp", base + ".info")
        return "250 2.0.0 Message accepted for delivery"


class EphemeralController(Controller):
    """aiosmtpd's Controller, bound to port 0; the port is read back after binding."""

    def _create_server(self):
        async def create():
            server = await self.loop.create_server(
                self._factory_invoker, host=self.hostname, port=0, ssl=self.ssl_context)
            self.port = server.sockets[0].getsockname()[1]
            return server
        return create()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--mode", choices=["plain", "starttls", "smtps"], default="plain")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--exclude-auth", action="append", default=[])
    ap.add_argument("--smtputf8", action="store_true")
    ap.add_argument("--size-limit", type=int, default=33554432)
    args = ap.parse_args()

    context = None
    if args.mode != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (args.user is not None and auth_data.login.decode() == args.user
              and auth_data.password.decode() == args.password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login)

    store = Store(args.dir)
    kwargs = dict(
        hostname="127.0.0.1",
        enable_SMTPUTF8=args.smtputf8,
        authenticator=authenticator if args.user else None,
        auth_require_tls=False,
        auth_exclude_mechanism=args.exclude_auth,
        decode_data=False,
        data_size_limit=args.size_limit,
    )
    if args.mode == "starttls":
        kwargs["tls_context"] = context
    elif args.mode == "smtps":
        kwargs["ssl_context"] = context
    controller = EphemeralController(store, **kwargs)
    controller.start()
    print(f"PORT {controller.port}", flush=True)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
