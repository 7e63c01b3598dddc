//! The search orders Postfix applies on top of single lookups.
//!
//! - [`address_lookup`]: `mail_addr_find` as used for canonical(5),
//!   virtual(5) and generic(5) (`user+ext@domain`, `user@domain`, then
//!   `user+ext` and `user` when the domain is local, then `@domain`), with
//!   the unmatched extension and whether it propagates.
//! - [`transport_lookup`]: transport(5) (`user+ext@domain`, `user@domain`,
//!   the domain, its parents, then `*`).
//! - [`access_address_lookup`], [`access_domain_lookup`],
//!   [`access_client_lookup`]: what smtpd does for `check_sender_access`,
//!   `check_recipient_access`, `check_helo_access` and
//!   `check_client_access`.
//!
//! Keys are "full" or "partial": pattern tables (`regexp`, `pcre`, `cidr`)
//! only ever see full keys (the whole address, the client name or address
//! as given); see [`super::TableList::find`].
//!
//! Addresses are taken in internal (unquoted) form; queries use the
//! external form (`quote_822_local`: a local part that is not an RFC 822
//! dot-atom is quoted), and the legacy users (transport, access) then the
//! internal form when it differs.

use super::cidr::{parse_ipv4, parse_ipv6};
use super::{Lookup, TableList};

const FULL: bool = false;
const PARTIAL: bool = true;

/// Which Postfix feature an address lookup is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressMode {
    /// canonical_maps, sender_/recipient_canonical_maps (cleanup).
    Canonical,
    /// virtual_alias_maps (cleanup).
    Virtual,
    /// smtp_generic_maps (smtp).
    Generic,
    /// Other `mail_addr_find` users with the same order (relocated_maps,
    /// virtual_mailbox_maps, ...): legacy query forms, never propagates.
    Plain,
}

impl AddressMode {
    /// The name used in `propagate_unmatched_extensions`.
    pub fn name(self) -> &'static str {
        match self {
            AddressMode::Canonical => "canonical",
            AddressMode::Virtual => "virtual",
            AddressMode::Generic => "generic",
            AddressMode::Plain => "",
        }
    }

    /// Whether `propagate_unmatched_extensions` (its value) names this
    /// mode (Postfix's default is `canonical, virtual`).
    pub fn propagates(self, setting: &str) -> bool {
        let name = self.name();
        !name.is_empty()
            && setting
                .split(|c: char| c == ',' || c.is_ascii_whitespace())
                .any(|w| w.eq_ignore_ascii_case(name))
    }
}

/// The settings an address lookup depends on.
pub struct AddressOptions<'a> {
    /// `recipient_delimiter`: a set of delimiter characters ("" for none).
    pub delimiter: &'a str,
    /// Is the domain `$myorigin`, in `$mydestination`, or an address of
    /// `$inet_interfaces`/`$proxy_interfaces`? (the local-part forms are
    /// tried only then).
    pub local_domain: &'a dyn Fn(&str) -> bool,
    /// `propagate_unmatched_extensions`.
    pub propagate_unmatched_extensions: &'a str,
    /// `owner_request_special` (default yes).
    pub owner_request_special: bool,
    /// `double_bounce_sender` (default `double-bounce`).
    pub double_bounce_sender: &'a str,
}

impl<'a> AddressOptions<'a> {
    /// Postfix's defaults, with the given delimiter and local test.
    pub fn new(delimiter: &'a str, local_domain: &'a dyn Fn(&str) -> bool) -> Self {
        AddressOptions {
            delimiter,
            local_domain,
            propagate_unmatched_extensions: "canonical, virtual",
            owner_request_special: true,
            double_bounce_sender: "double-bounce",
        }
    }
}

/// The outcome of an address search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressMatch {
    /// The table value as found (or the failure, or not found).
    pub result: Lookup,
    /// The key that found it (or whose lookup failed).
    pub key: Option<String>,
    /// Index of the table in the list.
    pub table: Option<usize>,
    /// The extension (with its delimiter) cut off to find the match, when
    /// the match was on a form without it.
    pub extension: Option<String>,
    /// Whether that extension must be appended to the result's local
    /// part(s) (the mode is in `propagate_unmatched_extensions`).
    pub propagate_extension: bool,
}

