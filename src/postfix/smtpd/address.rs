//! What smtpd makes of the address in `MAIL FROM:<...>` / `RCPT TO:<...>`
//! before any restriction (`extract_addr`, `smtpd_check_addr`): the
//! brackets and a source route go, quotes are taken off (the internal
//! form the replies quote), and an address the resolver calls malformed,
//! or whose domain is not ASCII while the client did not ask for
//! SMTPUTF8, is a syntax error.

/// The internal form of an envelope address as the client gave it.
pub fn internal(text: &str) -> String {
    let text = text.trim();
    let text = text
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(text);
    let text = match text.strip_prefix('@').and_then(|t| t.split_once(':')) {
        Some((_, rest)) => rest,
        None => text,
    };
    // Quoted strings lose their quotes (and backslashes inside them).
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if quoted => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Postfix `valid_hostname`: labels of letters, digits, `-` and `_`, no
/// label empty, longer than 63 or starting or ending with `-`, at most
/// 255 bytes, not all digits.
pub fn valid_hostname(name: &str, utf8: bool) -> bool {
    if name.is_empty() || name.len() > 255 {
        return false;
    }
    if !name.is_ascii() {
        // An internationalized name is checked in its A-label form; a
        // label of letters is taken as valid.
        return utf8
            && name.split('.').all(|l| {
                !l.is_empty() && !l.starts_with('-') && !l.ends_with('-') && !l.contains(['@', ' '])
            });
    }
    let mut non_numeric = false;
    for label in name.split('.') {
        if label.is_empty() || label.len() > 63 || label.starts_with('-') || label.ends_with('-') {
            return false;
        }
        for b in label.bytes() {
            if !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
                return false;
            }
            if !b.is_ascii_digit() {
                non_numeric = true;
            }
        }
    }
    non_numeric
}

/// `[1.2.3.4]` or `[IPv6:...]` (Postfix `valid_mailhost_literal`).
pub fn valid_literal(domain: &str) -> bool {
    let Some(inner) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) else {
        return false;
    };
    if let Some(v6) = inner
        .get(..5)
        .filter(|p| p.eq_ignore_ascii_case("ipv6:"))
        .map(|_| &inner[5..])
    {
        return v6.parse::<std::net::Ipv6Addr>().is_ok();
    }
    valid_ipv4(inner)
}

/// A dotted quad, each part a decimal number up to 255.
pub fn valid_ipv4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// A naked IPv4 or IPv6 address (Postfix `valid_hostaddr`).
pub fn valid_hostaddr(text: &str) -> bool {
    valid_ipv4(text) || (text.contains(':') && text.parse::<std::net::Ipv6Addr>().is_ok())
}

/// A trailing dot (but not two) taken off (`dup_if_truncate`).
pub fn without_dot(name: &str) -> &str {
    if name.len() > 1 && name.ends_with('.') && !name.ends_with("..") {
        &name[..name.len() - 1]
    } else {
        name
    }
}

/// Is the resolved recipient malformed (`RESOLVE_FLAG_ERROR`): its domain
/// neither a valid host name nor a valid address literal?
pub fn malformed(resolved: &str, utf8: bool) -> bool {
    let Some((_, domain)) = resolved.rsplit_once('@') else {
        return false;
    };
    if domain.starts_with('[') {
        return !valid_literal(domain);
    }
    !valid_hostname(domain, utf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(internal("<@a,@b:u@x>"), "u@x");
        assert_eq!(internal("<\"a b\"@x>"), "a b@x");
        assert!(valid_hostname("a-b.example", false));
        assert!(!valid_hostname("1.2.3.4", false));
        assert!(!valid_hostname("-a.example", false));
        assert!(!valid_hostname("a..b", false));
        assert!(valid_literal("[127.0.0.1]"));
        assert!(valid_literal("[IPv6:::1]"));
        assert!(!valid_literal("[1.2.3]"));
        assert_eq!(without_dot("a.b."), "a.b");
        assert_eq!(without_dot("a.b.."), "a.b..");
    }
}
