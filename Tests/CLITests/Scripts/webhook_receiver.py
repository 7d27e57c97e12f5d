"""A webhook on loopback for the notification tests: answers every POST with 200 and appends its
body (one JSON object) as a line to <out>; writes the port it listens on to <port-file>.

usage: webhook_receiver.py <port-file> <out>
"""
import http.server
import os
import sys

# Descriptors inherited from the test runner (the pipes of other tests' processes) would keep those
# processes looking alive to the runner: close them.
os.closerange(3, os.sysconf("SC_OPEN_MAX"))


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(sys.argv[2], "ab") as out:
            out.write(body.replace(b"\n", b" ") + b"\n")
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
with open(sys.argv[1] + ".tmp", "w") as port:
    port.write(str(server.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