impl AddressMatch {
    fn none() -> Self {
        AddressMatch {
            result: Lookup::NotFound,
            key: None,
            table: None,
            extension: None,
            propagate_extension: false,
        }
    }

    /// What the address becomes, as `mail_addr_map` makes it: a result
    /// `@otherdomain` keeps the user (without the unmatched extension);
    /// the result is split at commas into addresses and, when it
    /// propagates, the extension is put back before each `@`. `None` when
    /// nothing was found. (Postfix also canonicalizes each result
    /// address, for example appending `@$myorigin`; that is not done
    /// here.)
    pub fn rewritten(&self, address: &str) -> Option<Vec<String>> {
        let value = self.result.found()?;
        let value = if value.starts_with('@') {
            let mut user = match address.rfind('@') {
                Some(at) => address[..at].to_string(),
                None => address.to_string(),
            };
            if let Some(ext) = &self.extension {
                let keep = user.len().saturating_sub(ext.len());
                if user.is_char_boundary(keep) {
                    user.truncate(keep);
                }
            }
            format!("{}{value}", quote_822_local(&user, true))
        } else {
            value.to_string()
        };
        let extension = if self.propagate_extension {
            self.extension.as_deref()
        } else {
            None
        };
        Some(
            split_addresses(&value)
                .into_iter()
                .map(|a| match extension {
                    Some(ext) => apply_extension(&a, ext),
                    None => a,
                })
                .collect(),
        )
    }
}

/// Splits a result list at commas outside quotes, trimmed, empty items
/// dropped.
fn split_addresses(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    let mut escaped = false;
    for c in value.chars() {
        if escaped {
            escaped = false;
            current.push(c);
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                current.push(c);
            }
            '"' => {
                in_quotes = !in_quotes;
                current.push(c);
            }
            ',' if !in_quotes => {
                out.push(std::mem::take(&mut current));
            }
            _ => current.push(c),
        }
    }
    out.push(current);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Puts `extension` back into `address`: before the last `@`, or at the
/// end when there is none (`mail_addr_crunch`).
pub fn apply_extension(address: &str, extension: &str) -> String {
    match address.rfind('@') {
        Some(at) => format!("{}{extension}{}", &address[..at], &address[at..]),
        None => format!("{address}{extension}"),
    }
}

/// Is `local` (no `@`) an RFC 822 dot-atom (`is_822_dot_string`, with
/// 8-bit bytes allowed)?
fn is_dot_string(local: &str) -> bool {
    let b = local.as_bytes();
    if b.is_empty() || b[0] == b'.' || b[b.len() - 1] == b'.' {
        return false;
    }
    for (i, &c) in b.iter().enumerate() {
        if c == b'.' && b.get(i + 1) == Some(&b'.') {
            return false;
        }
        if c == b' ' || (c < 0x20 || c == 0x7F) {
            return false;
        }
        if matches!(
            c,
            b'(' | b')' | b'<' | b'>' | b'@' | b',' | b';' | b':' | b'\\' | b'"' | b'[' | b']'
        ) {
            return false;
        }
    }
    true
}

/// Postfix `quote_822_local`: the external (quoted) form of an address
/// (or of a bare local part when `bare`).
pub fn quote_822_local(address: &str, bare: bool) -> String {
    let (prefix, rest) = if address.starts_with('@') {
        match address.find(':') {
            Some(colon) => address.split_at(colon + 1),
            None => ("", address),
        }
    } else {
        ("", address)
    };
    let end = if bare {
        rest.len()
    } else {
        rest.rfind('@').unwrap_or(rest.len())
    };
    let (local, tail) = rest.split_at(end);
    if is_dot_string(local) {
        return address.to_string();
    }
    let mut out = String::with_capacity(address.len() + 2);
    out.push_str(prefix);
    out.push('"');
    for c in local.chars() {
        if c == '"' || c == '\\' || c == '\r' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out.push_str(tail);
    out
}

/// Settings of address splitting.
struct Splitting<'a> {
    delimiter: &'a str,
    owner_request_special: bool,
    double_bounce_sender: &'a str,
}

