//! The main.cf parameters smtpd's door reads, with Postfix 3.7's
//! defaults (compatibility-level dependent ones as `postconf -d` shows
//! them), read once.

use super::super::config::Config;
use super::super::tables::split_table_list;

/// Reply codes, switches and the restriction lists.
#[derive(Clone, Debug)]
pub struct Params {
    pub delay_reject: bool,
    pub soft_bounce: bool,
    pub reject_unlisted_recipient: bool,
    pub reject_unlisted_sender: bool,
    pub allow_untrusted_routing: bool,
    pub show_unknown_table: bool,
    pub smtputf8_enable: bool,
    pub strict_smtputf8: bool,
    pub reject_code: u16,
    pub defer_code: u16,
    pub relay_code: u16,
    pub map_reject_code: u16,
    pub map_defer_code: u16,
    pub unknown_client_code: u16,
    pub unknown_name_code: u16,
    pub unknown_address_code: u16,
    pub bad_name_code: u16,
    pub non_fqdn_code: u16,
    pub local_rcpt_code: u16,
    pub virtual_alias_code: u16,
    pub virtual_mailbox_code: u16,
    pub relay_rcpt_code: u16,
    pub maps_rbl_code: u16,
    pub plaintext_code: u16,
    pub multi_rcpt_code: u16,
    /// `unknown_address_tempfail_action` is `defer_if_permit` (else `defer`).
    pub unknown_address_defer_if_permit: bool,
    pub unknown_helo_defer_if_permit: bool,
    pub null_access_key: String,
    pub double_bounce_sender: String,
    pub recipient_delimiter: String,
    /// `parent_domain_matches_subdomains` names `smtpd_access_maps`.
    pub access_parents: bool,
    /// `parent_domain_matches_subdomains` names `mynetworks`.
    pub mynetworks_parents: bool,
    pub client: Vec<String>,
    pub helo: Vec<String>,
    pub sender: Vec<String>,
    pub relay: Vec<String>,
    pub recipient: Vec<String>,
    /// `smtpd_restriction_classes` names and their lists.
    pub classes: Vec<(String, Vec<String>)>,
}

/// A restriction list: items split at commas and white space outside
/// braces (Postfix `argv_splitq`).
pub fn restriction_list(value: &str) -> Vec<String> {
    split_table_list(value)
}

fn word(config: &Config, name: &str, default: &str) -> String {
    if config.settings.contains_key(name) || config.default_of(name).is_some() {
        config.get(name).trim().to_owned()
    } else {
        default.to_owned()
    }
}

fn flag(config: &Config, name: &str, default: bool) -> bool {
    let v = word(config, name, if default { "yes" } else { "no" });
    if v.eq_ignore_ascii_case("yes") || v.eq_ignore_ascii_case("true") || v == "1" {
        true
    } else if v.eq_ignore_ascii_case("no") || v.eq_ignore_ascii_case("false") || v == "0" {
        false
    } else {
        default
    }
}

fn code(config: &Config, name: &str, default: u16) -> u16 {
    word(config, name, "").parse().unwrap_or(default)
}

