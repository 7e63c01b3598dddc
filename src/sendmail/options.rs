//! The option table of sendmail 8.17: long names, old one-letter names and
//! the type of each value.

/// How an option's value is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// Empty, or first character in `tTyY`, is true; anything else false.
    Bool,
    Number,
    /// A time; the byte is the unit used when none is given.
    Duration(u8),
    Char,
    /// An octal file mode.
    Mode,
    /// One of these words, selected by its first character.
    Choice(&'static [&'static str]),
    /// `SuperSafe`: a boolean, `interactive` or `postmilter`.
    SuperSafe,
    Path,
    /// A list separated by this byte (and whitespace).
    List(u8),
    Text,
    /// `Timeout.*` and the old `Or`.
    Timeout,
    /// The old `T`: `return[/warn]`.
    QueueTimeout,
    /// The old `OM`: defines a macro.
    Macro,
    /// Accepted and ignored.
    Ignored,
}

/// One row of the option table.
#[derive(Clone, Copy, Debug)]
pub struct OptionSpec {
    /// The long name; for letter-only options a descriptive name that is no valid long name.
    pub name: &'static str,
    pub letter: Option<u8>,
    pub kind: ValueKind,
    /// Does the long name exist (8.7 and later)?
    pub has_long_name: bool,
}

const fn opt(name: &'static str, letter: u8, kind: ValueKind) -> OptionSpec {
    OptionSpec {
        name,
        letter: Some(letter),
        kind,
        has_long_name: true,
    }
}

const fn long(name: &'static str, kind: ValueKind) -> OptionSpec {
    OptionSpec {
        name,
        letter: None,
        kind,
        has_long_name: true,
    }
}

const fn letter_only(name: &'static str, letter: u8, kind: ValueKind) -> OptionSpec {
    OptionSpec {
        name,
        letter: Some(letter),
        kind,
        has_long_name: false,
    }
}

use ValueKind::*;

