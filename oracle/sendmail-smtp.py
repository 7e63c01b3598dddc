"""The inside half of oracle/sendmail-smtp: runs in the private namespaces
that script sets up (it has mounted the private /etc files and brought lo
up). Arguments: SENDMAIL CF WORKDIR SERVICE_SWITCH; the spec is
WORKDIR/spec.json; one JSON line per (client, recipient) on stdout."""

import json
import re
import os
import socket
import subprocess
import sys
import threading
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
    # No milter runs in the sandbox (the door model has none either): a
    # cf's filters, which would fail or tempfail every MAIL, are not used.
    "-O", "InputMailFilters=",
    # The machine's load and disk must not decide.
    "-O", "RefuseLA=10000",
    "-O", "QueueLA=10000",
    "-O", "DelayLA=0",
    "-O", "MinFreeBlocks=0",
]


def emit(client, rcpt, stage, code, text, source="daemon", why=None):
    line = {"client": client, "rcpt": rcpt, "stage": stage, "code": code,
            "text": text, "source": source}
    if why is not None:
        line["why"] = why
    sys.stdout.write(json.dumps(line) + "\n")


for c in spec.get("clients", []):
    a = c["addr"]
    if ":" in a or a.startswith("127."):
        continue
    subprocess.run(["ip", "addr", "add", a + "/32", "dev", "lo"],
                   stderr=subprocess.DEVNULL, check=False)