impl<'a> Splitting<'a> {
    /// Postfix's defaults: `owner_request_special = yes`,
    /// `double_bounce_sender = double-bounce`.
    fn defaults(delimiter: &'a str) -> Self {
        Splitting {
            delimiter,
            owner_request_special: true,
            double_bounce_sender: "double-bounce",
        }
    }
}

/// Postfix `strip_addr_internal`: the address without its extension, and
/// the extension (with its delimiter).
fn strip_extension(full: &str, s: &Splitting) -> Option<(String, String)> {
    if s.delimiter.is_empty() || !full.chars().any(|c| s.delimiter.contains(c)) {
        return None;
    }
    let (local, domain) = match full.rfind('@') {
        Some(at) => full.split_at(at),
        None => (full, ""),
    };
    let lower = local.to_ascii_lowercase();
    if lower == "postmaster"
        || lower == "mailer-daemon"
        || lower == s.double_bounce_sender.to_lowercase()
    {
        return None;
    }
    if s.delimiter.contains('-') && s.owner_request_special {
        if lower.starts_with("owner-") {
            return None;
        }
        if local.len() > 8 && lower.ends_with("-request") {
            return None;
        }
    }
    let cut = local.find(|c: char| s.delimiter.contains(c))?;
    if cut == 0 {
        return None;
    }
    let extension = local[cut..].to_string();
    Some((format!("{}{domain}", &local[..cut]), extension))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum QueryForm {
    External,
    ExternalFirst,
}

/// One search outcome: answer, key, table.
type Hit = (Lookup, Option<String>, Option<usize>);

fn hit(list: &TableList, key: &str, partial: bool) -> Hit {
    let (result, table) = list.find(key, partial);
    (result, Some(key.to_string()), table)
}

fn done(h: &Hit) -> bool {
    !matches!(h.0, Lookup::NotFound)
}

/// Postfix `find_addr`.
fn find_addr(
    list: &TableList,
    address: &str,
    partial: bool,
    with_domain: bool,
    form: QueryForm,
) -> Hit {
    let external = quote_822_local(address, !with_domain);
    let h = hit(list, &external, partial);
    if done(&h) || form != QueryForm::ExternalFirst || external == address {
        return h;
    }
    hit(list, address, partial)
}

#[derive(Clone, Copy, Default)]
struct Strategy {
    full: bool,
    noext: bool,
    localpart_if_local: bool,
    at_domain: bool,
    domain: bool,
    /// With `domain`: `parent` matches subdomains (else `.parent`).
    parent_matches_subdomains: bool,
    localpart_at: bool,
}

/// Postfix `mail_addr_find_opt`, returning the key and extension too.
fn mail_addr_find(
    list: &TableList,
    address: &str,
    strategy: Strategy,
    form: QueryForm,
    splitting: &Splitting,
    local_domain: &dyn Fn(&str) -> bool,
) -> (Hit, Option<String>) {
    let stripped = if strategy.noext {
        strip_extension(address, splitting)
    } else {
        None
    };
    let mut extension = None;
    let mut h: Hit = (Lookup::NotFound, None, None);
    if strategy.full {
        h = find_addr(list, address, FULL, true, form);
    }
    if !done(&h) {
        if let Some((bare, ext)) = &stripped {
            h = find_addr(list, bare, PARTIAL, true, form);
            if matches!(h.0, Lookup::Found(_)) {
                extension = Some(ext.clone());
            }
        }
    }
    let at = address.rfind('@');
    // Local part forms, only for a local domain.
    if !done(&h) && strategy.localpart_if_local {
        if let Some(at) = at {
            if local_domain(&address[at + 1..]) {
                h = find_addr(list, &address[..at], PARTIAL, false, form);
                if !done(&h) {
                    if let Some((bare, ext)) = &stripped {
                        let bare_local = bare.rfind('@').map_or(bare.as_str(), |a| &bare[..a]);
                        h = find_addr(list, bare_local, PARTIAL, false, form);
                        if matches!(h.0, Lookup::Found(_)) {
                            extension = Some(ext.clone());
                        }
                    }
                }
            }
        }
    }
    if !done(&h) && strategy.at_domain {
        if let Some(at) = at {
            h = hit(list, &address[at..], PARTIAL);
        }
    }
    if !done(&h) && strategy.domain {
        if let Some(at) = at {
            let mut name = &address[at + 1..];
            while !name.is_empty() {
                h = hit(list, name, PARTIAL);
                if done(&h) {
                    break;
                }
                let Some(dot) = next_dot(name) else {
                    break;
                };
                name = if strategy.parent_matches_subdomains {
                    &name[dot + 1..]
                } else {
                    &name[dot..]
                };
            }
        }
    }
    if !done(&h) && strategy.localpart_at {
        if let Some(at) = at {
            h = find_addr(list, &address[..=at], PARTIAL, true, form);
            if !done(&h) {
                if let Some((bare, ext)) = &stripped {
                    if let Some(bat) = bare.rfind('@') {
                        h = find_addr(list, &bare[..=bat], PARTIAL, true, form);
                        if matches!(h.0, Lookup::Found(_)) {
                            extension = Some(ext.clone());
                        }
                    }
                }
            }
        }
    }
    (h, extension)
}

/// canonical(5), virtual(5), generic(5) search (Postfix `mail_addr_map`
/// with `MA_FIND_DEFAULT`): `user+ext@domain`, `user@domain`; when the
/// domain is local, `user+ext` and `user`; then `@domain`. Regexp and
/// PCRE tables only see `user+ext@domain`. `delimiter` is
/// `recipient_delimiter`; the other settings take Postfix's defaults (see
/// [`address_lookup_with`]).
pub fn address_lookup(
    list: &TableList,
    address: &str,
    mode: AddressMode,
    local_domain: &dyn Fn(&str) -> bool,
    delimiter: &str,
) -> AddressMatch {
    address_lookup_with(
        list,
        address,
        mode,
        &AddressOptions::new(delimiter, local_domain),
    )
}

/// [`address_lookup`] with every setting given.
pub fn address_lookup_with(
    list: &TableList,
    address: &str,
    mode: AddressMode,
    options: &AddressOptions,
) -> AddressMatch {
    if address.is_empty() {
        return AddressMatch::none();
    }
    let splitting = Splitting {
        delimiter: options.delimiter,
        owner_request_special: options.owner_request_special,
        double_bounce_sender: options.double_bounce_sender,
    };
    let strategy = Strategy {
        full: true,
        noext: true,
        localpart_if_local: true,
        at_domain: true,
        ..Strategy::default()
    };
    let form = if mode == AddressMode::Plain {
        QueryForm::ExternalFirst
    } else {
        QueryForm::External
    };
    let ((result, key, table), extension) = mail_addr_find(
        list,
        address,
        strategy,
        form,
        &splitting,
        options.local_domain,
    );
    let propagate_extension =
        extension.is_some() && mode.propagates(options.propagate_unmatched_extensions);
    AddressMatch {
        result,
        key,
        table,
        extension,
        propagate_extension,
    }
}

/// The outcome of a transport(5) search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransportMatch {
    pub result: Lookup,
    pub key: Option<String>,
    pub table: Option<usize>,
    /// The `*` entry answered.
    pub wildcard: bool,
}

