"""A small IMAP4rev1 server for the tests (socketserver, a thread per connection): enough of
RFC 3501 for imaplib and the gateway — CAPABILITY, LOGIN, SELECT, UID SEARCH (ALL / UNSEEN),
UID FETCH (UID, FLAGS, RFC822.SIZE, INTERNALDATE, RFC822, BODY[], BODY.PEEK[], BODY.PEEK[HEADER]),
UID STORE ±FLAGS, UID COPY, EXPUNGE, NOOP, LOGOUT. Real sockets, real literals."""

from __future__ import annotations

import datetime as dt
import re
import shlex
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Stored:
    uid: int
    raw: bytes
    internaldate: dt.datetime
    flags: set[str] = field(default_factory=set)


class Mailbox:
    def __init__(self, user="gateway", password='pa"ss w0rd'):
        self.user, self.password = user, password
        self.folders: dict[str, list[Stored]] = {"INBOX": [], "Done": []}
        self.next_uid = 1
        self.lock = threading.Lock()
        self.commands: list[str] = []

    def deliver(self, raw: bytes, at: dt.datetime, folder="INBOX") -> int:
        with self.lock:
            uid = self.next_uid
            self.next_uid += 1
            self.folders[folder].append(Stored(uid, raw, at))
            return uid

    def flags(self, uid: int, folder="INBOX") -> set[str]:
        return next(m.flags for m in self.folders[folder] if m.uid == uid)


def _date(value: dt.datetime) -> str:
    return value.strftime("%d-%b-%Y %H:%M:%S %z")


class Handler(socketserver.StreamRequestHandler):
    mailbox: Mailbox

    def send(self, line: str | bytes) -> None:
        self.wfile.write(line if isinstance(line, bytes) else line.encode() + b"\r\n")

    def handle(self):
        self.authenticated = False
        self.folder = None
        self.send("* OK [CAPABILITY IMAP4rev1] thidua test IMAP server ready")
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            literal = re.search(r"\{(\d+)\}$", text)
            if literal:  # a LOGIN password sent as a literal
                self.send("+ go ahead")
                text = text[: literal.start()] + '"' + self.rfile.read(int(literal.group(1))).decode() + '"'
                text += self.rfile.readline().decode().rstrip("\r\n")
            tag, _, rest = text.partition(" ")
            command, _, args = rest.partition(" ")
            self.mailbox.commands.append(f"{command.upper()} {args}".strip())
            try:
                if self.dispatch(tag, command.upper(), args) == "bye":
                    return
            except Exception as exc:  # a bad command is a BAD answer, never a dead server
                self.send(f"{tag} BAD {exc}")

    def dispatch(self, tag, command, args):
        if command == "CAPABILITY":
            self.send("* CAPABILITY IMAP4rev1")
            self.send(f"{tag} OK CAPABILITY completed")
        elif command == "NOOP":
            self.send(f"{tag} OK NOOP completed")
        elif command == "LOGOUT":
            self.send("* BYE logging out")
            self.send(f"{tag} OK LOGOUT completed")
            return "bye"
        elif command == "LOGIN":
            user, password = shlex.split(args)
            if (user, password) != (self.mailbox.user, self.mailbox.password):
                self.send(f"{tag} NO [AUTHENTICATIONFAILED] invalid credentials")
            else:
                self.authenticated = True
                self.send(f"{tag} OK LOGIN completed")
        elif not self.authenticated:
            self.send(f"{tag} BAD log in first")
        elif command == "SELECT":
            name = args.strip('"')
            if name not in self.mailbox.folders:
                self.send(f"{tag} NO no such folder")
                return None
            self.folder = name
            messages = self.mailbox.folders[name]
            self.send(f"* {len(messages)} EXISTS")
            self.send("* 0 RECENT")
            self.send(r"* FLAGS (\Seen \Deleted)")
            self.send("* OK [UIDVALIDITY 1] UIDs valid")
            self.send(f"{tag} OK [READ-WRITE] SELECT completed")
        elif command == "UID":
            self.uid(tag, args)
        elif command == "EXPUNGE":
            with self.mailbox.lock:
                box = self.mailbox.folders[self.folder]
                for seq in reversed(range(len(box))):
                    if r"\Deleted" in box[seq].flags:
                        del box[seq]
                        self.send(f"* {seq + 1} EXPUNGE")
            self.send(f"{tag} OK EXPUNGE completed")
        else:
            self.send(f"{tag} BAD unknown command")
        return None

    def uid(self, tag, args):
        sub, _, rest = args.partition(" ")
        sub = sub.upper()
        box = self.mailbox.folders[self.folder]
        if sub == "SEARCH":
            with self.mailbox.lock:
                found = [m.uid for m in box if "UNSEEN" not in rest.upper() or r"\Seen" not in m.flags]
            self.send("* SEARCH" + "".join(f" {u}" for u in found))
            self.send(f"{tag} OK SEARCH completed")
            return
        uid_text, _, items = rest.partition(" ")
        with self.mailbox.lock:
            pairs = [(i + 1, m) for i, m in enumerate(box) if m.uid == int(uid_text)]
        if sub == "FETCH":
            for seq, message in pairs:
                self.fetch(seq, message, items.upper())
            self.send(f"{tag} OK FETCH completed")
        elif sub == "STORE":
            what, _, flags = items.partition(" ")
            names = set(flags.strip("()").split())
            for seq, message in pairs:
                with self.mailbox.lock:
                    message.flags = message.flags | names if what.startswith("+") else message.flags - names
                self.send(f"* {seq} FETCH (UID {message.uid} FLAGS ({' '.join(sorted(message.flags))}))")
            self.send(f"{tag} OK STORE completed")
        elif sub == "COPY":
            target = items.strip('"')
            for _seq, message in pairs:
                self.mailbox.deliver(message.raw, message.internaldate, folder=target)
            self.send(f"{tag} OK COPY completed")
        else:
            self.send(f"{tag} BAD unknown UID command")

    def fetch(self, seq, message, items):
        parts = [f"UID {message.uid}"]
        literal = None
        if "FLAGS" in items.replace("+FLAGS", ""):
            parts.append(f"FLAGS ({' '.join(sorted(message.flags))})")
        if "RFC822.SIZE" in items:
            parts.append(f"RFC822.SIZE {len(message.raw)}")
        if "INTERNALDATE" in items:
            parts.append(f'INTERNALDATE "{_date(message.internaldate)}"')
        if "BODY.PEEK[HEADER]" in items:
            head = message.raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
            literal = ("BODY[HEADER]", head)
        elif "BODY.PEEK[]" in items:
            literal = ("BODY[]", message.raw)
        elif "BODY[]" in items or re.search(r"\bRFC822\b(?!\.)", items):
            literal = ("RFC822" if "RFC822" in items else "BODY[]", message.raw)
            message.flags.add(r"\Seen")  # a non-PEEK fetch marks the message seen (RFC 3501)
        head = f"* {seq} FETCH (" + " ".join(parts)
        if literal is None:
            self.send(head + ")")
        else:
            name, data = literal
            self.send(f"{head} {name} {{{len(data)}}}".encode() + b"\r\n" + data + b")\r\n")


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def start(mailbox: Mailbox) -> tuple[Server, int]:
    handler = type("BoundHandler", (Handler,), {"mailbox": mailbox})
    server = Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]
