//! Recipients from sendmail's syslog lines: the `to=` field, which lists
//! one or more addresses (`to=<a@b>,<c@d>, delay=...`).

/// The fields sendmail writes after `to=` on the same line.
const NEXT_FIELDS: &[&str] = &[
    ", delay=",
    ", ctladdr=",
    ", mailer=",
    ", pri=",
    ", xdelay=",
    ", relay=",
    ", dsn=",
    ", stat=",
    ", orcpt=",
];

/// Every recipient named on a log line (none when it has no `to=`).
pub fn recipients(line: &str) -> Vec<String> {
    let Some(start) = line
        .find(" to=")
        .map(|i| i + 4)
        .or_else(|| line.starts_with("to=").then_some(3))
    else {
        return Vec::new();
    };
    let rest = &line[start..];
    let end = NEXT_FIELDS
        .iter()
        .filter_map(|f| rest.find(f))
        .min()
        .unwrap_or(rest.len());
    let field = &rest[..end];
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quoted = false;
    let mut current = String::new();
    for c in field.chars() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => depth += 1,
            '>' if !quoted => depth = depth.saturating_sub(1),
            ',' if !quoted && depth == 0 => {
                push(&mut out, &current);
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    push(&mut out, &current);
    out
}

fn push(out: &mut Vec<String>, item: &str) {
    let item = item.trim();
    let item = item
        .strip_prefix('<')
        .and_then(|i| i.strip_suffix('>'))
        .unwrap_or(item)
        .trim();
    if !item.is_empty() {
        out.push(item.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sendmail_lines() {
        let l = "Nov 24 10:00:00 mail sendmail[123]: x1AB: to=<alice@example.org>,<bob@example.net>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120, relay=mx.example.org. [192.0.2.1], dsn=2.0.0, stat=Sent (ok)";
        assert_eq!(recipients(l), vec!["alice@example.org", "bob@example.net"]);
        let l = "Nov 24 10:00:01 mail sendmail[124]: x1AC: to=root, ctladdr=root (0/0), delay=00:00:00, mailer=local, stat=Sent";
        assert_eq!(recipients(l), vec!["root"]);
        assert!(
            recipients("Nov 24 10:00:02 mail sendmail[125]: x1AD: from=<a@b>, size=1").is_empty()
        );
        let l = "x: to=\"Doe, John\" <jd@example.org>, delay=00:00:00";
        assert_eq!(recipients(l), vec!["\"Doe, John\" <jd@example.org>"]);
    }
}
