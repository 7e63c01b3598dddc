//! Map classes (the second word of a `K` line).

/// Classes a sendmail 8.17 build may provide (the Debian build has all of
/// these except `dbm`, `cdb`, `hesiod`, `netinfo`, `nsd` and `ph`).
pub const SENDMAIL_8_CLASSES: &[&str] = &[
    "arith", "arpa", "bestmx", "btree", "cdb", "dbm", "dequote", "dns", "hash", "hesiod", "host",
    "implicit", "ldap", "ldapx", "macro", "netinfo", "nis", "nisplus", "nsd", "null", "ph",
    "program", "regex", "sequence", "socket", "stab", "switch", "syslog", "text", "user", "userdb",
];

/// Classes that the sendmail 8.17 oracle build (Debian 12) does not have.
pub const NOT_IN_ORACLE_BUILD: &[&str] = &["cdb", "dbm", "hesiod", "netinfo", "nsd", "ph"];

pub fn is_known(class: &[u8]) -> bool {
    SENDMAIL_8_CLASSES
        .iter()
        .any(|c| c.as_bytes().eq_ignore_ascii_case(class))
}
