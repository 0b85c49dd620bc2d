"""A real SMTP server (aiosmtpd) for Mitreden's tests, told to misbehave on request.

Prints "PORT <n>" once it listens, then serves until killed. Each accepted message is parsed
with Python's email package (policy.default, a real MIME parser) and appended as one JSON
line to --record.

Recipient rules (substring of the address):
  --defer-first S   451 on RCPT the first time a matching recipient is seen, then accept
  --reject S        550 on RCPT, every time
  --drop-data S     close the connection after the message data, without replying (first time)
  --drop-rcpt S     close the connection on RCPT, before any data (first time)
Server options:
  --tls CERT KEY    offer STARTTLS and require it
  --auth USER:PASS  require AUTH (PLAIN/LOGIN) with these credentials
  --delay SECONDS   wait before answering each message's data
  --chaos P         for each recipient and each message, with probability P: 451 on RCPT, or
                    421 and close on RCPT, or close after the data without replying
  --port N          listen on N (to restart the server on the same port); default a free one
"""
import argparse, asyncio, base64, json, random, socket, sys, threading, time
from email import policy
from email.parser import BytesParser
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from ports import free_port

args = argparse.ArgumentParser()
args.add_argument("--record", required=True)
args.add_argument("--defer-first", default=None)
args.add_argument("--reject", default=None)
args.add_argument("--drop-data", default=None)
args.add_argument("--drop-rcpt", default=None)
args.add_argument("--tls", nargs=2, default=None)
args.add_argument("--auth", default=None)
args.add_argument("--delay", type=float, default=0)
args.add_argument("--chaos", type=float, default=0)
args.add_argument("--port", type=int, default=0)
opts = args.parse_args()

seen_defer, seen_drop_data, seen_drop_rcpt = set(), set(), set()
lock = threading.Lock()


def parts(message):
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    def content(part):
        return part.get_content().replace("\r\n", "\n") if part else None
    return (content(text), content(html))


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if opts.chaos and random.random() < opts.chaos * 2 / 3:
            if random.random() < 0.5:
                return "451 4.3.0 <%s>: Temporary failure, try again" % address
            server.transport.close()
            return "421 4.3.2 closing"
        if opts.drop_rcpt and opts.drop_rcpt in address and address not in seen_drop_rcpt:
            seen_drop_rcpt.add(address)
            server.transport.close()
            return "421 closing"
        if opts.reject and opts.reject in address:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if opts.defer_first and opts.defer_first in address and address not in seen_defer:
            seen_defer.add(address)
            return "451 4.7.1 <%s>: Greylisted, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        rcpt = envelope.rcpt_tos[0] if envelope.rcpt_tos else ""
        if opts.drop_data and opts.drop_data in rcpt and rcpt not in seen_drop_data:
            seen_drop_data.add(rcpt)
            server.transport.close()
            return "421 closing"
        if opts.chaos and random.random() < opts.chaos / 3:
            server.transport.close()
            return "421 closing"
        if opts.delay:
            await asyncio.sleep(opts.delay)
        raw = envelope.original_content or envelope.content
        message = BytesParser(policy=policy.default).parsebytes(raw)
        text, html = parts(message)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "auth": session.authenticated,
            "headers": {k: str(v) for k, v in message.items()},
            "header_names": [k for k, _ in message.items()],
            "content_type": message.get_content_type(),
            "text": text,
            "html": html,
            "defects": [str(d) for d in message.defects],
            "max_line": max(len(line) for line in raw.split(b"\r\n")),
            "peer_connection": session.peer[1],
            "received_at": time.time(),
        }
        with lock:
            with open(opts.record, "a", encoding="utf-8") as f:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 2.0.0 Ok: queued as %d" % int(time.time() * 1000)


def authenticator(server, session, envelope, mechanism, auth_data):
    user, password = opts.auth.split(":", 1)
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok)


kwargs = {}
if opts.tls:
    import ssl
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(opts.tls[0], opts.tls[1])
    kwargs.update(tls_context=context, require_starttls=True)
if opts.auth:
    kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(opts.tls))
port = opts.port or free_port()
controller = Controller(Handler(), hostname="127.0.0.1", port=port, **kwargs)
controller.start()
print("PORT %d" % port, flush=True)
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    pass
finally:
    controller.stop()
