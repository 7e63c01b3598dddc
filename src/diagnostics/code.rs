use serde::Serialize;

/// What a diagnostic code stands for.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CodeInfo {
    /// Stable code, e.g. `CF001`; never reused.
    pub code: &'static str,
    /// Kebab-case name describing the pattern found.
    pub name: &'static str,
    /// One sentence: what was found.
    pub summary: &'static str,
    /// One sentence: what to do about it.
    pub help: &'static str,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $name:literal, $summary:literal, $help:literal;)*) => {
        /// Every diagnostic code the tool can emit.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn info(self) -> &'static CodeInfo {
                match self {
                    $(Code::$variant => &CodeInfo {
                        code: $code,
                        name: $name,
                        summary: $summary,
                        help: $help,
                    },)*
                }
            }
        }
    };
}

codes! {
    UnknownLine = "CF001", "unknown-line",
        "a line starts with a character that is no sendmail.cf command",
        "lines start with one of V D C F O H P T K M S R E Q X, or `#` for a comment; an indented line continues the one before";
    RuleWithoutTab = "CF002", "rule-without-tab",
        "a rewrite rule has no TAB between its pattern and its replacement",
        "separate the left-hand side from the right-hand side with a TAB character; spaces do not separate them";
    BadMacroName = "CF003", "bad-macro-name",
        "a `${name}` macro or class name is malformed",
        "long names are letters, digits and `_`, at most 25 of them, closed by `}`";
    RuleOutsideRuleset = "CF004", "rule-outside-ruleset",
        "a rewrite rule appears before any `S` line",
        "start a ruleset with an `S` line before its `R` lines";
    BadRuleset = "CF005", "bad-ruleset",
        "an `S` line names an invalid ruleset",
        "rulesets are numbered 0 to 99, or named with a letter followed by letters, digits or `_` (optionally `=NN`)";
    UnknownOption = "CF006", "unknown-option",
        "an option name or letter is not known to sendmail",
        "check the spelling against the option table of the sendmail Installation and Operation Guide";
    ObsoleteOption = "CF007", "obsolete-option",
        "an option that older sendmail versions knew is gone from sendmail 8.17",
        "the option has no effect in sendmail 8.17; remove it, or keep it if the file is only read by the old sendmail";
    BadOptionValue = "CF008", "bad-option-value",
        "an option value does not have the form the option expects",
        "give the value in the form the option takes (a number, a time such as `5m`, a boolean, ...)";
    AbbreviatedOption = "CF009", "abbreviated-option",
        "a long option name is an abbreviation of the real name",
        "spell the option name out in full";
    BadVersionLine = "CF010", "bad-version-line",
        "a `V` line does not hold a configuration level",
        "write `V` followed by a number, optionally `/Vendor`, for example `V10/Berkeley`";
    VendorVersion = "CF011", "vendor-version",
        "the `V` line names a vendor that sendmail 8.17 does not accept",
        "the file was written for a vendor's sendmail; sendmail 8.17 only accepts `/Berkeley`";
    OldConfigLevel = "CF012", "old-config-level",
        "the file is written for an older configuration level than sendmail 8.17's",
        "sendmail 8.17 keeps old semantics for old levels (comments, `$w`, parentheses); check the file with the level it declares in mind";
    ReplacementOutOfBounds = "CF013", "replacement-out-of-bounds",
        "a rule's right-hand side uses `$n` for a wildcard its left-hand side does not have",
        "number the wildcards `$* $+ $- $=X $~X` of the left-hand side from 1 and use only those numbers";
    EmptyRuleSide = "CF014", "empty-rule-side",
        "a rule's left-hand or right-hand side is empty",
        "give both sides of the rule at least one token";
    TooManyWildcards = "CF015", "too-many-wildcards",
        "a rule's left-hand side has more than nine wildcards",
        "split the rule: sendmail binds at most nine wildcards (`$1`..`$9`)";
    MisplacedOperator = "CF016", "misplaced-operator",
        "an operator is used on the side of a rule where it has no meaning",
        "wildcards belong on the left-hand side; `$n`, `$>`, `$:`, `$[ $]` and `$( $)` on the right-hand side";
    UnbalancedLookup = "CF017", "unbalanced-lookup",
        "a `$( $)` or `$[ $]` lookup is not closed, is nested, or has too many arguments",
        "close each `$(` with `$)` and each `$[` with `$]`, do not nest them, and pass at most nine `$@` arguments";
    VendorOperator = "CF018", "vendor-operator",
        "a vendor's rewriting operator that Berkeley sendmail 8.17 reads differently",
        "the operator belongs to the file's own dialect (SunOS, Ultrix, HP-UX); sendmail 8.17 does not implement it";
    VendorLine = "CF019", "vendor-line",
        "a line kind that only a vendor's sendmail understood",
        "sendmail 8.17 rejects this line; the construct belongs to the file's own dialect";
    BadMailer = "CF020", "bad-mailer",
        "a mailer definition is malformed or incomplete",
        "write `Mname, P=path, F=flags, S=rs, R=rs, A=argv` with at least `P=` and `A=`";
    LegacyIpcMailer = "CF021", "legacy-ipc-mailer",
        "an SMTP mailer uses a pre-8.x form (`P=[TCP]` or `A=IPC $h`)",
        "sendmail 8.x writes such mailers as `P=[IPC]` with `A=TCP $h`";
    UnknownMailerField = "CF022", "unknown-mailer-field",
        "a mailer definition has a field that sendmail does not know",
        "mailer fields are P F S R A E M m r L N D C Q T U W and `/`";
    BadMap = "CF023", "bad-map",
        "a `K` map declaration is malformed",
        "write `Kname class [-flags] file-or-arguments`";
    UnavailableMapClass = "CF024", "unavailable-map-class",
        "a map uses a database class that sendmail 8.17 does not have",
        "sendmail 8.17 skips this map and every lookup in it finds nothing; use a standard class (hash, btree, text, ldap, ...)";
    BadHeader = "CF025", "bad-header",
        "an `H` header definition is malformed",
        "write `H[?flags?]Name: template` or `HName: $>ruleset`";
    BadPrecedence = "CF026", "bad-precedence",
        "a `P` precedence line is malformed",
        "write `Pname=number`";
    BadClassFile = "CF027", "bad-class-file",
        "an `F` class-file line is malformed",
        "write `Fx [-o] /path [scanf-format]`, `Fx |program` or `Fx key@map`";
    BadQueueGroup = "CF028", "bad-queue-group",
        "a `Q` queue group line is malformed",
        "write `Qname, P=path, F=flags, N=nice, I=interval, R=runners, J=jobs, r=recipients`";
    BadMilter = "CF029", "bad-milter",
        "an `X` mail filter line is malformed",
        "write `Xname, S=inet:port@host, F=R|T, T=C:..;S:..;R:..;E:..`";
    BadEnvironment = "CF030", "bad-environment",
        "an `E` environment line is malformed",
        "write `Ename=value`, or `Ename` to pass sendmail's own value";
    LateOperatorChars = "CF031", "late-operator-chars",
        "the operator characters are set after the first rewrite rule",
        "sendmail fixes its tokenizer at the first `R` line; set `OperatorChars` (or `$o`) before any rule";
    ReopenedRuleset = "CF032", "reopened-ruleset",
        "a ruleset is started more than once",
        "sendmail 8.x appends the rules of the second `S` line to the first; merge them to make that visible";
    EightBitRule = "CF033", "eight-bit-rule",
        "a rewrite rule holds bytes 0x80-0x9F or 0xFF, which sendmail cannot match",
        "sendmail quotes these bytes internally, so the rule never matches them; use plain text";
    NulByte = "CF034", "nul-byte",
        "a line holds a NUL byte; sendmail ignores the rest of the line",
        "remove the NUL byte";
    DroppedProgramArguments = "CF035", "dropped-program-arguments",
        "an `F|program` class line has unquoted arguments, which sendmail drops",
        "quote the whole command: `Fx\"|/path/prog arg\"`";
    ProgramMacro = "CF036", "program-macro",
        "a macro's value is a `|program`, which only IRIX sendmail ran",
        "sendmail 8.17 takes the text literally; define the macro with its value";
    NoVersionLine = "CF037", "no-version-line",
        "the file has no `V` line, so sendmail reads it at configuration level 0",
        "this is normal for configurations older than sendmail 8; add `V10/Berkeley` only after bringing the file up to date";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        let mut names = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let info = code.info();
            assert!(seen.insert(info.code), "duplicate code {}", info.code);
            assert!(names.insert(info.name), "duplicate name {}", info.name);
            assert!(info.code.len() == 5 && info.code.starts_with("CF"));
            assert!(info.code[2..].bytes().all(|b| b.is_ascii_digit()));
            assert!(info
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-'));
            assert!(!info.summary.ends_with('.') && !info.help.ends_with('.'));
        }
    }
}
