#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A fake devlxd: HTTP over a unix socket, serving a fixture tree.

fake-lxd.py SOCKET DIR [--status PATH=CODE]... : GET /P answers DIR/P, or
DIR/P/index.json when that is a directory; 404 otherwise. --status makes a
path answer with that HTTP status instead. Each request is appended to
SOCKET.log. Prints "ready" once listening."""
import http.server
import os
import socketserver
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def address_string(self):
        return "unix"

    def log_message(self, fmt, *args):
        with open(self.server.logfile, "a") as f:
            f.write("%s\n" % self.path)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        status = self.server.statuses.get(path)
        if status:
            self.send_error(status)
            return
        full = os.path.normpath(os.path.join(self.server.top, path.lstrip("/")))
        if not full.startswith(self.server.top):
            self.send_error(403)
            return
        if os.path.isdir(full):
            full = os.path.join(full, "index.json")
        if not os.path.isfile(full):
            self.send_error(404)
            return
        with open(full, "rb") as f:
            body = f.read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(socketserver.UnixStreamServer):
    def get_request(self):
        request, _ = super().get_request()
        return request, ("unix", 0)


def main():
    sock, top = sys.argv[1], os.path.abspath(sys.argv[2])
    statuses = {}
    args = sys.argv[3:]
    while args:
        if args[0] == "--status":
            p, code = args[1].rsplit("=", 1)
            statuses[p] = int(code)
            args = args[2:]
        else:
            sys.exit("unknown argument %s" % args[0])
    if os.path.exists(sock):
        os.unlink(sock)
    srv = Server(sock, Handler)
    srv.top, srv.statuses, srv.logfile = top, statuses, sock + ".log"
    print("ready", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
