//! Plain-English meanings of sendmail's macros, classes, map classes and
//! mailer fields.
//!
//! Macro and class names are case-sensitive, as in sendmail (`$m` and `$M`
//! are different macros). Long names are given without braces
//! (`client_addr`); braces are accepted and ignored. Where a name has no
//! meaning to sendmail itself but configurations agree on one, the text
//! says "by convention".

const MACROS: &[(&str, &str)] = &[
    ("a", "The date the message was written, from its Date: header (or the arrival time if there is none), in RFC 822 form."),
    ("b", "The current date and time in RFC 822 form."),
    ("c", "The hop count: how many Received: lines the message carries, plus any -h value."),
    ("d", "The current date and time in UNIX ctime form."),
    ("e", "Obsolete (read only below configuration level 7): the text of the SMTP greeting. Now the SmtpGreetingMessage option."),
    ("f", "The envelope sender address as it came in."),
    ("g", "The sender address as rewritten for the mailer the message is being delivered by."),
    ("h", "The recipient host: the `$@` part that ruleset 0 chose."),
    ("i", "The queue id of the message."),
    ("j", "This host's official, fully qualified name, used in the greeting, Received: lines and HELO. Postfix's counterpart is myhostname."),
    ("k", "This host's UUCP node name (from uname)."),
    ("l", "Obsolete (read only below configuration level 7): the format of the UNIX `From ` line. Now the UnixFromLine option."),
    ("m", "This host's domain: its fully qualified name after the first dot. Postfix's counterpart is mydomain."),
    ("n", "The sender name used for bounces and other mail sendmail writes itself (default MAILER-DAEMON)."),
    ("o", "Obsolete (read only below configuration level 7): the characters that split addresses into tokens. Now the OperatorChars option."),
    ("p", "The process id of sendmail."),
    ("q", "The format of a sender address with a full name, such as `$g ($x)` or `$x <$g>`; old configurations build the From: header with it."),
    ("r", "The protocol the message arrived by, such as SMTP or ESMTP."),
    ("s", "The sending host's name as it gave it in HELO or EHLO (or as set with -p)."),
    ("t", "The current time as a number, YYYYMMDDHHmm; used to build unique Message-Ids."),
    ("u", "The recipient user: the `$:` part that ruleset 0 chose."),
    ("v", "The version of the sendmail program."),
    ("w", "This host's name: the part before the first dot from configuration level 5 on, the full name in older configurations."),
    ("x", "The sender's full name."),
    ("y", "The terminal the sender submitted the message from, for local submissions."),
    ("z", "The recipient's home directory."),
    ("_", "Who sent the message, as sendmail checked it: the client's host name and address (with a user name from IDENT if known), marked \"may be forged\" when the name and address disagree."),
    ("A", "By convention in old 4.3BSD configurations, the relay (gateway) host for Internet mail; early 4.2BSD prototypes used it for this host's own Internet name."),
    ("B", "By convention in m4-generated configurations (BITNET_RELAY) and older Berkeley ones, the relay host for .BITNET addresses."),
    ("C", "By convention in m4-generated configurations (DECNET_RELAY), the relay for DECnet addresses; in old 4.3BSD configurations, the CSNET relay host."),
    ("D", "By convention in old 4.x Berkeley configurations, the local domain name."),
    ("F", "By convention in m4-generated configurations (FAX_RELAY), the host that handles .FAX addresses."),
    ("H", "By convention in m4-generated configurations (MAIL_HUB), the mail hub that receives mail for local users. In Postfix this is usually a relay set as local_transport."),
    ("L", "By convention in m4-generated configurations (LUSER_RELAY), where mail for local users that do not exist is sent. Postfix's counterpart is luser_relay."),
    ("M", "By convention in m4-generated configurations (MASQUERADE_AS), the domain outgoing sender addresses are rewritten to. In SunOS 4 configurations instead, the mailer used to reach the main relay host."),
    ("R", "By convention in m4-generated configurations (LOCAL_RELAY), the host that receives mail for local names without a domain; in SunOS 4 configurations, the main relay host for mail to other domains."),
    ("S", "By convention in m4-generated configurations (SMART_HOST), the relay all outgoing mail is sent through; empty when there is none. Postfix's counterpart is relayhost."),
    ("U", "By convention in m4-generated configurations (SITECONFIG with class U), this host's own UUCP name."),
    ("V", "By convention in m4-generated configurations (SITECONFIG with class V), the host through which the UUCP sites of class V are reached; in SunOS 4 configurations, the version of the configuration file."),
    ("W", "By convention in m4-generated configurations (SITECONFIG with class W), the host through which the UUCP sites of class W are reached."),
    ("X", "By convention in m4-generated configurations (SITECONFIG with class X), the host through which the UUCP sites of class X are reached."),
    ("Y", "By convention in m4-generated configurations (UUCP_RELAY), the relay host for UUCP addresses."),
    ("Z", "By convention in m4-generated and 4.3BSD configurations, the version of the configuration, shown after `$v/` in the greeting and in Received: lines."),
    ("addr_type", "Which kind of address is being rewritten: `e` or `h` (envelope or header), a space, then `s` or `r` (sender or recipient)."),
    ("alg_bits", "The largest key length, in bits, of the cipher of the TLS connection."),
    ("auth_authen", "The name the SMTP client logged in as with AUTH (set only after a successful login)."),
    ("auth_author", "The identity the client asked to act for, from the AUTH= parameter of MAIL FROM."),
    ("auth_ssf", "The key length, in bits, of the encryption of the SASL security layer, if any."),
    ("auth_type", "The SMTP AUTH mechanism the client logged in with (set only after a successful login)."),
    ("bodytype", "The body type the client declared: 7BIT or 8BITMIME."),
    ("cert_fp", "The fingerprint of the peer's TLS certificate, made with CertFingerprintAlgorithm (set only when that option is)."),
    ("cert_issuer", "The distinguished name of the authority that signed the peer's TLS certificate."),
    ("cert_md5", "The MD5 fingerprint of the peer's TLS certificate (set when CertFingerprintAlgorithm is not)."),
    ("cert_subject", "The distinguished name in the peer's TLS certificate."),
    ("cipher", "The name of the cipher suite of the TLS connection."),
    ("cipher_bits", "The effective key length, in bits, of the cipher of the TLS connection."),
    ("client_addr", "The IP address of the SMTP client (IPv6 addresses begin with `IPv6:`); set in the SMTP server only."),
    ("client_connections", "How many connections the SMTP client's IP address has open at the moment."),
    ("client_flags", "The modifiers of the ClientPortOptions in use, one per word, upper-case letters doubled."),
    ("client_name", "The host name of the SMTP client, or its address in brackets when the name cannot be found or does not point back to the address."),
    ("client_port", "The source port of the SMTP client's connection."),
    ("client_ptr", "The name the reverse (PTR) lookup of the client's address returned, whether or not it was confirmed."),
    ("client_rate", "How many connections the client's IP address has made within ConnectionRateWindowSize."),
    ("client_resolve", "How the lookup of the client's name went: OK, FAIL (no name), FORGED (name and address do not match) or TEMP (temporary failure)."),
    ("cn_issuer", "The common name of the authority that signed the peer's TLS certificate."),
    ("cn_subject", "The common name in the peer's TLS certificate."),
    ("currHeader", "The value of the header being checked, quoted; set only in header-check rulesets."),
    ("daemon_addr", "The IP address the daemon that took the connection listens on."),
    ("daemon_family", "The address family of the daemon that took the connection, such as inet or inet6."),
    ("daemon_flags", "The modifiers of the daemon that took the connection (DaemonPortOptions M=), one per word, upper-case letters doubled."),
    ("daemon_info", "A short description of the daemon, such as `SMTP+queueing@00:30:00`."),
    ("daemon_name", "The name of the daemon that took the connection (DaemonPortOptions Name=, such as MTA or MSA)."),
    ("daemon_port", "The port the daemon that took the connection listens on."),
    ("deliveryMode", "The delivery mode in use at the moment (starts as the DeliveryMode option)."),
    ("dsn_envid", "The envelope id (ENVID=) the client gave for delivery status notifications."),
    ("dsn_notify", "The NOTIFY= value of the recipient: never, success, failure or delay."),
    ("dsn_ret", "The RET= value of the message: hdrs or full."),
    ("envid", "The envelope id (ENVID=) the message came with."),
    ("hdr_name", "The name of the header being checked; set only in header-check rulesets."),
    ("hdrlen", "The length of the header value in `${currHeader}` before it was cut to fit."),
    ("if_addr", "The local IP address the incoming connection arrived on (unset for loopback)."),
    ("if_addr_out", "The local IP address an outgoing connection leaves from (unset for loopback)."),
    ("if_family", "The address family of the local interface of the incoming connection."),
    ("if_family_out", "The address family of the local interface of an outgoing connection."),
    ("if_name", "The host name of the local interface the incoming connection arrived on; useful for virtual hosting."),
    ("if_name_out", "The name of the local interface an outgoing connection leaves from."),
    ("load_avg", "The current load average."),
    ("mail_addr", "The address part of the mailer triple the MAIL FROM address resolved to; set in the SMTP server only."),
    ("mail_from", "The sender address exactly as given in MAIL FROM (only in builds with the _FFR_MAIL_MACRO option)."),
    ("mail_host", "The host part of the mailer triple the MAIL FROM address resolved to."),
    ("mail_mailer", "The mailer of the triple the MAIL FROM address resolved to."),
    ("msg_id", "The value of the message's Message-Id: header."),
    ("msg_size", "The size of the message: the SIZE= value the client announced, then the real size once it has been received."),
    ("nbadrcpts", "How many recipients of the message were rejected."),
    ("nrcpts", "How many recipients of the message were accepted (one less than expected inside check_rcpt)."),
    ("ntries", "How many delivery attempts the message has had."),
    ("opMode", "The mode sendmail runs in, from its -b flag (for example `d` for daemon, `s` for SMTP on standard input, `t` for address test)."),
    ("quarantine", "Why the message is quarantined, if it is."),
    ("queue", "The queue group and directory of the message during a queue run (only in builds with the _FFR_QUEUE_MACRO option)."),
    ("queue_interval", "The interval between queue runs given with -q, as hh:mm:ss."),
    ("rcpt_addr", "The address part of the mailer triple the RCPT TO address resolved to; set in the SMTP server only."),
    ("rcpt_flags", "Mailer flags to add for the current recipient (only in builds with the _FFR_RCPTFLAGS option); m4 configurations set it for `+detail` prefixes."),
    ("rcpt_host", "The host part of the mailer triple the RCPT TO address resolved to."),
    ("rcpt_mailer", "The mailer of the triple the RCPT TO address resolved to."),
    ("sendmailMTACluster", "The LDAP cluster name sendmail uses to find its own entries in the sendmail LDAP schema; by default an m4 configuration leaves it unset."),
    ("server_addr", "The address of the server of the current outgoing SMTP connection (the mailer's name for LMTP)."),
    ("server_name", "The name of the server of the current outgoing SMTP or LMTP connection."),
    ("sts_sni", "The server name sent in TLS for MTA-STS or DANE checks of an outgoing connection."),
    ("time", "The current time in seconds since 1970 (UTC)."),
    ("tls_version", "The TLS version of the connection, such as TLSv1.2; set once STARTTLS has been used."),
    ("total_rate", "How many connections all clients together have made within ConnectionRateWindowSize."),
    ("verify", "How the check of the peer's TLS certificate went: TRUSTED (by DANE), OK, NO (none presented), NOT (none asked for), FAIL, NONE (no STARTTLS), CLEAR, TEMP, PROTOCOL, CONFIG or SOFTWARE."),
    ("Host", "By convention in m4-generated configurations, the host part kept from a `user+detail@host` recipient while the local part is processed."),
    ("LocalAddrHost", "By convention in m4-generated configurations, the host part of a local address, kept while ruleset localaddr works on the user."),
    ("MTAHost", "By convention in m4-generated submission configurations (FEATURE(msp)), the mail server that all submitted mail is relayed to."),
    ("RecipientAddress", "By convention in m4-generated configurations, the recipient address saved while LDAP routing is looked up."),
    ("TLS_Name", "By convention in m4-generated configurations, the host name whose TLS requirements are being checked."),
    ("saved_verify", "By convention in m4-generated configurations, a copy of `${verify}` kept while the TLS rules run."),
];

