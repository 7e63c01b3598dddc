//! Plain-English meanings of the mailer `F=` flag letters.
//!
//! [`describe`] gives what a letter means to sendmail 8.17; [`describe_old`]
//! adds what it meant, or implied, in older releases and vendor versions
//! where that differs. Flag letters are case-sensitive.

/// The flags sendmail 8.17 defines, with what each one does.
///
/// `D`, `F`, `M`, `P` and `x` are not read by the binary itself: they only
/// select the `H?x?` header lines of the same letter, and the m4-generated
/// configurations tie each one to one header.
const FLAGS: &[(u8, &str)] = &[
    (b'a', "speaks ESMTP: greets the server with EHLO (turned on anyway when the server's greeting mentions ESMTP)"),
    (b'A', "the user part may be looked up in the aliases, as for local delivery"),
    (b'b', "makes sure the message ends with an empty line"),
    (b'B', "removes backslashes at the start of the user part"),
    (b'c', "drops comments from addresses, passing only the bare address"),
    (b'C', "for mail that arrived through this mailer, header addresses without a domain get the sender's @domain added"),
    (b'd', "leaves the angle brackets off route addresses in the envelope (for programs run through a shell)"),
    (b'D', "header flag: selects the H?D? header lines; m4 configs use it to add a Date: header if the message has none"),
    (b'e', "expensive: when HoldExpensive is set, delivery waits for the next queue run"),
    (b'E', "puts a `>` before body lines that begin with `From `"),
    (b'f', "gives the program the sender as `-f sender` when relaying network mail"),
    (b'F', "header flag: selects the H?F? header lines; m4 configs use it to add a From: header if the message has none"),
    (b'g', "bounces and other mail sendmail creates go out from `$n` (MAILER-DAEMON) instead of the empty sender `<>`"),
    (b'h', "keeps upper case in the recipient's host name"),
    (b'H', "MAIL11V3 (DECnet): lets the receiver preview the headers before the body"),
    (b'i', "rewrites the envelope sender through the user database"),
    (b'I', "deprecated: the peer is another sendmail, so the VERB command may be used"),
    (b'j', "rewrites header recipients through the user database as well"),
    (b'k', "skips the check that the host being connected to is not this host itself"),
    (b'K', "reserved for CHUNKING; has no effect"),
    (b'l', "local: this mailer does the final delivery on this machine"),
    (b'L', "enforces the old SMTP line-length limit (990 characters unless L= says otherwise); also turns on 7-bit stripping below configuration level 2"),
    (b'm', "takes several recipients in one delivery: the A= word holding `$u` is repeated for each"),
    (b'M', "header flag: selects the H?M? header lines; m4 configs use it to add a Message-Id: header if the message has none"),
    (b'n', "writes no UNIX `From ` line in front of the message"),
    (b'N', "MAIL11V3 (DECnet): the answer to DATA gives one status per recipient"),
    (b'o', "runs the program as the owner of the recipient's mailbox"),
    (b'p', "sends a full source-route reverse path in MAIL FROM instead of just the sender address"),
    (b'P', "header flag: selects the H?P? header lines; m4 configs use it to add a Return-Path: header"),
    (b'q', "answers VRFY for addresses of this mailer with 250 (deliverable here) instead of 252"),
    (b'r', "gives the program the sender as `-r sender` (like `f`, with another option letter)"),
    (b'R', "connects from a privileged source port (needs root)"),
    (b's', "removes quote characters (`\"` and `\\`) from the address before handing it over"),
    (b'S', "keeps sendmail's user id when running the program instead of switching to the default user; with U= runs as that user"),
    (b'u', "keeps upper case in the recipient's user name (without it the user part is lower-cased)"),
    (b'U', "writes a UUCP-style `From ... remote from host` line"),
    (b'v', "adds a Content-Length: header (System V mailbox format)"),
    (b'w', "the recipient must be a local account, or the mail bounces; needed for .forward files"),
    (b'W', "ignores the remembered status of the destination host (for example \"host down\")"),
    (b'x', "header flag: selects the H?x? header lines; m4 configs use it to add a Full-Name: header"),
    (b'X', "doubles a dot at the start of a message line, as SMTP requires"),
    (b'z', "speaks LMTP to the program"),
    (b'Z', "applies DialDelay: after a first failed connection, waits and tries once more (dial-up links)"),
    (b'0', "does not look up MX records for the destination, and does not use FallbackMXhost"),
    (b'1', "removes NUL bytes from the message"),
    (b'2', "never uses ESMTP, even when the server offers it"),
    (b'3', "when encoding quoted-printable, also encodes characters that do not survive EBCDIC conversion"),
    (b'5', "addresses no alias matched go through ruleset 5 (localaddr), which may send them elsewhere"),
    (b'6', "strips headers to 7 bits"),
    (b'7', "strips the message to 7 bits"),
    (b'8', "sends 8-bit data as it is, without converting it to 7-bit MIME"),
    (b'9', "turns 7-bit encoded text/plain parts back into 8-bit where possible"),
    (b':', "recognises `:include:` addresses and hands them to the *include* mailer"),
    (b'|', "recognises `|program` addresses and hands them to the prog mailer"),
    (b'/', "recognises `/file` addresses and hands them to the *file* mailer"),
    (b'@', "looks the user up in the user database"),
    (b'~', "(from SGI) checks that the recipient has a usable home directory"),
    (b'%', "holds mail: delivery is tried only on ETRN or on a queue run that selects the message (-qI, -qR, -qS)"),
    (b'!', "turns off the MH workaround that drops an explicit From: header equal to the one sendmail would write"),
    (b'+', "not a real flag: m4's MODIFY_MAILER_FLAGS uses a leading `+` to add letters"),
    (b'-', "not a real flag: m4's MODIFY_MAILER_FLAGS uses a leading `-` to remove letters"),
];

