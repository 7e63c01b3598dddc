//! Mailers as sendmail builds them from `M` lines.

use std::collections::BTreeSet;

use super::expand::munch;
use super::meta::MACROEXPAND;
use super::Rulesets;

/// A mailer: the fields the rewriting and `=M` need.
#[derive(Clone, Debug)]
pub struct Mailer {
    pub name: Vec<u8>,
    pub path: Vec<u8>,
    pub flags: BTreeSet<u8>,
    pub sender_envelope: usize,
    pub sender_header: usize,
    pub recipient_envelope: usize,
    pub recipient_header: usize,
    pub argv: Vec<Vec<u8>>,
    pub eol: Vec<u8>,
    pub max_size: i64,
    pub uid: i64,
    pub gid: i64,
    pub line_limit: i64,
    pub charset: Option<Vec<u8>>,
    pub mta_type: Option<Vec<u8>>,
    pub addr_type: Option<Vec<u8>>,
    pub diag_type: Option<Vec<u8>>,
    pub max_recipients: i64,
    /// 1-based line of the `M` line (0 for built-in mailers).
    pub line: u32,
}

impl Mailer {
    pub fn has_flag(&self, flag: u8) -> bool {
        self.flags.contains(&flag)
    }

    fn empty(name: &[u8]) -> Self {
        Mailer {
            name: name.to_vec(),
            path: Vec::new(),
            flags: BTreeSet::new(),
            sender_envelope: 0,
            sender_header: 0,
            recipient_envelope: 0,
            recipient_header: 0,
            argv: Vec::new(),
            eol: Vec::new(),
            max_size: 0,
            uid: -1,
            gid: -1,
            line_limit: 0,
            charset: None,
            mta_type: None,
            addr_type: None,
            diag_type: None,
            max_recipients: 0,
            line: 0,
        }
    }

    /// Builds a mailer from the (translated) text after `M`, the way
    /// sendmail's `makemailer` does. Errors are sendmail's messages (it
    /// prints them after `file: line N: `); warnings are printed as they
    /// are.
    pub fn build(
        text: &[u8],
        level: u32,
        rulesets: &mut Rulesets,
        env: &super::Environment,
        errors: &mut Vec<String>,
        warnings: &mut Vec<String>,
    ) -> Option<Mailer> {
        let name_end = text
            .iter()
            .position(|&b| b == b',' || b.is_ascii_whitespace())
            .unwrap_or(text.len());
        let name = &text[..name_end];
        if name.is_empty() {
            errors.push("name required for mailer".into());
            return None;
        }
        let mut m = Mailer::empty(name);
        let mut rest = &text[(name_end + 1).min(text.len())..];
        loop {
            let skip = rest
                .iter()
                .position(|&b| b != b',' && !b.is_ascii_whitespace())
                .unwrap_or(rest.len());
            rest = &rest[skip..];
            if rest.is_empty() {
                break;
            }
            let code = rest[0];
            let eq = rest
                .iter()
                .position(|&b| b == b'=' || b == b',')
                .unwrap_or(rest.len());
            if rest.get(eq) != Some(&b'=') {
                errors.push(format!("mailer {}: `=' expected", super::lossy(name)));
                return None;
            }
            rest = super::trim_start(&rest[eq + 1..]);
            // The value runs to the next comma outside quotes.
            let mut end = 0;
            let mut quoted = false;
            let mut backslash = false;
            while end < rest.len() {
                let b = rest[end];
                if backslash {
                    backslash = false;
                } else if b == b'\\' {
                    backslash = true;
                } else if b == b'"' {
                    quoted = !quoted;
                } else if b == b',' && !quoted {
                    break;
                }
                end += 1;
            }
            let value = munch(&rest[..end]);
            rest = &rest[end..];
            m.set_field(code, &value, rulesets, env, errors);
        }
        if m.argv.is_empty() {
            errors.push(format!("A= needed for mailer {}", super::lossy(name)));
            return None;
        }
        if m.path.is_empty() {
            errors.push(format!("P= needed for mailer {}", super::lossy(name)));
            return None;
        }
        if m.max_recipients <= 0 {
            m.max_recipients = 100;
        }
        if m.has_flag(b'L') {
            if m.line_limit == 0 {
                m.line_limit = 990;
            }
            if level < 2 {
                m.flags.insert(b'7');
            }
        }
        let shown = super::lossy(name);
        if m.path == b"[TCP]" {
            // sendmail 8.17 says so and leaves the mailer out; the systems
            // whose files spell it so (SunOS) took it for [IPC], and the
            // emulator keeps the mailer, as it follows the Sun dialect
            // elsewhere (README).
            errors.push(format!("M{shown}: P=[TCP] must be replaced by P=[IPC]"));
        }
        if m.path == b"[IPC]" {
            // The host (or socket) is the second argument.
            if m.argv.get(1).map_or(true, |a| a.is_empty()) {
                errors.push(format!("M{shown}: too few parameters for [IPC] mailer"));
                return None;
            }
            if m.argv[0] != b"TCP" && m.argv[0] != b"FILE" {
                warnings.push(format!(
                    "M{shown}: Warning: first argument in [IPC] mailer must be TCP or FILE"
                ));
            }
            m.mta_type.get_or_insert_with(|| b"dns".to_vec());
            m.addr_type.get_or_insert_with(|| b"rfc822".to_vec());
            if m.diag_type.is_none() {
                m.diag_type = Some(if m.argv.first().is_some_and(|a| a == b"FILE") {
                    b"x-unix".to_vec()
                } else {
                    b"smtp".to_vec()
                });
            }
        }
        if m.eol.is_empty() {
            let has_user = m
                .argv
                .iter()
                .any(|a| a.windows(2).any(|w| w[0] == MACROEXPAND && w[1] == b'u'));
            m.eol = if has_user {
                b"\n".to_vec()
            } else {
                b"\r\n".to_vec()
            };
        }
        Some(m)
    }

