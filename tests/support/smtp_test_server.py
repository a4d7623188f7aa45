"""A real SMTP server (aiosmtpd) for the e-mail sender's tests.

Usage: smtp_test_server.py DIR [--tls starttls|implicit] [--auth USER:PASSWORD]

Listens on a free 127.0.0.1 port and writes it to DIR/port once ready.
Every accepted message is stored as DIR/<n>.eml (the bytes received) and
DIR/<n>.json (the envelope and the message parsed by Python's email module:
decoded headers and each text part's content), so the C++ tests check the
message with an independent parser. Recipients whose local part starts with
"unknown" are refused with 550, "busy" with 451. With --tls the server makes
a self-signed certificate for 127.0.0.1 (DIR/cert.pem, for the client to
trust) and requires STARTTLS or speaks TLS from the start. Runs until
SIGTERM or SIGINT.
"""

import argparse
import email
import email.policy
import email.utils
import json
import os
import signal
import socket
import ssl
import subprocess
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class RecordingHandler:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local.startswith("unknown"):
            return "550 5.1.1 No such user here"
        if local.startswith("busy"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        message = email.message_from_bytes(data, policy=email.policy.default)
        parts = []
        for part in message.walk():
            if part.is_multipart():
                continue
            parts.append({
                "content_type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "transfer_encoding": part.get("Content-Transfer-Encoding", ""),
                "content": part.get_content(),
            })
        date = email.utils.parsedate_to_datetime(message["Date"]) if message["Date"] else None
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "headers": {name: str(value) for name, value in message.items()},
            "header_names": [name for name, _ in message.items()],
            "defects": [str(d) for d in message.defects],
            "content_type": message.get_content_type(),
            "date_epoch": date.timestamp() if date else None,
            "parts": parts,
        }
        with self.lock:
            self.count += 1
            base = os.path.join(self.directory, str(self.count))
        with open(base + ".eml", "wb") as out:
            out.write(data)
        with open(base + ".json.tmp", "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.rename(base + ".json.tmp", base + ".json")  # readers never see half a file
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_tls_context(directory):
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", key, "-out", cert],
        check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, timeout=60)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--tls", choices=["starttls", "implicit"])
    parser.add_argument("--auth")
    args = parser.parse_args()

    handler = RecordingHandler(args.directory)
    kwargs = {}
    if args.tls:
        context = make_tls_context(args.directory)
        if args.tls == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        else:
            kwargs.update(ssl_context=context)
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login == user.encode() and auth_data.password == password.encode()
            # handled=False: aiosmtpd answers "535" itself on failure.
            return AuthResult(success=ok, handled=False)

        kwargs.update(authenticator=authenticator, auth_required=True,
                      auth_require_tls=bool(args.tls))
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port,
                            server_hostname="127.0.0.1", **kwargs)
    controller.start()
    with open(os.path.join(args.directory, "port.tmp"), "w") as out:
        out.write(str(port))
    os.rename(os.path.join(args.directory, "port.tmp"), os.path.join(args.directory, "port"))

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