const CLASSES: &[(&str, &str)] = &[
    ("w", "Every name of this host: sendmail fills it with the host name, its aliases and addresses (and the names of its network interfaces); configurations add more with Cw and Fw (local-host-names). Mail to these names is local. Postfix's counterpart is mydestination."),
    ("k", "This host's UUCP node name; sendmail puts it there at start-up."),
    ("m", "This host's domain (`$m`); sendmail puts it there at start-up. Old SunOS configurations also listed other accepted local domain names in it."),
    ("t", "The trusted users, who may set the sender address with -f; filled by T lines (and, with FEATURE(use_ct_file), the trusted-users file)."),
    ("e", "Content-Transfer-Encodings sendmail may re-encode (7bit, 8bit, binary); sendmail fills it at start-up."),
    ("n", "MIME types sendmail must never re-encode (multipart/signed); sendmail fills it at start-up."),
    ("s", "Subtypes of message/ that are treated as whole messages when converting (rfc822); sendmail fills it at start-up."),
    ("b", "MIME types treated as binary (image, audio, video, application/octet-stream), in builds with the USE_B_CLASS option."),
    ("checkMIMEFieldHeaders", "MIME headers whose parameters are checked for overlong values; sendmail fills it at start-up."),
    ("checkMIMEHeaders", "MIME headers checked for overflow and balanced quoting; sendmail fills it at start-up."),
    ("checkMIMETextHeaders", "MIME headers whose length is limited by MaxMimeHeaderLength; sendmail fills it at start-up."),
    ("persistentMacros", "Macros saved in the queue file with each message; sendmail fills it at start-up."),
    ("cert_altnames", "The DNS names from the subjectAltName of the peer's TLS certificate, when SetCertAltnames is on."),
    (".", "By convention in m4-generated configurations, a class holding just `.`, so rules can test for a dot with `$~.`."),
    ("[", "By convention in m4-generated configurations, a class holding just `[`, so `$~[` matches a token that is not the start of an address literal."),
    ("B", "By convention in m4-generated configurations (FEATURE(bestmx_is_local) with domains), the domains for which being the best MX host makes mail local."),
    ("E", "By convention in m4-generated configurations (EXPOSED_USER), users whose addresses are not masqueraded. Postfix's counterpart is masquerade_exceptions."),
    ("G", "By convention in m4-generated configurations (GENERICS_DOMAIN), the domains whose sender addresses are looked up in the genericstable."),
    ("L", "By convention in m4-generated configurations (LOCAL_USER), users whose mail is always delivered on this host, even with a mail hub or LUSER_RELAY."),
    ("M", "By convention in m4-generated configurations (MASQUERADE_DOMAIN), the domains whose addresses are masqueraded as `$M`. Postfix's counterpart is masquerade_domains."),
    ("N", "By convention in m4-generated configurations (MASQUERADE_EXCEPTION), hosts or domains that are not masqueraded."),
    ("O", "By convention in m4-generated configurations, the characters that mark routing in a local part (`@`, `%` and `!`)."),
    ("P", "By convention in m4-generated configurations, pseudo-domains that are never looked up in DNS (`.`, UUCP, BITNET, DECNET, FAX, REDIRECT...); in old 4.3BSD configurations, top-level domains."),
    ("R", "By convention in m4-generated configurations (RELAY_DOMAIN, the relay-domains file), hosts and domains that may relay through this host and that it relays to. Postfix splits this into relay_domains and mynetworks. In SunOS 4 configurations, the names of the main relay host."),
    ("U", "By convention in m4-generated configurations (SITECONFIG), UUCP sites connected directly to this host (sent with the uucp-old mailer)."),
    ("V", "By convention in m4-generated configurations (SITECONFIG), UUCP sites reached through the relay `$V`; in SunOS 4 configurations, UUCP sites connected directly to this host."),
    ("W", "By convention in m4-generated configurations (SITECONFIG), UUCP sites reached through the relay `$W`."),
    ("X", "By convention in m4-generated configurations (SITECONFIG), UUCP sites reached through the relay `$X`."),
    ("Y", "By convention in m4-generated configurations, UUCP sites that understand domain addresses (sent with the uucp-new mailer)."),
    ("Z", "By convention in m4-generated configurations, UUCP sites reached with the uucp-uudom mailer."),
    ("T", "By convention in SunOS 4 configurations, the valid top-level domains."),
    ("S", "By convention in SunOS 4 configurations, a preloaded list of known mail hosts (used instead of `$%y`)."),
    ("I", "By convention in old 4.3BSD configurations, the internal pseudo-domains (UUCP, CSNET, BITNET...) that must not be looked up in DNS."),
    ("Accept", "By convention in m4-generated configurations (FEATURE(access_db)), the access-map results that mean \"accept\" (OK and RELAY)."),
    ("Canonify", "By convention in m4-generated configurations (CANONIFY_DOMAIN, with FEATURE(nocanonify)), domains whose host names are still looked up and made canonical."),
    ("LDAPRoute", "By convention in m4-generated configurations (LDAPROUTE_DOMAIN), the domains whose recipients are routed through LDAP (FEATURE(ldap_routing))."),
    ("LDAPRouteEquiv", "By convention in m4-generated configurations (LDAPROUTE_EQUIVALENT), domains treated as equivalent to `$M` for LDAP routing."),
    ("ResOk", "By convention in m4-generated configurations, the marker the resolve map adds when a domain exists in DNS (OKR)."),
    ("SMTPOpModes", "By convention in m4-generated configurations, the operation modes in which mail is being received over SMTP."),
    ("SpamTag", "By convention in m4-generated configurations (FEATURE(delay_checks) with friend/hater), the access-map tags SPAMFRIEND and SPAMHATER."),
    ("Src", "By convention in m4-generated configurations (FEATURE(access_db)), the kinds of access-map lookups the SearchList rules may be asked for: E (exact key), F (full address), D (domain and its parents) and U (user part)."),
    ("Tls", "By convention in m4-generated configurations (FEATURE(access_db)), the access-map words that state a TLS requirement (VERIFY and ENCR)."),
    ("TlsVerified", "By convention in m4-generated configurations, the `${verify}` values that count as a verified TLS peer (OK and TRUSTED)."),
    ("TrustAuthMech", "By convention in m4-generated configurations (TRUST_AUTH_MECH), the SMTP AUTH mechanisms after which a client may relay."),
    ("VirtHost", "By convention in m4-generated configurations (VIRTUSER_DOMAIN), the virtual domains looked up in the virtusertable even though they are not local. Postfix's counterpart is virtual_alias_domains."),
];

