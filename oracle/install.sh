#!/bin/sh
# oracle/install.sh -- install the reference programs cf2postfix's
# differential tests compare against: sendmail 8.17 and Postfix 3.7 (Debian 12).
#
# Postfix, m4 and the sendmail m4 tree (sendmail-cf) install normally.
# sendmail-bin conflicts with postfix (both provide mail-transport-agent),
# so its package and sendmail-base's are downloaded and unpacked into
# $CF2POSTFIX_ORACLE_DIR (default /opt/cf2postfix-oracle) without being
# installed; only the libraries it links against are installed.
# Needs root. Idempotent. Starts no daemon, opens no port.
set -eu
export DEBIAN_FRONTEND=noninteractive
DIR=${CF2POSTFIX_ORACLE_DIR:-/opt/cf2postfix-oracle}

if [ "$(id -u)" != 0 ]; then
    echo "oracle/install.sh: run me as root" >&2
    exit 1
fi

# Refuse daemon starts from package scripts while we install.
made_policy=no
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=yes
fi
trap '[ "$made_policy" = no ] || rm -f /usr/sbin/policy-rc.d' EXIT INT TERM

apt-get update -qq
echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
echo "postfix postfix/mailname string localhost.localdomain" | debconf-set-selections
apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    postfix postfix-pcre postfix-lmdb postfix-cdb m4 sendmail-cf iproute2 util-linux \
    procps libdb5.3 libldap-2.5-0 liblockfile1 libnsl2 libsasl2-2 libssl3 libwrap0 \
    >/dev/null
postconf -e inet_interfaces=loopback-only
postfix stop >/dev/null 2>&1 || true

version=$(dpkg-query -W -f '${Version}' sendmail-cf)
if [ "$(cat "$DIR/VERSION" 2>/dev/null || true)" != "$version" ] ||
   [ ! -x "$DIR/root/usr/libexec/sendmail/sendmail" ]; then
    rm -rf "$DIR"
    mkdir -p "$DIR/debs" "$DIR/root"
    (cd "$DIR/debs" && apt-get download -qq "sendmail-bin=$version" "sendmail-base=$version")
    for deb in "$DIR"/debs/*.deb; do dpkg -x "$deb" "$DIR/root"; done
    echo "$version" > "$DIR/VERSION"
fi
mkdir -p "$DIR/etc"
# Host lookups from files only: no resolver traffic from $[ $] or /canon.
printf 'hosts\tfiles\npasswd\tfiles\naliases\tfiles\n' > "$DIR/etc/service.switch"
# Debian's own sendmail.mc includes these two by absolute path.
mkdir -p /etc/mail/m4
for stub in dialup provider; do
    [ -e "/etc/mail/m4/$stub.m4" ] || : > "/etc/mail/m4/$stub.m4"
done

here=$(cd "$(dirname "$0")" && pwd)
sm_version=$(printf '' | "$here/sendmail-bt" /dev/null -d0.1 2>&1 | sed -n 's/^Version //p' | head -n 1)
if [ -z "$sm_version" ]; then
    echo "oracle/install.sh: the unpacked sendmail does not run" >&2
    exit 1
fi
echo "sendmail $sm_version in $DIR/root"
echo "postfix $(postconf -dh mail_version)"
