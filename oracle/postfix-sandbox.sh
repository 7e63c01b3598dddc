# oracle/postfix-sandbox.sh -- shared by postfix-route and postfix-smtp-probe
# (sourced, not run).  Everything needed to run a private, throw-away
# Postfix 3.7 instance built from a generated configuration directory.
#
# The sandbox, in the order a script uses it:
#
#   sandbox_enter SCRIPT ARGS...
#       First call (outside): makes a temp work dir, then runs SCRIPT again
#       under `timeout -s KILL $SANDBOX_TIMEOUT` and
#       `unshare --pid --fork --kill-child --mount --net --uts`, and removes
#       the work dir when that returns (SANDBOX_KEEP=1 keeps it).  It never
#       returns: it exits with the inner run's status (137 = killed by the
#       timeout, reported on stderr).  Second call (inside): returns at once
#       with $WORK set.
#       Inside, SCRIPT is PID 1 of its own PID namespace: when it exits, or
#       when the timeout kills unshare, the kernel kills every process left in
#       the namespace (master, its daemons, anything they forked).  The
#       network namespace holds only `lo`, so no packet can leave, and
#       nothing listening in it is reachable from outside.  Mounts and the
#       host name are private as well.
#   sandbox_network MAIN_CF      lo up; IP literals of inet_interfaces are
#                                added to lo (otherwise every Postfix tool
#                                dies: "no local interface found for ...")
#   sandbox_config DIR AWK_MODE  copies DIR to $WORK/etc (root-owned, not
#                                group/world writable, dated 10 s back),
#                                adds Debian's meta files, rewrites master.cf
#                                with master-rewrite.awk (mode route,
#                                resolve or smtp), bind-mounts the copy on
#                                /etc/postfix, sets the host name; in smtp
#                                mode $SANDBOX_SMTPD_EXTRA (-o options) is
#                                appended to the 127.0.0.1:25 listener
#   sandbox_compile_maps         builds the indexed maps that main.cf and
#                                master.cf name under /etc/postfix
#   sandbox_instance [nolog]     private queue/data dirs, log file
#                                $WORK/maillog through postlogd (unless
#                                nolog), no non_smtpd_milters
#   sandbox_start / sandbox_stop postfix start, quietly / SIGTERM to master
#   sandbox_log_problems PREFIX  warning/fatal/error/panic lines of the
#                                instance's log to stderr, prefixed
#
# Environment: PF_HOSTNAME (default oracle.example.com) is the host name the
# instance sees; SANDBOX_TIMEOUT and SANDBOX_KEEP are set by the scripts from
# their own variables.  Needs root, util-linux unshare, iproute2, timeout.

SANDBOX_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

sandbox_enter() {
    local script=$1; shift
    if [ -n "${SANDBOX_WORK:-}" ]; then
        WORK=$SANDBOX_WORK
        return 0
    fi
    local work rc name
    name=$(basename "$script")
    work=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || exit 3
    # master opens data_directory/master.lock as the postfix user: the path
    # must be searchable by it (mktemp makes 0700 directories).
    chmod 755 "$work"
    # The script's stderr goes to fd 3; bash's own stderr is /dev/null here,
    # so that its "Killed" job notice (timeout kills itself with SIGKILL
    # after killing unshare) is not printed.
    {
        SANDBOX_WORK=$work timeout -s KILL "${SANDBOX_TIMEOUT:-30}" \
            unshare --pid --fork --kill-child --mount --net --uts -- \
            bash "$script" "$@" 2>&3
        rc=$?
    } 3>&2 2>/dev/null
    if [ "$rc" -eq 137 ]; then
        echo "$name: killed after ${SANDBOX_TIMEOUT:-30} s (timeout)" >&2
    fi
    if [ "${SANDBOX_KEEP:-0}" = 1 ]; then
        echo "$name: work directory kept: $work" >&2
    else
        rm -rf -- "$work"
    fi
    exit "$rc"
}