/// transport(5): `user+ext@domain` (the only key pattern tables see
/// besides `*`), `user@domain`, `domain`, then each parent as `.parent`
/// (or as `parent` when `parent_domain_matches_subdomains` names
/// `transport_maps`: pass `true`), then `*`. A failure stops the search.
/// Load the tables with `LoadOptions { no_regsub: true }` as Postfix does.
pub fn transport_lookup(
    list: &TableList,
    address: &str,
    parent_matches_subdomains: bool,
    delimiter: &str,
) -> TransportMatch {
    let none = TransportMatch {
        result: Lookup::NotFound,
        key: None,
        table: None,
        wildcard: false,
    };
    if address.is_empty() {
        return none;
    }
    let splitting = Splitting::defaults(delimiter);
    let strategy = Strategy {
        full: true,
        noext: true,
        domain: true,
        parent_matches_subdomains,
        ..Strategy::default()
    };
    let never = |_: &str| false;
    let ((result, key, table), _) = mail_addr_find(
        list,
        address,
        strategy,
        QueryForm::ExternalFirst,
        &splitting,
        &never,
    );
    if !matches!(result, Lookup::NotFound) {
        return TransportMatch {
            result,
            key,
            table,
            wildcard: false,
        };
    }
    let (result, key, table) = hit(list, "*", FULL);
    let wildcard = matches!(result, Lookup::Found(_));
    let key = if matches!(result, Lookup::NotFound) {
        None
    } else {
        key
    };
    TransportMatch {
        result,
        key,
        table,
        wildcard,
    }
}

