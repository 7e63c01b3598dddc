//! The mail-flow diagram: the routing the analysis inferred, as the box
//! diagram an administrator draws of a mail setup. Where mail comes from
//! (SMTP clients, the clients that may relay), which destinations it is
//! for, and for each group of destinations the transport and next hop it
//! takes.
//!
//! [`flow`] builds a [`Flow`] (typed nodes and edges) from an [`Intent`];
//! [`mermaid`], [`dot`] and [`text`] draw it. The build is deterministic:
//! routes are grouped by what happens to them (in `BTreeMap` order), and
//! big configurations are cut to [`MAX_GROUPS`] route groups and
//! [`MAX_ITEMS`] names per box, with "... and N more" for the rest.
//!
//! Every string in a [`Flow`] is raw text, much of it from the
//! configuration; each renderer escapes it for its own syntax.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::intent::{
    AccessAction, AccessStage, Destination, Intent, LocalDeliveryKind, MailerKind, NextHop, Origin,
    Route, RouteAction, VirtualTarget,
};

/// At most this many groups of routes are drawn; the rest become one
/// "... and N more routes" node.
pub const MAX_GROUPS: usize = 30;
/// At most this many names are listed in one box.
pub const MAX_ITEMS: usize = 6;
/// At most this many line numbers of one file in an edge label.
const MAX_LINES: usize = 3;

/// What a node stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// Where mail comes from: any SMTP client, or the clients that may relay.
    Clients,
    /// Recipient domains (or addresses) that are routed alike.
    Destinations,
    /// Virtual alias expansion (virtusertable).
    VirtualAliases,
    /// A Postfix transport (master.cf service) made from a sendmail mailer.
    Transport,
    /// Delivery on this host.
    LocalDelivery,
    /// Bounced with an error.
    Rejected,
    /// Dropped silently.
    Discarded,
    /// The host a transport hands mail to.
    NextHop,
    /// Stands for the routes left out of the diagram.
    More,
}

/// One box of the diagram.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Unique in the flow, stable for a given intent, `[A-Za-z0-9_]` only.
    pub id: String,
    pub kind: NodeKind,
    /// The headline (raw text).
    pub label: String,
    /// Further lines under the headline: the domains of a group, the
    /// listeners of the SMTP clients, a delivery command (raw text).
    pub items: Vec<String>,
    /// Items left out beyond [`MAX_ITEMS`].
    pub more: usize,
}

/// One arrow of the diagram.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// Where the decision comes from (`file:line`, the table), or what the
    /// arrow means.
    pub label: Option<String>,
    /// Drawn dashed: the sendmail configuration does this, the Postfix
    /// output does not (an open relay).
    pub dashed: bool,
}

/// The mail flow: nodes in drawing order (clients, destinations, what
/// the destinations go to, next hops), edges in the order of the nodes
/// they leave.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Flow {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Flow {
    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The edges leaving a node, in order.
    pub fn edges_from<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Edge> + 'a {
        self.edges.iter().filter(move |e| e.from == id)
    }
}

// ---------------------------------------------------------------------------
// Building

/// Collects nodes (one per kind and key) and edges (one per pair).
#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    keys: BTreeMap<(NodeKind, String), String>,
    ids: BTreeSet<String>,
    edges: Vec<Edge>,
    pairs: BTreeSet<(String, String)>,
}

impl Builder {
    /// The id of the node of this kind and key, made on first use.
    fn node(&mut self, kind: NodeKind, key: &str, label: &str, items: Vec<String>) -> String {
        self.named(kind, key, key, label, items)
    }

    /// [`Builder::node`], with the id made from `name` rather than the key.
    fn named(
        &mut self,
        kind: NodeKind,
        key: &str,
        name: &str,
        label: &str,
        items: Vec<String>,
    ) -> String {
        if let Some(id) = self.keys.get(&(kind, key.to_owned())) {
            return id.clone();
        }
        let mut base = format!("{}_{}", prefix(kind), id_part(name));
        if base.len() > 64 {
            base.truncate(64);
        }
        let mut id = base.clone();
        let mut n = 2;
        while self.ids.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        let (items, more) = capped(items);
        self.ids.insert(id.clone());
        self.keys.insert((kind, key.to_owned()), id.clone());
        self.nodes.push(Node {
            id: id.clone(),
            kind,
            label: label.to_owned(),
            items,
            more,
        });
        id
    }

    fn edge(&mut self, from: &str, to: &str, label: Option<String>, dashed: bool) {
        if self.pairs.insert((from.to_owned(), to.to_owned())) {
            self.edges.push(Edge {
                from: from.to_owned(),
                to: to.to_owned(),
                label: label.filter(|l| !l.is_empty()),
                dashed,
            });
        }
    }

    fn finish(mut self) -> Flow {
        // Stable: within a kind, nodes keep the order they were made in;
        // edges follow the nodes they leave.
        self.nodes.sort_by_key(|n| n.kind);
        let position: BTreeMap<&str, usize> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        self.edges
            .sort_by_key(|e| position.get(e.from.as_str()).copied().unwrap_or(usize::MAX));
        Flow {
            nodes: self.nodes,
            edges: self.edges,
        }
    }
}

fn prefix(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Clients => "C",
        NodeKind::Destinations => "D",
        NodeKind::VirtualAliases => "V",
        NodeKind::Transport => "T",
        NodeKind::LocalDelivery => "L",
        NodeKind::Rejected => "R",
        NodeKind::Discarded => "Z",
        NodeKind::NextHop => "N",
        NodeKind::More => "M",
    }
}

