//! Which lines of a migration come from which line of the sendmail.cf.
//!
//! Every entry migrate writes (a main.cf parameter, a master.cf service, a
//! table entry) is preceded by `# FILE:LINE...` comments naming its source
//! lines; this index reads them back, so an explanation can show the
//! Postfix line a sendmail line became.

use std::collections::BTreeMap;

use serde::Serialize;

/// One Postfix entry: its file and text (continuation lines included).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PostfixLine {
    pub file: String,
    pub text: String,
}

/// Postfix entries by source line of the configuration.
#[derive(Clone, Debug, Default)]
pub struct PostfixIndex {
    by_line: BTreeMap<u32, Vec<PostfixLine>>,
    /// Every entry of every table file, for lookups by key.
    pub files: BTreeMap<String, String>,
}

impl PostfixIndex {
    /// Indexes the files of a migration of `source_name`.
    pub fn new(source_name: &str, files: &BTreeMap<String, Vec<u8>>) -> Self {
        let mut index = PostfixIndex::default();
        let prefix = format!("# {source_name}:");
        for (name, bytes) in files {
            if name.ends_with(".md") || name.ends_with(".json") {
                continue;
            }
            let text = String::from_utf8_lossy(bytes).into_owned();
            index.read(name, &text, &prefix);
            index.files.insert(name.clone(), text);
        }
        index
    }

    fn read(&mut self, file: &str, text: &str, prefix: &str) {
        let mut pending: Vec<u32> = Vec::new();
        // The entry being collected: its text and the lines it belongs to.
        let mut current: Option<(String, Vec<u32>)> = None;
        let flush = |current: &mut Option<(String, Vec<u32>)>,
                     by_line: &mut BTreeMap<u32, Vec<PostfixLine>>| {
            if let Some((text, lines)) = current.take() {
                for l in lines {
                    let entry = PostfixLine {
                        file: file.to_owned(),
                        text: text.clone(),
                    };
                    let list = by_line.entry(l).or_default();
                    if !list.contains(&entry) {
                        list.push(entry);
                    }
                }
            }
        };
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix(prefix) {
                flush(&mut current, &mut self.by_line);
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                if let Ok(n) = digits.parse() {
                    pending.push(n);
                }
            } else if line.trim().is_empty() || line.starts_with('#') {
                flush(&mut current, &mut self.by_line);
                pending.clear();
            } else if line.starts_with([' ', '\t']) {
                if let Some((text, _)) = current.as_mut() {
                    text.push('\n');
                    text.push_str(line);
                }
            } else {
                flush(&mut current, &mut self.by_line);
                if !pending.is_empty() {
                    current = Some((line.to_owned(), std::mem::take(&mut pending)));
                }
            }
        }
        flush(&mut current, &mut self.by_line);
    }

    /// The Postfix entries made from source line `line`.
    pub fn for_line(&self, line: u32) -> &[PostfixLine] {
        self.by_line.get(&line).map_or(&[], Vec::as_slice)
    }

    /// The main.cf parameter `name` as written, if the migration sets it.
    pub fn parameter(&self, name: &str) -> Option<PostfixLine> {
        let text = self.files.get("main.cf")?;
        let mut found: Option<String> = None;
        for line in text.lines() {
            if let Some(f) = found.as_mut() {
                if line.starts_with([' ', '\t']) && !line.trim().is_empty() {
                    f.push('\n');
                    f.push_str(line);
                    continue;
                }
                break;
            }
            let (key, _) = line.split_once('=').unwrap_or(("", ""));
            if !line.starts_with('#') && key.trim() == name {
                found = Some(line.to_owned());
            }
        }
        found.map(|text| PostfixLine {
            file: "main.cf".into(),
            text,
        })
    }

    /// The entry of table `file` that Postfix's search order picks for a
    /// recipient: the full address, the domain or `@domain`, then parent
    /// domains (`.example.com`), longest first.
    pub fn table_entry(&self, file: &str, address: &str) -> Option<PostfixLine> {
        let text = self.files.get(file)?;
        let address = address.to_ascii_lowercase();
        let domain = address.rsplit_once('@').map_or("", |(_, d)| d).to_owned();
        // transport(5) looks for the domain and its parents, virtual(5)
        // and canonical(5) for `@domain`.
        let mut keys = vec![address.clone(), domain.clone(), format!("@{domain}")];
        let mut rest = domain.as_str();
        while let Some((_, parent)) = rest.split_once('.') {
            keys.push(format!(".{parent}"));
            rest = parent;
        }
        if let Some((user, _)) = address.split_once('@') {
            keys.push(format!("{user}@"));
        }
        keys.push("*".into());
        for key in keys {
            for line in text.lines() {
                if line.starts_with('#') {
                    continue;
                }
                let k = line.split_whitespace().next().unwrap_or("");
                if !k.is_empty() && k.eq_ignore_ascii_case(&key) {
                    return Some(PostfixLine {
                        file: file.to_owned(),
                        text: line.to_owned(),
                    });
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> PostfixIndex {
        let mut files = BTreeMap::new();
        files.insert(
            "main.cf".to_owned(),
            b"# a.cf:3: Cwx\n# a.cf:9: R$+\tx\nmydestination =\n    a,\n    b\n\n# cf2postfix: note\nrelayhost = [h]\n"
                .to_vec(),
        );
        files.insert(
            "transport".to_owned(),
            b"# a.cf:20\n.uucp\tuucp:hub\n# a.cf:21\nx.uucp\tuucp:x\n".to_vec(),
        );
        files.insert(
            "master.cf".to_owned(),
            b"# a.cf:5: O MaxDaemonChildren=4\nsmtp inet n - n - 4 smtpd\n  -o a=b\npickup unix\n"
                .to_vec(),
        );
        PostfixIndex::new("a.cf", &files)
    }

    #[test]
    fn entries_attach_to_every_source_line_before_them() {
        let i = index();
        assert_eq!(i.for_line(3), i.for_line(9));
        assert_eq!(i.for_line(3)[0].text, "mydestination =\n    a,\n    b");
        assert_eq!(i.for_line(20)[0].text, ".uucp\tuucp:hub");
        assert_eq!(i.for_line(21)[0].text, "x.uucp\tuucp:x");
        // A service's -o lines belong to it; the next service does not.
        assert_eq!(i.for_line(5).len(), 1);
        assert_eq!(i.for_line(5)[0].text, "smtp inet n - n - 4 smtpd\n  -o a=b");
        assert!(i.for_line(4).is_empty());
    }

    #[test]
    fn table_entries_follow_the_search_order() {
        let i = index();
        let hit = |a: &str| i.table_entry("transport", a).map(|l| l.text);
        assert_eq!(hit("u@x.uucp").as_deref(), Some("x.uucp\tuucp:x"));
        assert_eq!(hit("u@y.uucp").as_deref(), Some(".uucp\tuucp:hub"));
        assert_eq!(hit("u@example.com"), None);
        let mut files = BTreeMap::new();
        files.insert(
            "virtual".to_owned(),
            b"# a.cf:7
@example.org	catchall
# a.cf:8
info@example.org	alice
"
            .to_vec(),
        );
        let v = PostfixIndex::new("a.cf", &files);
        let hit = |a: &str| v.table_entry("virtual", a).map(|l| l.text);
        assert_eq!(
            hit("info@example.org").as_deref(),
            Some("info@example.org\talice")
        );
        assert_eq!(
            hit("root@example.org").as_deref(),
            Some("@example.org\tcatchall")
        );
        assert_eq!(
            i.parameter("relayhost").map(|l| l.text).as_deref(),
            Some("relayhost = [h]")
        );
    }
}