const MAP_TYPES: &[(&str, &str)] = &[
    ("arith", "Does arithmetic and comparisons on its arguments (`+ - * / % | &`, less-than, equal, random)."),
    ("arpa", "Turns an IP address into the reversed form used for PTR lookups, without the .arpa suffix."),
    ("bestmx", "Returns the best MX host of a domain (or all of them); used for FEATURE(relay_based_on_MX)."),
    ("btree", "A Berkeley DB B-tree file (`.db`) built with makemap. Postfix has btree: too."),
    ("cdb", "A constant database file built with makemap. Postfix has cdb: too."),
    ("dbm", "An old ndbm file pair (`.dir` and `.pag`). Postfix has dbm: on some systems."),
    ("dequote", "Removes double quotes from its key, if the result is still a well-formed address part."),
    ("dns", "Looks a key up in DNS and returns records of the given type (A, MX, TXT...); used for DNS block lists."),
    ("hash", "A Berkeley DB hash file (`.db`) built with makemap; the usual kind for access, mailertable, virtusertable and similar tables. Postfix's counterpart is hash: (or lmdb:)."),
    ("hesiod", "Looks keys up in Hesiod (a naming service in DNS)."),
    ("host", "Finds the canonical name of a host through DNS or the hosts file; used by `$[ ... $]`."),
    ("implicit", "Tries a hashed database file, then the other file formats, then the internal table; the default kind for alias files."),
    ("ldap", "Looks keys up in an LDAP directory. Postfix has ldap: tables."),
    ("ldapx", "The name of the LDAP map class in sendmail 8.9; renamed ldap in 8.10 and removed later."),
    ("macro", "Sets a macro to its argument (or clears it) and returns nothing; lets rules store values."),
    ("netinfo", "Looks keys up in NeXT/Apple NetInfo."),
    ("nis", "Looks keys up in a NIS (YP) map. Postfix has nis: tables."),
    ("nisplus", "Looks keys up in a NIS+ table."),
    ("nsd", "Looks keys up through IRIX's name service daemon."),
    ("null", "Never finds anything."),
    ("ph", "Looks keys up in a CCSO ph (qi) directory server."),
    ("program", "Runs a program with the key as its last argument and returns the first line it prints. Postfix has no direct counterpart (tcp: or socketmap: tables served by a daemon come closest)."),
    ("regex", "Matches the key against a regular expression and returns the match, parts of it or a fixed text. Postfix has regexp: and pcre: tables."),
    ("sequence", "Tries several other maps in order and returns the first answer."),
    ("socket", "Asks a server over a Unix or TCP socket with the socketmap protocol. Postfix has socketmap: tables."),
    ("stab", "sendmail's internal symbol table; used for aliases when no database is available."),
    ("switch", "Builds a sequence of maps from the service switch for a service (files, nis and so on)."),
    ("syslog", "Logs its key to syslog and returns nothing."),
    ("text", "Reads a plain text file with columns on every lookup. Postfix's closest counterpart is texthash:."),
    ("user", "Looks local users up in the password file (or MailboxDatabase) and returns one field."),
    ("userdb", "Looks names up in sendmail's user database."),
    ("bogus", "An internal class for maps that could not be opened: every lookup fails temporarily."),
    ("dprintf", "A debugging class that logs its key (only in builds with a compile-time option)."),
    ("setdebug", "A debugging class that sets debug levels (only in builds with a compile-time option)."),
    ("setopt", "A debugging class that sets an option (only in builds with a compile-time option)."),
];

