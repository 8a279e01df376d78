"""A tiny reverse proxy for the serving tests, run as its own process:

    python -m tests.reverse_proxy UPSTREAM_PORT

It listens on a free port of 127.0.0.1 (printed as the first line of its output) and passes
each request to ``127.0.0.1:UPSTREAM_PORT`` the way nginx configured as README says would:
the client's address appended to X-Forwarded-For, X-Forwarded-Proto set to ``https`` (as if it
had ended TLS), X-Forwarded-Host set to the Host the client asked for, and the upstream's own
address as Host. Whatever the client sent in X-Forwarded-Proto or -Host is replaced.
"""

from __future__ import annotations

import http.client
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Headers that belong to one connection, not to the request (RFC 9110, 7.6.1).
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"}
HOP_BY_HOP |= {"transfer-encoding", "content-length"}


class Forwarder(BaseHTTPRequestHandler):
    upstream_port = 0

    def forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        for name in ("Host", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
            headers.pop(name, None)
        seen = self.headers.get("X-Forwarded-For")
        client = self.client_address[0]
        headers["X-Forwarded-For"] = f"{seen}, {client}" if seen else client
        headers["X-Forwarded-Proto"] = "https"
        headers["X-Forwarded-Host"] = self.headers.get("Host", "")
        headers["Host"] = f"127.0.0.1:{self.upstream_port}"
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=30)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            content = answer.read()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
        finally:
            upstream.close()

    do_GET = do_POST = forward

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read what the app saw, not the proxy's log."""


def main() -> None:
    Forwarder.upstream_port = int(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", 0), Forwarder)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
