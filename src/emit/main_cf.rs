//! The parameters of main.cf, each with the sendmail lines behind it.

use serde::Serialize;

use crate::intent::{Intent, LocalDeliveryKind, NextHop, Origin, Sourced};

/// One main.cf parameter.
#[derive(Clone, Debug, Serialize)]
pub struct Param {
    pub name: String,
    /// The value, with its leading space or continuation lines.
    pub value: String,
    /// `file:line: text` of each sendmail line it comes from.
    pub origins: Vec<String>,
    pub note: Option<String>,
}

/// A group of parameters with a heading.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    pub title: String,
    pub params: Vec<Param>,
}

/// How a comment names an origin.
pub fn origin_comment(o: &Origin) -> String {
    if o.line == 0 {
        o.file.clone()
    } else if o.text.is_empty() {
        o.location()
    } else {
        let text: String = o.text.chars().take(160).collect();
        format!("{}: {}", o.location(), text)
    }
}

/// A list value: on one line when short, else one item per line.
pub fn list(items: &[String]) -> String {
    let one = items.join(", ");
    if one.len() <= 60 {
        format!(" {one}")
    } else {
        items
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let comma = if i + 1 < items.len() { "," } else { "" };
                format!("\n    {s}{comma}")
            })
            .collect()
    }
}

#[derive(Default)]
struct Builder {
    sections: Vec<Section>,
}

impl Builder {
    fn section(&mut self, title: &str) {
        self.sections.push(Section {
            title: title.into(),
            params: Vec::new(),
        });
    }

    fn add(&mut self, name: &str, value: String, origins: &[&Origin], note: Option<String>) {
        let mut comments: Vec<String> = Vec::new();
        for o in origins {
            let c = origin_comment(o);
            if !comments.contains(&c) {
                comments.push(c);
            }
        }
        comments.truncate(12);
        let value = if value.starts_with('\n') || value.is_empty() {
            value
        } else {
            format!(" {value}")
        };
        if let Some(s) = self.sections.last_mut() {
            s.params.push(Param {
                name: name.into(),
                value,
                origins: comments,
                note,
            });
        }
    }

    fn add_list(
        &mut self,
        name: &str,
        items: &[String],
        origins: &[&Origin],
        note: Option<String>,
    ) {
        let mut b = list(items);
        if b.starts_with(' ') {
            b.remove(0);
        }
        self.add(name, b, origins, note);
    }
}

fn seconds(s: &Sourced<u64>) -> String {
    let v = s.value;
    if v % 86400 == 0 {
        format!("{}d", v / 86400)
    } else if v % 3600 == 0 {
        format!("{}h", v / 3600)
    } else if v % 60 == 0 {
        format!("{}m", v / 60)
    } else {
        format!("{v}s")
    }
}

/// Names of the map files the parameters refer to, when they have content.
#[derive(Clone, Debug, Default)]
pub struct Tables {
    pub transport: bool,
    pub virtual_hash: bool,
    pub virtual_regexp: bool,
    pub client: bool,
    pub client_cidr: bool,
    pub client_relay: bool,
    pub client_relay_cidr: bool,
    pub sender: bool,
    pub recipient: bool,
    pub generic: bool,
    pub canonical: bool,
    pub aliases: bool,
}

pub fn map(kind: &str, name: &str) -> String {
    format!("{kind}:$config_directory/{name}")
}