/// Every option sendmail 8.17 accepts.
pub const OPTIONS: &[OptionSpec] = &[
    opt("SevenBitInput", b'7', Bool),
    opt("EightBitMode", b'8', Choice(&["mime8", "pass8", "strict"])),
    opt("AliasFile", b'A', List(b',')),
    opt("AliasWait", b'a', Duration(b'm')),
    opt("BlankSub", b'B', Char),
    opt("MinFreeBlocks", b'b', Text),
    opt("CheckpointInterval", b'C', Number),
    opt("HoldExpensive", b'c', Bool),
    opt(
        "DeliveryMode",
        b'd',
        Choice(&["background", "defer", "interactive", "queue"]),
    ),
    opt("ErrorHeader", b'E', Text),
    opt(
        "ErrorMode",
        b'e',
        Choice(&["exit-zero", "mail", "print", "quiet", "write"]),
    ),
    opt("TempFileMode", b'F', Mode),
    opt("SaveFromLine", b'f', Bool),
    opt("MatchGECOS", b'G', Bool),
    letter_only("DefaultGroup", b'g', Text),
    opt("HelpFile", b'H', Path),
    opt("MaxHopCount", b'h', Number),
    opt("ResolverOptions", b'I', Text),
    opt("IgnoreDots", b'i', Bool),
    opt("ForwardPath", b'J', List(b':')),
    opt("SendMimeErrors", b'j', Bool),
    opt("ConnectionCacheSize", b'k', Number),
    opt("ConnectionCacheTimeout", b'K', Duration(b'm')),
    opt("UseErrorsTo", b'l', Bool),
    opt("LogLevel", b'L', Number),
    letter_only("DefineMacro", b'M', Macro),
    opt("MeToo", b'm', Bool),
    opt("CheckAliases", b'n', Bool),
    opt("OldStyleHeaders", b'o', Bool),
    opt("DaemonPortOptions", b'O', Text),
    opt("PrivacyOptions", b'p', List(b',')),
    opt("PostmasterCopy", b'P', Text),
    opt("QueueFactor", b'q', Number),
    opt("QueueDirectory", b'Q', Path),
    opt("DontPruneRoutes", b'R', Bool),
    opt("Timeout", b'r', Timeout),
    opt("StatusFile", b'S', Path),
    opt("SuperSafe", b's', SuperSafe),
    opt("QueueTimeout", b'T', QueueTimeout),
    opt("TimeZoneSpec", b't', Text),
    opt("UserDatabaseSpec", b'U', Text),
    opt("DefaultUser", b'u', Text),
    opt("FallbackMXhost", b'V', Text),
    opt("Verbose", b'v', Bool),
    opt("TryNullMXList", b'w', Bool),
    opt("QueueLA", b'x', Number),
    opt("RefuseLA", b'X', Number),
    opt("RecipientFactor", b'y', Number),
    opt("ForkEachJob", b'Y', Bool),
    opt("ClassFactor", b'z', Number),
    opt("RetryFactor", b'Z', Number),
    letter_only("RemoteMode", b'>', Ignored),
    long("AllowBogusHELO", Bool),
    long("AuthMaxBits", Number),
    long("AuthMechanisms", List(b' ')),
    long("AuthOptions", List(b',')),
    long("AuthRealm", Text),
    long("BadRcptShutdown", Number),
    long("BadRcptShutdownGood", Number),
    long("BadRcptThrottle", Number),
    long("CACertFile", Path),
    long("CACertPath", Path),
    long("CRLFile", Path),
    long("CRLPath", Path),
    long("CertFingerprintAlgorithm", Text),
    long("CipherList", Text),
    long("CipherSuites", Text),
    long("ClientCertFile", Path),
    long("ClientKeyFile", Path),
    long("ClientPortOptions", Text),
    long("ClientSSLOptions", Text),
    long("ColonOkInAddr", Bool),
    long("ConnectOnlyTo", Text),
    long("ConnectionRateThrottle", Number),
    long("ConnectionRateWindowSize", Duration(b's')),
    long("ControlSocketName", Path),
    long("DHParameters", Text),
    long("DataFileBufferSize", Number),
    long("DeadLetterDrop", Path),
    long("DefaultAuthInfo", Path),
    long("DefaultCharSet", Text),
    long("DelayLA", Number),
    long("DeliverByMin", Duration(b's')),
    long("DialDelay", Duration(b's')),
    long("DirectSubmissionModifiers", Text),
    long("DontBlameSendmail", List(b',')),
    long("DontExpandCnames", Bool),
    long("DontInitGroups", Bool),
    long("DontProbeInterfaces", Text),
    long("DoubleBounceAddress", Text),
    long("FallbackSmartHost", Text),
    long("FastSplit", Number),
    long("HeloName", Text),
    long("HostStatusDirectory", Path),
    long("HostsFile", Path),
    long("InputMailFilters", List(b',')),
    long("LDAPDefaultSpec", Text),
    long("MailboxDatabase", Text),
    long("MaxAliasRecursion", Number),
    long("MaxDaemonChildren", Number),
    long("MaxHeadersLength", Text),
    long("MaxMessageSize", Number),
    long("MaxMimeHeaderLength", Text),
    long("MaxNOOPCommands", Number),
    long("MaxQueueAge", Duration(b'm')),
    long("MaxQueueChildren", Number),
    long("MaxQueueRunSize", Number),
    long("MaxRecipientsPerMessage", Number),
    long("MaxRunnersPerQueue", Number),
    long("Milter", Text),
    long("MinQueueAge", Duration(b'm')),
    long("MustQuoteChars", Text),
    long("NiceQueueRun", Number),
    long("NoRecipientAction", Text),
    long("OperatorChars", Text),
    long("PidFile", Path),
    long("ProcessTitlePrefix", Text),
    long("QueueFileMode", Mode),
    long("QueueSortOrder", Text),
    long("RandFile", Path),
    long("RejectLogInterval", Duration(b's')),
    long("RejectNUL", Bool),
    long("RequiresDirfsync", Bool),
    long("RrtImpliesDsn", Bool),
    long("RunAsUser", Text),
    long("SSLEngine", Text),
    long("SSLEnginePath", Path),
    long("SafeFileEnvironment", Path),
    long("ServerCertFile", Path),
    long("ServerKeyFile", Path),
    long("ServerSSLOptions", Text),
    long("ServiceSwitchFile", Path),
    long("SetCertAltnames", Bool),
    long("SharedMemoryKey", Number),
    long("SharedMemoryKeyFile", Path),
    long("SingleLineFromHeader", Bool),
    long("SingleThreadDelivery", Bool),
    long("SmtpGreetingMessage", Text),
    long("SmtpUTF8", Bool),
    long("SoftBounce", Bool),
    long("StrictTransportSecurity", Bool),
    long("TLSFallbacktoClear", Bool),
    long("TLSSrvOptions", Text),
    long("TrustedUser", Text),
    long("UnixFromLine", Text),
    long("UnsafeGroupWrites", Bool),
    long("UseCompressedIPv6Addresses", Bool),
    long("UseMSP", Bool),
    long("XscriptFileBufferSize", Number),
];

