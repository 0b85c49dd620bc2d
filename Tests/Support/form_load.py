"""Posts answers to an open survey's form as fast as it is answered, from several clients at
once, each with a unique marker in a free-text answer, and logs every acknowledged one.

    form_load.py PORT SURVEY SECONDS LOGFILE [CLIENTS]

Each log line: MARKER ACK_TIME (seconds since the epoch, after the 303 arrived).
"""
import http.client, sys, threading, time, urllib.parse

port, survey, seconds, log_path = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
clients = int(sys.argv[5]) if len(sys.argv) > 5 else 4
lock = threading.Lock()
log = open(log_path, "a", buffering=1)
end = time.time() + seconds


def client(n):
    i = 0
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    while time.time() < end:
        marker = f"marker-{n}-{i}"
        i += 1
        body = urllib.parse.urlencode({"wohnort": "herzberg", "idee": marker})
        try:
            connection.request("POST", f"/s/{survey}", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        if response.status == 303:
            with lock:
                log.write(f"{marker} {time.time():.6f}\n")


threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