pub fn build(intent: &Intent, tables: &Tables) -> Vec<Section> {
    let mut b = Builder::default();

    b.section("Compatibility");
    b.add(
        "compatibility_level",
        "3.6".into(),
        &[],
        Some("cf2postfix: the current safe defaults of Postfix 3.6 and later".into()),
    );

    b.section("Identity and local domains");
    if let Some(h) = &intent.hostname {
        b.add("myhostname", h.value.clone(), &[&h.origin], None);
    }
    if let Some(d) = &intent.origin_domain {
        let derived = intent
            .hostname
            .as_ref()
            .is_some_and(|h| h.value.ends_with(&format!(".{}", d.value)));
        if !derived {
            b.add("mydomain", d.value.clone(), &[&d.origin], None);
        }
    }
    // MASQUERADE_AS is not myorigin: an unqualified recipient would then
    // belong to the masquerade domain, where a virtual catch-all takes
    // it (root, postmaster). masquerade_domains below rewrites senders.
    // Only what the old rules delivered locally: Postfix's default adds
    // `localhost.$mydomain` and `localhost`, which the old rules may have
    // refused or routed elsewhere.
    let mut dest = vec!["$myhostname".to_owned()];
    let mut dest_origins: Vec<&Origin> = Vec::new();
    for d in &intent.local_domains {
        if !dest.contains(&d.value) {
            dest.push(d.value.clone());
            dest_origins.push(&d.origin);
        }
    }
    b.add_list(
        "mydestination",
        &dest,
        &dest_origins,
        dest_origins
            .is_empty()
            .then(|| "cf2postfix: the old rules deliver no other name locally".to_owned()),
    );
    if let Some(hub) = &intent.mail_hub {
        b.add(
            "local_transport",
            format!("relay:{}", bracket(&hub.value)),
            &[&hub.origin],
            None,
        );
    }

    b.section("Relaying");
    let mut nets = if intent.relay.loopback_refused.is_some() {
        Vec::new()
    } else {
        vec!["127.0.0.0/8".to_owned(), "[::1]/128".to_owned()]
    };
    let mut net_origins: Vec<&Origin> = intent.relay.loopback_refused.iter().collect();
    for n in &intent.relay.networks {
        if !nets.contains(&n.value) {
            nets.push(n.value.clone());
            net_origins.push(&n.origin);
        }
    }
    let note = if intent.relay.loopback_refused.is_some() && nets.is_empty() {
        Some(
            "cf2postfix: no trusted network: the old server let no client relay, loopback included"
                .to_owned(),
        )
    } else if net_origins.is_empty() {
        Some("cf2postfix: loopback only; the configuration names no other relay clients".to_owned())
    } else {
        None
    };
    b.add_list("mynetworks", &nets, &net_origins, note);
    if !intent.relay.domains.is_empty() {
        let items: Vec<String> = intent
            .relay
            .domains
            .iter()
            .map(|d| d.value.clone())
            .collect();
        let origins: Vec<&Origin> = intent.relay.domains.iter().map(|d| &d.origin).collect();
        b.add_list("relay_domains", &items, &origins, None);
    }
    let mut relay = vec!["permit_mynetworks".to_owned()];
    let mut relay_origins: Vec<&Origin> = Vec::new();
    if intent.security.auth_mechanisms.is_some() {
        relay.push("permit_sasl_authenticated".into());
    }
    if tables.client_relay {
        relay.push(format!(
            "check_client_access {}",
            map("hash", "client_relay")
        ));
        relay_origins.extend(intent.relay.client_names.iter().map(|c| &c.origin));
    }
    if tables.client_relay_cidr {
        relay.push(format!(
            "check_client_access {}",
            map("cidr", "client_relay_cidr")
        ));
    }
    if let Some(o) = &intent.relay.based_on_mx {
        relay.push("permit_mx_backup".into());
        relay_origins.push(o);
    }
    relay.push("reject_unauth_destination".into());
    if let Some(o) = &intent.relay.open {
        relay_origins.push(o);
    }
    b.add_list(
        "smtpd_relay_restrictions",
        &relay,
        &relay_origins,
        Some("cf2postfix: always ends in reject_unauth_destination (never an open relay)".into()),
    );

    b.section("Routing");
    if let Some(h) = &intent.smart_host {
        b.add("relayhost", bracket(&h.value), &[&h.origin], None);
    }
    if let Some(r) = intent
        .routes
        .iter()
        .find(|r| r.destination == crate::intent::Destination::Everything)
    {
        b.add(
            "default_transport",
            super::tables::transport::result(&r.action),
            &[&r.origin],
            None,
        );
    }
    if tables.transport {
        let origins: Vec<&Origin> = intent.routes.iter().map(|r| &r.origin).take(3).collect();
        b.add("transport_maps", map("hash", "transport"), &origins, None);
    }
    let mut virtual_maps = Vec::new();
    if tables.virtual_hash {
        virtual_maps.push(map("hash", "virtual"));
    }
    if tables.virtual_regexp {
        virtual_maps.push(map("regexp", "virtual_regexp"));
    }
    if !virtual_maps.is_empty() {
        let origins: Vec<&Origin> = intent
            .virtual_aliases
            .iter()
            .map(|a| &a.origin)
            .take(3)
            .collect();
        b.add_list("virtual_alias_maps", &virtual_maps, &origins, None);
    }
    if !intent.virtual_domains.is_empty() {
        let items: Vec<String> = intent
            .virtual_domains
            .iter()
            .map(|d| d.value.clone())
            .collect();
        let origins: Vec<&Origin> = intent.virtual_domains.iter().map(|d| &d.origin).collect();
        b.add_list("virtual_alias_domains", &items, &origins, None);
    }
    for t in &intent.transports {
        if let Some(limit) = t.recipient_limit {
            if !matches!(
                t.service.as_str(),
                "smtp" | "relay" | "local" | "lmtp" | "error" | "discard"
            ) {
                b.add(
                    &format!("{}_destination_recipient_limit", t.service),
                    limit.to_string(),
                    &[&t.origin],
                    None,
                );
            }
        }
    }

    b.section("Address rewriting");
    if tables.generic {
        let origins: Vec<&Origin> = intent
            .sender_rewrites
            .iter()
            .map(|a| &a.origin)
            .take(3)
            .collect();
        b.add("smtp_generic_maps", map("hash", "generic"), &origins, None);
    }
    if tables.canonical {
        let origins: Vec<&Origin> = intent
            .domain_rewrites
            .iter()
            .map(|a| &a.origin)
            .take(3)
            .collect();
        b.add("canonical_maps", map("hash", "canonical"), &origins, None);
    }
    let m = &intent.masquerade;
    if let Some(as_domain) = &m.as_domain {
        let mut items = vec![as_domain.value.clone()];
        let mut origins = vec![&as_domain.origin];
        for d in &m.domains {
            if !items.contains(&d.value) {
                items.push(d.value.clone());
                origins.push(&d.origin);
            }
        }
        b.add_list("masquerade_domains", &items, &origins, None);
        let mut classes = vec!["header_sender".to_owned()];
        let mut origins = Vec::new();
        if let Some(o) = &m.envelope {
            classes.insert(0, "envelope_sender".into());
            origins.push(o);
        }
        if let Some(o) = &m.all_headers {
            classes.push("header_recipient".into());
            origins.push(o);
        }
        b.add_list("masquerade_classes", &classes, &origins, None);
        if !m.exposed_users.is_empty() {
            let items: Vec<String> = m.exposed_users.iter().map(|d| d.value.clone()).collect();
            let origins: Vec<&Origin> = m.exposed_users.iter().map(|d| &d.origin).collect();
            b.add_list("masquerade_exceptions", &items, &origins, None);
        }
    }

    b.section("Local delivery");
    if !intent.aliases.files.is_empty() {
        // An alias file that was not carried is read from the Postfix
        // host's own path: the old path (`/usr/lib/aliases`,
        // `/etc/mail/aliases`) does not exist there, and a missing alias
        // database defers every local recipient (451 4.3.0).
        let value = if tables.aliases {
            map("hash", "aliases")
        } else {
            format!("hash:{}", crate::postfix::ALIAS_FILE)
        };
        let origins: Vec<&Origin> = intent.aliases.files.iter().map(|f| &f.origin).collect();
        b.add("alias_maps", value.clone(), &origins, None);
        b.add("alias_database", value, &origins, None);
    }
    if let Some(l) = &intent.luser_relay {
        b.add("luser_relay", l.value.clone(), &[&l.origin], None);
        b.add(
            "local_recipient_maps",
            String::new(),
            &[&l.origin],
            Some("cf2postfix: luser_relay only works when unknown users are not rejected".into()),
        );
    } else if let Some(o) = &intent.any_local_user {
        b.add(
            "local_recipient_maps",
            String::new(),
            &[o],
            Some("cf2postfix: the old server accepted mail for any local user".into()),
        );
    }
    if intent.local_delivery.kind == LocalDeliveryKind::Command {
        if let Some(c) = &intent.local_delivery.command {
            b.add("mailbox_command", c.value.clone(), &[&c.origin], None);
        }
    }
    if let Some(s) = &intent.local_delivery.command_shell {
        b.add("local_command_shell", s.value.clone(), &[&s.origin], None);
    }
    if let Some(f) = &intent.forward_path {
        b.add("forward_path", f.value.clone(), &[&f.origin], None);
    }
    if let Some(d) = &intent.recipient_delimiter {
        b.add("recipient_delimiter", d.value.clone(), &[&d.origin], None);
    }

    b.section("SMTP server");
    if let Some(banner) = &intent.banner {
        b.add(
            "smtpd_banner",
            banner.value.clone(),
            &[&banner.origin],
            None,
        );
    }
    if let Some(o) = &intent.privacy.no_vrfy {
        b.add("disable_vrfy_command", "yes".into(), &[o], None);
    }
    if let Some(o) = &intent.privacy.need_helo {
        b.add("smtpd_helo_required", "yes".into(), &[o], None);
    }
    let addresses: Vec<&crate::intent::Listener> = intent
        .listeners
        .iter()
        .filter(|l| l.address.is_some())
        .collect();
    if !addresses.is_empty() && addresses.len() == intent.listeners.len() {
        let mut items: Vec<String> = addresses.iter().filter_map(|l| l.address.clone()).collect();
        items.sort();
        items.dedup();
        let origins: Vec<&Origin> = addresses.iter().map(|l| &l.origin).collect();
        b.add_list("inet_interfaces", &items, &origins, None);
    }
    restrictions(&mut b, intent, tables);
    if !intent.milters.is_empty() {
        let items: Vec<String> = intent.milters.iter().map(|m| m.socket.clone()).collect();
        let origins: Vec<&Origin> = intent.milters.iter().map(|m| &m.origin).collect();
        b.add_list("smtpd_milters", &items, &origins, None);
        if let Some(first) = intent.milters.first() {
            if first.default_action != "tempfail" {
                b.add(
                    "milter_default_action",
                    first.default_action.clone(),
                    &[&first.origin],
                    None,
                );
            }
        }
    }
    let s = &intent.security;
    for (name, value) in [
        ("smtpd_tls_cert_file", &s.cert_file),
        ("smtpd_tls_key_file", &s.key_file),
        ("smtpd_tls_CAfile", &s.ca_file),
        ("smtpd_tls_CApath", &s.ca_path),
    ] {
        if let Some(v) = value {
            b.add(name, v.value.clone(), &[&v.origin], None);
        }
    }
    if let (Some(c), Some(_)) = (&s.cert_file, &s.key_file) {
        b.add("smtpd_tls_security_level", "may".into(), &[&c.origin], None);
    }
    if let Some(a) = &s.auth_mechanisms {
        b.add("smtpd_sasl_auth_enable", "yes".into(), &[&a.origin], None);
    }

    b.section("Limits and timeouts");
    let l = &intent.limits;
    if let Some(v) = &l.message_size {
        b.add(
            "message_size_limit",
            v.value.to_string(),
            &[&v.origin],
            None,
        );
        if v.value > 51_200_000 {
            b.add(
                "mailbox_size_limit",
                "0".into(),
                &[&v.origin],
                Some("cf2postfix: must not be smaller than message_size_limit".into()),
            );
        }
    }
    if let Some(v) = &l.header_size {
        b.add("header_size_limit", v.value.to_string(), &[&v.origin], None);
    }
    if let Some(v) = &l.recipients_per_message {
        b.add(
            "smtpd_recipient_limit",
            v.value.to_string(),
            &[&v.origin],
            None,
        );
    }
    if let Some(v) = &l.hop_count {
        b.add("hopcount_limit", v.value.to_string(), &[&v.origin], None);
    }
    if let Some(v) = &l.connection_rate {
        b.add(
            "smtpd_client_connection_rate_limit",
            (v.value.saturating_mul(60)).to_string(),
            &[&v.origin],
            Some("cf2postfix: sendmail's per-second global rate, per client per minute".into()),
        );
    }
    let t = &intent.timeouts;
    for (name, value) in [
        ("maximal_queue_lifetime", &t.queue_return),
        ("delay_warning_time", &t.queue_warn),
        ("smtp_helo_timeout", &t.helo),
        ("smtp_mail_timeout", &t.mail),
        ("smtp_rcpt_timeout", &t.rcpt),
        ("smtp_data_init_timeout", &t.data_init),
        ("smtp_data_xfer_timeout", &t.data_block),
        ("smtp_data_done_timeout", &t.data_final),
        ("smtpd_timeout", &t.command),
        ("smtp_connect_timeout", &t.connect),
    ] {
        if let Some(v) = value {
            b.add(name, seconds(v), &[&v.origin], None);
        }
    }
    if let Some(v) = &t.queue_return {
        b.add("bounce_queue_lifetime", seconds(v), &[&v.origin], None);
    }
    b.sections.retain(|s| !s.params.is_empty());
    b.sections
}