/// The names `Timeout.` may be followed by.
pub const TIMEOUT_NAMES: &[&str] = &[
    "aconnect",
    "auth",
    "command",
    "connect",
    "control",
    "datablock",
    "datafinal",
    "datainit",
    "fileopen",
    "helo",
    "hoststatus",
    "iconnect",
    "ident",
    "initial",
    "lhlo",
    "mail",
    "misc",
    "queuereturn",
    "queuereturn.*",
    "queuereturn.dsn",
    "queuereturn.non-urgent",
    "queuereturn.normal",
    "queuereturn.urgent",
    "queuewarn",
    "queuewarn.*",
    "queuewarn.dsn",
    "queuewarn.non-urgent",
    "queuewarn.normal",
    "queuewarn.urgent",
    "quit",
    "rcpt",
    "resolver.retrans",
    "resolver.retrans.first",
    "resolver.retrans.normal",
    "resolver.retry",
    "resolver.retry.first",
    "resolver.retry.normal",
    "rset",
    "starttls",
];

/// The timeouts a bare `Or<time>` sets.
pub const BARE_OR_TIMEOUTS: &[&str] = &[
    "mail",
    "rcpt",
    "datainit",
    "datablock",
    "datafinal",
    "command",
];

/// An option that some sendmail once had and 8.17 no longer knows.
#[derive(Clone, Copy, Debug)]
pub struct HistoricOption {
    pub letter: Option<u8>,
    pub long_name: Option<&'static str>,
    pub meaning: &'static str,
    /// Configuration levels up to this one (inclusive) still had it.
    pub last_level: u32,
}

pub const HISTORIC_OPTIONS: &[HistoricOption] = &[
    HistoricOption {
        letter: Some(b'D'),
        long_name: Some("AutoRebuildAliases"),
        meaning: "rebuild the alias database automatically (removed in sendmail 8.12)",
        last_level: 9,
    },
    HistoricOption {
        letter: Some(b'N'),
        long_name: None,
        meaning: "the name of the home network (sendmail 4.x and 5.x)",
        last_level: 5,
    },
    HistoricOption {
        letter: Some(b'W'),
        long_name: None,
        meaning: "the wizard's password for the SMTP `WIZ` command (sendmail 4.x and 5.x)",
        last_level: 5,
    },
    HistoricOption {
        letter: None,
        long_name: Some("RemoteMode"),
        meaning: "Sun's remote mode (the `>` option of Sun sendmail)",
        last_level: 99,
    },
];

pub fn by_letter(letter: u8) -> Option<&'static OptionSpec> {
    OPTIONS.iter().find(|o| o.letter == Some(letter))
}

/// The outcome of looking a long name up.
#[derive(Clone, Copy, Debug)]
pub enum LongLookup {
    Exact(&'static OptionSpec),
    Abbreviation(&'static OptionSpec),
    Ambiguous,
    Unknown,
}

/// Looks up a long option name the way sendmail does: case-insensitive,
/// unique prefixes accepted.
pub fn by_long_name(name: &[u8]) -> LongLookup {
    let long = || OPTIONS.iter().filter(|o| o.has_long_name);
    if let Some(spec) = long().find(|o| o.name.as_bytes().eq_ignore_ascii_case(name)) {
        return LongLookup::Exact(spec);
    }
    if name.is_empty() {
        return LongLookup::Unknown;
    }
    let mut matches = long().filter(|o| {
        o.name.len() > name.len() && o.name.as_bytes()[..name.len()].eq_ignore_ascii_case(name)
    });
    match (matches.next(), matches.next()) {
        (Some(spec), None) => LongLookup::Abbreviation(spec),
        (Some(_), Some(_)) => LongLookup::Ambiguous,
        _ => LongLookup::Unknown,
    }
}

pub fn historic_letter(letter: u8) -> Option<&'static HistoricOption> {
    HISTORIC_OPTIONS.iter().find(|h| h.letter == Some(letter))
}

pub fn historic_long(name: &[u8]) -> Option<&'static HistoricOption> {
    HISTORIC_OPTIONS.iter().find(|h| {
        h.long_name
            .is_some_and(|n| n.as_bytes().eq_ignore_ascii_case(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for spec in OPTIONS {
            if let Some(letter) = spec.letter {
                assert!(seen.insert(letter), "letter {} twice", letter as char);
            }
        }
    }

    #[test]
    fn prefixes_resolve() {
        assert!(
            matches!(by_long_name(b"aliasfile"), LongLookup::Exact(s) if s.name == "AliasFile")
        );
        assert!(
            matches!(by_long_name(b"SmtpGreeting"), LongLookup::Abbreviation(s) if s.name == "SmtpGreetingMessage")
        );
        assert!(matches!(by_long_name(b"Max"), LongLookup::Ambiguous));
        assert!(matches!(by_long_name(b"NoSuchOption"), LongLookup::Unknown));
    }
}