/// What a transport(5) value means for a recipient in `rcpt_domain`,
/// given the transport and next hop chosen so far: `(transport, nexthop)`.
/// `:nexthop` keeps the transport; `transport:` resets the next hop to the
/// domain (or to "Address is undeliverable" for `error`/`retry`).
pub fn parse_transport_entry(
    value: &str,
    rcpt_domain: &str,
    channel: &str,
    nexthop: &str,
) -> (String, String) {
    let (new_channel, new_nexthop) = value.split_once(':').unwrap_or((value, ""));
    if new_channel.is_empty() {
        let hop = if new_nexthop.is_empty() {
            nexthop
        } else {
            new_nexthop
        };
        return (channel.to_string(), hop.to_string());
    }
    let hop = if !new_nexthop.is_empty() {
        new_nexthop.to_string()
    } else if new_channel != "error" && new_channel != "retry" {
        rcpt_domain.to_string()
    } else {
        "Address is undeliverable".to_string()
    };
    (new_channel.to_string(), hop)
}

/// The outcome of an access(5) search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessMatch {
    /// The action found, or the failure (smtpd answers a failure with
    /// "451 4.3.5 Server configuration error").
    pub result: Lookup,
    pub key: Option<String>,
    pub table: Option<usize>,
}

impl AccessMatch {
    fn from_hit((result, key, table): Hit) -> Self {
        let key = if matches!(result, Lookup::NotFound) {
            None
        } else {
            key
        };
        AccessMatch { result, key, table }
    }
}

/// `check_sender_access` / `check_recipient_access` (smtpd
/// `check_mail_access`) for a resolved address: `user+ext@domain` (the
/// only key pattern tables see), `user@domain`, `domain`, each parent as
/// `.parent` (or `parent` when `parent_domain_matches_subdomains` names
/// `smtpd_access_maps`, Postfix's default: pass `true`), then `user+ext@`
/// and `user@`. The null sender is looked up as `<>`
/// (`smtpd_null_access_lookup_key`); an address without `@` finds nothing.
pub fn access_address_lookup(
    list: &TableList,
    address: &str,
    parent_matches_subdomains: bool,
    delimiter: &str,
) -> AccessMatch {
    if address.is_empty() {
        return AccessMatch::from_hit(hit(list, "<>", FULL));
    }
    if !address.contains('@') {
        return AccessMatch::from_hit((Lookup::NotFound, None, None));
    }
    let splitting = Splitting::defaults(delimiter);
    let strategy = Strategy {
        full: true,
        noext: true,
        domain: true,
        parent_matches_subdomains,
        localpart_at: true,
        ..Strategy::default()
    };
    let never = |_: &str| false;
    let (h, _) = mail_addr_find(
        list,
        address,
        strategy,
        QueryForm::ExternalFirst,
        &splitting,
        &never,
    );
    AccessMatch::from_hit(h)
}