/// Any text as the tail of a node id: ASCII letters and digits, `_` for
/// everything else.
fn id_part(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The first [`MAX_ITEMS`] items, and how many were left out.
fn capped(mut items: Vec<String>) -> (Vec<String>, usize) {
    if items.len() > MAX_ITEMS {
        let more = items.len() - MAX_ITEMS;
        items.truncate(MAX_ITEMS);
        (items, more)
    } else {
        (items, 0)
    }
}

/// A file's last path component: labels stay short and do not depend on
/// where the configuration was read from.
fn base_name(file: &str) -> &str {
    file.rsplit('/').next().unwrap_or(file)
}

/// Where a set of facts come from, briefly: `mailertable:2,3,4,...`,
/// `access:5, site.cf:122`.
fn sources<'a>(origins: impl IntoIterator<Item = &'a Origin>) -> Option<String> {
    let mut files: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
    for o in origins {
        if o.file.is_empty() {
            continue;
        }
        let lines = files.entry(base_name(&o.file)).or_default();
        if o.line > 0 {
            lines.insert(o.line);
        }
    }
    if files.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    for (file, lines) in files.iter().take(MAX_LINES) {
        let mut part = (*file).to_owned();
        for (i, line) in lines.iter().take(MAX_LINES).enumerate() {
            part.push(if i == 0 { ':' } else { ',' });
            part.push_str(&line.to_string());
        }
        if lines.len() > MAX_LINES {
            part.push_str(",...");
        }
        parts.push(part);
    }
    if files.len() > MAX_LINES {
        parts.push("...".into());
    }
    Some(parts.join(", "))
}

fn destination_text(d: &Destination) -> String {
    match d {
        Destination::Address(a) => a.clone(),
        Destination::Domain(d) => d.clone(),
        Destination::Subdomains(d) => format!("*.{d}"),
        Destination::Everything => "other domains".into(),
    }
}

/// Does a transport of this service talk SMTP to the recipient's MX when
/// no next hop is given?
fn smtp_like(intent: &Intent, service: &str) -> bool {
    service == "smtp"
        || service == "relay"
        || intent
            .transports
            .iter()
            .any(|t| t.service == service && matches!(t.kind, MailerKind::Smtp | MailerKind::Relay))
}

/// The node mail with this action goes to first (a transport, local
/// delivery, a rejection), with the rest of its way drawn.
fn head(b: &mut Builder, intent: &Intent, action: &RouteAction) -> String {
    match action {
        RouteAction::Deliver { service, next_hop } => {
            let hop_key = next_hop.as_ref().map(NextHop::postfix);
            let key = match &hop_key {
                Some(h) => format!("{service} {h}"),
                None => service.clone(),
            };
            let transport = b.node(NodeKind::Transport, &key, service, Vec::new());
            let hop = match (next_hop, smtp_like(intent, service)) {
                (Some(h), _) => {
                    Some(b.node(NodeKind::NextHop, &h.postfix(), &h.postfix(), Vec::new()))
                }
                (None, true) => Some(b.node(
                    NodeKind::NextHop,
                    "recipient's MX",
                    "recipient's MX",
                    Vec::new(),
                )),
                (None, false) => None,
            };
            if let Some(hop) = hop {
                b.edge(&transport, &hop, None, false);
            }
            transport
        }
        RouteAction::Local { user: None } => local_delivery(b, intent),
        RouteAction::Local { user: Some(u) } => b.node(
            NodeKind::LocalDelivery,
            &format!("user {u}"),
            "local delivery",
            vec![format!("to user {u}")],
        ),
        RouteAction::Error { status, code, text } => {
            let mut detail = String::new();
            if let Some(c) = code {
                detail = c.to_string();
            }
            if !text.is_empty() {
                if !detail.is_empty() {
                    detail.push(' ');
                }
                detail.push_str(text);
            }
            let items = if detail.is_empty() {
                Vec::new()
            } else {
                vec![detail.clone()]
            };
            b.node(
                NodeKind::Rejected,
                &format!("{status} {detail}"),
                &format!("reject {status}"),
                items,
            )
        }
        RouteAction::Discard => b.node(NodeKind::Discarded, "discard", "discarded", Vec::new()),
    }
}

/// The local delivery agent, with how it stores mail.
fn local_delivery(b: &mut Builder, intent: &Intent) -> String {
    let ld = &intent.local_delivery;
    let items = match ld.kind {
        LocalDeliveryKind::Mailbox => Vec::new(),
        LocalDeliveryKind::Command => ld
            .command
            .iter()
            .map(|c| format!("via {}", c.value))
            .collect(),
        LocalDeliveryKind::Lmtp => ld
            .lmtp
            .iter()
            .map(|l| format!("LMTP {}", l.value))
            .collect(),
    };
    b.node(NodeKind::LocalDelivery, "local", "local delivery", items)
}

/// The virtual alias node: what the entries map to.
fn virtual_aliases(b: &mut Builder, intent: &Intent) -> String {
    let items = intent
        .virtual_aliases
        .iter()
        .map(|a| {
            let target = match &a.target {
                VirtualTarget::Addresses { targets } => targets.join(", "),
                VirtualTarget::Error { status, .. } => format!("reject {status}"),
                VirtualTarget::Discard => "discarded".into(),
            };
            format!("{} -> {target}", a.key)
        })
        .collect();
    b.node(
        NodeKind::VirtualAliases,
        "virtual",
        "virtual aliases",
        items,
    )
}

/// The domain part of a virtual alias key (`user@domain`, `@domain`).
fn alias_domain(key: &str) -> Option<String> {
    key.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase())
}

/// Draws an edge from a destination group to the virtual alias node when
/// virtual alias entries name one of its domains.
fn aliases_for(b: &mut Builder, intent: &Intent, group: &str, domains: &BTreeSet<String>) {
    let entries: Vec<&Origin> = intent
        .virtual_aliases
        .iter()
        .filter(|a| alias_domain(&a.key).is_some_and(|d| domains.contains(&d)))
        .map(|a| &a.origin)
        .collect();
    if !entries.is_empty() {
        let v = virtual_aliases(b, intent);
        b.edge(group, &v, sources(entries), false);
    }
}