const MAILER_FIELDS: &[(u8, &str)] = &[
    (b'P', "The program to run, or [IPC] to speak SMTP or LMTP over the network or a socket, or [FILE] to append to a file."),
    (b'F', "The flag letters that change how the mailer behaves."),
    (b'S', "The rulesets that rewrite sender addresses for this mailer, `envelope/header`."),
    (b'R', "The rulesets that rewrite recipient addresses for this mailer, `envelope/header`."),
    (b'E', "The line ending the mailer expects (for example `\\r\\n` for SMTP)."),
    (b'A', "The command line of the program; it holds `$u` for the recipients unless the mailer speaks SMTP or LMTP."),
    (b'M', "The largest message the mailer takes, in bytes."),
    (b'L', "The longest line the mailer takes."),
    (b'N', "The nice value (lower scheduling priority) the program runs with."),
    (b'D', "The directories, tried in order, that the program is started in (for example `$z:/`)."),
    (b'U', "The user and group the program runs as."),
    (b'T', "The kinds of remote host, address and error code used in delivery status reports (normally dns/rfc822/smtp)."),
    (b'C', "The character set named when 8-bit mail without MIME headers is converted to MIME for this mailer."),
    (b'W', "How long to wait for the program to finish after the message has been handed over."),
    (b'm', "The most messages sent over one connection."),
    (b'r', "The most recipients in one delivery (default 100)."),
    (b'Q', "The queue group this mailer's mail is queued in."),
    (b'/', "The directory the program runs chrooted in."),
];