/// The byte index of the first `.` after the first character (C's
/// `strchr(name + 1, '.')`).
fn next_dot(name: &str) -> Option<usize> {
    name.char_indices()
        .skip(1)
        .find(|&(_, c)| c == '.')
        .map(|(at, _)| at)
}

fn is_numeric_host(name: &str) -> bool {
    parse_ipv4(name.as_bytes()).is_some() || parse_ipv6(name.as_bytes()).is_some()
}

/// `check_helo_access` and the host-name half of `check_client_access`
/// (smtpd `check_domain_access`): the name (a full key), then each parent
/// as `.parent` or `parent` (partial keys); no parents for a numeric name.
pub fn access_domain_lookup(
    list: &TableList,
    domain: &str,
    parent_matches_subdomains: bool,
) -> AccessMatch {
    let mut name = domain;
    let mut partial = FULL;
    while !name.is_empty() {
        let h = hit(list, name, partial);
        if done(&h) {
            return AccessMatch::from_hit(h);
        }
        if is_numeric_host(domain) {
            break;
        }
        let Some(dot) = next_dot(name) else {
            break;
        };
        name = if parent_matches_subdomains {
            &name[dot + 1..]
        } else {
            &name[dot..]
        };
        partial = PARTIAL;
    }
    AccessMatch::from_hit((Lookup::NotFound, None, None))
}

/// The address half of `check_client_access` (smtpd
/// `check_addr_access`): the address (a full key), then shorter and
/// shorter prefixes cut at the last `.` (IPv4) or `:` (IPv6): `1.2.3.4`,
/// `1.2.3`, `1.2`, `1`.
pub fn access_ip_lookup(list: &TableList, address: &str) -> AccessMatch {
    let delimiter = if address.contains(':') { ':' } else { '.' };
    let mut key = address;
    let mut partial = FULL;
    // Each round shortens the key.
    loop {
        let h = hit(list, key, partial);
        if done(&h) {
            return AccessMatch::from_hit(h);
        }
        partial = PARTIAL;
        match key.rfind(delimiter) {
            Some(cut) => key = &key[..cut],
            None => break,
        }
    }
    AccessMatch::from_hit((Lookup::NotFound, None, None))
}

/// `check_client_access`: the client name and its parents, then the
/// client address and its prefixes. Pass `unknown` as the name when the
/// client has none, as smtpd does.
pub fn access_client_lookup(
    list: &TableList,
    name: &str,
    address: &str,
    parent_matches_subdomains: bool,
) -> AccessMatch {
    let m = access_domain_lookup(list, name, parent_matches_subdomains);
    if !matches!(m.result, Lookup::NotFound) {
        return m;
    }
    access_ip_lookup(list, address)
}