impl Params {
    pub fn read(config: &Config) -> Params {
        let compat = config.compatibility_level();
        let list = |name: &str, default: &str| restriction_list(&word(config, name, default));
        let relay_default = if compat < 1.0 {
            ""
        } else {
            "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination"
        };
        let relay = if config.settings.contains_key("smtpd_relay_restrictions") {
            restriction_list(&config.get("smtpd_relay_restrictions"))
        } else {
            restriction_list(relay_default)
        };
        let parents = word(
            config,
            "parent_domain_matches_subdomains",
            "debug_peer_list,fast_flush_domains,mynetworks,permit_mx_backup_networks,qmqpd_authorized_clients,relay_domains,smtpd_access_maps",
        );
        let names = |feature: &str| super::super::tables::matches_parent_style(&parents, feature);
        let classes = restriction_list(&word(config, "smtpd_restriction_classes", ""))
            .into_iter()
            .map(|name| {
                let items = restriction_list(&config.get(&name));
                (name, items)
            })
            .collect();
        let tempfail = |name: &str| {
            let v = word(config, name, "$reject_tempfail_action");
            let v = if v.is_empty() || v.contains('$') {
                word(config, "reject_tempfail_action", "defer_if_permit")
            } else {
                v
            };
            !v.eq_ignore_ascii_case("defer")
        };
        Params {
            delay_reject: flag(config, "smtpd_delay_reject", true),
            soft_bounce: flag(config, "soft_bounce", false),
            reject_unlisted_recipient: flag(config, "smtpd_reject_unlisted_recipient", true),
            reject_unlisted_sender: flag(config, "smtpd_reject_unlisted_sender", false),
            allow_untrusted_routing: flag(config, "allow_untrusted_routing", false),
            show_unknown_table: flag(config, "show_user_unknown_table_name", true),
            smtputf8_enable: flag(config, "smtputf8_enable", compat >= 1.0),
            strict_smtputf8: flag(config, "strict_smtputf8", false),
            reject_code: code(config, "reject_code", 554),
            defer_code: code(config, "defer_code", 450),
            relay_code: code(config, "relay_domains_reject_code", 554),
            map_reject_code: code(config, "access_map_reject_code", 554),
            map_defer_code: code(config, "access_map_defer_code", 450),
            unknown_client_code: code(config, "unknown_client_reject_code", 450),
            unknown_name_code: code(config, "unknown_hostname_reject_code", 450),
            unknown_address_code: code(config, "unknown_address_reject_code", 450),
            bad_name_code: code(config, "invalid_hostname_reject_code", 501),
            non_fqdn_code: code(config, "non_fqdn_reject_code", 504),
            local_rcpt_code: code(config, "unknown_local_recipient_reject_code", 550),
            virtual_alias_code: code(config, "unknown_virtual_alias_reject_code", 550),
            virtual_mailbox_code: code(config, "unknown_virtual_mailbox_reject_code", 550),
            relay_rcpt_code: code(config, "unknown_relay_recipient_reject_code", 550),
            maps_rbl_code: code(config, "maps_rbl_reject_code", 554),
            plaintext_code: code(config, "plaintext_reject_code", 450),
            multi_rcpt_code: code(config, "multi_recipient_bounce_reject_code", 550),
            unknown_address_defer_if_permit: tempfail("unknown_address_tempfail_action"),
            unknown_helo_defer_if_permit: tempfail("unknown_helo_hostname_tempfail_action"),
            null_access_key: word(config, "smtpd_null_access_lookup_key", "<>"),
            double_bounce_sender: word(config, "double_bounce_sender", "double-bounce"),
            recipient_delimiter: config.get("recipient_delimiter"),
            access_parents: names("smtpd_access_maps"),
            mynetworks_parents: names("mynetworks"),
            client: list("smtpd_client_restrictions", ""),
            helo: list("smtpd_helo_restrictions", ""),
            sender: list("smtpd_sender_restrictions", ""),
            relay,
            recipient: list("smtpd_recipient_restrictions", ""),
            classes,
        }
    }

    /// The list of a restriction class, if `name` is one.
    pub fn class(&self, name: &str) -> Option<&[String]> {
        self.classes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, items)| items.as_slice())
    }

    /// Why smtpd would not start with these lists (`msg_fatal` in
    /// `smtpd_check_init`), if it would not.
    pub fn fatal(&self) -> Option<String> {
        for (name, items) in &self.classes {
            if items.is_empty() {
                return Some(format!("restriction class `{name}' needs a definition"));
            }
        }
        if !self.has_required(&self.recipient, 0) && !self.has_required(&self.relay, 0) {
            return Some(
                "in parameter smtpd_relay_restrictions or smtpd_recipient_restrictions, specify at least one working instance of: reject_unauth_destination, defer_unauth_destination, reject, defer, defer_if_permit or check_relay_domains".into(),
            );
        }
        None
    }

    /// `has_required`: the list (or a class it names) holds a restriction
    /// that can refuse relaying, before any `permit`.
    fn has_required(&self, items: &[String], depth: usize) -> bool {
        const REQUIRED: [&str; 6] = [
            "reject_unauth_destination",
            "defer_unauth_destination",
            "reject",
            "defer",
            "defer_if_permit",
            "check_relay_domains",
        ];
        let mut i = 0;
        while i < items.len() {
            let item = items[i].as_str();
            if item.eq_ignore_ascii_case("warn_if_reject") && i + 1 < items.len() {
                i += 2;
                continue;
            }
            if item.eq_ignore_ascii_case("permit") {
                return false;
            }
            if REQUIRED.iter().any(|r| r.eq_ignore_ascii_case(item)) {
                return true;
            }
            if depth < 100 {
                if let Some(class) = self.class(item) {
                    if self.has_required(class, depth + 1) {
                        return true;
                    }
                }
            }
            i += 1;
        }
        false
    }
}