    fn set_field(
        &mut self,
        code: u8,
        value: &[u8],
        rulesets: &mut Rulesets,
        env: &super::Environment,
        errors: &mut Vec<String>,
    ) {
        let number = super::leading_number;
        match code {
            b'P' => {
                if !value.is_empty() {
                    self.path = value.to_vec();
                }
            }
            b'F' => {
                for &b in value {
                    if !b.is_ascii_whitespace() {
                        self.flags.insert(b & 0x7F);
                    }
                }
            }
            b'S' | b'R' => {
                let (first, rest) = split_ruleset(value);
                let Some(env) = rulesets.enter(first, errors) else {
                    return;
                };
                let mut hdr = env;
                if let Some(rest) = rest {
                    match rulesets.enter(rest, errors) {
                        Some(n) => hdr = n,
                        None => return,
                    }
                }
                if code == b'S' {
                    self.sender_envelope = env;
                    self.sender_header = hdr;
                } else {
                    self.recipient_envelope = env;
                    self.recipient_header = hdr;
                }
            }
            b'E' => {
                if !value.is_empty() {
                    self.eol = value.to_vec();
                }
            }
            b'A' => {
                if !value.is_empty() {
                    self.argv = value
                        .split(|b| b.is_ascii_whitespace())
                        .filter(|w| !w.is_empty())
                        .map(<[u8]>::to_vec)
                        .collect();
                }
            }
            b'M' => self.max_size = number(value),
            b'r' => self.max_recipients = number(value),
            b'L' => self.line_limit = number(value).max(0),
            b'C' => {
                if !value.is_empty() {
                    self.charset = Some(value.to_vec());
                }
            }
            b'T' => {
                let mut parts = value.splitn(3, |&b| b == b'/');
                let mta = parts.next().unwrap_or_default();
                let addr = parts.next().filter(|p| !p.is_empty());
                let diag = parts.next().filter(|p| !p.is_empty());
                self.mta_type = Some(if mta.is_empty() {
                    b"dns".to_vec()
                } else {
                    mta.to_vec()
                });
                self.addr_type = Some(addr.map_or(b"rfc822".to_vec(), <[u8]>::to_vec));
                self.diag_type = Some(diag.map_or(b"smtp".to_vec(), <[u8]>::to_vec));
            }
            b'U' => {
                let text = super::trim_start(value);
                let (user, group) = match text.iter().position(|&b| b == b':') {
                    Some(c) => (&text[..c], Some(super::trim_start(&text[c + 1..]))),
                    None => (text, None),
                };
                let user = super::trim(user);
                if user.first().is_some_and(u8::is_ascii_digit) {
                    self.uid = number(user);
                } else if let Some((uid, gid)) = env.user_ids(user) {
                    self.uid = uid;
                    self.gid = gid;
                }
                if let Some(group) = group.map(super::trim).filter(|g| !g.is_empty()) {
                    if group[0].is_ascii_digit() {
                        self.gid = number(group);
                    } else if let Some(gid) = env.group_id(group) {
                        self.gid = gid;
                    }
                }
            }
            b'm' | b'N' | b'D' | b'Q' | b'W' | b'/' => {}
            other => errors.push(format!(
                "M{}: unknown mailer equate {}=",
                super::lossy(&self.name),
                other as char
            )),
        }
    }

