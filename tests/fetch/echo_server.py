#!/usr/bin/python3
"""The differential test's HTTP peer: echoes what a client sent and plays the odd server
(redirects of every kind, statuses, cookies, slow and truncated replies, a proxy that refuses
CONNECT). Prints its port on stdout once listening on 127.0.0.1."""
import base64
import re
import socketserver
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Headers a client's choices show in; User-Agent and Accept-Encoding name the client itself.
ECHOED = ("accept", "authorization", "content-type", "content-length", "cookie", "expect",
          "proxy-authorization", "range", "referer", "transfer-encoding", "x-repeat")
flaky = {}
barriers = {}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "echo"
    sys_version = ""

    def log_message(self, *args):
        pass

    def date_time_string(self, timestamp=None):
        return "Thu, 01 Jan 2026 00:00:00 GMT"  # stable, so that heads compare byte for byte

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length", "0") or 0)
        return self.rfile.read(n) if n else b""

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        if self.command != "HEAD" or True:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def echo(self, data):
        out = "%s %s\n" % (self.command, self.path)
        ct = self.headers.get("Content-Type", "")
        m = re.search(r"boundary=(\S+)", ct)
        for name in ECHOED:
            for v in self.headers.get_all(name) or []:
                if m:
                    v = v.replace(m.group(1), "BOUNDARY")
                out += "%s: %s\n" % (name, v)
        out = out.encode() + b"\n" + (data.replace(m.group(1).encode(), b"BOUNDARY") if m else data)
        self.send(200, out, [("Content-Type", "text/plain")])

    def route(self):
        data = self.body()
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        parts = u.path.strip("/").split("/")
        head = parts[0] if parts else ""
        if head == "redir":  # /redir/CODE?to=TARGET
            self.send(int(parts[1]), b"moved\n", [("Location", q.get("to", "/echo/final"))])
        elif head == "status":
            extra = [("Retry-After", "0")] if parts[1] == "503" else []
            self.send(int(parts[1]), ("status %s\n" % parts[1]).encode(), extra)
        elif head == "flaky":  # /flaky/KEY/N: N times 503, then 200 (counted per client)
            key = (parts[1], self.headers.get("User-Agent", ""))
            with lock:
                flaky[key] = flaky.get(key, 0) + 1
                n = flaky[key]
            if n <= int(parts[2]):
                self.send(503, b"busy\n", [("Retry-After", "0")])
            else:
                self.send(200, ("ok after %d\n" % (n - 1)).encode())
        elif head == "together":  # /together/KEY/N: answers once N requests are in flight
            key = (parts[1], self.headers.get("User-Agent", ""))
            with lock:
                b = barriers.setdefault(key, threading.Barrier(int(parts[2]), timeout=10))
            try:
                b.wait()
                self.send(200, b"together\n")
            except threading.BrokenBarrierError:
                self.send(504, b"alone\n")
        elif head == "setcookie":
            self.send(200, b"cookies set\n", [("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/echo; HttpOnly")])
        elif head == "cookieredir":
            self.send(302, b"", [("Set-Cookie", "c=3; Path=/"), ("Location", "/echo/after")])
        elif head == "mixed":
            self.send(200, b"mixed\n", [("X-Mixed-Case", "Yes"), ("x-lower", "1"), ("Set-Cookie", "s=1"), ("Set-Cookie", "t=2")])
        elif head == "auth":
            want = "Basic " + base64.b64encode(b"me@example.com:p w").decode()
            if self.headers.get("Authorization") == want:
                self.send(200, b"welcome\n")
            else:
                self.send(401, b"who are you\n", [("WWW-Authenticate", 'Basic realm="x"')])
        elif head == "space":
            self.send(302, b"", [("Location", "/echo/a b")])
        elif head == "slow":
            time.sleep(3)
            self.send(200, b"late\n")
        elif head == "empty":
            self.close_connection = True
            self.wfile.flush()
            self.connection.shutdown(2)
        elif head == "partial":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
        else:
            self.echo(data)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = route

    def do_CONNECT(self):
        self.send(403, b"no tunnels\n")
        self.close_connection = True


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a client that gave up (-m) is expected


srv = Server(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
