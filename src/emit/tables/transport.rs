//! transport(5) content from routes (sendmail's mailertable).
//!
//! Keys: `domain` (that domain only), `.domain` (its subdomains; Postfix's
//! default `parent_domain_matches_subdomains` leaves `transport_maps` out,
//! so the forms keep sendmail's meaning), `*` for everything else and
//! `user@domain` for single addresses. Results are `service:nexthop`;
//! `local:` (the local(8) agent ignores a next hop, so sendmail's
//! `local:user` cannot redirect here: the analyzer reports it), `error:` or
//! `retry:` with an enhanced status and text, and `discard:`.

use crate::intent::{Destination, Route, RouteAction};

use super::{dsn_for, one_line, render_sorted, Line};

/// Writes a transport table: one entry per destination, the first route
/// for a destination winning.
pub fn transport(routes: &[Route]) -> String {
    let lines = routes
        .iter()
        .map(|r| {
            let key = key(&r.destination);
            Line {
                text: format!("{key}\t{}", result(&r.action)),
                key,
                origin: r.origin.clone(),
            }
        })
        .collect();
    render_sorted(lines)
}

/// The lookup key for a destination.
pub fn key(destination: &Destination) -> String {
    match destination {
        Destination::Address(a) => a.to_ascii_lowercase(),
        Destination::Domain(d) => d.to_ascii_lowercase(),
        Destination::Subdomains(d) => format!(".{}", d.to_ascii_lowercase()),
        Destination::Everything => "*".to_owned(),
    }
}

/// The transport(5) result for an action.
pub fn result(action: &RouteAction) -> String {
    match action {
        RouteAction::Deliver { service, next_hop } => match next_hop {
            Some(hop) => format!("{service}:{}", hop.postfix()),
            None => format!("{service}:"),
        },
        RouteAction::Local { .. } => "local:".to_owned(),
        RouteAction::Error { status, code, text } => {
            let dsn = dsn_for(Some(status), *code);
            // error(8) bounces; its retry service defers, as a 4xx should.
            let service = if dsn.starts_with('4') {
                "retry"
            } else {
                "error"
            };
            let text = one_line(text);
            if text.is_empty() {
                format!("{service}:{dsn}")
            } else {
                format!("{service}:{dsn} {text}")
            }
        }
        RouteAction::Discard => "discard:".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intent::{NextHop, Origin};

    fn route(destination: Destination, action: RouteAction, line: u32) -> Route {
        Route {
            destination,
            action,
            evidence: String::new(),
            origin: Origin::new("mailertable", line, "x"),
        }
    }

    fn deliver(service: &str, hop: Option<&str>) -> RouteAction {
        RouteAction::Deliver {
            service: service.into(),
            next_hop: hop.and_then(NextHop::parse),
        }
    }

    #[test]
    fn keys_and_results() {
        let routes = vec![
            route(Destination::Everything, deliver("smtp", Some("[hub]")), 1),
            route(
                Destination::Subdomains("Ex.com".into()),
                deliver("relay", Some("mx.ex.com")),
                2,
            ),
            route(
                Destination::Domain("ex.com".into()),
                RouteAction::Local { user: None },
                3,
            ),
            route(
                Destination::Address("a@b.c".into()),
                deliver("smtp", None),
                4,
            ),
            route(
                Destination::Domain("gone.com".into()),
                RouteAction::Discard,
                5,
            ),
        ];
        assert_eq!(
            transport(&routes),
            "# mailertable:1\n*\tsmtp:[hub]\n\
             # mailertable:2\n.ex.com\trelay:mx.ex.com\n\
             # mailertable:4\na@b.c\tsmtp:\n\
             # mailertable:3\nex.com\tlocal:\n\
             # mailertable:5\ngone.com\tdiscard:\n"
        );
    }

    #[test]
    fn errors() {
        let e = |status: &str, code: Option<u16>, text: &str| {
            result(&RouteAction::Error {
                status: status.into(),
                code,
                text: text.into(),
            })
        };
        assert_eq!(e("5.7.1", Some(550), "go away"), "error:5.7.1 go away");
        assert_eq!(e("nouser", Some(550), "no"), "error:5.1.1 no");
        assert_eq!(e("4.0.0", Some(450), "later"), "retry:4.0.0 later");
        assert_eq!(e("5.0.0", None, ""), "error:5.0.0");
    }

    #[test]
    fn local_user_loses_the_user() {
        assert_eq!(
            result(&RouteAction::Local {
                user: Some("joe".into())
            }),
            "local:"
        );
    }

    #[test]
    fn first_route_for_a_key_wins() {
        let routes = vec![
            route(
                Destination::Domain("a".into()),
                deliver("smtp", Some("x")),
                7,
            ),
            route(
                Destination::Domain("a".into()),
                deliver("smtp", Some("y")),
                3,
            ),
        ];
        assert_eq!(transport(&routes), "# mailertable:7\na\tsmtp:x\n");
    }
}
