//! `cidr:` tables: `network/prefix result` rules, first match wins.
//!
//! Patterns are IPv4 or IPv6 (a `:` makes it IPv6), optionally in
//! brackets (`[::1]/128`, `[::1/128]`); a bare address means all bits; `!`
//! negates a rule (it then matches addresses of the same family outside
//! the network); `if network` ... `endif` guards a block. The network must
//! have no host bits set. Addresses are parsed as glibc's `inet_pton`
//! does (IPv4: exactly four decimal parts, no leading zeros).

use super::source::{is_space, logical_lines, trim_end};

/// Parses a dotted-quad IPv4 address as `inet_pton(AF_INET)`.
pub fn parse_ipv4(text: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut octets = 0usize;
    let mut saw_digit = false;
    let mut current: u32 = 0;
    for &c in text {
        if c.is_ascii_digit() {
            if saw_digit && current == 0 {
                return None;
            }
            current = current * 10 + u32::from(c - b'0');
            if current > 255 {
                return None;
            }
            if !saw_digit {
                octets += 1;
                if octets > 4 {
                    return None;
                }
                saw_digit = true;
            }
            out[octets - 1] = u8::try_from(current).ok()?;
        } else if c == b'.' && saw_digit {
            if octets == 4 {
                return None;
            }
            saw_digit = false;
            current = 0;
        } else {
            return None;
        }
    }
    (octets == 4 && saw_digit).then_some(out)
}

/// Parses an IPv6 address as `inet_pton(AF_INET6)`.
pub fn parse_ipv6(text: &[u8]) -> Option<[u8; 16]> {
    let mut out = [0u8; 16];
    let mut tp = 0usize;
    let mut colon_at: Option<usize> = None;
    let mut src = 0usize;
    if text.is_empty() {
        return None;
    }
    if text[0] == b':' {
        src = 1;
        if text.get(1) != Some(&b':') {
            return None;
        }
    }
    let mut token_start = src;
    let mut digits = 0usize;
    let mut value: u32 = 0;
    while src < text.len() {
        let ch = text[src];
        src += 1;
        if let Some(d) = char::from(ch).to_digit(16) {
            if digits == 4 {
                return None;
            }
            value = (value << 4) | d;
            digits += 1;
            continue;
        }
        if ch == b':' {
            token_start = src;
            if digits == 0 {
                if colon_at.is_some() {
                    return None;
                }
                colon_at = Some(tp);
                continue;
            } else if src == text.len() {
                return None;
            }
            if tp + 2 > 16 {
                return None;
            }
            out[tp] = (value >> 8) as u8;
            out[tp + 1] = (value & 0xff) as u8;
            tp += 2;
            digits = 0;
            value = 0;
            continue;
        }
        if ch == b'.' && tp + 4 <= 16 {
            if let Some(v4) = parse_ipv4(&text[token_start..]) {
                out[tp..tp + 4].copy_from_slice(&v4);
                tp += 4;
                digits = 0;
                break;
            }
        }
        return None;
    }
    if digits > 0 {
        if tp + 2 > 16 {
            return None;
        }
        out[tp] = (value >> 8) as u8;
        out[tp + 1] = (value & 0xff) as u8;
        tp += 2;
    }
    if let Some(at) = colon_at {
        if tp == 16 {
            return None;
        }
        let n = tp - at;
        let moved: Vec<u8> = out[at..tp].to_vec();
        for b in &mut out[at..] {
            *b = 0;
        }
        out[16 - n..].copy_from_slice(&moved);
        tp = 16;
    }
    (tp == 16).then_some(out)
}

/// An address of either family, as bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    V4([u8; 4]),
    V6([u8; 16]),
}

impl Address {
    /// Parses `text` the way the CIDR code picks the family: a `:` means
    /// IPv6.
    pub fn parse(text: &str) -> Option<Address> {
        if text.contains(':') {
            parse_ipv6(text.as_bytes()).map(Address::V6)
        } else {
            parse_ipv4(text.as_bytes()).map(Address::V4)
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Address::V4(b) => b,
            Address::V6(b) => b,
        }
    }
}

/// A network: address and prefix length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network {
    pub address: Address,
    pub prefix: u32,
}

impl Network {
    pub fn contains(&self, address: &Address) -> bool {
        let (net, addr) = (self.address.bytes(), address.bytes());
        if std::mem::discriminant(&self.address) != std::mem::discriminant(address) {
            return false;
        }
        let mut bits = self.prefix;
        for (n, a) in net.iter().zip(addr) {
            let mask: u8 = if bits >= 8 {
                0xff
            } else {
                !(0xffu8.checked_shr(bits).unwrap_or(0))
            };
            if a & mask != *n {
                return false;
            }
            bits = bits.saturating_sub(8);
        }
        true
    }