/// What the macro means, by its name: one character (`j`) or a long name
/// without braces (`client_addr`). Case-sensitive.
pub fn macro_meaning(name: &str) -> Option<&'static str> {
    lookup(MACROS, strip_braces(name))
}

/// What the class holds, by its name: one character (`w`) or a long name
/// without braces (`VirtHost`). Case-sensitive.
pub fn class_meaning(name: &str) -> Option<&'static str> {
    lookup(CLASSES, strip_braces(name))
}

/// What a map class (the second word of a `K` line) does; any case.
pub fn map_type_meaning(class: &str) -> Option<&'static str> {
    MAP_TYPES
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(class))
        .map(|(_, text)| *text)
}

/// What a mailer equate (`P=`, `F=`, `m=`, ...) sets. Only the first
/// character counts, case-sensitively, as in sendmail: `Path` is `P`.
pub fn mailer_field_meaning(field: &str) -> Option<&'static str> {
    let first = *field.as_bytes().first()?;
    MAILER_FIELDS
        .iter()
        .find(|(f, _)| *f == first)
        .map(|(_, text)| *text)
}

fn strip_braces(name: &str) -> &str {
    name.strip_prefix('{')
        .and_then(|n| n.strip_suffix('}'))
        .unwrap_or(name)
}

fn lookup(table: &[(&str, &'static str)], name: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sendmail::map_classes;

    #[test]
    fn every_map_class_has_a_meaning() {
        for class in map_classes::SENDMAIL_8_CLASSES {
            assert!(
                map_type_meaning(class).is_some(),
                "map class {class} missing"
            );
            assert!(map_type_meaning(&class.to_ascii_uppercase()).is_some());
        }
    }

    #[test]
    fn predefined_macros_have_meanings() {
        for name in "abcdefghijklmnopqrstuvwxyz"
            .split("")
            .filter(|s| !s.is_empty())
        {
            assert!(macro_meaning(name).is_some(), "macro {name} missing");
        }
        for name in [
            "_",
            "client_addr",
            "client_name",
            "auth_authen",
            "daemon_name",
        ] {
            assert!(macro_meaning(name).is_some(), "macro {name} missing");
        }
        for name in [
            "if_addr",
            "mail_addr",
            "rcpt_mailer",
            "verify",
            "tls_version",
        ] {
            assert!(macro_meaning(name).is_some(), "macro {name} missing");
        }
        for name in ["R", "S", "M", "H", "C", "D"] {
            assert!(macro_meaning(name)
                .is_some_and(|t| t.contains("by convention") || t.contains("By convention")));
        }
    }

    #[test]
    fn names_are_case_sensitive() {
        assert_ne!(macro_meaning("m"), macro_meaning("M"));
        assert!(macro_meaning("CLIENT_ADDR").is_none());
        assert_ne!(class_meaning("w"), class_meaning("W"));
        assert!(class_meaning("virthost").is_none());
        assert_eq!(class_meaning("{VirtHost}"), class_meaning("VirtHost"));
        assert_eq!(macro_meaning("{j}"), macro_meaning("j"));
    }

    #[test]
    fn classes_the_m4_tree_uses() {
        for name in ["w", "k", "m", "t", "P", "R", "M", "E", "G", "O", "VirtHost"] {
            assert!(class_meaning(name).is_some(), "class {name} missing");
        }
        for name in ["LDAPRoute", "Accept", "ResOk", "Src", "Tls", "TlsVerified"] {
            assert!(class_meaning(name).is_some(), "class {name} missing");
        }
    }

    #[test]
    fn mailer_fields() {
        for field in [
            "P", "F", "S", "R", "E", "A", "M", "L", "N", "D", "U", "T", "C", "W",
        ] {
            assert!(
                mailer_field_meaning(field).is_some(),
                "field {field} missing"
            );
        }
        for field in ["m", "r", "Q", "/"] {
            assert!(
                mailer_field_meaning(field).is_some(),
                "field {field} missing"
            );
        }
        assert_eq!(mailer_field_meaning("Path"), mailer_field_meaning("P"));
        assert!(mailer_field_meaning("p").is_none());
        assert!(mailer_field_meaning("").is_none());
    }

    #[test]
    fn no_empty_text_and_no_duplicates() {
        for table in [MACROS, CLASSES, MAP_TYPES] {
            let mut seen = std::collections::BTreeSet::new();
            for (name, text) in table {
                assert!(!text.trim().is_empty(), "{name}");
                assert!(seen.insert(*name), "{name} twice");
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for (field, text) in MAILER_FIELDS {
            assert!(!text.trim().is_empty(), "{}", *field as char);
            assert!(seen.insert(*field), "{} twice", *field as char);
        }
    }
}