/// Postfix `match_parent_style`: does `parent_domain_matches_subdomains`
/// (its value) name `feature` (`transport_maps`, `smtpd_access_maps`,
/// `relay_domains`, ...)? The first matching entry decides; `!name`
/// excludes.
pub fn matches_parent_style(setting: &str, feature: &str) -> bool {
    for word in setting
        .split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
    {
        if let Some(negated) = word.strip_prefix('!') {
            if negated.eq_ignore_ascii_case(feature) {
                return false;
            }
        } else if word.eq_ignore_ascii_case(feature) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::{LoadOptions, Table};
    use super::*;

    fn list(tables: &[(&str, &str)]) -> TableList {
        TableList::new(
            tables
                .iter()
                .map(|(kind, text)| Table::from_text(kind, text.as_bytes(), LoadOptions::default()))
                .collect(),
        )
    }

    fn local(d: &str) -> bool {
        d.eq_ignore_ascii_case("example.com")
    }

    #[test]
    fn virtual_order_and_extension() {
        let l = list(&[(
            "hash",
            "joe@example.com joe-full\njoe jl\n@example.com catch\n@other.org @new.org\n",
        )]);
        let m = address_lookup(&l, "joe+x@example.com", AddressMode::Virtual, &local, "+");
        assert_eq!(m.result, Lookup::Found("joe-full".into()));
        assert_eq!(m.key.as_deref(), Some("joe@example.com"));
        assert_eq!(m.extension.as_deref(), Some("+x"));
        assert!(m.propagate_extension);
        assert_eq!(
            m.rewritten("joe+x@example.com"),
            Some(vec!["joe-full+x".to_string()])
        );
        let m = address_lookup(&l, "ann@example.com", AddressMode::Virtual, &local, "+");
        assert_eq!(m.result, Lookup::Found("catch".into()));
        // Generic does not propagate by default.
        let m = address_lookup(&l, "joe+x@example.com", AddressMode::Generic, &local, "+");
        assert!(!m.propagate_extension);
        // @domain result keeps the user, without the extension.
        let m = address_lookup(&l, "bob+y@other.org", AddressMode::Canonical, &local, "+");
        assert_eq!(
            m.rewritten("bob+y@other.org"),
            Some(vec!["bob+y@new.org".to_string()])
        );
    }

    #[test]
    fn bare_user_only_for_local_domains() {
        let l = list(&[("hash", "joe local-joe\n")]);
        let m = address_lookup(&l, "joe+a@example.com", AddressMode::Virtual, &local, "+");
        assert_eq!(m.result, Lookup::Found("local-joe".into()));
        assert_eq!(m.key.as_deref(), Some("joe"));
        assert_eq!(m.extension.as_deref(), Some("+a"));
        let m = address_lookup(&l, "joe@elsewhere.net", AddressMode::Virtual, &local, "+");
        assert_eq!(m.result, Lookup::NotFound);
    }

    #[test]
    fn regexp_tables_see_only_the_full_address() {
        let l = list(&[
            ("regexp", "/^joe@/ re\n/^@example/ at\n"),
            ("hash", "@example.com h\n"),
        ]);
        let m = address_lookup(&l, "joe+x@example.com", AddressMode::Virtual, &local, "+");
        assert_eq!(m.result, Lookup::Found("h".into()));
        let m = address_lookup(&l, "joe@example.com", AddressMode::Virtual, &local, "+");
        assert_eq!(m.result, Lookup::Found("re".into()));
    }

    #[test]
    fn special_local_parts_keep_their_delimiter() {
        let l = list(&[("hash", "owner@example.com o\nlist@example.com l\n")]);
        let opts = AddressOptions::new("-", &local);
        let m = address_lookup_with(&l, "owner-list@example.com", AddressMode::Virtual, &opts);
        assert_eq!(m.result, Lookup::NotFound);
        let m = address_lookup_with(&l, "list-x@example.com", AddressMode::Virtual, &opts);
        assert_eq!(m.result, Lookup::Found("l".into()));
    }

    #[test]
    fn quoting() {
        assert_eq!(quote_822_local("a b@x", false), "\"a b\"@x");
        assert_eq!(quote_822_local("a.b@x", false), "a.b@x");
        assert_eq!(quote_822_local("a..b", true), "\"a..b\"");
        let l = list(&[("hash", "\"a b\"@x.org q\n")]);
        let m = address_lookup(&l, "a b@x.org", AddressMode::Virtual, &local, "+");
        assert_eq!(m.result, Lookup::Found("q".into()));
    }

    #[test]
    fn failure_stops_the_search() {
        let mut l = list(&[("hash", "a@b.c found\n")]);
        l.tables
            .insert(0, Table::load("ldap:/x", &|n: &str| n.into()));
        let m = address_lookup(&l, "a@b.c", AddressMode::Virtual, &local, "+");
        assert!(m.result.is_fail());
    }

    #[test]
    fn transport_order() {
        let l = list(&[(
            "hash",
            "example.com dom:\n.example.com sub:\nuser@a.example.com u:\n* wild:\n",
        )]);
        let t = transport_lookup(&l, "user+x@a.example.com", false, "+");
        assert_eq!(t.key.as_deref(), Some("user@a.example.com"));
        let t = transport_lookup(&l, "x@b.example.com", false, "+");
        assert_eq!(
            (t.key.as_deref(), t.result.found()),
            (Some(".example.com"), Some("sub:"))
        );
        let t = transport_lookup(&l, "x@example.com", false, "+");
        assert_eq!(t.result.found(), Some("dom:"));
        let t = transport_lookup(&l, "x@other.net", false, "+");
        assert!(t.wildcard);
        let l = list(&[("hash", "example.com dom:\n")]);
        let t = transport_lookup(&l, "x@deep.sub.example.com", true, "+");
        assert_eq!(t.key.as_deref(), Some("example.com"));
        let t = transport_lookup(&l, "x@deep.sub.example.com", false, "+");
        assert_eq!(t.result, Lookup::NotFound);
        assert_eq!(
            parse_transport_entry("smtp:", "d.com", "relay", "x"),
            ("smtp".to_string(), "d.com".to_string())
        );
        assert_eq!(
            parse_transport_entry(":[mx]", "d.com", "relay", "x"),
            ("relay".to_string(), "[mx]".to_string())
        );
        assert_eq!(
            parse_transport_entry("error:", "d.com", "relay", "x").1,
            "Address is undeliverable"
        );
    }

    #[test]
    fn access_address_order() {
        let l = list(&[("hash", "example.com dom\nuser@ at\n<> null\n")]);
        let m = access_address_lookup(&l, "user@sub.example.com", true, "+");
        assert_eq!(m.key.as_deref(), Some("example.com"));
        let m = access_address_lookup(&l, "user+z@other.org", true, "+");
        assert_eq!(m.key.as_deref(), Some("user@"));
        assert_eq!(
            access_address_lookup(&l, "", true, "+").result.found(),
            Some("null")
        );
        let m = access_address_lookup(&l, "user@sub.example.com", false, "+");
        assert_eq!(m.key.as_deref(), Some("user@"));
    }

    #[test]
    fn client_access_order() {
        let l = list(&[("hash", "1.2.3 net\n2001:db8 v6\nexample.com host\n")]);
        let m = access_client_lookup(&l, "mail.example.com", "9.9.9.9", true);
        assert_eq!(m.key.as_deref(), Some("example.com"));
        let m = access_client_lookup(&l, "unknown", "1.2.3.4", true);
        assert_eq!(m.key.as_deref(), Some("1.2.3"));
        let m = access_client_lookup(&l, "unknown", "2001:db8:0:1::5", true);
        assert_eq!(m.key.as_deref(), Some("2001:db8"));
        let l = list(&[("cidr", "1.2.3.0/24 cidr\n")]);
        let m = access_client_lookup(&l, "unknown", "1.2.3.4", true);
        assert_eq!(m.result.found(), Some("cidr"));
        let l = list(&[("hash", "3.4 x\n")]);
        let m = access_domain_lookup(&l, "1.2.3.4", true);
        assert_eq!(m.result, Lookup::NotFound);
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let l = list(&[("hash", "é.com x\n")]);
        for a in [
            "",
            "@",
            "@@",
            "a@",
            "+@x",
            "é@é.é.com",
            "\"@\"",
            "a+b+c@.",
            "..@..",
            "+",
        ] {
            let _ = address_lookup(&l, a, AddressMode::Virtual, &|_| true, "+-");
            let _ = transport_lookup(&l, a, true, "+");
            let _ = transport_lookup(&l, a, false, "+");
            let _ = access_address_lookup(&l, a, false, "+");
            let _ = access_client_lookup(&l, a, a, true);
        }
        let m = transport_lookup(&l, "u@ä.é.com", true, "+");
        assert_eq!(m.result.found(), Some("x"));
    }

    #[test]
    fn parent_style_setting() {
        let s = "debug_peer_list,fast_flush_domains,mynetworks,permit_mx_backup_networks,qmqpd_authorized_clients,relay_domains,smtpd_access_maps";
        assert!(matches_parent_style(s, "smtpd_access_maps"));
        assert!(!matches_parent_style(s, "transport_maps"));
        assert!(!matches_parent_style(
            "!transport_maps transport_maps",
            "transport_maps"
        ));
    }
}