    /// Parses a CIDR pattern as `cidr_match_parse` does.
    pub fn parse(pattern: &str) -> Result<Network, String> {
        let (text, mask_text): (&str, Option<&str>) = if let Some(inner) = pattern.strip_prefix('[')
        {
            let Some(close) = inner.find(']') else {
                return Err(format!("missing ']' character after \"[{inner}\""));
            };
            let (addr, after) = (&inner[..close], &inner[close + 1..]);
            if let Some(mask) = after.strip_prefix('/') {
                (addr, Some(mask))
            } else if !after.is_empty() {
                return Err(format!("garbage after \"[{addr}]\""));
            } else {
                match addr.split_once('/') {
                    Some((a, m)) => (a, Some(m)),
                    None => (addr, None),
                }
            }
        } else {
            match pattern.split_once('/') {
                Some((a, m)) => (a, Some(m)),
                None => (pattern, None),
            }
        };
        let v6 = text.contains(':');
        let bits: u32 = if v6 { 128 } else { 32 };
        let parse = |t: &str| {
            if v6 {
                parse_ipv6(t.as_bytes()).map(Address::V6)
            } else {
                parse_ipv4(t.as_bytes()).map(Address::V4)
            }
        };
        match mask_text {
            None => {
                let address =
                    parse(text).ok_or_else(|| format!("bad address pattern: \"{text}\""))?;
                Ok(Network {
                    address,
                    prefix: bits,
                })
            }
            Some(mask) => {
                let all_digits = !mask.is_empty() && mask.bytes().all(|b| b.is_ascii_digit());
                if !all_digits {
                    return Err(format!("bad mask value in \"{text}/{mask}\""));
                }
                let Some(prefix) = mask.parse::<u32>().ok().filter(|p| *p <= bits) else {
                    return Err(format!("bad mask length in \"{text}/{mask}\""));
                };
                let Some(address) = parse(text) else {
                    return Err(format!("bad network value in \"{text}/{mask}\""));
                };
                Self::checked(address, prefix, text, mask)
            }
        }
    }

    fn checked(address: Address, prefix: u32, text: &str, mask: &str) -> Result<Network, String> {
        let network = Network { address, prefix };
        let mut masked = network.clone();
        let bytes: &mut [u8] = match &mut masked.address {
            Address::V4(b) => b,
            Address::V6(b) => b,
        };
        let mut bits = prefix;
        for b in bytes.iter_mut() {
            let mask: u8 = if bits >= 8 {
                0xff
            } else {
                !(0xffu8.checked_shr(bits).unwrap_or(0))
            };
            *b &= mask;
            bits = bits.saturating_sub(8);
        }
        if masked != network {
            return Err(format!(
                "non-null host address bits in \"{text}/{mask}\", perhaps you should use \"{}/{prefix}\" instead",
                masked.address_text()
            ));
        }
        Ok(network)
    }

    fn address_text(&self) -> String {
        match &self.address {
            Address::V4(b) => std::net::Ipv4Addr::from(*b).to_string(),
            Address::V6(b) => std::net::Ipv6Addr::from(*b).to_string(),
        }
    }
}

#[derive(Clone, Debug)]
enum Rule {
    Match {
        network: Network,
        matches: bool,
        value: String,
        line: u32,
    },
    If {
        network: Network,
        matches: bool,
        endif: Option<usize>,
    },
    Endif,
}

/// A loaded `cidr:` table.
#[derive(Clone, Debug, Default)]
pub struct CidrTable {
    rules: Vec<Rule>,
}

fn keyword(p: &[u8], word: &[u8]) -> bool {
    p.len() >= word.len()
        && p[..word.len()].eq_ignore_ascii_case(word)
        && !p.get(word.len()).is_some_and(|b| b.is_ascii_alphanumeric())
}

fn negations(p: &[u8], mut at: usize) -> (bool, usize) {
    let mut matches = true;
    while at < p.len() {
        if p[at] == b'!' {
            matches = !matches;
        } else if !is_space(p[at]) {
            break;
        }
        at += 1;
    }
    (matches, at)
}