sandbox_network() {
    local main_cf=$1 value addr
    ip link set lo up || return 1
    value=$(sed -n 's/^[[:space:]]*inet_interfaces[[:space:]]*=//p' "$main_cf" | tail -n 1)
    for addr in ${value//,/ }; do
        addr=${addr#[}; addr=${addr%]}
        case $addr in
            *[0-9].*[0-9] | *:*:*) ip addr add "$addr" dev lo 2>/dev/null ;;
        esac
    done
    return 0
}

# Files of Debian's meta_directory (/etc/postfix) that Postfix programs read
# besides main.cf/master.cf; hidden by the bind mount, so copied in.
SANDBOX_META_FILES="postfix-files postfix-files.d dynamicmaps.cf dynamicmaps.cf.d
postfix-script post-install makedefs.out"

sandbox_config() {
    local dir=$1 mode=$2 etc=$WORK/etc f
    mkdir "$etc" || return 1
    cp -R -- "$dir/." "$etc/" || return 1
    for f in $SANDBOX_META_FILES; do
        if [ ! -e "$etc/$f" ] && [ -e "/etc/postfix/$f" ]; then
            cp -a "/etc/postfix/$f" "$etc/"
        fi
    done
    if [ ! -f "$etc/master.cf" ]; then
        cp /usr/share/postfix/master.cf.dist "$etc/master.cf" || return 1
    fi
    # DIR's own maillog_file would make every command stall (no postlogd
    # yet) and log outside the sandbox; sandbox_instance sets ours.
    if grep -q '^[[:space:]]*maillog_file[[:space:]]*=' "$etc/main.cf"; then
        postconf -c "$etc" -e "maillog_file =" 2>/dev/null
    fi
    awk -v mode="$mode" -v smtpd_extra="${SANDBOX_SMTPD_EXTRA:-}" \
        -f "$SANDBOX_LIB_DIR/master-rewrite.awk" \
        "$etc/master.cf" > "$WORK/master.cf.new" || return 1
    mv "$WORK/master.cf.new" "$etc/master.cf"
    chown -R root:root "$etc"
    chmod -R go-w "$etc"
    # Every Postfix program naps (~1.5 s) while main.cf is less than 1 s old.
    find "$etc" -exec touch -h -d '10 seconds ago' {} +
    mount --bind "$etc" /etc/postfix || return 1
    hostname "${PF_HOSTNAME:-oracle.example.com}"
    # A configuration postconf rejects (e.g. master.cf "bad field count")
    # would only show later as "postfix start failed": say why now.
    if ! postconf -n >/dev/null 2>"$WORK/postconf.err"; then
        sed 's/^/sandbox: /' "$WORK/postconf.err" >&2
        return 1
    fi
}

# Prints "type path" for every map of a file-backed type that main.cf or
# master.cf names (values expanded, so $config_directory/x -> /etc/postfix/x).
sandbox_map_refs() {
    { postconf -nxh; postconf -Pxh; } 2>/dev/null |
        grep -oE '(hash|btree|cdb|lmdb|dbm|sdbm):/[^[:space:],{}]+' |
        sort -u | sed 's/:/ /'
}

sandbox_compile_maps() {
    local aliases type path tool
    aliases=" $(postconf -xh alias_maps alias_database 2>/dev/null | tr ',\n' '  ') "
    while read -r type path; do
        case $path in /etc/postfix/*) ;; *) continue ;; esac
        [ -f "$path" ] || continue
        tool=postmap
        case $aliases in *" $type:$path "*) tool=postalias ;; esac
        "$tool" "$type:$path" || echo "sandbox: $tool $type:$path failed" >&2
    done < <(sandbox_map_refs)
}

# sandbox_instance [nolog]: "nolog" empties maillog_file instead (for
# programs run without master: with maillog_file set and no postlogd
# running, every Postfix command stalls ~1.5 s trying to log).
sandbox_instance() {
    mkdir "$WORK/queue" "$WORK/data" || return 1
    chown postfix "$WORK/data"
    postconf -e "queue_directory = $WORK/queue" "data_directory = $WORK/data" \
        "non_smtpd_milters =" 2>/dev/null
    if [ "${1:-}" != nolog ]; then
        postconf -e "maillog_file = $WORK/maillog" "maillog_file_prefixes = $WORK" 2>/dev/null
    else
        postconf -e "maillog_file =" 2>/dev/null
    fi
    touch -d '10 seconds ago' /etc/postfix/main.cf
}

sandbox_start() {
    postfix start >"$WORK/start.log" 2>&1 && return 0
    sed 's/^/sandbox: /' "$WORK/start.log" >&2
    return 1
}

# Not "postfix stop": postfix-script polls for master's exit with `sleep 1`,
# which often costs a whole second.  master kills its children on SIGTERM;
# whatever is left dies with the PID namespace anyway.
sandbox_stop() {
    local pid _
    pid=$(sed -n '1s/[^0-9]//gp' "$WORK/queue/pid/master.pid" 2>/dev/null)
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.02
    done
}

sandbox_log_problems() {
    local prefix=$1
    [ -f "$WORK/maillog" ] || return 0
    grep -E ' (warning|fatal|error|panic): ' "$WORK/maillog" | sed "s|^|$prefix: log: |" >&2
}