fn bracket(h: &NextHop) -> String {
    h.postfix()
}

fn restrictions(b: &mut Builder, intent: &Intent, tables: &Tables) {
    let mut client = Vec::new();
    let mut origins: Vec<&Origin> = Vec::new();
    let access_origins = |stage: crate::intent::AccessStage| -> Vec<&Origin> {
        intent
            .access
            .iter()
            .filter(|r| r.stage == stage)
            .map(|r| &r.origin)
            .take(3)
            .collect()
    };
    if tables.client_cidr {
        client.push(format!(
            "check_client_access {}",
            map("cidr", "client_access_cidr")
        ));
    }
    if tables.client {
        client.push(format!(
            "check_client_access {}",
            map("hash", "client_access")
        ));
    }
    origins.extend(access_origins(crate::intent::AccessStage::Client));
    for z in &intent.dnsbl {
        client.push(format!("reject_rbl_client {}", z.value));
        origins.push(&z.origin);
    }
    if !client.is_empty() {
        b.add_list("smtpd_client_restrictions", &client, &origins, None);
    }
    if tables.sender {
        b.add(
            "smtpd_sender_restrictions",
            format!("check_sender_access {}", map("hash", "sender_access")),
            &access_origins(crate::intent::AccessStage::Sender),
            None,
        );
    }
    if tables.recipient {
        b.add(
            "smtpd_recipient_restrictions",
            format!("check_recipient_access {}", map("hash", "recipient_access")),
            &access_origins(crate::intent::AccessStage::Recipient),
            None,
        );
    }
}