/// The route that takes mail for `domain`: an exact entry, else the
/// longest `*.parent` entry.
fn route_for<'a>(routes: &[&'a Route], domain: &str) -> Option<&'a Route> {
    let domain = domain.to_ascii_lowercase();
    let mut best: Option<(usize, &Route)> = None;
    for r in routes {
        match &r.destination {
            Destination::Domain(d) if d.eq_ignore_ascii_case(&domain) => return Some(r),
            Destination::Subdomains(p) => {
                let p = p.to_ascii_lowercase();
                let under = domain
                    .strip_suffix(p.as_str())
                    .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.'));
                let longer = match best {
                    Some((len, _)) => p.len() > len,
                    None => true,
                };
                if under && longer {
                    best = Some((p.len(), r));
                }
            }
            _ => {}
        }
    }
    best.map(|(_, r)| r)
}

/// The mail flow of an intent.
pub fn flow(intent: &Intent) -> Flow {
    let mut b = Builder::default();
    let routes: Vec<&Route> = intent
        .routes
        .iter()
        .filter(|r| r.destination != Destination::Everything)
        .collect();

    // Where mail comes from.
    let listeners: Vec<String> = intent
        .listeners
        .iter()
        .map(|l| {
            let mut s = match &l.address {
                Some(a) => format!("{}: {a} port {}", l.name, l.port),
                None => format!("{}: port {}", l.name, l.port),
            };
            if l.submission {
                s.push_str(", submission");
            }
            if l.tls_wrapper {
                s.push_str(", TLS");
            }
            if l.auth_required {
                s.push_str(", AUTH required");
            }
            s
        })
        .collect();
    let clients = b.node(NodeKind::Clients, "smtp", "SMTP clients", listeners);

    let mut relay_clients: BTreeSet<String> = BTreeSet::new();
    let mut relay_origins: Vec<&Origin> = Vec::new();
    for n in &intent.relay.networks {
        relay_clients.insert(n.value.clone());
        relay_origins.push(&n.origin);
    }
    for n in &intent.relay.client_names {
        relay_clients.insert(n.value.clone());
        relay_origins.push(&n.origin);
    }
    for r in &intent.access {
        if r.stage == AccessStage::Client && r.action == AccessAction::Relay {
            relay_clients.insert(r.key.clone());
            relay_origins.push(&r.origin);
        }
    }
    let mut relay_items: Vec<String> = relay_clients.into_iter().collect();
    if intent.relay.authenticated || intent.security.auth_mechanisms.is_some() {
        relay_items.push("clients that log in (SMTP AUTH)".into());
        if let Some(a) = &intent.security.auth_mechanisms {
            relay_origins.push(&a.origin);
        }
    }

    // Local domains.
    let local_names: BTreeSet<String> = intent
        .local_domains
        .iter()
        .map(|d| d.value.to_ascii_lowercase())
        .collect();
    let local = b.node(
        NodeKind::Destinations,
        "local",
        "local domains",
        local_names.iter().cloned().collect(),
    );
    b.edge(&clients, &local, None, false);

    // Virtual domains.
    let virtual_names: BTreeSet<String> = intent
        .virtual_domains
        .iter()
        .map(|d| d.value.to_ascii_lowercase())
        .collect();
    let virtual_group = (!virtual_names.is_empty()).then(|| {
        let id = b.node(
            NodeKind::Destinations,
            "virtual",
            "virtual domains",
            virtual_names.iter().cloned().collect(),
        );
        b.edge(&clients, &id, None, false);
        id
    });

    // Relay domains: accepted from anyone, sent on.
    let relay_names: BTreeSet<String> = intent
        .relay
        .domains
        .iter()
        .map(|d| d.value.to_ascii_lowercase())
        .collect();
    let relay_group = (!relay_names.is_empty() || intent.relay.based_on_mx.is_some()).then(|| {
        let mut items: Vec<String> = relay_names.iter().cloned().collect();
        if intent.relay.based_on_mx.is_some() {
            items.push("domains whose MX is this host".into());
        }
        let id = b.node(NodeKind::Destinations, "relay", "relay domains", items);
        let origins = intent
            .relay
            .domains
            .iter()
            .map(|d| &d.origin)
            .chain(intent.relay.based_on_mx.as_ref());
        b.edge(&clients, &id, sources(origins), false);
        id
    });

    let relay_clients = (!relay_items.is_empty())
        .then(|| b.node(NodeKind::Clients, "relay", "relay clients", relay_items));

    // Local domains go to local delivery, or to the mail hub.
    match &intent.mail_hub {
        Some(hub) => {
            let hop = hub.value.postfix();
            let t = b.node(
                NodeKind::Transport,
                &format!("relay {hop} hub"),
                "relay",
                Vec::new(),
            );
            let n = b.node(NodeKind::NextHop, &hop, &hop, Vec::new());
            b.edge(&t, &n, None, false);
            b.edge(&local, &t, sources([&hub.origin]), false);
        }
        None => {
            let l = local_delivery(&mut b, intent);
            b.edge(
                &local,
                &l,
                sources(intent.local_domains.iter().map(|d| &d.origin)),
                false,
            );
        }
    }
    aliases_for(&mut b, intent, &local, &local_names);
    if let Some(v) = &virtual_group {
        let a = virtual_aliases(&mut b, intent);
        let origins = intent.virtual_domains.iter().map(|d| &d.origin);
        b.edge(v, &a, sources(origins), false);
    }

    // The default route.
    let (default_action, default_origin) = match intent
        .routes
        .iter()
        .find(|r| r.destination == Destination::Everything)
    {
        Some(r) => (r.action.clone(), Some(&r.origin)),
        None => (
            RouteAction::Deliver {
                service: "smtp".into(),
                next_hop: intent.smart_host.as_ref().map(|h| h.value.clone()),
            },
            intent.smart_host.as_ref().map(|h| &h.origin),
        ),
    };

    // Routes for named destinations, grouped by what happens to them.
    let mut groups: BTreeMap<&RouteAction, Vec<&Route>> = BTreeMap::new();
    for r in &routes {
        groups.entry(&r.action).or_default().push(r);
    }
    let mut left_out = 0;
    for (i, (action, members)) in groups.iter().enumerate() {
        if i >= MAX_GROUPS {
            left_out += members.len();
            continue;
        }
        let names: BTreeSet<String> = members
            .iter()
            .map(|r| destination_text(&r.destination))
            .collect();
        let (label, items) = if names.len() == 1 {
            (names.iter().next().cloned().unwrap_or_default(), Vec::new())
        } else {
            (
                format!("{} destinations", names.len()),
                names.iter().cloned().collect(),
            )
        };
        // The id comes from the group's first destination.
        let first = names.iter().next().cloned().unwrap_or_default();
        let key = format!("route {i}");
        let group = b.named(NodeKind::Destinations, &key, &first, &label, items);
        let target = head(&mut b, intent, action);
        b.edge(
            &group,
            &target,
            sources(members.iter().map(|r| &r.origin)),
            false,
        );
    }

    // Relay domains follow their route, or the default one.
    let default_head = head(&mut b, intent, &default_action);
    if let Some(g) = &relay_group {
        let mut targets = BTreeSet::new();
        for d in &relay_names {
            let action = route_for(&routes, d).map_or(&default_action, |r| &r.action);
            targets.insert(action.clone());
        }
        if intent.relay.based_on_mx.is_some() || targets.is_empty() {
            targets.insert(default_action.clone());
        }
        for action in &targets {
            let t = head(&mut b, intent, action);
            b.edge(g, &t, None, false);
        }
    }
    // Every other destination: who may send there, and how it leaves.
    let other = b.node(NodeKind::Destinations, "other", "other domains", Vec::new());
    if let Some(id) = &relay_clients {
        b.edge(id, &other, sources(relay_origins), false);
    }
    if let Some(o) = &intent.relay.open {
        let mut label = "open relay (sendmail only)".to_owned();
        if let Some(s) = sources([o].into_iter().filter(|o| o.line > 0)) {
            label = format!("{label}, {s}");
        }
        b.edge(&clients, &other, Some(label), true);
    }
    b.edge(
        &other,
        &default_head,
        default_origin.and_then(|o| sources([o])),
        false,
    );

    if left_out > 0 {
        let label = format!("... and {left_out} more routes");
        b.node(NodeKind::More, "more", &label, Vec::new());
    }
    b.finish()
}