impl CidrTable {
    pub fn load(bytes: &[u8], warnings: &mut Vec<String>) -> CidrTable {
        let mut rules = Vec::new();
        let mut open_ifs: Vec<usize> = Vec::new();
        for line in logical_lines(bytes, warnings) {
            let text = String::from_utf8_lossy(&line.text).into_owned();
            let p = text.as_bytes();
            let parsed: Result<Rule, String> = if keyword(p, b"if") {
                let (matches, at) = negations(p, 2);
                let rest = String::from_utf8_lossy(trim_end(&p[at..])).into_owned();
                if rest.is_empty() {
                    Err("no address pattern".into())
                } else {
                    Network::parse(&rest).map(|network| Rule::If {
                        network,
                        matches,
                        endif: None,
                    })
                }
            } else if keyword(p, b"endif") {
                if p[5..].iter().any(|&b| !is_space(b)) {
                    Err("garbage after ENDIF".into())
                } else if open_ifs.is_empty() {
                    Err("ENDIF without IF".into())
                } else {
                    Ok(Rule::Endif)
                }
            } else {
                let (matches, at) = negations(p, 0);
                let rest = &p[at..];
                let key_end = rest.iter().position(|&b| is_space(b)).unwrap_or(rest.len());
                let pattern = String::from_utf8_lossy(&rest[..key_end]).into_owned();
                let mut v = key_end;
                while v < rest.len() && is_space(rest[v]) {
                    v += 1;
                }
                let value =
                    String::from_utf8_lossy(trim_end(&rest[v.min(rest.len())..])).into_owned();
                if pattern.is_empty() {
                    Err("no address pattern".into())
                } else {
                    match Network::parse(&pattern) {
                        Err(e) => Err(e),
                        Ok(_) if value.is_empty() => Err("no lookup result".into()),
                        Ok(network) => Ok(Rule::Match {
                            network,
                            matches,
                            value,
                            line: line.line,
                        }),
                    }
                }
            };
            match parsed {
                Err(why) => warnings.push(format!(
                    "cidr map, line {}: {why}: skipping this rule",
                    line.line
                )),
                Ok(rule) => {
                    match rule {
                        Rule::If { .. } => open_ifs.push(rules.len()),
                        Rule::Endif => {
                            let here = rules.len();
                            if let Some(Rule::If { endif, .. }) =
                                open_ifs.pop().and_then(|i| rules.get_mut(i))
                            {
                                *endif = Some(here);
                            }
                        }
                        Rule::Match { .. } => {}
                    }
                    rules.push(rule);
                }
            }
        }
        if !open_ifs.is_empty() {
            warnings.push(format!(
                "cidr map: {} IF without matching ENDIF",
                open_ifs.len()
            ));
        }
        CidrTable { rules }
    }

    /// The first rule that matches the address `key`, with its line.
    pub fn lookup_with_line(&self, key: &str) -> Option<(String, u32)> {
        let address = Address::parse(key)?;
        let mut index = 0;
        while let Some(rule) = self.rules.get(index) {
            match rule {
                Rule::Match {
                    network,
                    matches,
                    value,
                    line,
                } => {
                    let same_family = std::mem::discriminant(&network.address)
                        == std::mem::discriminant(&address);
                    if same_family && network.contains(&address) == *matches {
                        return Some((value.clone(), *line));
                    }
                    index += 1;
                }
                Rule::If {
                    network,
                    matches,
                    endif,
                } => {
                    let same_family = std::mem::discriminant(&network.address)
                        == std::mem::discriminant(&address);
                    if same_family && network.contains(&address) == *matches {
                        index += 1;
                    } else {
                        match endif {
                            Some(end) => index = end + 1,
                            None => return None,
                        }
                    }
                }
                Rule::Endif => index += 1,
            }
        }
        None
    }

    pub fn lookup(&self, key: &str) -> Option<String> {
        self.lookup_with_line(key).map(|(v, _)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inet_pton_rules() {
        assert_eq!(parse_ipv4(b"1.2.3.4"), Some([1, 2, 3, 4]));
        assert_eq!(parse_ipv4(b"01.2.3.4"), None);
        assert_eq!(parse_ipv4(b"1.2.3"), None);
        assert_eq!(parse_ipv4(b"1.2.3.256"), None);
        assert_eq!(parse_ipv4(b"1.2.3.4."), None);
        assert!(parse_ipv6(b"::").is_some());
        assert!(parse_ipv6(b"::1").is_some());
        assert!(parse_ipv6(b"1::").is_some());
        assert!(parse_ipv6(b"1:").is_none());
        assert!(parse_ipv6(b"::ffff:1.2.3.4").is_some());
        assert!(parse_ipv6(b"1:2:3:4:5:6:7:8").is_some());
        assert!(parse_ipv6(b"1:2:3:4:5:6:7:8:9").is_none());
        assert!(parse_ipv6(b"1:2:3:4:5:6:7::8").is_none());
        assert!(parse_ipv6(b"12345::").is_none());
    }

    #[test]
    fn first_match_negation_and_blocks() {
        let text = "\
192.168.0.0/16 lan
!10.0.0.0/8 not-ten
[2001:db8::]/32 doc6
if 172.16.0.0/12
172.16.1.1 one
endif
10.1.2.3 ten-host
";
        let mut w = Vec::new();
        let t = CidrTable::load(text.as_bytes(), &mut w);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(t.lookup("192.168.3.4").as_deref(), Some("lan"));
        assert_eq!(t.lookup("8.8.8.8").as_deref(), Some("not-ten"));
        assert_eq!(t.lookup("10.1.2.3").as_deref(), Some("ten-host"));
        assert_eq!(t.lookup("2001:db8::5").as_deref(), Some("doc6"));
        assert_eq!(t.lookup("2001:db9::5"), None);
        assert_eq!(t.lookup("not-an-address"), None);
    }

    #[test]
    fn host_bits_are_refused() {
        assert!(Network::parse("10.0.0.1/8").is_err());
        assert!(Network::parse("10.0.0.0/33").is_err());
        assert!(Network::parse("[::1]/128").is_ok());
        assert!(Network::parse("[::1/128]").is_ok());
        assert!(Network::parse("0.0.0.0/0").is_ok());
    }
}
