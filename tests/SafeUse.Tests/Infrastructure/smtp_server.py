"""A real SMTP server on loopback for SafeUse's tests, built on aiosmtpd (Debian's python3-aiosmtpd).

Prints "LISTENING <port>" once it accepts connections, writes each accepted message to --dir as NNNN.json
(envelope, whether TLS and AUTH were used, raw data), and stops when its standard input closes.

Modes: starttls (STARTTLS required before anything but EHLO/NOOP/QUIT, AUTH only after it), smtps (implicit TLS).
"""
import argparse
import json
import os
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Handler:
    def __init__(self, directory, refuse_first, reject_recipient):
        self.directory = directory
        self.refusals_left = refuse_first
        self.reject_recipient = reject_recipient
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_recipient and self.reject_recipient in address:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refusals_left > 0:
                self.refusals_left -= 1
                return "451 4.3.0 try again later"
            self.count += 1
            number = self.count
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "auth_user": session.login_data.decode() if session.authenticated else None,
            "data": envelope.content.decode("utf-8", "replace"),
        }
        path = os.path.join(self.directory, "%04d.json" % number)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.replace(path + ".tmp", path)
        return "250 2.0.0 queued as %d" % number


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--mode", choices=["starttls", "smtps"], default="starttls")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--refuse-first", type=int, default=0)
    p.add_argument("--reject-recipient")
    args = p.parse_args()

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login.decode() == args.user
              and auth_data.password.decode() == args.password)
        # handled=False makes aiosmtpd answer a failure itself (535); its default leaves the client waiting.
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    kwargs = dict(authenticator=authenticator, auth_required=args.user is not None)
    if args.mode == "starttls":
        kwargs.update(tls_context=context, require_starttls=True, auth_require_tls=True)
    else:
        # With implicit TLS the whole connection is encrypted; aiosmtpd only counts STARTTLS as TLS for AUTH.
        kwargs.update(ssl_context=context, auth_require_tls=False)

    handler = Handler(args.dir, args.refuse_first, args.reject_recipient)
    port = args.port or free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="smtp.test", **kwargs)
    controller.start()
    print("LISTENING %d" % port, flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
