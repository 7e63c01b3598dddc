"""The inside half of oracle/sendmail-smtp: runs in the private namespaces
that script sets up (it has mounted the private /etc files and brought lo
up). Arguments: SENDMAIL CF WORKDIR SERVICE_SWITCH; the spec is
WORKDIR/spec.json; one JSON line per (client, recipient) on stdout."""

import json
import os
import socket
import subprocess
import sys
import time

sendmail, cf, work, switch = sys.argv[1:5]
spec = json.load(open(os.path.join(work, "spec.json")))
port = 2525
options = [
    "-O", "ServiceSwitchFile=" + switch,
    "-O", "DontProbeInterfaces=true",
    "-O", "Timeout.resolver.retrans=1s",
    "-O", "Timeout.resolver.retry=1",
    "-O", "Timeout.ident=0",
    "-O", "QueueDirectory=" + os.path.join(work, "queue"),
    "-O", "AliasFile=/etc/mail/aliases",
    # The machine's load and disk must not decide.
    "-O", "RefuseLA=10000",
    "-O", "QueueLA=10000",
    "-O", "DelayLA=0",
    "-O", "MinFreeBlocks=0",
]


def emit(client, rcpt, stage, code, text):
    sys.stdout.write(json.dumps({"client": client, "rcpt": rcpt, "stage": stage,
                                 "code": code, "text": text}) + "\n")


def every(stage, code, text):
    for c in spec.get("clients", []):
        for r in spec.get("rcpts", []):
            emit(c["addr"], r, stage, code, text)


for c in spec.get("clients", []):
    a = c["addr"]
    if ":" in a or a.startswith("127."):
        continue
    subprocess.run(["ip", "addr", "add", a + "/32", "dev", "lo"],
                   stderr=subprocess.DEVNULL, check=False)

# The alias database, as newaliases builds it.
subprocess.run([sendmail, "-bi", "-C", cf] + options, stdin=subprocess.DEVNULL,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)

daemon = subprocess.Popen(
    [sendmail, "-bD", "-C", cf] + options +
    ["-O", "DaemonPortOptions=Addr=127.0.0.1,Port=%d,Name=MTA" % port,
     "-O", "PidFile=" + os.path.join(work, "sendmail.pid")],
    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def listening():
    probe = socket.socket()
    try:
        probe.connect(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        probe.close()


deadline = time.time() + 15
while not listening():
    if daemon.poll() is not None or time.time() > deadline:
        if daemon.poll() is None:
            daemon.kill()
        said = daemon.stdout.read().decode("latin-1").strip().replace("\n", " | ")
        every("error", 0, "daemon did not start (exit %s): %s" % (daemon.poll(), said[-500:]))
        sys.exit(0)
    time.sleep(0.05)


class Closed(Exception):
    pass


class Session:
    def __init__(self, client):
        self.sock = socket.socket()
        self.sock.settimeout(60)
        self.sock.bind((client["addr"], 0))
        self.sock.connect(("127.0.0.1", port))
        self.file = self.sock.makefile("rb")

    def reply(self):
        """(code, text of the last line) of one reply."""
        while True:
            line = self.file.readline()
            if not line:
                raise Closed()
            line = line.decode("latin-1").rstrip("\r\n")
            if len(line) < 4 or line[3] != "-":
                code = int(line[:3]) if line[:3].isdigit() else 0
                return code, line[4:]

    def command(self, text):
        try:
            self.sock.sendall(text.encode("latin-1", "replace") + b"\r\n")
        except OSError:
            raise Closed()
        return self.reply()

    def close(self):
        try:
            self.sock.sendall(b"QUIT\r\n")
        except OSError:
            pass
        self.sock.close()


def open_session(client):
    """A session past EHLO, or the (stage, code, text) that refused it."""
    helo = client.get("helo") or client.get("name") or "client.example"
    try:
        s = Session(client)
        code, text = s.reply()
        if code // 100 != 2:
            s.close()
            return None, ("connect", code, text)
        code, text = s.command("EHLO " + helo)
        if code // 100 != 2:
            code2, text2 = s.command("HELO " + helo)
            if code2 // 100 != 2:
                s.close()
                return None, ("helo", code, text)
        # A refused connection (check_relay) answers every command but
        # a few with its refusal; HELP is one of them.
        code, text = s.command("HELP")
        if code // 100 != 2 and "not implemented" not in text:
            s.close()
            return None, ("connect", code, text)
        return s, None
    except (Closed, OSError) as e:
        return None, ("connect", 0, "no session: %r" % e)


for client in spec.get("clients", []):
    addr = client["addr"]
    rcpts = list(spec.get("rcpts", []))
    if ":" in addr:
        for r in rcpts:
            emit(addr, r, "error", 0, "IPv6 clients are not supported")
        continue
    sender = spec.get("sender", "")
    session = None
    retries = 0
    while rcpts:
        r = rcpts[0]
        if session is None:
            session, refused = open_session(client)
            if refused is not None:
                for r in rcpts:
                    emit(addr, r, *refused)
                break
        try:
            code, text = session.command("MAIL FROM:<%s>" % sender)
            if code // 100 != 2:
                emit(addr, r, "mail", code, text)
            else:
                code, text = session.command("RCPT TO:<%s>" % r)
                emit(addr, r, "rcpt", code, text)
            rcpts.pop(0)
            retries = 0
            session.command("RSET")
        except Closed:
            # The daemon ended the session (too many bad commands): go on
            # in a new one; the same recipient is asked again.
            session.close()
            session = None
            retries += 1
            if retries > 3:
                emit(addr, r, "error", 0, "the session keeps closing")
                rcpts.pop(0)
    if session is not None:
        session.close()

daemon.terminate()
try:
    daemon.wait(timeout=10)
except subprocess.TimeoutExpired:
    daemon.kill()