// ---------------------------------------------------------------------------
// Escaping

/// Configuration text made visible: control characters (newlines, escape
/// sequences) as `\n`, `\x1b`, invisible format characters (bidi
/// overrides, zero-width spaces) as `\u{202e}`. Other non-ASCII text is
/// left to each syntax.
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text for a Mermaid quoted label: no `"` (which would end it), no
/// HTML, no entity or Markdown start, nothing but ASCII.
fn mermaid_text(text: &str) -> String {
    let mut out = String::new();
    for c in visible(text).chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            c if !c.is_ascii() => {
                let _ = write!(out, "#{};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text for a Graphviz quoted string: `"` and `\` escaped, `&` and
/// non-ASCII as HTML entities (Graphviz expands entities in labels).
fn dot_text(text: &str) -> String {
    let mut out = String::new();
    for c in visible(text).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '&' => out.push_str("&amp;"),
            c if !c.is_ascii() => {
                let _ = write!(out, "&#{};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text for the terminal: one line, ASCII, no escape sequences.
fn plain_text(text: &str) -> String {
    let mut out = String::new();
    for c in visible(text).chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    out
}

/// A node's lines: headline, items, "... and N more".
fn lines(node: &Node) -> Vec<String> {
    let mut lines = vec![node.label.clone()];
    lines.extend(node.items.iter().cloned());
    if node.more > 0 {
        lines.push(format!("... and {} more", node.more));
    }
    lines
}

// ---------------------------------------------------------------------------
// Mermaid

/// The flow as a Mermaid flowchart (MIGRATION.md draws this one).
pub fn mermaid(flow: &Flow) -> String {
    let mut out = String::from("flowchart LR\n");
    for node in &flow.nodes {
        let label = lines(node)
            .iter()
            .map(|l| mermaid_text(l))
            .collect::<Vec<_>>()
            .join("<br/>");
        let (open, close) = match node.kind {
            NodeKind::Clients => ("([", "])"),
            NodeKind::Destinations | NodeKind::More => ("[", "]"),
            NodeKind::VirtualAliases => ("[/", "/]"),
            NodeKind::Transport => ("(", ")"),
            NodeKind::LocalDelivery => ("[(", ")]"),
            NodeKind::Rejected | NodeKind::Discarded => ("{{", "}}"),
            NodeKind::NextHop => ("[[", "]]"),
        };
        let _ = writeln!(out, "  {}{open}\"{label}\"{close}", node.id);
    }
    for edge in &flow.edges {
        let arrow = if edge.dashed { "-.->" } else { "-->" };
        match &edge.label {
            Some(l) => {
                let _ = writeln!(
                    out,
                    "  {} {arrow}|\"{}\"| {}",
                    edge.from,
                    mermaid_text(l),
                    edge.to
                );
            }
            None => {
                let _ = writeln!(out, "  {} {arrow} {}", edge.from, edge.to);
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Graphviz

/// The flow as a Graphviz digraph (`dot -Tsvg` draws it).
pub fn dot(flow: &Flow) -> String {
    let mut out = String::from("digraph mailflow {\n");
    out.push_str("  rankdir=LR;\n");
    out.push_str("  node [fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for node in &flow.nodes {
        let label = lines(node)
            .iter()
            .map(|l| dot_text(l))
            .collect::<Vec<_>>()
            .join("\\n");
        let shape = match node.kind {
            NodeKind::Clients => "shape=ellipse",
            NodeKind::Destinations => "shape=box",
            NodeKind::VirtualAliases => "shape=folder",
            NodeKind::Transport => "shape=box, style=rounded",
            NodeKind::LocalDelivery => "shape=cylinder",
            NodeKind::Rejected => "shape=octagon",
            NodeKind::Discarded => "shape=octagon, style=dashed",
            NodeKind::NextHop => "shape=box3d",
            NodeKind::More => "shape=note",
        };
        let _ = writeln!(out, "  \"{}\" [{shape}, label=\"{label}\"];", node.id);
    }
    for edge in &flow.edges {
        let mut attrs = Vec::new();
        if let Some(l) = &edge.label {
            attrs.push(format!("label=\"{}\"", dot_text(l)));
        }
        if edge.dashed {
            attrs.push("style=dashed".to_owned());
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        let _ = writeln!(out, "  \"{}\" -> \"{}\"{attrs};", edge.from, edge.to);
    }
    out.push_str("}\n");
    out
}

// ---------------------------------------------------------------------------
// Text

const ARROW: &str = " ──▶ ";
const DASHED: &str = " ╌╌▶ ";
/// Paths drawn from one box at most, in the text rendering.
const MAX_PATHS: usize = 12;
/// Boxes in one path at most (a guard against cycles).
const MAX_DEPTH: usize = 8;

/// One line of a text table: boxes joined by arrows, then a note.
#[derive(Clone)]
struct Row {
    /// Each box's text, with whether the arrow into it is dashed.
    cells: Vec<(String, bool)>,
    note: String,
}

/// Every path from `start` to a box with no way on, as rows.
fn paths(flow: &Flow, start: &Node) -> Vec<Row> {
    let mut rows = Vec::new();
    let first = Row {
        cells: vec![(plain_text(&start.label), false)],
        note: String::new(),
    };
    let mut stack: Vec<(Row, &str)> = vec![(first, start.id.as_str())];
    while let Some((row, id)) = stack.pop() {
        let next: Vec<&Edge> = flow.edges_from(id).collect();
        if next.is_empty() || row.cells.len() >= MAX_DEPTH || rows.len() >= MAX_PATHS {
            rows.push(row);
            continue;
        }
        // Reversed, so the first edge is drawn first.
        for edge in next.iter().rev() {
            let Some(to) = flow.node(&edge.to) else {
                continue;
            };
            let mut longer = row.clone();
            longer.cells.push((plain_text(&to.label), edge.dashed));
            if let Some(label) = &edge.label {
                if !longer.note.is_empty() {
                    longer.note.push_str(", ");
                }
                longer.note.push_str(&plain_text(label));
            }
            stack.push((longer, to.id.as_str()));
        }
    }
    rows
}

/// Rows in aligned columns; the first box is written once per block.
fn table(blocks: &[(Vec<Row>, Vec<String>)], out: &mut String) {
    let mut widths: Vec<usize> = Vec::new();
    for (rows, _) in blocks {
        for row in rows {
            for (i, (cell, _)) in row.cells.iter().enumerate() {
                let w = cell.chars().count();
                if widths.len() <= i {
                    widths.push(w);
                } else {
                    widths[i] = widths[i].max(w);
                }
            }
        }
    }
    for (rows, items) in blocks {
        for (r, row) in rows.iter().enumerate() {
            let mut line = String::from("  ");
            for (i, width) in widths.iter().enumerate() {
                match row.cells.get(i) {
                    Some((cell, dashed)) => {
                        if i > 0 {
                            line.push_str(if *dashed { DASHED } else { ARROW });
                        }
                        let cell = if i == 0 && r > 0 { "" } else { cell.as_str() };
                        let _ = write!(line, "{cell:<width$}");
                    }
                    None => {
                        let _ = write!(line, "{:<w$}", "", w = width + ARROW.chars().count());
                    }
                }
            }
            if !row.note.is_empty() {
                line.push_str("  ");
                line.push_str(&row.note);
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        for item in items {
            out.push_str("      ");
            out.push_str(item);
            out.push('\n');
        }
    }
}

/// A node's items for the text rendering, escaped.
fn text_items(node: &Node) -> Vec<String> {
    let mut items: Vec<String> = node.items.iter().map(|i| plain_text(i)).collect();
    if node.more > 0 {
        items.push(format!("... and {} more", node.more));
    }
    items
}

/// The flow for a terminal: where mail comes from, then one block per
/// destination group with its way out (`example.com ──▶ smtp ──▶
/// [relay.example.com]`), then what the other boxes hold.
pub fn text(flow: &Flow) -> String {
    let mut out = String::new();

    let inbound: Vec<(Vec<Row>, Vec<String>)> = flow
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Clients)
        .map(|n| {
            let rows = flow
                .edges_from(&n.id)
                .filter_map(|e| {
                    let to = flow.node(&e.to)?;
                    Some(Row {
                        cells: vec![
                            (plain_text(&n.label), false),
                            (plain_text(&to.label), e.dashed),
                        ],
                        note: e.label.as_deref().map(plain_text).unwrap_or_default(),
                    })
                })
                .collect();
            (rows, text_items(n))
        })
        .collect();
    if !inbound.is_empty() {
        out.push_str("Inbound\n");
        table(&inbound, &mut out);
    }

    let routing: Vec<(Vec<Row>, Vec<String>)> = flow
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Destinations)
        .map(|n| (paths(flow, n), text_items(n)))
        .collect();
    if !routing.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str("Routing\n");
        table(&routing, &mut out);
        for n in flow.nodes.iter().filter(|n| n.kind == NodeKind::More) {
            out.push_str("  ");
            out.push_str(&plain_text(&n.label));
            out.push('\n');
        }
    }

    let details: Vec<&Node> = flow
        .nodes
        .iter()
        .filter(|n| {
            !matches!(
                n.kind,
                NodeKind::Clients | NodeKind::Destinations | NodeKind::More
            ) && (!n.items.is_empty() || n.more > 0)
        })
        .collect();
    if !details.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str("Details\n");
        for n in details {
            out.push_str("  ");
            out.push_str(&plain_text(&n.label));
            out.push('\n');
            for item in text_items(n) {
                out.push_str("      ");
                out.push_str(&item);
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intent::{AccessRule, Sourced};

    fn origin(file: &str, line: u32) -> Origin {
        Origin::new(file, line, "")
    }

    fn route(destination: Destination, action: RouteAction, line: u32) -> Route {
        Route {
            destination,
            action,
            evidence: String::new(),
            origin: origin("/etc/mail/mailertable", line),
        }
    }

    fn smtp(hop: &str) -> RouteAction {
        RouteAction::Deliver {
            service: "smtp".into(),
            next_hop: NextHop::parse(hop),
        }
    }

    fn domain(d: &str) -> Destination {
        Destination::Domain(d.into())
    }

    fn sourced(value: &str, line: u32) -> Sourced<String> {
        Sourced::new(value.into(), origin("sendmail.cf", line))
    }

    /// A small site: local domains, a smart host, a mailertable.
    fn site() -> Intent {
        Intent {
            local_domains: vec![sourced("example.com", 10), sourced("localhost", 11)],
            smart_host: Some(Sourced::new(
                NextHop::parse("[relay.example.com]").expect("hop"),
                origin("sendmail.cf", 20),
            )),
            routes: vec![
                route(domain("a.example.org"), smtp("[hub.example.org]"), 1),
                route(domain("b.example.org"), smtp("[hub.example.org]"), 2),
                route(
                    Destination::Subdomains("uucp".into()),
                    RouteAction::Deliver {
                        service: "uucp".into(),
                        next_hop: NextHop::parse("uucp-gw"),
                    },
                    3,
                ),
                route(
                    domain("old.example.com"),
                    RouteAction::Error {
                        status: "5.1.2".into(),
                        code: Some(550),
                        text: "Host retired".into(),
                    },
                    4,
                ),
                route(domain("spam.example.com"), RouteAction::Discard, 5),
            ],
            ..Intent::default()
        }
    }

    fn all(flow: &Flow) -> String {
        format!("{}\n{}\n{}", text(flow), dot(flow), mermaid(flow))
    }

    #[test]
    fn the_same_intent_gives_the_same_diagram_whatever_the_route_order() {
        let intent = site();
        let once = flow(&intent);
        assert_eq!(once, flow(&intent));
        let mut reversed = intent.clone();
        reversed.routes.reverse();
        reversed.local_domains.reverse();
        assert_eq!(all(&once), all(&flow(&reversed)));
    }

    #[test]
    fn routes_with_the_same_action_share_a_box() {
        let f = flow(&site());
        let group = f
            .nodes
            .iter()
            .find(|n| n.items == ["a.example.org", "b.example.org"])
            .expect("one box for both domains");
        assert_eq!(group.kind, NodeKind::Destinations);
        assert_eq!(group.label, "2 destinations");
        assert_eq!(group.id, "D_a_example_org");
        let edge = f.edges_from(&group.id).next().expect("an edge");
        assert_eq!(edge.label.as_deref(), Some("mailertable:1,2"));
        let transport = f.node(&edge.to).expect("transport");
        assert_eq!(
            (transport.kind, transport.label.as_str()),
            (NodeKind::Transport, "smtp")
        );
        let hop = f.edges_from(&transport.id).next().expect("hop edge");
        assert_eq!(
            f.node(&hop.to).map(|n| n.label.as_str()),
            Some("[hub.example.org]")
        );
        let t = text(&f);
        assert!(
            t.contains(
                "2 destinations   ──▶ smtp           ──▶ [hub.example.org]    mailertable:1,2"
            ),
            "{t}"
        );
        assert!(
            t.contains(
                "*.uucp           ──▶ uucp           ──▶ uucp-gw              mailertable:3"
            ),
            "{t}"
        );
        assert!(
            t.contains(
                "old.example.com  ──▶ reject 5.1.2                            mailertable:4"
            ),
            "{t}"
        );
        assert!(t.contains("spam.example.com ──▶ discarded"), "{t}");
        assert!(
            t.contains(
                "other domains    ──▶ smtp           ──▶ [relay.example.com]  sendmail.cf:20"
            ),
            "{t}"
        );
    }

    #[test]
    fn ids_are_unique_and_plain() {
        let mut intent = site();
        // "a-example.org" and "a.example.org" make the same id text.
        intent
            .routes
            .push(route(domain("a-example.org"), smtp("x.example"), 9));
        intent
            .routes
            .push(route(domain("local"), smtp("y.example"), 10));
        let f = flow(&intent);
        let ids: BTreeSet<&str> = f.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids.len(), f.nodes.len());
        assert!(f
            .nodes
            .iter()
            .all(|n| n.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')));
        assert!(
            ids.contains("D_local") && ids.contains("D_local_2"),
            "{ids:?}"
        );
        for e in &f.edges {
            assert!(ids.contains(e.from.as_str()) && ids.contains(e.to.as_str()));
        }
    }

    #[test]
    fn big_configurations_are_cut_short() {
        let mut intent = Intent::default();
        for i in 0..100 {
            intent
                .local_domains
                .push(sourced(&format!("d{i:03}.example"), 1));
            intent.routes.push(route(
                domain(&format!("r{i:03}.example")),
                smtp(&format!("[h{i:03}.example]")),
                i + 1,
            ));
        }
        let f = flow(&intent);
        let local = f.node("D_local").expect("local domains");
        assert_eq!(local.items.len(), MAX_ITEMS);
        assert_eq!(local.more, 100 - MAX_ITEMS);
        let more: Vec<&Node> = f
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::More)
            .collect();
        assert_eq!(more.len(), 1);
        assert_eq!(
            more[0].label,
            format!("... and {} more routes", 100 - MAX_GROUPS)
        );
        let groups = f
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Destinations)
            .count();
        assert_eq!(groups, MAX_GROUPS + 2, "route groups, local and other");
        let t = text(&f);
        assert!(
            t.contains(&format!("... and {} more\n", 100 - MAX_ITEMS)),
            "{t}"
        );
        assert!(t.contains("... and 70 more routes\n"), "{t}");
        assert!(mermaid(&f).contains("... and 70 more routes"));
        // Many lines of one table: the label stays short.
        let labels: Vec<&str> = f.edges.iter().filter_map(|e| e.label.as_deref()).collect();
        assert!(labels.contains(&"sendmail.cf:1"), "{labels:?}");
    }

    #[test]
    fn inbound_mail_follows_the_relay_policy() {
        let mut intent = site();
        intent.relay.networks.push(sourced("192.0.2.0/24", 30));
        intent
            .relay
            .client_names
            .push(sourced("trusted.example", 31));
        intent.relay.domains.push(sourced("a.example.org", 32));
        intent.relay.domains.push(sourced("lists.example.com", 33));
        intent.access.push(AccessRule {
            stage: AccessStage::Client,
            key: "198.51.100".into(),
            action: AccessAction::Relay,
            origin: origin("/etc/mail/access", 2),
        });
        intent.virtual_domains.push(sourced("virtual.example", 40));
        let f = flow(&intent);
        let relay = f.node("C_relay").expect("relay clients");
        assert_eq!(
            relay.items,
            ["192.0.2.0/24", "198.51.100", "trusted.example"]
        );
        let to: Vec<(&str, Option<&str>)> = f
            .edges_from("C_relay")
            .map(|e| (e.to.as_str(), e.label.as_deref()))
            .collect();
        assert_eq!(to, [("D_other", Some("access:2, sendmail.cf:30,31"))]);
        let from_clients: Vec<&str> = f.edges_from("C_smtp").map(|e| e.to.as_str()).collect();
        assert_eq!(from_clients, ["D_local", "D_virtual", "D_relay"]);
        // a.example.org has its own route; lists.example.com takes the default.
        let mut relayed: Vec<&str> = f.edges_from("D_relay").map(|e| e.to.as_str()).collect();
        relayed.sort_unstable();
        assert_eq!(
            relayed,
            ["T_smtp__hub_example_org_", "T_smtp__relay_example_com_"]
        );
        assert!(f.edges_from("D_virtual").any(|e| e.to == "V_virtual"));
        // No open relay, no dashed edge.
        assert!(f.edges.iter().all(|e| !e.dashed));
    }

    #[test]
    fn an_open_relay_is_dashed_and_a_hub_takes_local_mail() {
        let mut intent = site();
        intent.relay.open = Some(origin("sendmail.cf", 0));
        intent.mail_hub = Some(Sourced::new(
            NextHop::parse("[hub.example.com]").expect("hop"),
            origin("sendmail.cf", 50),
        ));
        let f = flow(&intent);
        let open: Vec<&Edge> = f.edges.iter().filter(|e| e.dashed).collect();
        assert_eq!(open.len(), 1);
        assert_eq!(
            (open[0].from.as_str(), open[0].to.as_str()),
            ("C_smtp", "D_other")
        );
        assert_eq!(open[0].label.as_deref(), Some("open relay (sendmail only)"));
        assert!(mermaid(&f).contains("  C_smtp -.->|\"open relay (sendmail only)\"| D_other\n"));
        assert!(dot(&f).contains(
            "  \"C_smtp\" -> \"D_other\" [label=\"open relay (sendmail only)\", style=dashed];\n"
        ));
        assert!(text(&f).contains("╌╌▶ other domains"));
        let t = text(&f);
        assert!(
            t.contains("local domains    ──▶ relay        ──▶ [hub.example.com]    sendmail.cf:50"),
            "{t}"
        );
    }

    #[test]
    fn sources_are_short() {
        let o = |f: &str, l| Origin::new(f, l, "");
        assert_eq!(
            sources([&o("/etc/mail/access", 5)]).as_deref(),
            Some("access:5")
        );
        assert_eq!(sources([&o("a.cf", 0)]).as_deref(), Some("a.cf"));
        let many = [o("t", 4), o("t", 1), o("t", 3), o("t", 2), o("a.cf", 9)];
        assert_eq!(sources(&many).as_deref(), Some("a.cf:9, t:1,2,3,..."));
        assert_eq!(sources([]), None);
    }

    /// Quotes, brackets, braces, a newline, an escape sequence, HTML,
    /// entities, Graphviz and Mermaid specials, non-ASCII.
    const NASTY: &str = "x\"]}{[)(\n<b>&amp;#35;|`\\N\u{1b}[31mé\u{202e}";

    fn hostile() -> Intent {
        let o = Origin::new(format!("/etc/{NASTY}"), 7, NASTY);
        let hop = NextHop {
            host: NASTY.into(),
            mx_lookup: false,
            port: Some(25),
        };
        let mut intent = Intent::default();
        intent
            .local_domains
            .push(Sourced::new(NASTY.into(), o.clone()));
        intent
            .virtual_domains
            .push(Sourced::new(NASTY.into(), o.clone()));
        intent
            .relay
            .domains
            .push(Sourced::new(NASTY.into(), o.clone()));
        intent
            .relay
            .networks
            .push(Sourced::new(NASTY.into(), o.clone()));
        intent.smart_host = Some(Sourced::new(hop.clone(), o.clone()));
        intent.local_delivery.kind = LocalDeliveryKind::Command;
        intent.local_delivery.command = Some(Sourced::new(NASTY.into(), o.clone()));
        intent.listeners.push(crate::intent::Listener {
            name: NASTY.into(),
            address: Some(NASTY.into()),
            port: 25,
            submission: false,
            tls_wrapper: false,
            auth_required: false,
            origin: o.clone(),
        });
        for (i, action) in [
            RouteAction::Deliver {
                service: NASTY.into(),
                next_hop: Some(hop),
            },
            RouteAction::Error {
                status: NASTY.into(),
                code: None,
                text: NASTY.into(),
            },
            RouteAction::Local {
                user: Some(NASTY.into()),
            },
        ]
        .into_iter()
        .enumerate()
        {
            intent.routes.push(Route {
                destination: Destination::Domain(format!("{NASTY}{i}")),
                action,
                evidence: String::new(),
                origin: o.clone(),
            });
        }
        intent
    }

    /// The hostile intent with every string made harmless: the same shape.
    fn tame() -> Intent {
        let mut intent = hostile();
        let fix = |s: &mut String| *s = s.replace(NASTY, "tame");
        for d in intent
            .local_domains
            .iter_mut()
            .chain(intent.virtual_domains.iter_mut())
            .chain(intent.relay.domains.iter_mut())
            .chain(intent.relay.networks.iter_mut())
        {
            fix(&mut d.value);
        }
        if let Some(h) = &mut intent.smart_host {
            fix(&mut h.value.host);
        }
        if let Some(c) = &mut intent.local_delivery.command {
            fix(&mut c.value);
        }
        for l in &mut intent.listeners {
            fix(&mut l.name);
            l.address = Some("tame".into());
        }
        for r in &mut intent.routes {
            if let Destination::Domain(d) = &mut r.destination {
                fix(d);
            }
            match &mut r.action {
                RouteAction::Deliver { service, next_hop } => {
                    fix(service);
                    if let Some(h) = next_hop {
                        fix(&mut h.host);
                    }
                }
                RouteAction::Error { status, text, .. } => {
                    fix(status);
                    fix(text);
                }
                RouteAction::Local { user: Some(u) } => fix(u),
                _ => {}
            }
        }
        intent
    }

    #[test]
    fn hostile_names_stay_inside_mermaid_labels() {
        let f = flow(&hostile());
        let m = mermaid(&f);
        assert!(m.is_ascii(), "{m}");
        let lines: Vec<&str> = m.lines().collect();
        assert_eq!(lines.len(), 1 + f.nodes.len() + f.edges.len(), "{m}");
        let node = regex::Regex::new(
            r#"^  [A-Za-z0-9_]+(\(\[|\[\[|\[\(|\[/|\{\{|\[|\()"[^"]*"(\]\)|\]\]|\)\]|/\]|\}\}|\]|\))$"#,
        )
        .expect("regex");
        let edge =
            regex::Regex::new(r#"^  [A-Za-z0-9_]+ (-->|-\.->)(\|"[^"|]*"\| | )[A-Za-z0-9_]+$"#)
                .expect("regex");
        for line in &lines[1..=f.nodes.len()] {
            assert!(node.is_match(line), "{line}");
            let inner = &line[line.find('"').unwrap_or(0)..];
            assert!(
                !inner.replace("<br/>", "").contains(['<', '>', '`']),
                "{line}"
            );
        }
        for line in &lines[1 + f.nodes.len()..] {
            assert!(edge.is_match(line), "{line}");
        }
        assert!(
            m.contains(
                "x#quot;]}{[)(\\n#lt;b#gt;#amp;amp;#35;35;#124;#96;\\N\\x1b[31m#233;\\u{202e}"
            ),
            "{m}"
        );
    }

    /// Splits a DOT line into its quoted strings, or fails on a string
    /// that does not end on the line.
    fn dot_strings(line: &str) -> Option<Vec<String>> {
        let mut strings = Vec::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c != '"' {
                continue;
            }
            let mut s = String::new();
            loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => {
                        s.push('\\');
                        s.push(chars.next()?);
                    }
                    c => s.push(c),
                }
            }
            strings.push(s);
        }
        Some(strings)
    }

    #[test]
    fn hostile_names_stay_inside_dot_strings() {
        let f = flow(&hostile());
        let d = dot(&f);
        assert!(d.is_ascii(), "{d}");
        let lines: Vec<&str> = d.lines().collect();
        assert_eq!(lines.len(), 5 + f.nodes.len() + f.edges.len(), "{d}");
        assert_eq!(lines[0], "digraph mailflow {");
        assert_eq!(lines[1], "  rankdir=LR;");
        assert_eq!(lines[lines.len() - 1], "}");
        for line in &lines[4..lines.len() - 1] {
            let strings = dot_strings(line).unwrap_or_else(|| panic!("unclosed string: {line}"));
            // Outside the strings, only the syntax we wrote.
            let mut outside = line.to_string();
            for s in &strings {
                outside = outside.replacen(&format!("\"{s}\""), "\"\"", 1);
            }
            assert!(
                outside
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || " \"[]=,;->_".contains(c)),
                "{line} -> {outside}"
            );
            for s in &strings {
                // Every backslash starts an escape we meant: \\, \", \n.
                let mut it = s.chars();
                while let Some(c) = it.next() {
                    if c == '\\' {
                        let next = it.next();
                        assert!(matches!(next, Some('\\' | '"' | 'n')), "{line}");
                    }
                    assert!(
                        c != '&' || it.as_str().starts_with("amp;") || it.as_str().starts_with('#'),
                        "{line}"
                    );
                }
            }
        }
        assert!(
            d.contains("x\\\"]}{[)(\\\\n<b>&amp;amp;#35;|`\\\\N\\\\x1b[31m&#233;\\\\u{202e}"),
            "{d}"
        );
    }

    #[test]
    fn hostile_names_stay_on_their_text_line() {
        let nasty = text(&flow(&hostile()));
        let plain = text(&flow(&tame()));
        assert_eq!(
            nasty.lines().count(),
            plain.lines().count(),
            "{nasty}\n{plain}"
        );
        assert!(nasty
            .chars()
            .all(|c| (c.is_ascii() && (!c.is_control() || c == '\n')) || "──▶╌".contains(c)));
        assert!(
            nasty.contains("x\"]}{[)(\\n<b>&amp;#35;|`\\N\\x1b[31m\\u{e9}\\u{202e}"),
            "{nasty}"
        );
    }
}
