#!/usr/bin/python3
"""A throw-away FTP server for the copas::ftp tests and benchmarks (Debian's python3-pyftpdlib).

usage: ftp_server.py [--host ADDR] [--delay WHAT=SECONDS]... [--stock-anonymous] ROOT PORT
                     [USER PASSWORD]

Serves ROOT on ADDR:PORT (ADDR default 127.0.0.1, "::1" for IPv6; PORT 0 = any free port) with
two kinds of account: USER/PASSWORD (default user/secret) may do everything, the anonymous ones
("ftp" or "anonymous", any password) may only read; with --stock-anonymous only "anonymous", as a
stock pyftpdlib (and curl's default login). --delay holds a reply back, for timing tests: WHAT
is a command (PASS, PASV, RETR, ...: its reply waits), "greeting", or "data" (a download's first
data byte waits after its 125/150 reply went out). Prints "PORT <n>" on stdout once it listens,
then serves until killed; it also dies with its parent so that a crashed test leaves nothing
behind.
"""
import ctypes
import logging
import signal
import sys
import time

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer


def die_with_parent():
    PR_SET_PDEATHSIG = 1
    try:
        ctypes.CDLL("libc.so.6").prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


class Authorizer(DummyAuthorizer):
    """LuaSocket logs in anonymously as "ftp"; pyftpdlib knows only "anonymous"."""

    def validate_authentication(self, username, password, handler):
        if username == "ftp":
            return
        super().validate_authentication(username, password, handler)


def delaying(handler, delays):
    """The handler with its replies held back by `delays` (WHAT -> seconds). The server is one
    thread: a wait stops it for every client, which the timing tests, one client each, allow."""

    class DelayingDTPHandler(handler.dtp_handler):
        def push_with_producer(self, producer):
            self.cmd_channel.initiate_send()  # the 125/150 goes out before the wait
            time.sleep(delays.get("data", 0))
            super().push_with_producer(producer)

    class DelayingHandler(handler):
        dtp_handler = DelayingDTPHandler

        def on_connect(self):
            time.sleep(delays.get("greeting", 0))

        def pre_process_command(self, line, cmd, arg):
            time.sleep(delays.get(cmd, 0))
            super().pre_process_command(line, cmd, arg)

    return DelayingHandler


def main(argv):
    host = "127.0.0.1"
    delays = {}
    while len(argv) > 2 and argv[1] in ("--host", "--delay"):
        if argv[1] == "--host":
            host = argv[2]
        else:
            what, seconds = argv[2].split("=")
            delays[what] = float(seconds)
        argv = argv[:1] + argv[3:]
    stock_anonymous = len(argv) > 1 and argv[1] == "--stock-anonymous"
    if stock_anonymous:
        argv = argv[:1] + argv[2:]
    if len(argv) not in (3, 5):
        sys.stderr.write(__doc__)
        return 2
    root, port = argv[1], int(argv[2])
    user, password = (argv[3], argv[4]) if len(argv) == 5 else ("user", "secret")
    die_with_parent()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    authorizer = DummyAuthorizer() if stock_anonymous else Authorizer()
    authorizer.add_user(user, password, root, perm="elradfmwMT")
    authorizer.add_anonymous(root, perm="elr")
    if not stock_anonymous:
        authorizer.add_user("ftp", "", root, perm="elr")

    handler = FTPHandler
    handler.authorizer = authorizer
    handler.banner = "copas-cpp test server ready."
    handler.timeout = 60
    handler.auth_failed_timeout = 0.1  # the default 3 s only slows the tests down
    if delays:
        handler = delaying(handler, delays)
    server = FTPServer((host, port), handler)
    server.max_cons = 256
    sys.stdout.write("PORT %d\n" % server.address[1])
    sys.stdout.flush()
    server.serve_forever(handle_exit=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
