//! Address test mode: the command language of `sendmail -bt`, over the
//! emulated engine. Output is byte for byte what sendmail 8.17 prints.

use crate::engine::{print_token, translate, AddressFlags, Machine, ADDRESS_BUFFER, MAX_ATOM};

/// The banner sendmail prints when address test mode starts.
pub const BANNER: &str =
    "ADDRESS TEST MODE (ruleset 3 NOT automatically invoked)\nEnter <ruleset> <address>\n";

/// The help text for `?`.
const HELP: &str = "\
-bt\tHelp for test mode:
-bt\t?                :this help message.
-bt\t.Dmvalue         :define macro `m' to `value'.
-bt\t.Ccvalue         :add `value' to class `c'.
-bt\t=Sruleset        :dump the contents of the indicated ruleset.
-bt\t=M               :display the known mailers.
-bt\t-ddebug-spec     :equivalent to the command-line -d debug flag.
-bt\t$$m               :print the value of macro $$m.
-bt\t$$=c              :print the contents of class $$=c.
-bt\t/mx host         :returns the MX records for `host'.
-bt\t/parse address   :parse address, returning the value of crackaddr, and
-bt\t                  the parsed address.
-bt\t/try mailer addr :rewrite address into the form it will have when
-bt\t                  presented to the indicated mailer.
-bt\t/tryflags flags  :set flags used by parsing.  The flags can be `H' for
-bt\t                  Header or `E' for Envelope, and `S' for Sender or `R'
-bt\t                  for Recipient.  These can be combined, `HR' sets
-bt\t                  flags for header recipients.
-bt\t/canon hostname  :try to canonify hostname.
-bt\t/map mapname key :look up `key' in the indicated `mapname'.
-bt\t/quit            :quit address test mode.
-bt\trules addr       :run the indicated address through the named rules.
-bt\t                  Rules can be a comma separated list of rules.
";

/// One address test session.
pub struct Session {
    pub machine: Machine,
    flags: AddressFlags,
    quit: bool,
}

impl Session {
    pub fn new(mut machine: Machine) -> Self {
        machine.test_mode = true;
        Session {
            machine,
            flags: AddressFlags::default(),
            quit: false,
        }
    }

    pub fn quit_requested(&self) -> bool {
        self.quit
    }

