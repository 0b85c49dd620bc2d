"""Hostile input against a running daemon: raw HTTP on fresh sockets, signed and forged
webhooks, broken forms. Each case has the status it must get; prints one JSON object per case
({"name", "expected", "got"}) and finally {"healthz": status}.

    hostile_corpus.py PORT WEBHOOK_SECRET CORPUS_JSON

CORPUS_JSON adds the HTTP parser's table from the Swift tests ([[request, status], ...]).
"""
import base64, hashlib, hmac, json, socket, sys, time, urllib.parse

port, secret, extra = int(sys.argv[1]), sys.argv[2], json.load(open(sys.argv[3]))
key = base64.b64decode(secret[len("whsec_"):])


def raw(data, timeout=5):
    """Sends bytes on a fresh connection; the status of the first response, or 0 if closed without one."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        answer = b""
        while b"\r\n" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    except OSError:
        return 0
    finally:
        s.close()
    try:
        return int(answer.split(b" ")[1])
    except (IndexError, ValueError):
        return 0


def request(method, path, body=b"", headers=None):
    head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    for k, v in (headers or {}).items():
        head += f"{k}: {v}\r\n"
    if body or method == "POST":
        head += f"Content-Length: {len(body)}\r\n"
    return raw(head.encode("latin-1") + b"\r\n" + body)


def form(path, fields, raw_body=None):
    body = raw_body if raw_body is not None else urllib.parse.urlencode(fields).encode()
    return request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})


def hook(body, wid=None, offset=0, sign=True, tamper=None):
    body = body if isinstance(body, bytes) else json.dumps(body).encode()
    wid = wid or f"msg_hostile_{time.time_ns()}"
    ts = str(int(time.time()) + offset)
    sig = "v1," + base64.b64encode(hmac.new(key, f"{wid}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
    headers = {"Content-Type": "application/json"}
    if sign:
        headers.update({"webhook-id": wid, "webhook-timestamp": ts, "webhook-signature": sig})
    return request("POST", "/hooks/responses", tamper if tamper is not None else body, headers)


cases = []
for i, (text, status) in enumerate(extra):
    cases.append((f"http parser table #{i + 1}", status, lambda t=text: raw(t.encode("utf-8"))))

open_form = "/s/familienfreundlichkeit-herzberg"
good = {"wohnort": "herzberg", "idee": "x"}
cases += [
    # HTTP: paths, methods, versions, sizes
    ("path trick /t/../api/surveys", 404, lambda: request("GET", "/t/../api/surveys")),
    ("encoded path trick /t/%2e%2e/api/surveys", 404, lambda: request("GET", "/t/%2e%2e/api/surveys")),
    ("encoded slash in a token", 404, lambda: request("GET", "/t/..%2f..%2fapi%2fsurveys")),
    ("NUL in a token", 404, lambda: request("GET", "/t/abc%00def")),
    ("invalid UTF-8 in a token", 404, lambda: request("GET", "/t/%ff%fe%fd")),
    ("invalid UTF-8 in a survey id", 404, lambda: request("GET", "/s/%c3%28")),
    ("path traversal to a survey file", 404, lambda: request("GET", "/s/..%2fsurveys%2fjugendcheck-2027.yml")),
    ("unknown path", 404, lambda: request("GET", "/etc/passwd")),
    ("DELETE /healthz", 405, lambda: request("DELETE", "/healthz")),
    ("PUT on a form", 405, lambda: request("PUT", open_form, b"a=b")),
    ("OPTIONS on the webhook", 405, lambda: request("OPTIONS", "/hooks/responses")),
    ("lower-case method (methods are case-sensitive: an unknown one)", 405, lambda: raw(b"get /healthz HTTP/1.1\r\nHost: x\r\n\r\n")),
    ("HTTP/1.0 without Host is fine", 200, lambda: raw(b"GET /healthz HTTP/1.0\r\n\r\n")),
    ("HTTP/0.9 request line", 400, lambda: raw(b"GET /healthz\r\n\r\n")),
    ("request line of 20 KB (the head is limited to 16 KiB)", 431, lambda: raw(b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")),
    ("3,000 headers", 431, lambda: raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(3000)) + b"\r\n")),
    ("header name with a space", 400, lambda: raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX Y: z\r\n\r\n")),
    ("NUL in a header value", 400, lambda: raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n")),
    ("smuggling: chunked then a second request in the body", 400,
     lambda: raw(b"POST /hooks/responses HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/surveys HTTP/1.1\r\nHost: x\r\n\r\n")),
    ("smuggling: Transfer-Encoding with a space before the colon", 400,
     lambda: raw(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n")),
    ("smuggling: Transfer-Encoding chunked twice", 501,
     lambda: raw(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n")),
    ("body of 2 MB", 413, lambda: request("POST", open_form, b"a" * 2_000_000, {"Content-Type": "application/x-www-form-urlencoded"})),
    ("the API without a token", 401, lambda: request("GET", "/api/surveys")),
    ("the API with a forged token", 401, lambda: request("GET", "/api/surveys", headers={"Authorization": "Bearer " + "A" * 40})),
    ("bounces without a token", 401, lambda: request("POST", "/hooks/bounces", b"From: x\r\n\r\nhi")),
    # The webhook
    ("webhook without signature headers", 401, lambda: hook({"survey": "familienfreundlichkeit-herzberg", "answers": good}, sign=False)),
    ("webhook with a forged signature", 401, lambda: request("POST", "/hooks/responses", b'{"survey":"x"}', {"webhook-id": "msg_f", "webhook-timestamp": str(int(time.time())), "webhook-signature": "v1," + base64.b64encode(b"f" * 32).decode()})),
    ("webhook 10 minutes old", 401, lambda: hook({"survey": "familienfreundlichkeit-herzberg", "answers": good}, offset=-600)),
    ("webhook 10 minutes ahead", 401, lambda: hook({"survey": "familienfreundlichkeit-herzberg", "answers": good}, offset=600)),
    ("webhook body changed after signing", 401, lambda: hook({"survey": "familienfreundlichkeit-herzberg", "answers": good}, tamper=b'{"survey":"familienfreundlichkeit-herzberg","answers":{"wohnort":"umland"}}')),
    ("webhook: not JSON", 400, lambda: hook(b"survey=x")),
    ("webhook: JSON nested 100,000 deep", 400, lambda: hook(b"[" * 100000 + b"]" * 100000)),
    ("webhook: invalid UTF-8", 400, lambda: hook(b'{"survey":"\xff\xfe"}')),
    ("webhook: duplicate keys", 400, lambda: hook(b'{"survey":"familienfreundlichkeit-herzberg","survey":"jugendcheck-2027","answers":{}}')),
    ("webhook: survey as a number", 422, lambda: hook({"survey": 7, "answers": good})),
    ("webhook: unknown survey", 404, lambda: hook({"survey": "gibt-es-nicht", "answers": good})),
    ("webhook: answers as a list", 422, lambda: hook({"survey": "familienfreundlichkeit-herzberg", "answers": ["herzberg"]})),
    ("webhook: a choice as a number", 422, lambda: hook({"survey": "familienfreundlichkeit-herzberg", "answers": {"wohnort": 3}})),
    ("webhook: an unknown option", 422, lambda: hook({"survey": "familienfreundlichkeit-herzberg", "answers": {"wohnort": "mond"}})),
    ("webhook: a required answer missing", 422, lambda: hook({"survey": "familienfreundlichkeit-herzberg", "answers": {"idee": "x"}})),
    ("webhook: a number out of range", 422, lambda: hook({"survey": "familienfreundlichkeit-herzberg", "answers": {"wohnort": "herzberg", "kinder": 1e300}})),
    ("webhook: an open survey with a token", 422, lambda: hook({"survey": "familienfreundlichkeit-herzberg", "token": "abc", "answers": good})),
    ("webhook: an invite survey without a token", 422, lambda: hook({"survey": "jugendcheck-2027", "answers": {"alter": "15-17"}})),
    ("webhook: an invite survey with an unknown token", 404, lambda: hook({"survey": "jugendcheck-2027", "token": "A" * 24, "answers": {"alter": "15-17"}})),
    ("webhook: a closed survey", 403, lambda: hook({"survey": "konferenz-geschlossen", "answers": {}})),
    ("webhook: body of 2 MB", 413, lambda: hook(b'{"survey":"' + b"a" * 2_000_000 + b'"}')),
    # Forms
    ("form: required answer missing", 422, lambda: form(open_form, {"idee": "x"})),
    ("form: unknown option", 422, lambda: form(open_form, {"wohnort": "mond"})),
    ("form: a single choice sent twice", 422, lambda: form(open_form, None, b"wohnort=herzberg&wohnort=umland")),
    ("form: a number that is no number", 422, lambda: form(open_form, {"wohnort": "herzberg", "kinder": "drei"})),
    ("form: a number out of range", 422, lambda: form(open_form, {"wohnort": "herzberg", "kinder": "999999"})),
    ("form: text over its maximum length", 422, lambda: form(open_form, {"wohnort": "herzberg", "idee": "x" * 5000})),
    ("form: 10 MB field", 413, lambda: form(open_form, None, b"idee=" + b"x" * 10_000_000)),
    ("form: broken percent-encoding", 422, lambda: form(open_form, None, b"wohnort=%zz&idee=%")),
    ("form: the option of another question", 422, lambda: form(open_form, {"wohnort": "oepnv"})),
    ("form: sent as text/plain", 415, lambda: request("POST", open_form, b"wohnort=herzberg", {"Content-Type": "text/plain"})),
    ("form: its type in capitals with a charset is read (then 422)", 422,
     lambda: request("POST", open_form, b"idee=x", {"Content-Type": "APPLICATION/X-WWW-Form-UrlEncoded; charset=UTF-8"})),
    ("form: a closed survey", 403, lambda: form("/s/konferenz-geschlossen", good)),
    ("form: an unknown survey", 404, lambda: form("/s/gibt-es-nicht", good)),
    ("form: an unknown personal link", 404, lambda: form("/t/" + "A" * 24, good)),
    ("form: an invite survey has no open form", 404, lambda: form("/s/jugendcheck-2027", {"alter": "15-17"})),
    ("unsubscribe: unknown link", 404, lambda: request("POST", "/u/" + "B" * 24)),
]

# Returned messages built to exhaust the reader (issue 19): refused as no report (400), at once.
admin = {"Authorization": "Bearer hostile-test-admin-token-0123456789", "Content-Type": "message/rfc822"}  # HostileInputTests' token
bounce_head = b"From: MAILER-DAEMON@relay.example\r\nTo: bounce+3f9a0c1d2e4b5a6978c0d1e2@lkee.de\r\nMIME-Version: 1.0\r\n"
nested_bounce = bounce_head + b"".join(b'Content-Type: multipart/mixed; boundary="n%d="\r\n\r\n--n%d=\r\n' % (i, i) for i in range(10000)) \
    + b"Content-Type: text/plain\r\n\r\n550 5.1.1 user unknown\r\n" + b"".join(b"--n%d=--\r\n" % i for i in reversed(range(10000)))
cases += [
    ("bounces: a message nested 10,000 levels deep", 400, lambda: request("POST", "/hooks/bounces", nested_bounce, admin)),
    ("bounces: a message of 25,000 parts", 400, lambda: request("POST", "/hooks/bounces", bounce_head + b'Content-Type: multipart/mixed; boundary="p"\r\n\r\n'
                                                                 + b"--p\r\nContent-Type: text/plain\r\n\r\nx\r\n" * 25000 + b"--p--\r\n", admin)),
    ("bounces: a header section of 900 KB", 400, lambda: request("POST", "/hooks/bounces", bounce_head + b"X-Pad: a\r\n" * 90000 + b"\r\nx\r\n", admin)),
]

for name, expected, run in cases:
    try:
        got = run()
    except OSError as e:
        got = f"error: {e}"
    print(json.dumps({"name": name, "expected": expected, "got": got}), flush=True)
c = socket.create_connection(("127.0.0.1", port), timeout=5)
c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
print(json.dumps({"healthz": int(c.recv(100).split(b" ")[1])}))
