"""A receiver of Mitreden's event webhooks for the tests: verifies each delivery's Standard
Webhooks signature on its own (Python's hmac, not Mitreden's code), answers as told, and
writes one JSON line per request to the log file.

    event_receiver.py LOGFILE SECRET MODE [HOST]    MODE: ok | flaky (500, 500, then 200) | silent (never answers)

Prints the port it listens on (HOST, default 127.0.0.1; ::1 for IPv6; a free port) on the first line.
"""
import base64, hashlib, hmac, json, socket, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log_path, secret, mode = sys.argv[1], sys.argv[2], sys.argv[3]
key = base64.b64decode(secret[len("whsec_"):])
lock = threading.Lock()
count = {"n": 0}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        wid, ts, sigs = self.headers.get("webhook-id", ""), self.headers.get("webhook-timestamp", ""), self.headers.get("webhook-signature", "")
        expected = base64.b64encode(hmac.new(key, f"{wid}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
        verified = any(s.startswith("v1,") and hmac.compare_digest(s[3:], expected) for s in sigs.split(" "))
        fresh = abs(time.time() - int(ts or 0)) < 300
        with lock:
            count["n"] += 1
            n = count["n"]
        if mode == "silent":
            time.sleep(60)
            return
        status = 500 if mode == "flaky" and n <= 2 else 200
        with lock, open(log_path, "a") as f:
            f.write(json.dumps({"id": wid, "verified": verified and fresh, "status": status, "path": self.path,
                                "body": json.loads(body)}) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


host = sys.argv[4] if len(sys.argv) > 4 else "127.0.0.1"


class Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6 if ":" in host else socket.AF_INET


server = Server((host, 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
