#!/usr/bin/env bash
# Throughput and memory of `cf2postfix verify` on sendmail maillogs of
# 10,000 and 1,000,000 recipients (routing and the SMTP door: each address
# for two clients, an outside one and loopback), and the real sendmail on
# the same addresses: -bt (`/parse ADDRESS`, as verify does for routing)
# and its SMTP daemon (RCPT TO for 10,000 of them, as verify's door does).
# Usage: bash benches/verify.sh [N_SENDMAIL]   (default 100000 for sendmail)
# Needs: the m4 tree and sendmail from oracle/install.sh, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/cf2postfix
work=target/bench-verify
rm -rf "$work"; mkdir -p "$work"
oracle/mc2cf examples/m4-site/site.mc > "$work/site.cf"
"$bin" migrate "$work/site.cf" --etc-mail examples/m4-site/etc-mail --hostname oracle.example.com -o "$work/postfix" > /dev/null

# A maillog: one delivery line per recipient, over a mix of local,
# virtual, routed, relayed and outside addresses.
maillog() {
    awk -v n="$1" 'BEGIN {
        split("example.org mail.example.org branch.example.org legacy.example.org x.legacy.example.org old.example.com lists.example.org example.net example.com oracle.example.com", d, " ")
        for (i = 0; i < n; i++)
            printf "Nov 24 10:%02d:%02d mail sendmail[%d]: q%07d: to=<user%d@%s>, delay=00:00:01, mailer=esmtp, pri=120, stat=Sent\n", (i / 60) % 60, i % 60, 1000 + i % 30000, i, i % 5000, d[i % 10 + 1]
    }'
}
maillog 10000 > "$work/maillog-10k"
maillog 1000000 > "$work/maillog-1m"
run() {
    /usr/bin/time -f '%e %M' -o "$work/time" "$bin" verify "$work/site.cf" "$work/postfix" \
        --etc-mail examples/m4-site/etc-mail --hostname oracle.example.com --maillog "$1" > "$work/out" || true
    read -r secs kb < <(tail -1 "$work/time")
    total=$(grep '^| all |' "$work/out" | awk -F'|' '{gsub(/ /, "", $3); print $3}')
    pairs=$(grep '^| RCPT |' "$work/out" | awk -F'|' '{gsub(/ /, "", $3); print $3}')
    echo "| $2 | $total | $pairs | ${secs} s | $(awk -v t="$total" -v s="$secs" 'BEGIN { printf "%.0f", t / s * 60 }') | $((kb / 1024)) MiB |"
}
echo "| input | addresses | door (address, client) pairs | time | addresses per minute | peak memory |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
run "$work/maillog-10k" "maillog, 10 thousand recipients"
run "$work/maillog-1m" "maillog, 1 million recipients"

n=${1:-100000}
sed -n "1,${n}s/.* to=<\([^>]*\)>.*/\/parse \1/p" "$work/maillog-1m" > "$work/bt-input"
start=$(date +%s.%N)
SM_ETC_MAIL= ORACLE_ETC_MAIL=examples/m4-site/etc-mail oracle/sendmail-bt "$work/site.cf" < "$work/bt-input" > "$work/bt-output" || true   # -bt exits non-zero after a failed address
end=$(date +%s.%N)
awk -v n="$n" -v s="$start" -v e="$end" 'BEGIN { printf "| real sendmail -bt, /parse | %d | | %.1f s | %.0f | |\n", n, e - s, n / (e - s) * 60 }'

# The real sendmail daemon's door: RCPT TO for 10,000 of the addresses
# from the outside client (one transaction each, as verify's door asks).
m=10000
sed -n "1,${m}s/.* to=<\([^>]*\)>.*/\1/p" "$work/maillog-1m" |
    python3 -c 'import json, sys; print(json.dumps({"clients": [{"addr": "203.0.113.9"}], "sender": "sender@oracle.example.com", "rcpts": [l.strip() for l in sys.stdin]}))' > "$work/spec.json"
start=$(date +%s.%N)
ORACLE_ETC_MAIL=examples/m4-site/etc-mail oracle/sendmail-smtp "$work/site.cf" < "$work/spec.json" > "$work/smtp-output" || true
end=$(date +%s.%N)
awk -v n="$m" -v s="$start" -v e="$end" 'BEGIN { printf "| real sendmail daemon, RCPT from one client | %d | %d | %.1f s | %.0f | |\n", n, n, e - s, n / (e - s) * 60 }'
