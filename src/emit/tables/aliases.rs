//! aliases(5) content for Postfix's `alias_maps` (postalias input).

use crate::intent::Sourced;

use super::{one_line, render_sorted, Line};

/// Writes an aliases file from (name, value) entries, sorted by name; a
/// name with characters that would end it early is quoted.
pub fn aliases(entries: &[Sourced<(String, String)>]) -> String {
    let lines = entries
        .iter()
        .map(|e| {
            let (name, value) = &e.value;
            let name = name.trim().to_lowercase();
            let shown = if name.contains([':', ' ', '\t', '#', '"', ',']) {
                format!("\"{}\"", name.replace('"', ""))
            } else {
                name.clone()
            };
            Line {
                text: format!("{shown}: {}", one_line(value)),
                key: name,
                origin: e.origin.clone(),
            }
        })
        .collect();
    render_sorted(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intent::Origin;

    fn e(name: &str, value: &str, line: u32) -> Sourced<(String, String)> {
        Sourced::new(
            (name.into(), value.into()),
            Origin::new("/etc/aliases", line, "x"),
        )
    }

    #[test]
    fn sorted_and_quoted() {
        let t = aliases(&[
            e("staff", "a, b", 3),
            e("Postmaster", "root", 1),
            e("some one", "x", 2),
        ]);
        assert_eq!(
            t,
            "# /etc/aliases:1\npostmaster: root\n\
             # /etc/aliases:2\n\"some one\": x\n\
             # /etc/aliases:3\nstaff: a, b\n"
        );
    }

    #[test]
    fn multi_line_values_are_joined() {
        assert_eq!(
            aliases(&[e("a", "b,\n c", 1)]),
            "# /etc/aliases:1\na: b, c\n"
        );
    }
}