def start(extra):
    """The daemon started with options `extra`, or (None, what it said)."""
    # The alias database, as newaliases builds it.
    subprocess.run([sendmail, "-bi", "-C", cf] + options + extra,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    daemon = subprocess.Popen(
        [sendmail, "-bD", "-C", cf] + options + extra +
        ["-O", "DaemonPortOptions=Addr=127.0.0.1,Port=%d,Name=MTA" % port,
         "-O", "PidFile=" + os.path.join(work, "sendmail.pid")],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    deadline = time.time() + 15
    while not listening():
        if daemon.poll() is not None or time.time() > deadline:
            if daemon.poll() is None:
                daemon.kill()
                daemon.wait()
            said = daemon.stdout.read().decode("latin-1").strip()
            return None, "exit %s: %s" % (daemon.poll(), said.replace("\n", " | "))
        time.sleep(0.05)
    return daemon, None


# Refusals a command-line option set to a neutral value avoids (options
# given with -O are not overridden by the cf).
NEUTRAL = [
    ("Mail submission program cannot be used as daemon", "UseMSP=false"),
    ("option u: unknown user", "DefaultUser=mailnull"),
    ("option DefaultUser: unknown user", "DefaultUser=mailnull"),
    ("option TrustedUser: unknown user", "TrustedUser=root"),
    ("option RunAsUser: unknown user", "RunAsUser=root"),
]


def listening():
    probe = socket.socket()
    try:
        probe.connect(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        probe.close()


# ---------------------------------------------------------------------------
# The -bt fallback: the door computed with the real sendmail in address test
# mode, for a cf the 8.17 daemon refuses to run.

def cf_facts(text):
    """(config level, {mailer name lower: flags}, ruleset names)."""
    level = 0
    mailers = {}
    rulesets = set()
    for line in text.split("\n"):
        if line.startswith("V"):
            digits = ""
            for ch in line[1:]:
                if not ch.isdigit():
                    break
                digits += ch
            level = int(digits) if digits else level
        elif line.startswith("M"):
            name = line[1:].split(",")[0].strip()
            flags = ""
            for field in line.split(","):
                field = field.strip()
                if field[:2] in ("F=", "f="):
                    flags = field[2:].split()[0] if field[2:].split() else ""
            mailers[name.lower()] = flags
        elif line.startswith("S"):
            for name in line[1:].split("="):
                if name.strip():
                    rulesets.add(name.strip())
    if level < 6 and "local" in mailers:
        # main.c's heuristic for old files: the local mailer is aliasable,
        # has passwd entries, tries ruleset 5, checks the user database.
        mailers["local"] += "Aw5@"
    return level, mailers, rulesets


def smtp_code(text):
    """The reply code of an error text, as buildaddr reads it."""
    t = text.strip().strip('"')
    if len(t) >= 4 and t[:3].isdigit() and t[0] in "2345" and t[3] == " ":
        return int(t[:3]), t
    if len(t) == 3 and t.isdigit():
        return 553, t
    return 553, "5.3.0 " + t


def tokens_after(line, key):
    return line.split(key, 1)[1].strip() if key in line else None


def triple(result):
    """A `$# m $@ h $: u` line as (mailer, host, user) or None."""
    if not result.startswith("$#"):
        return None
    rest = result[2:].strip()
    mailer, _, rest = rest.partition(" ")
    host = None
    user = ""
    if rest.startswith("$@"):
        host_part, _, user_part = rest[2:].partition("$:")
        host = host_part.strip()
        user = user_part.strip()
    elif rest.startswith("$:"):
        user = rest[2:].strip()
    return mailer, host, user


def untoken(text):
    """Tokens as -bt prints them (spaced) back to a string."""
    return "".join(text.split(" "))


class Bt:
    """One sendmail -bt session fed a whole script; segments between marks."""

    def __init__(self, argv):
        self.argv = argv
        # Mark 0 closes what sendmail says before the first command.
        self.lines = ["/door-mark-0"]
        self.marks = 0

    def add(self, line):
        self.lines.append(line)

    def ask(self, line):
        """Adds a command whose output is wanted; returns its index."""
        self.lines.append(line)
        self.marks += 1
        self.lines.append("/door-mark-%d" % self.marks)
        return self.marks

    def run(self):
        text = "\n".join(self.lines) + "\n"
        out = subprocess.run(self.argv, input=text.encode("latin-1", "replace"),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             check=False).stdout.decode("latin-1")
        self.out = {}
        current = []
        for line in out.split("\n"):
            stripped = line.lstrip("> ")
            if stripped.startswith('Unknown "/" command /door-mark-'):
                n = int(stripped.rsplit("-", 1)[1])
                self.out[n] = current
                current = []
            else:
                current.append(stripped)

    def get(self, n):
        return getattr(self, "out", {}).get(n, [])


def result(lines):
    """The last ruleset result of a segment."""
    last = None
    for line in lines:
        if " returns:" in line:
            last = line.split(" returns:", 1)[1].strip()
    return last


def parse_result(lines, address=""):
    """A /parse segment: ("error", code, text) or ("ok", mailer, host, user,
    not_remote_marker)."""
    # An error mailer's own text says its code (buildaddr).
    for line in lines:
        if line.startswith("mailer *error*"):
            user = line.split(", user ", 1)[1] if ", user " in line else ""
            t = user.strip().strip('"')
            if len(t) >= 4 and t[:3].isdigit() and t[0] in "2345" and t[3] == " ":
                return ("error", int(t[:3]), t)
    # -bt prints parseaddr's errors without their reply codes; the codes
    # the SMTP server would give them.
    for line in lines:
        if (not line or line.startswith(("Cracked address", "Parsing ", "mailer ", "== "))
                or " input:" in line or " returns:" in line):
            continue
        if "8-bit character" in line:
            return ("error", 501, line)
        # usrerr's 550/553 messages name the address; syserr's (554 with
        # errno clear) and 554 usrerrs do not.
        if address and line.startswith(address + "... "):
            return ("error", 553, line)
        return ("error", 554, line)
    final = None
    parse_returns = None
    for line in lines:
        if line.startswith("mailer "):
            final = line
        if line.startswith("parse ") and " returns:" in line:
            parse_returns = line.split(" returns:", 1)[1].strip()
    if final is None:
        return ("error", 501, "no parse: " + " | ".join(lines)[-200:])
    body = final[len("mailer "):]
    mailer, _, rest = body.partition(", ")
    host = None
    user = ""
    if rest.startswith("host "):
        host, _, rest = rest[5:].partition(", ")
    if rest.startswith("user "):
        user = rest[5:]
    if mailer == "*error*":
        code, text = smtp_code(user)
        return ("error", code, text)
    marked = False
    if parse_returns:
        t = triple(parse_returns)
        if t and t[2].startswith("@"):
            marked = True
    return ("ok", mailer, host, user, marked)


def rscheck(lines):
    """A check ruleset's result: None (go on), "discard", or (code, text)."""
    r = result(lines)
    if r is None:
        return None
    t = triple(r)
    if t is None:
        return None
    mailer, host, user = t
    if mailer.lower() == "discard":
        return "discard"
    if mailer.lower() != "error":
        return None
    if host is not None and untoken(host) == "quarantine":
        return None
    return smtp_code(user)


def bt_fallback(why):
    text = open(cf, "rb").read().decode("latin-1")
    level, mailers, rulesets = cf_facts(text)
    has = lambda name: name in rulesets
    # A private copy of the cf: SunOS's P=[TCP] read as the [IPC] it meant
    # there (8.17 drops such a mailer; the emulator keeps it, following
    # the Sun dialect), and since -bt cannot type $|, a ruleset that calls
    # check_relay on two macros joined by it.
    bt_cf = os.path.join(work, "door-bt.cf")
    with open(bt_cf, "w", encoding="latin-1") as f:
        f.write("\n".join(re.sub(r"^(M[^,]*,.*P=)\[TCP\]", r"\1[IPC]", line)
                          for line in text.split("\n")))
        if has("check_relay"):
            f.write("\nSdoor_relay\nR$*\t\t$@ $>check_relay $&{door_p1} $| $&{door_p2}\n")
    aliases = set()
    try:
        for line in open("/etc/mail/aliases", encoding="latin-1"):
            if line[:1] in ("", "#", " ", "\t", "\n") or ":" not in line:
                continue
            key = line.split(":", 1)[0].strip().strip('"').lower()
            if key:
                aliases.add(key)
    except OSError:
        pass
    users = set()
    for line in open("/etc/passwd", encoding="latin-1"):
        name = line.split(":", 1)[0]
        if name:
            users.add(name)
    def local_users(parsed, argv):
        """recipient() for each parsed recipient: the special mailers,
        aliases, ruleset 5 (as many rounds as it hands the address on,
        each round one -bt session), the passwd file."""
        out = {}
        state = {}
        for r, p in parsed.items():
            if p[0] != "ok":
                continue
            m = p[1].lower()
            if m == "*include*":
                out[r] = (550, "5.7.1 Cannot mail directly to :include:s")
            elif m == "*file*":
                out[r] = (550, "5.7.1 Cannot mail directly to files")
            elif m == "prog":
                out[r] = (550, "5.7.1 Cannot mail directly to programs")
            else:
                state[r] = [m, p[2], p[3], p[4]]

        def finish(r, m, user):
            bare = user.replace('"', "").replace("\\", "")
            if "w" not in mailers.get(m, "") or bare in users or bare.lower() in users:
                out[r] = (250, "2.1.5 %s... Recipient ok" % bracketed(r))
            else:
                out[r] = (550, "5.1.1 %s... User unknown" % bracketed(r))

        for _ in range(5):
            queries = {}
            for r, (m, host, user, not_remote) in state.items():
                if m not in mailers:
                    out[r] = (250, "2.1.5 %s... Recipient ok" % bracketed(r))
                    continue
                flags = mailers[m]
                if "@" in flags and user.startswith("@"):
                    user = user[1:]
                    not_remote = True
                    state[r] = [m, host, user, not_remote]
                quoted = "\\" in user
                bare = user.replace('"', "").replace("\\", "")
                if "A" in flags and not quoted and bare.lower() in aliases:
                    out[r] = (250, "2.1.5 %s... Recipient ok" % bracketed(r))
                elif "5" in flags and level >= 2 and not not_remote and "5" in rulesets:
                    queries[r] = None
                else:
                    finish(r, m, user)
            state = {r: v for r, v in state.items() if r in queries}
            if not queries:
                break
            b = Bt(argv)
            for r in queries:
                m, host, user, _ = state[r]
                b.add(".Dh" + (host or ""))
                b.add(".Du" + user)
                b.add(".D{addr_type}e r")
                queries[r] = b.ask("5 " + user)
            b.run()
            for r, n in queries.items():
                m, host, user, not_remote = state[r]
                t = triple(result(b.get(n)) or "")
                if t is None:
                    finish(r, m, user)
                    del state[r]
                    continue
                if t[0].lower() == "error":
                    out[r] = smtp_code(t[2])
                    del state[r]
                    continue
                nm, nh, nu = t[0].lower(), t[1], untoken(t[2])
                if nh is not None:
                    nh = untoken(nh)
                if "u" not in mailers.get(nm, "u"):
                    nu = nu.lower()
                if (nm, nh, nu) == (m, host, user):
                    finish(r, m, user)
                    del state[r]
                    continue
                state[r] = [nm, nh, nu, False]
        for r in state:
            out.setdefault(r, (250, "2.1.5 %s... Recipient ok" % bracketed(r)))
        return out

    sender = "<%s>" % spec.get("sender", "")
    rcpts = list(spec.get("rcpts", []))

    def bracketed(r):
        r = r.strip()
        return r if r.startswith("<") and r.endswith(">") else "<%s>" % r

    # Pass 1: the parses (the same for every client), in two sessions at
    # once (a cf whose rulesets recurse to the limit takes seconds each).
    argv = [sendmail, "-bt", "-C", bt_cf] + options
    halves = [rcpts[0::2], rcpts[1::2]]
    sessions = []
    for i, half in enumerate(halves):
        b = Bt(argv)
        if i == 0:
            b.add(".D{addr_type}e s")
            b.add("/tryflags ES")
            b.sender = b.ask("/parse " + sender)
        b.add(".D{addr_type}e r")
        b.add("/tryflags ER")
        b.parses = {r: b.ask("/parse " + bracketed(r)) for r in half}
        sessions.append(b)
    threads = [threading.Thread(target=b.run) for b in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sp = parse_result(sessions[0].get(sessions[0].sender), sender)
    parsed = {}
    for b in sessions:
        for r, n in b.parses.items():
            parsed[r] = parse_result(b.get(n), bracketed(r))

    local = local_users(parsed, argv)

    # Pass 2: per client, the checks.
    bt = Bt(argv)
    checks = {}
    for c in spec.get("clients", []):
        addr = c["addr"]
        name = c.get("name") or "[%s]" % addr
        helo = c.get("helo") or c.get("name") or "client.example"
        for macro, value in [
                ("{client_addr}", addr), ("{client_name}", name),
                ("{client_ptr}", c.get("name") or name),
                ("{client_resolve}", "OK" if c.get("name") else "FAIL"),
                ("{client_port}", "49152"), ("{client_flags}", ""),
                ("{daemon_name}", "MTA"), ("{daemon_flags}", ""),
                ("{daemon_family}", "inet"), ("{daemon_port}", "25"),
                ("_", "%s [%s]" % (c["name"], addr) if c.get("name") else "[%s]" % addr),
                ("s", helo), ("r", "ESMTP")]:
            bt.add(".D%s%s" % (macro, value))
        entry = {}
        if has("check_relay"):
            bt.add(".D{door_p1}" + name)
            bt.add(".D{door_p2}" + addr)
            entry["relay"] = bt.ask("door_relay x")
        if sp[0] == "ok":
            bt.add(".D{mail_mailer}" + sp[1])
            bt.add(".D{mail_host}" + (sp[2] or "localhost"))
            bt.add(".D{mail_addr}" + sp[3])
            if has("check_mail"):
                bt.add(".D{addr_type}e s")
                entry["mail"] = bt.ask("check_mail " + sender)
        entry["rcpt"] = {}
        if has("check_rcpt"):
            for r in rcpts:
                p = parsed[r]
                if p[0] != "ok":
                    continue
                bt.add(".D{rcpt_mailer}" + p[1])
                bt.add(".D{rcpt_host}" + (p[2] or "localhost"))
                bt.add(".D{rcpt_addr}" + p[3])
                bt.add(".D{addr_type}e r")
                entry["rcpt"][r] = bt.ask("check_rcpt " + bracketed(r))
        checks[addr] = entry
    if bt.marks:
        bt.run()

    def local_check(p, discard, r):
        if discard:
            return (250, "2.1.5 %s... Recipient ok" % bracketed(r))
        return local[r]

    def say(addr, r, stage, code, text):
        emit(addr, r, stage, code, text, source="bt", why=why[-300:])

    for c in spec.get("clients", []):
        addr = c["addr"]
        entry = checks[addr]
        discard = False
        if "relay" in entry:
            v = rscheck(bt.get(entry["relay"]))
            if v == "discard":
                discard = True
            elif v is not None:
                for r in rcpts:
                    say(addr, r, "connect", v[0], v[1])
                continue
        if sp[0] != "ok":
            for r in rcpts:
                say(addr, r, "mail", sp[1], sp[2])
            continue
        if "mail" in entry:
            v = rscheck(bt.get(entry["mail"]))
            if v == "discard":
                discard = True
            elif v is not None:
                for r in rcpts:
                    say(addr, r, "mail", v[0], v[1])
                continue
        for r in rcpts:
            p = parsed[r]
            if p[0] != "ok":
                say(addr, r, "rcpt", p[1], p[2])
                continue
            d = discard
            if r in entry["rcpt"]:
                v = rscheck(bt.get(entry["rcpt"][r]))
                if v == "discard":
                    d = True
                elif v is not None:
                    say(addr, r, "rcpt", v[0], v[1])
                    continue
            code, text = local_check(p, d, r)
            say(addr, r, "rcpt", code, text)




def own_queue():
    """The cf's QueueDirectory, with its queue groups' directories made
    (the spool is a private tmpfs): queue group paths must lie under it."""
    text = open(cf, "rb").read().decode("latin-1")
    m = re.search(r"^O\s*QueueDirectory\s*=\s*(\S+)|^OQ(\S+)", text, re.M)
    if not m:
        return None
    queue = m.group(1) or m.group(2)
    dirs = [queue] + re.findall(r"^Q[^\n]*?\bP=([^,\s]+)", text, re.M)
    for d in dirs:
        d = d.rstrip("*")
        if d.startswith("/var/spool/"):
            os.makedirs(d, mode=0o700, exist_ok=True)
    return "QueueDirectory=" + queue


if os.environ.get("ORACLE_FORCE_BT"):
    # For checking the fallback against the daemon on a cf both can run.
    bt_fallback("ORACLE_FORCE_BT set")
    sys.exit(0)
extra = []
daemon, why = start(extra)
while daemon is None:
    more = [o for (said, o) in NEUTRAL if said in why and o not in extra]
    if "not subpath of QueueDirectory" in why:
        q = own_queue()
        if q and q not in extra:
            more.append(q)
    if not more:
        break
    for o in more:
        extra += ["-O", o]
    daemon, why = start(extra)
if daemon is None:
    bt_fallback(why)
    sys.exit(0)


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
