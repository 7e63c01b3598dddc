//! What sendmail does with a whole address: `parseaddr` (rulesets 3 and 0,
//! then `buildaddr` with 2, the mailer's R= and 4) and `remotename` (the
//! rewriting for one mailer), as `/parse` and `/try` show them.

use super::meta::{Table, CANONHOST, CANONNET, CANONUSER, MACROEXPAND};
use super::rewrite::strip_quotes;
use super::tokenize::{ADDRESS_BUFFER, MAX_ATOM};
use super::{status, Machine, Token};

/// The delivery triple `parseaddr` builds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub mailer: Vec<u8>,
    pub host: Option<Vec<u8>>,
    pub user: Vec<u8>,
    /// The workspace ruleset 0 returned.
    pub resolved: Vec<Token>,
    /// `QNOTREMOTE`: the mailer has `F=@` and the user started with `@`
    /// (stripped), so ruleset 5 is not run on it.
    pub not_remote: bool,
}

/// What `remotename` produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TryResult {
    pub status: i32,
    pub address: Vec<u8>,
}

/// `/tryflags`: header or envelope, sender or recipient.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AddressFlags {
    pub header: bool,
    pub sender: bool,
}

const ERROR_MAILER: &[u8] = b"*error*";

impl Machine {
    /// sendmail's `crackaddr`, for the common shapes: the template that
    /// puts the address back into its comments and phrase.
    pub fn crack(&self, address: &[u8]) -> Vec<u8> {
        let g = [MACROEXPAND, b'g'];
        if let (Some(open), Some(close)) = (
            address.iter().position(|&b| b == b'<'),
            address.iter().rposition(|&b| b == b'>'),
        ) {
            if open < close {
                let mut out = address[..=open].to_vec();
                out.extend(g);
                out.extend(&address[close..]);
                return trim_end(out);
            }
        }
        // Comments outside quotes follow the address, each after a space.
        let mut out = g.to_vec();
        let mut depth = 0usize;
        let mut quoted = false;
        let mut backslash = false;
        for &c in address {
            if backslash {
                backslash = false;
                if depth > 0 {
                    out.push(c);
                }
                continue;
            }
            match c {
                b'\\' => {
                    backslash = true;
                    if depth > 0 {
                        out.push(c);
                    }
                    continue;
                }
                b'"' if depth == 0 => quoted = !quoted,
                b'(' if !quoted => {
                    if depth == 0 {
                        out.extend(b" (");
                    } else {
                        out.push(c);
                    }
                    depth += 1;
                    continue;
                }
                b')' if !quoted && depth > 0 => {
                    depth -= 1;
                    out.push(b')');
                    continue;
                }
                _ => {}
            }
            if depth > 0 {
                out.push(c);
            }
        }
        out
    }

    /// `/parse`: rulesets 3 and 0, then the triple. The error message or
    /// `None` when the address cannot be parsed.
    pub fn parse_address(&mut self, address: &[u8], flags: AddressFlags) -> Option<Parsed> {
        self.current_to = Some(address.to_vec());
        let scan = self.scan(address, Table::External, 0, ADDRESS_BUFFER);
        for e in &scan.errors {
            self.error(e);
        }
        let mut work = scan.tokens?;
        if address.len() > super::MAX_NAME - 1 {
            self.error(&format!(
                "553 5.1.0 Address \"{}\" too long ({} bytes max)",
                super::lossy(address),
                super::MAX_NAME - 1
            ));
            return None;
        }
        let mut queue_up = self.rewrite(&mut work, 3, 0, MAX_ATOM) == status::TEMPFAIL;
        queue_up |= self.rewrite(&mut work, 0, 0, MAX_ATOM) == status::TEMPFAIL;
        let parsed = self.build_address(work, flags);
        if queue_up && parsed.mailer != ERROR_MAILER {
            self.error("050 Transient parse error -- message queued for future delivery");
        }
        self.current_to = None;
        Some(parsed)
    }