/// Where a letter meant, or implied, something else before 8.17.
const OLD_FLAGS: &[(u8, &str)] = &[
    (b'A', "before 8.7 (4.x, 5.x and vendor versions of that time): \"ARPANET format\", short for D, F and M, i.e. wants Date:, From: and Message-Id: headers; below configuration level 6 sendmail also gives the local mailer A automatically"),
    (b'L', "below configuration level 2, L also turns on 7 (strip to 7 bits)"),
    (b'P', "the 4.2BSD manual also listed P for sending the return path in MAIL FROM, which later releases do with p"),
    (b'q', "before 4.2BSD (sendmail 3.x): do not report a failing exit status of the program; below configuration level 7 sendmail gives local, prog and *file* the 8.x q automatically"),
    (b'R', "before 4.2BSD (sendmail 3.x): rewrite recipient addresses relative to this mailer; for a while also \"end lines with CRLF\""),
    (b'V', "UIUC sendmail: make all addresses relative with `!` (UUCP style); Berkeley 8.x leaves V unused"),
    (b'X', "before 4.2BSD: speak full SMTP including its line limits (what L later did); X means dot doubling since 4.2BSD"),
    (b'o', "below configuration level 6 sendmail gives prog and *file* this flag automatically"),
    (b'w', "below configuration level 6 sendmail gives the local mailer this flag automatically"),
    (b'5', "below configuration level 6 sendmail gives the local mailer this flag automatically"),
    (b':', "below configuration level 6 sendmail gives the local mailer this flag automatically"),
    (b'|', "below configuration level 6 sendmail gives the local mailer this flag automatically"),
    (b'/', "below configuration level 6 sendmail gives the local mailer this flag automatically"),
    (b'@', "below configuration level 6 sendmail gives the local mailer this flag automatically"),
];

/// What the flag letter means to sendmail 8.17, or `None` for a letter it
/// does not define (such letters only select `H?x?` header lines).
pub fn describe(flag: u8) -> Option<&'static str> {
    lookup(FLAGS, flag)
}

/// What the letter meant or implied in older sendmail releases, old
/// configuration levels or vendor versions, where that differs from 8.17.
pub fn describe_old(flag: u8) -> Option<&'static str> {
    lookup(OLD_FLAGS, flag)
}

fn lookup(table: &[(u8, &'static str)], flag: u8) -> Option<&'static str> {
    table
        .iter()
        .find(|(f, _)| *f == flag)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The letters sendmail 8.17 defines (`M_*` in sendmail.h plus the
    /// header-selecting letters the op guide lists).
    const LETTERS_8_17: &[u8] = b"aAbBcCdDeEfFghHiIjkKlLmMnNopPqrRsSuUvwWxXzZ";
    const OTHERS_8_17: &[u8] = b"012356789:|/@~%!";

    #[test]
    fn every_defined_letter_has_a_meaning() {
        for &flag in LETTERS_8_17.iter().chain(OTHERS_8_17) {
            assert!(describe(flag).is_some(), "flag {} missing", flag as char);
        }
    }

    #[test]
    fn free_letters_have_none() {
        for &flag in b"GJOQTVYty4" {
            assert!(describe(flag).is_none(), "flag {} is free", flag as char);
        }
    }

    #[test]
    fn no_empty_text_and_no_duplicates() {
        for table in [FLAGS, OLD_FLAGS] {
            let mut seen = std::collections::BTreeSet::new();
            for (flag, text) in table {
                assert!(!text.trim().is_empty(), "flag {}", *flag as char);
                assert!(seen.insert(*flag), "flag {} twice", *flag as char);
            }
        }
    }

    #[test]
    fn letters_are_case_sensitive() {
        assert_ne!(describe(b'a'), describe(b'A'));
        assert!(describe_old(b'A').is_some_and(|t| t.contains("ARPANET")));
        assert!(describe_old(b'a').is_none());
    }
}