    /// The built-in mailers sendmail defines before reading the file.
    pub fn builtins(rulesets: &mut Rulesets, env: &super::Environment) -> Vec<Mailer> {
        let (mut errors, mut warnings) = (Vec::new(), Vec::new());
        let defs: [&[u8]; 3] = [
            b"prog, P=/bin/sh, F=lsouDq9, T=X-Unix/X-Unix/X-Unix, A=sh -c \x81u",
            b"*file*, P=[FILE], F=lsDFMPEouq9, T=X-Unix/X-Unix/X-Unix, A=FILE \x81u",
            b"*include*, P=/dev/null, F=su, A=INCLUDE \x81u",
        ];
        defs.iter()
            .filter_map(|d| Mailer::build(d, 10, rulesets, env, &mut errors, &mut warnings))
            .collect()
    }

    /// The `=M` line for this mailer.
    pub fn describe(&self, index: usize, rulesets: &Rulesets) -> Vec<u8> {
        use super::print::print_token;
        let rs = |n: usize| rulesets.display_name(n);
        let mut out = Vec::new();
        out.extend(format!("mailer {index} (").bytes());
        out.extend(&self.name);
        out.extend(b"): P=");
        out.extend(&self.path);
        out.extend(b" S=");
        out.extend(rs(self.sender_envelope));
        out.push(b'/');
        out.extend(rs(self.sender_header));
        out.extend(b" R=");
        out.extend(rs(self.recipient_envelope));
        out.push(b'/');
        out.extend(rs(self.recipient_header));
        out.extend(format!(" M={} U={}:{} F=", self.max_size, self.uid, self.gid).bytes());
        out.extend(self.flags.iter());
        out.extend(format!(" L={} E=", self.line_limit).bytes());
        out.extend(print_token(&self.eol, None));
        if let Some(cs) = &self.charset {
            out.extend(b" C=");
            out.extend(cs);
        }
        let or_undefined =
            |v: &Option<Vec<u8>>| v.clone().unwrap_or_else(|| b"<undefined>".to_vec());
        out.extend(b" T=");
        out.extend(or_undefined(&self.mta_type));
        out.push(b'/');
        out.extend(or_undefined(&self.addr_type));
        out.push(b'/');
        out.extend(or_undefined(&self.diag_type));
        out.extend(format!(" r={}", self.max_recipients).bytes());
        if !self.argv.is_empty() {
            out.extend(b" A=");
            for (i, arg) in self.argv.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                out.extend(print_token(arg, None));
            }
        }
        out
    }
}

fn split_ruleset(value: &[u8]) -> (&[u8], Option<&[u8]>) {
    match value.iter().position(|&b| b == b'/') {
        Some(i) => (&value[..i], Some(&value[i + 1..])),
        None => (value, None),
    }
}
