"""Resource attacks on a running daemon, as an attacker on the internet would make them: endless
chunked trailers, pipelined requests from clients that never read, slowloris. Prints one JSON
object per check ({"name", "expected", "got"}) and the figures seen ({"figure", "value"}).

    http_attacks.py PORT DAEMON_PID OPEN_SURVEY [--no-memory]

--no-memory: the daemon runs under the address sanitizer, whose quarantine keeps freed memory
and whose shadow doubles it: the memory figures are printed but not checked.

The attacks come from 127.0.0.2 (not a trusted proxy); the checks that others are still served
come from 127.0.0.1 and 127.0.0.3.
"""
import json, socket, sys, threading, time

port, pid, survey = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
check_memory = "--no-memory" not in sys.argv[4:]


def rss_mb():
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) / 1024


def connect(source="127.0.0.2", rcvbuf=None, timeout=5):
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((source, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    return s


def status_of(data):
    try:
        return int(data.split(b" ")[1])
    except (IndexError, ValueError):
        return 0


def healthz(source="127.0.0.1"):
    """(status, seconds) of one /healthz on a fresh connection."""
    started = time.time()
    try:
        s = connect(source, timeout=5)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = s.recv(200)
        s.close()
        return status_of(data), time.time() - started
    except OSError:
        return 0, time.time() - started


def check(name, expected, got):
    print(json.dumps({"name": name, "expected": expected, "got": got}), flush=True)


def figure(name, value):
    print(json.dumps({"figure": name, "value": value}), flush=True)


def trailer_flood(connections=40, per_connection=2 << 20):
    """Each connection: a chunked body, then 1 KB trailer lines that never end."""
    statuses, lock = [], threading.Lock()
    line = b"X-T: " + b"t" * 1000 + b"\r\n"

    def attack():
        s = connect()
        got = 0
        try:
            s.sendall(b"POST /hooks/responses HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n0\r\n")
            sent = 0
            while sent < per_connection:
                s.sendall(line * 16)
                sent += len(line) * 16
        except OSError:
            pass
        try:
            s.settimeout(3)
            got = status_of(s.recv(100))
        except OSError:
            pass
        s.close()
        with lock:
            statuses.append(got)

    before = rss_mb()
    threads = [threading.Thread(target=attack) for _ in range(connections)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    during = healthz()
    for t in threads:
        t.join()
    figure("trailer flood: daemon MB before, after", [round(before), round(rss_mb())])
    figure("trailer flood: /healthz seconds during", round(during[1], 3))
    check("trailer flood: every connection gets 431", [431] * connections, statuses)
    check("trailer flood: /healthz answers during it", 200, during[0])
    if check_memory:
        check("trailer flood: the daemon grew less than 100 MB", True, rss_mb() - before < 100)


def pipelined_flood(connections=200, per_connection=1 << 20):
    """Each connection writes ~1 MB of pipelined GETs of the open survey's form and reads nothing."""
    request = f"GET /s/{survey} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    burst = request * (per_connection // len(request))
    before = rss_mb()
    sockets = []
    for _ in range(connections):
        s = connect(rcvbuf=4096)
        s.setblocking(False)
        sent = 0
        for _ in range(4):   # as much as the socket takes at once; the daemon reads it meanwhile
            try:
                sent += s.send(burst[sent:])
            except BlockingIOError:
                time.sleep(0.002)
        sockets.append(s)
    time.sleep(2)
    peak = rss_mb()
    during = healthz()
    for s in sockets:
        s.close()
    time.sleep(2)
    after = rss_mb()
    figure("pipelined flood: daemon MB before, with 200 clients not reading, 2 s after they left", [round(before), round(peak), round(after)])
    figure("pipelined flood: /healthz seconds during", round(during[1], 3))
    check("pipelined flood: /healthz answers during it", 200, during[0])
    if check_memory:
        check("pipelined flood: the daemon grew less than 150 MB", True, peak - before < 150)
        check("pipelined flood: memory is given back after it", True, after - before < 50)


def slowloris(connections=300, seconds=14):
    """Connections that send one header byte a second, forever."""
    sockets = []
    for _ in range(connections):
        s = connect(timeout=0.5)
        try:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Drip: ")
        except OSError:
            pass
        sockets.append(s)
    statuses, during = {}, []
    started = time.time()
    while time.time() - started < seconds and len(statuses) < len(sockets):
        for i, s in enumerate(sockets):
            if i in statuses:
                continue
            try:
                s.setblocking(False)
                data = s.recv(100)
                statuses[i] = status_of(data) if data else 0
            except BlockingIOError:
                try:
                    s.sendall(b"a")
                except OSError:
                    statuses[i] = 0
            except OSError:
                statuses[i] = 0
        during.append(healthz("127.0.0.1")[0])
        during.append(healthz("127.0.0.3")[0])
        time.sleep(1)
    for s in sockets:
        s.close()
    cut, refused = list(statuses.values()).count(408), list(statuses.values()).count(503)
    figure("slowloris: connections held, refused by the per-client cap", [cut, refused])
    figure("slowloris: seconds until every dripping head was cut off", round(time.time() - started, 1))
    check("slowloris: other clients are served all along", [200], sorted(set(during)))
    check("slowloris: one address holds at most 256 connections, the rest get 503", True, cut <= 256 and refused >= connections - 256)
    check("slowloris: every held dripping head gets 408 within the head's time", connections, cut + refused)


trailer_flood()
pipelined_flood()
slowloris()
check("the daemon still answers", 200, healthz()[0])
