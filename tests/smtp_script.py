"""A small SMTP server for the tests that must see each exchange: it answers every command
itself (optionally late, or a byte at a time), counts every wait it makes a client go
through (its connection, each reply, each TLS handshake), and keeps the messages it
accepts. STARTTLS and AUTH (CRAM-MD5, PLAIN, LOGIN) are offered when asked for.

Not a general server: just enough of RFC 5321 for smtplib, on 127.0.0.1 and a free port,
each connection in a thread of its own, stopped by ``stop``.
"""

import base64
import contextlib
import email
import email.policy
import socket
import ssl
import threading
import time


class ScriptedSmtp:
    def __init__(
        self,
        *,
        delay: float = 0.0,
        trickle: float | None = None,
        starttls: ssl.SSLContext | None = None,
        auth: bool = False,
        refuse_auth: tuple[str, ...] = (),
    ):
        self.delay, self.trickle = delay, trickle
        self.tls, self.auth, self.refuse_auth = starttls, auth, refuse_auth
        self.waits = 0  # connections accepted + replies sent + TLS handshakes
        self.messages = []
        self.commands = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> "ScriptedSmtp":
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.listener.close()
        self.thread.join(timeout=5)

    def message_ids(self) -> list[str]:
        with self._lock:
            return [m["Message-ID"] for m in self.messages]

    # --- the conversation ------------------------------------------------------------------

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _count(self) -> None:
        with self._lock:
            self.waits += 1

    def _reply(self, conn, text: str) -> None:
        self._count()
        if self.delay:
            time.sleep(self.delay)
        conn.sendall(text.encode() + b"\r\n")

    def _trickle(self, conn) -> None:
        """A greeting that never ends, a byte at a time: no socket timeout ever fires."""
        line = b"220-still thinking\r\n"
        while not self._stopping.is_set():
            for i in range(len(line)):
                conn.sendall(line[i : i + 1])
                time.sleep(self.trickle)

    def _talk(self, conn) -> None:
        self._count()  # the connection
        reader = conn.makefile("rb")
        try:
            if self.trickle is not None:
                self._count()
                return self._trickle(conn)
            self._reply(conn, "220 scripted.test ESMTP")
            while True:
                line = reader.readline()
                if not line:
                    return
                command = line.decode(errors="replace").rstrip("\r\n")
                verb = command.split(" ", 1)[0].upper()
                with self._lock:
                    self.commands.append(verb)
                if verb in ("EHLO", "HELO"):
                    features = ["scripted.test", "8BITMIME", "SMTPUTF8"]
                    if self.tls is not None and not isinstance(conn, ssl.SSLSocket):
                        features.append("STARTTLS")
                    if self.auth:
                        features.append("AUTH CRAM-MD5 PLAIN LOGIN")
                    self._reply(
                        conn,
                        "\r\n".join(
                            f"250{'-' if i < len(features) - 1 else ' '}{f}"
                            for i, f in enumerate(features)
                        ),
                    )
                elif verb == "STARTTLS":
                    self._reply(conn, "220 Go ahead")
                    conn = self.tls.wrap_socket(conn, server_side=True)
                    self._count()  # the handshake
                    reader = conn.makefile("rb")
                elif verb == "AUTH":
                    mechanism = command.split(" ")[1].upper()
                    ok = "235 Authenticated" if mechanism not in self.refuse_auth else "535 No"
                    if mechanism == "CRAM-MD5":
                        self._reply(conn, "334 " + base64.b64encode(b"<1@scripted>").decode())
                        reader.readline()
                    elif mechanism == "LOGIN" and len(command.split(" ")) > 2:
                        self._reply(conn, "334 UGFzc3dvcmQ6")
                        reader.readline()
                    self._reply(conn, ok)
                elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                    self._reply(conn, "250 OK")
                elif verb == "DATA":
                    self._reply(conn, "354 End with <CRLF>.<CRLF>")
                    lines = []
                    while True:
                        part = reader.readline()
                        if not part or part == b".\r\n":
                            break
                        lines.append(part[1:] if part.startswith(b"..") else part)
                    message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                    with self._lock:
                        self.messages.append(message)
                    self._reply(conn, "250 Accepted")
                elif verb == "QUIT":
                    conn.sendall(b"221 Bye\r\n")
                    return
                else:
                    self._reply(conn, "502 Not implemented")
        except (OSError, ValueError):
            return
        finally:
            with contextlib.suppress(OSError):
                conn.close()