    fn build_address(&mut self, work: Vec<Token>, flags: AddressFlags) -> Parsed {
        let resolved = work.clone();
        let bad = |mailer: &[u8], resolved: Vec<Token>| Parsed {
            mailer: mailer.to_vec(),
            host: None,
            user: Vec::new(),
            resolved,
            not_remote: false,
        };
        if work.first().and_then(|t| t.first()) != Some(&CANONNET) {
            self.error("554 5.3.5 buildaddr: no mailer in parsed address");
            return bad(ERROR_MAILER, resolved);
        }
        let mailer_name = work.get(1).map(|t| t.to_vec()).unwrap_or_default();
        let mut i = 2;
        let mut host_start = None;
        if work.get(i).and_then(|t| t.first()) == Some(&CANONHOST) {
            i += 1;
            host_start = Some(i);
        }
        while i < work.len() && work[i].first() != Some(&CANONUSER) {
            i += 1;
        }
        if i >= work.len() {
            self.error("554 5.3.5 buildaddr: no user");
            return bad(ERROR_MAILER, resolved);
        }
        let host = match host_start {
            Some(h) if h == i => None,
            Some(h) => Some(self.join(&work[h..i], Some(0), true, 2048)),
            None => None,
        };
        let user_start = i + 1;
        let ubuf = self.join(&work[user_start..], Some(b' '), false, 2048);
        if mailer_name.eq_ignore_ascii_case(b"error") {
            let mut message = ubuf.clone();
            strip_quotes(&mut message);
            let text = String::from_utf8_lossy(&message).into_owned();
            let is_code = text.len() > 3
                && text.as_bytes()[..3].iter().all(u8::is_ascii_digit)
                && text.as_bytes()[3] == b' ';
            if is_code {
                self.error(&text);
            } else {
                self.error(&format!("553 5.3.0 {text}"));
            }
            return Parsed {
                mailer: ERROR_MAILER.to_vec(),
                host,
                user: ubuf,
                resolved,
                not_remote: false,
            };
        }
        let Some(mailer) = self.mailer(&mailer_name).cloned() else {
            self.error(&format!(
                "554 5.3.5 buildaddr: unknown mailer {}",
                super::lossy(&mailer_name)
            ));
            return bad(ERROR_MAILER, resolved);
        };
        if host.is_none() && !mailer.has_flag(b'l') {
            self.error("554 5.3.5 buildaddr: no host");
            return bad(ERROR_MAILER, resolved);
        }
        let mut user_tokens: Vec<Token> = work[user_start..].to_vec();
        let mut p = &ubuf[..];
        let mut not_remote = false;
        if mailer.has_flag(b'@') && p.first() == Some(&b'@') {
            p = &p[1..];
            not_remote = true;
            if !user_tokens.is_empty() {
                user_tokens.remove(0);
            }
        }
        let p = p.strip_prefix(b"\"").unwrap_or(p);
        let mut final_mailer = mailer.clone();
        if p.first() == Some(&b'|') && mailer.has_flag(b'|') {
            final_mailer = self.mailer(b"prog").cloned().unwrap_or(mailer.clone());
        } else if p.first() == Some(&b'/') && mailer.has_flag(b'/') {
            final_mailer = self.mailer(b"*file*").cloned().unwrap_or(mailer.clone());
        } else if p.first() == Some(&b':') && mailer.has_flag(b':') {
            let mut stripped = ubuf.clone();
            strip_quotes(&mut stripped);
            if stripped.len() >= 9 && stripped[..9].eq_ignore_ascii_case(b":include:") {
                return Parsed {
                    mailer: b"*include*".to_vec(),
                    host,
                    user: stripped[9..].to_vec(),
                    resolved,
                    not_remote,
                };
            }
        }
        self.macros.set(b'h', host.as_deref());
        let max = MAX_ATOM.saturating_sub(user_start + 1);
        if self.level >= 10 || !(flags.sender || flags.header) {
            self.rewrite(&mut user_tokens, 2, 0, max);
            if final_mailer.recipient_envelope > 0 {
                self.rewrite(&mut user_tokens, final_mailer.recipient_envelope, 0, max);
            }
        }
        self.rewrite(&mut user_tokens, 4, 0, max);
        let mut user = self.join(&user_tokens, Some(0), true, 2048);
        let mut host = host;
        if let Some(h) = host.as_mut() {
            if !final_mailer.has_flag(b'h') {
                h.make_ascii_lowercase();
            }
        }
        if !final_mailer.has_flag(b'u') {
            user.make_ascii_lowercase();
        }
        Parsed {
            mailer: final_mailer.name.clone(),
            host,
            user,
            resolved,
            not_remote,
        }
    }

    /// `/try`: the address as mailer `mailer` would receive it.
    pub fn remote_name(&mut self, address: &[u8], mailer: &[u8], flags: AddressFlags) -> TryResult {
        let Some(m) = self.mailer(mailer).cloned() else {
            return TryResult {
                status: status::OK,
                address: address.to_vec(),
            };
        };
        let rwset = match (flags.sender, flags.header) {
            (true, true) => m.sender_header,
            (true, false) => m.sender_envelope,
            (false, true) => m.recipient_header,
            (false, false) => m.recipient_envelope,
        };
        let addr_type = format!(
            "{} {}",
            if flags.header { 'h' } else { 'e' },
            if flags.sender { 's' } else { 'r' }
        );
        if let Some(id) = self.names.find(b"addr_type") {
            self.macros.set(id, Some(addr_type.as_bytes()));
        }
        let fancy = if m.has_flag(b'c') {
            vec![MACROEXPAND, b'g']
        } else {
            self.crack(address)
        };
        let scan = self.scan(address, Table::External, 0, ADDRESS_BUFFER);
        for e in &scan.errors {
            self.error(e);
        }
        let Some(mut work) = scan.tokens else {
            return TryResult {
                status: status::OK,
                address: address.to_vec(),
            };
        };
        let mut st = status::OK;
        let mut step = |this: &mut Machine, work: &mut Vec<Token>, n: usize| {
            if this.rewrite(work, n, 0, MAX_ATOM) == status::TEMPFAIL {
                st = status::TEMPFAIL;
            }
        };
        step(self, &mut work, 3);
        step(self, &mut work, if flags.sender { 1 } else { 2 });
        if rwset > 0 {
            step(self, &mut work, rwset);
        }
        step(self, &mut work, 4);
        let joined = self.join(&work, Some(0), false, 2048);
        let old = self.macros.get(b'g').map(<[u8]>::to_vec);
        self.macros.set(b'g', Some(&joined));
        let mut errors = Vec::new();
        let result = super::expand(&fancy, &self.macros, 2048, &mut errors);
        self.macros.set(b'g', old.as_deref());
        TryResult {
            status: st,
            address: result,
        }
    }
}

fn trim_end(mut v: Vec<u8>) -> Vec<u8> {
    while v.last().is_some_and(u8::is_ascii_whitespace) {
        v.pop();
    }
    v
}
