# oracle/master-rewrite.awk -- turns a generated master.cf into the one a
# sandboxed Postfix instance runs (see postfix-sandbox.sh).
#
#   awk -v mode=route|resolve|smtp [-v smtpd_extra='-o a=b ...'] \
#       -f master-rewrite.awk master.cf > new-master.cf
#
# Every mode, for every service kept:
#   * chroot column -> n (there is no jail to populate);
#   * a service whose command is smtp or lmtp becomes discard(8) (its options
#     dropped): it connects nowhere, and reports the nexthop as its reason;
#   * "-o syslog_name=postfix/SERVICE" is appended, so every log line says
#     which master.cf service (= transport name) produced it;
#   * bounce, defer and trace hand their notices (e.g. the report of
#     sendmail -bv) to "sandboxhold", a cleanup service whose header_checks
#     put every message on hold: no notice is ever delivered.
# Added when missing: the postlog service (maillog_file needs postlogd).
#
# Mode route:   all inet services are dropped; nothing listens.
# Mode resolve: as route, plus "127.0.0.1:10027 inet ... trivial-rewrite"
#               carrying the -o options of the rewrite service, so that a
#               client in the sandbox can send many resolver requests over
#               one TCP connection.
# Mode smtp:    one listener, "127.0.0.1:25 inet n - n - - smtpd", carrying
#               the options of the configuration's own smtpd: the inet
#               service named smtp or 25 (any host part) if it runs smtpd; if
#               that one runs postscreen, the pass service running smtpd; if
#               there is none, no options.  smtpd_extra is appended to it.
#               Every other inet service is dropped.

function port_of(name) {
    sub(/.*:/, "", name)
    return name
}

# Splits the logical line in entry[i] into f[1..8] and rest (the options,
# kept as written: "-o { a = b c }" groups survive untouched).
function fields(i,   s, k) {
    s = entry[i]
    rest = ""
    for (k = 1; k <= 8; k++) {
        sub(/^[ \t]+/, "", s)
        if (s == "") { f[k] = ""; continue }
        match(s, /^[^ \t]+/)
        f[k] = substr(s, 1, RLENGTH)
        s = substr(s, RLENGTH + 1)
    }
    sub(/^[ \t]+/, "", s)
    rest = s
}

function emit(name, type, priv, unpriv, wakeup, maxproc, command, opts, logname) {
    printf "%s %s %s %s n %s %s %s\n", name, type, priv, unpriv, wakeup, maxproc, command
    if (opts != "")
        print "  " opts
    print "  -o syslog_name=postfix/" (logname != "" ? logname : name)
    if (name == "bounce" || name == "defer" || name == "trace")
        print "  -o cleanup_service_name=sandboxhold -o internal_mail_filter_classes=bounce,notify"
}

/^[ \t]*#/ || /^[ \t]*$/ { next }
/^[ \t]/ { if (n > 0) entry[n] = entry[n] " " $0; next }
{ entry[++n] = $0 }

END {
    listener = 0; passer = 0; rewriter = 0
    for (i = 1; i <= n; i++) {
        fields(i)
        if (f[2] == "inet" && (port_of(f[1]) == "smtp" || port_of(f[1]) == "25") && !listener)
            listener = i
        if (f[2] == "pass" && f[8] == "smtpd" && !passer)
            passer = i
        if (f[2] == "unix" && f[8] == "trivial-rewrite" && (f[1] == "rewrite" || !rewriter))
            rewriter = i
    }
    smtpd_opts = ""
    if (listener) {
        fields(listener)
        if (f[8] == "smtpd")
            smtpd_opts = rest
        else if (f[8] == "postscreen" && passer) {
            fields(passer)
            smtpd_opts = rest
        }
    }
    have_postlog = 0
    for (i = 1; i <= n; i++) {
        fields(i)
        if (f[2] == "inet")
            continue
        if (f[8] == "postlogd")
            have_postlog = 1
        opts = rest
        if (f[8] == "smtp" || f[8] == "lmtp") {
            f[8] = "discard"
            opts = ""
        }
        emit(f[1], f[2], f[3], f[4], f[6], f[7], f[8], opts)
    }
    if (!have_postlog)
        emit("postlog", "unix-dgram", "n", "-", "-", "1", "postlogd", "")
    if (mode == "resolve") {
        opts = ""
        if (rewriter) { fields(rewriter); opts = rest }
        emit("127.0.0.1:10027", "inet", "n", "-", "-", "1", "trivial-rewrite", opts, "resolver")
    }
    if (mode == "smtp") {
        opts = smtpd_opts
        if (smtpd_extra != "")
            opts = (opts == "" ? "" : opts " ") smtpd_extra
        emit("127.0.0.1:25", "inet", "n", "-", "-", "-", "smtpd", opts, "smtpd-probe")
    }
    print "sandboxhold unix n - n - 0 cleanup"
    print "  -o syslog_name=postfix/sandboxhold -o header_checks=static:HOLD"
    print "  -o virtual_alias_maps= -o canonical_maps= -o recipient_canonical_maps="
    print "  -o sender_canonical_maps= -o always_bcc= -o sender_bcc_maps="
    print "  -o recipient_bcc_maps= -o non_smtpd_milters="
}