    /// `header sender`, `envelope recipient`, ... as `/tryflags` set them.
    fn address_kind(&self) -> &'static str {
        match (self.flags.header, self.flags.sender) {
            (true, true) => "header sender",
            (true, false) => "header recipient",
            (false, true) => "envelope sender",
            (false, false) => "envelope recipient",
        }
    }

    fn say(&mut self, text: &str) {
        self.machine.out.extend(text.as_bytes());
    }

    /// Runs one input line (without its newline).
    pub fn line(&mut self, line: &[u8]) {
        let mut line = line;
        while line.first() == Some(&b' ') {
            line = &line[1..];
        }
        match line.first() {
            None | Some(b'#') => {}
            Some(b'?') => {
                let help = HELP.replace("$$", "$");
                self.say(&help);
            }
            Some(b'.') => self.dot(line),
            Some(b'=') => self.equals(line),
            Some(b'-') => match line.get(1) {
                Some(b'd') => self.debug(&line[2..]),
                None => self.say("Usage: -d{debug arguments}\n"),
                Some(_) => {
                    let t = format!("Unknown \"-\" command {}\n", lossy(line));
                    self.say(&t);
                }
            },
            Some(b'$') => self.dollar(line),
            Some(b'/') => self.slash(line),
            Some(_) => self.rulesets(line),
        }
    }

    fn dot(&mut self, line: &[u8]) {
        let m = &mut self.machine;
        match line.get(1) {
            Some(b'D') => {
                let (id, used) = m.names.parse(&line[2..]);
                let Ok(id) = id else { return };
                let value = translate(
                    &line[2 + used..],
                    m.level >= 3,
                    &mut m.names,
                    &mut Vec::new(),
                );
                m.macros.set(id, Some(&value));
            }
            Some(b'C') => {
                if line.len() <= 2 {
                    return;
                }
                let (id, used) = m.names.parse(&line[2..]);
                let Ok(id) = id else { return };
                let raw = translate(
                    &line[2 + used..],
                    m.level >= 3,
                    &mut m.names,
                    &mut Vec::new(),
                );
                let words = crate::engine::expand(&raw, &m.macros, 2048, &mut Vec::new());
                for w in words
                    .split(|b| b.is_ascii_whitespace())
                    .filter(|w| !w.is_empty())
                {
                    m.classes.add(id, w);
                }
            }
            None => self.say("Usage: .[DC]macro value(s)\n"),
            Some(_) => {
                let t = format!("Unknown \".\" command {}\n", lossy(line));
                self.say(&t);
            }
        }
    }

    fn equals(&mut self, line: &[u8]) {
        match line.get(1) {
            Some(b'S') => {
                let number = match self.machine.rulesets.find(&line[2..]) {
                    Ok(n) => n,
                    Err(message) => {
                        if !message.is_empty() {
                            self.machine.error(&message);
                        }
                        let t = format!("Undefined ruleset {}\n", lossy(&line[2..]));
                        self.say(&t);
                        return;
                    }
                };
                let rules = self.machine.rulesets.rules(number).clone();
                for rule in rules.iter() {
                    let m = &mut self.machine;
                    m.out.push(b'R');
                    for t in &rule.lhs {
                        m.out.extend(print_token(t, Some(&m.names)));
                        m.out.push(b' ');
                    }
                    m.out.extend(b"\t\t");
                    for t in &rule.rhs {
                        m.out.extend(print_token(t, Some(&m.names)));
                        m.out.push(b' ');
                    }
                    m.out.push(b'\n');
                }
            }
            Some(b'M') => {
                let lines: Vec<Vec<u8>> = self
                    .machine
                    .mailers
                    .iter()
                    .enumerate()
                    .map(|(i, mailer)| mailer.describe(i, &self.machine.rulesets))
                    .collect();
                for l in lines {
                    self.machine.out.extend(l);
                    self.machine.out.push(b'\n');
                }
            }
            None => self.say("Usage: =Sruleset or =M\n"),
            Some(_) => {
                let t = format!("Unknown \"=\" command {}\n", lossy(line));
                self.say(&t);
            }
        }
    }

    fn debug(&mut self, spec: &[u8]) {
        // Only category 21 changes what this emulator prints.
        for part in spec.split(|&b| b == b',') {
            let text = lossy(part);
            let (cats, level) = match text.split_once('.') {
                Some((c, l)) => (c.to_owned(), l.parse().unwrap_or(1)),
                None => (text.clone(), 1),
            };
            let covers = |c: &str| -> bool {
                match c.split_once('-') {
                    Some((a, b)) => {
                        let a: u32 = a.parse().unwrap_or(0);
                        let b: u32 = b.parse().unwrap_or(99);
                        (a..=b).contains(&21)
                    }
                    None => c.is_empty() || c.parse::<u32>().is_ok_and(|n| n == 21),
                }
            };
            if covers(&cats) {
                self.machine.debug.rewrite = level;
            }
        }
    }

    fn dollar(&mut self, line: &[u8]) {
        let m = &mut self.machine;
        if line.get(1) == Some(&b'=') {
            let Some(id) = m.names.lookup(&line[2..]) else {
                return;
            };
            let members: Vec<Vec<u8>> = m
                .classes
                .members(id)
                .into_iter()
                .map(<[u8]>::to_vec)
                .collect();
            for w in members {
                m.out.extend(w);
                m.out.push(b'\n');
            }
            return;
        }
        let Some(id) = m.names.lookup(&line[1..]) else {
            return;
        };
        if id == 0 {
            return;
        }
        match m.macros.get(id) {
            None => m.out.extend(b"Undefined\n"),
            Some(v) => {
                let shown = print_token(v, Some(&m.names));
                m.out.extend(shown);
                m.out.push(b'\n');
            }
        }
    }

    fn slash(&mut self, line: &[u8]) {
        let mut line = line.to_vec();
        while line.last().is_some_and(u8::is_ascii_whitespace) {
            line.pop();
        }
        let (command, arg) = match line.iter().position(|&b| b == b' ' || b == b'\t') {
            Some(i) => {
                let rest = crate::engine::trim(&line[i..]);
                (line[..i].to_vec(), rest.to_vec())
            }
            None => (line.clone(), Vec::new()),
        };
        let name = lossy(&command[1..]).to_ascii_lowercase();
        let arg_text = lossy(&arg);
        match name.as_str() {
            "" => self.say("Usage: /[canon|map|mx|parse|try|tryflags]\n"),
            "quit" => self.quit = true,
            "mx" => {
                if arg.is_empty() {
                    self.say("Usage: /mx address\n");
                } else {
                    let t = format!("getmxrr({arg_text}) returns 0 value(s):\n");
                    self.say(&t);
                }
            }
            "canon" => {
                if arg.is_empty() {
                    self.say("Usage: /canon address\n");
                } else {
                    let canon = self
                        .machine
                        .env
                        .canonical_host(&arg)
                        .unwrap_or_else(|| arg_text.clone());
                    let t = format!("getcanonname({arg_text}) returns {canon}\n");
                    self.say(&t);
                }
            }
            "map" => self.map(&arg),
            "sender" => {
                let result = self.machine.remote_name(
                    &arg,
                    b"local",
                    AddressFlags {
                        header: false,
                        sender: true,
                    },
                );
                let t = format!("addr={}\n", lossy(&result.address));
                self.say(&t);
            }
            "expand" => {
                if arg.is_empty() {
                    self.say("Usage: /expand string\n");
                } else {
                    let m = &mut self.machine;
                    let x = crate::engine::expand(&arg, &m.macros, 2048, &mut Vec::new());
                    let shown = print_token(&x, Some(&m.names));
                    m.out.extend(shown);
                }
            }
            "try" => self.try_mailer(&arg),
            "tryflags" => {
                if arg.is_empty() {
                    self.say("Usage: /tryflags [Hh|Ee][Ss|Rr]\n");
                    return;
                }
                for c in arg.iter() {
                    match c {
                        b'H' | b'h' => self.flags.header = true,
                        b'E' | b'e' => self.flags.header = false,
                        b'S' | b's' => self.flags.sender = true,
                        b'R' | b'r' => self.flags.sender = false,
                        _ => {}
                    }
                }
                let value = format!(
                    "{} {}",
                    if self.flags.header { 'h' } else { 'e' },
                    if self.flags.sender { 's' } else { 'r' }
                );
                if let Some(id) = self.machine.names.find(b"addr_type") {
                    self.machine.macros.set(id, Some(value.as_bytes()));
                }
            }
            "parse" => {
                if arg.is_empty() {
                    self.say("Usage: /parse address\n");
                    return;
                }
                let cracked = self.machine.crack(&arg);
                let m = &mut self.machine;
                m.out.extend(b"Cracked address = ");
                let shown = print_token(&cracked, Some(&m.names));
                m.out.extend(shown);
                let t = format!("\nParsing {} address\n", self.address_kind());
                self.say(&t);
                match self.machine.parse_address(&arg, self.flags) {
                    None => self.say("Cannot parse\n"),
                    Some(p) => {
                        let t = match p.host.as_ref().filter(|h| !h.is_empty()) {
                            Some(h) => format!(
                                "mailer {}, host {}, user {}\n",
                                lossy(&p.mailer),
                                lossy(h),
                                lossy(&p.user)
                            ),
                            None => {
                                format!("mailer {}, user {}\n", lossy(&p.mailer), lossy(&p.user))
                            }
                        };
                        self.say(&t);
                    }
                }
            }
            _ => {
                let t = format!("Unknown \"/\" command {}\n", lossy(&line));
                self.say(&t);
            }
        }
    }

    fn map(&mut self, arg: &[u8]) {
        if arg.is_empty() {
            self.say("Usage: /map mapname key\n");
            return;
        }
        let Some(split) = arg.iter().position(u8::is_ascii_whitespace) else {
            self.say("No key specified\n");
            return;
        };
        let name = &arg[..split];
        let key = &arg[split + 1..];
        if !self.machine.maps.exists(name) {
            let t = format!("Map named \"{}\" not found\n", lossy(name));
            self.say(&t);
            return;
        }
        let head = format!("map_lookup: {} ({}) ", lossy(name), lossy(key));
        // Opening the map may print a complaint before the answer.
        let (value, status) = self.machine.lookup_raw(name, key, &[], 0);
        self.say(&head);
        let t = match value {
            Some(v) => format!("returns {} ({status})\n", lossy(&v)),
            None => format!("no match ({status})\n"),
        };
        self.say(&t);
    }

    fn try_mailer(&mut self, arg: &[u8]) {
        let split = arg.iter().position(|&b| b == b' ' || b == b'\t');
        let Some(split) = split else {
            self.say("Usage: /try mailer address\n");
            return;
        };
        let mailer = arg[..split].to_vec();
        let address = crate::engine::trim(&arg[split..]).to_vec();
        if address.is_empty() {
            self.say("Usage: /try mailer address\n");
            return;
        }
        if self.machine.mailer(&mailer).is_none() {
            let t = format!("Unknown mailer {}\n", lossy(&mailer));
            self.say(&t);
            return;
        }
        let t = format!(
            "Trying {} address {} for mailer {}\n",
            self.address_kind(),
            lossy(&address),
            lossy(&mailer)
        );
        self.say(&t);
        let result = self.machine.remote_name(&address, &mailer, self.flags);
        let t = format!(
            "Rcode = {}, addr = {}\n",
            result.status,
            lossy(&result.address)
        );
        self.say(&t);
    }

    /// `LIST ADDRESS`: each address of the comma list through each ruleset.
    fn rulesets(&mut self, line: &[u8]) {
        let start = line
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(line.len());
        let line = &line[start..];
        let Some(space) = line.iter().position(u8::is_ascii_whitespace) else {
            self.say("No address!\n");
            return;
        };
        let list = &line[..space];
        let address = &line[space + 1..];
        if !self.valid_address(address) {
            return;
        }
        let table = self.machine.test_input_table();
        let mut rest = address;
        loop {
            let scan = self.machine.scan(rest, table, b',', ADDRESS_BUFFER);
            if !scan.errors.is_empty() {
                self.machine.current_to = Some(rest.to_vec());
                for e in &scan.errors {
                    self.machine.error(e);
                }
                self.machine.current_to = None;
            }
            let end = scan.end;
            if let Some(mut work) = scan.tokens {
                let mut p = list;
                while !p.is_empty() {
                    let number = match self.machine.rulesets.find(p) {
                        Ok(n) => n,
                        Err(message) => {
                            if !message.is_empty() {
                                self.machine.error(&message);
                            }
                            let t = format!("Undefined ruleset {}\n", lossy(p));
                            self.say(&t);
                            break;
                        }
                    };
                    let status = self.machine.rewrite(&mut work, number, 0, MAX_ATOM);
                    if status != 0 {
                        let t = format!("== Ruleset {} ({number}) status {status}\n", lossy(p));
                        self.say(&t);
                    }
                    match p.iter().position(|&b| b == b',') {
                        Some(i) => p = &p[i + 1..],
                        None => p = &[],
                    }
                }
            }
            if end >= rest.len() {
                break;
            }
            rest = &rest[end + 1..];
        }
    }

    /// sendmail's `invalidaddr` for `-bt` input.
    fn valid_address(&mut self, address: &[u8]) -> bool {
        if address.len() > 255 {
            let shown: Vec<u8> = address[..address.len().min(203)].to_vec();
            let t = format!("Address \"{}\" too long (255 bytes max)\n", lossy(&shown));
            let _ = t;
            self.machine.error(&format!(
                "553 5.1.0 Address \"{}\" too long (255 bytes max)",
                lossy(&address[..255])
            ));
            return false;
        }
        if address.iter().any(|&b| b & 0xE0 == 0x80) {
            self.machine.current_to = Some(address.to_vec());
            self.machine
                .error("553 5.1.4 Address contained invalid control characters");
            self.machine.current_to = None;
            return false;
        }
        true
    }

    /// Runs a whole input as sendmail does with a non-terminal stdin:
    /// the banner, then for each line a `> ` prompt and its answer.
    pub fn run_script(&mut self, input: &[u8]) -> Vec<u8> {
        // The answers are collected in the machine's own output buffer (no
        // copy per line); anything already there comes after the first
        // prompt, where a per-line copy would have put it.
        let mut leftover = Some(std::mem::take(&mut self.machine.out));
        let out = &mut self.machine.out;
        for message in &self.machine.load_messages {
            out.extend(message.as_bytes());
            out.push(b'\n');
        }
        out.extend(BANNER.as_bytes());
        let mut lines: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
        if lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        for raw in lines {
            for chunk in reads(raw) {
                self.machine.out.extend(b"> ");
                if let Some(leftover) = leftover.take() {
                    self.machine.out.extend(leftover);
                }
                self.line(chunk);
                if self.quit {
                    return std::mem::take(&mut self.machine.out);
                }
            }
        }
        self.machine.out.extend(b"> ");
        std::mem::take(&mut self.machine.out)
    }
}

/// The pieces sendmail's 2048-byte line buffer reads a long input line
/// in: 2047 bytes at a time, the newline counting as a byte.
pub fn reads(line: &[u8]) -> Vec<&[u8]> {
    const READ: usize = 2047;
    let mut pieces = Vec::new();
    let mut start = 0;
    loop {
        let rest = line.len() - start;
        if rest < READ {
            pieces.push(&line[start..]);
            return pieces;
        }
        pieces.push(&line[start..start + READ]);
        start += READ;
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
