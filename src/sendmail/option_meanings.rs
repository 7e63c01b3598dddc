//! Plain-English meanings of sendmail's `O` options and `Timeout.*`
//! suboptions.
//!
//! [`meaning`] is keyed by the name in [`options::OPTIONS`] (the long name,
//! or the descriptive name of a letter-only option); option names match
//! regardless of case, as in sendmail.

use super::options::{self, HistoricOption};

const MEANINGS: &[(&str, &str)] = &[
    ("SevenBitInput", "Clears the top bit of every byte of incoming messages, so all input becomes 7-bit."),
    ("EightBitMode", "How to treat 8-bit message data that carries no 8BITMIME label: `mime8` takes it as 8-bit MIME and converts it when the next hop needs 7 bits, `pass8` passes it on unchanged, `strict` refuses it."),
    ("AliasFile", "The alias databases to use, a comma-separated list of `[type:]file`. Postfix's counterpart is alias_maps (and alias_database for the files newaliases builds)."),
    ("AliasWait", "How long sendmail waits at start-up for the alias database to be complete (it looks for the `@:@` end marker) before going on with a warning."),
    ("BlankSub", "The character that replaces unquoted spaces in addresses; m4 configurations use `.`."),
    ("MinFreeBlocks", "How many free blocks the queue file system must keep; with fewer, SMTP MAIL commands get a temporary refusal. An old `N/size` form also set the largest message size."),
    ("CheckpointInterval", "After this many deliveries of one message, the queue file is rewritten, so a crash does not repeat many deliveries."),
    ("HoldExpensive", "Mailers flagged `e` (expensive) are not connected to at once; their mail waits for the next queue run."),
    ("DeliveryMode", "When delivery happens: `interactive` while the sender waits, `background` right away in a separate process, `queue` only at the next queue run, `defer` like queue and also without DNS or map lookups until then."),
    ("ErrorHeader", "Text, or a file holding text, put at the top of every bounce message."),
    ("ErrorMode", "How errors are reported to whoever submitted the message: printed, kept quiet (exit status only), mailed back, written to the user's terminal, or mailed back with a zero exit status."),
    ("TempFileMode", "The octal permissions for the queue, transcript and other files sendmail creates."),
    ("SaveFromLine", "Keeps a UNIX `From ` line found at the top of a message instead of dropping it."),
    ("MatchGECOS", "Lets recipients be found by the full name in the password file (for example `John.Smith`) when no user name matches."),
    ("DefaultGroup", "The old `g` option: the group that mailer programs run as when no other is chosen. In 8.x the group is normally given with DefaultUser."),
    ("HelpFile", "The file with the text sendmail shows for the SMTP HELP command."),
    ("MaxHopCount", "How many Received: lines a message may carry before it is taken to be looping and bounced (default 25)."),
    ("ResolverOptions", "Switches for the DNS resolver library, written `+FLAG` or `-FLAG` (for example `-DNSRCH`), plus the words HasWildcardMX and WorkAroundBrokenAAAA."),
    ("IgnoreDots", "A line holding a single `.` does not end a message read from standard input (SMTP still uses it as the end)."),
    ("ForwardPath", "Where users' forward files are looked for, a colon-separated list (default `$z/.forward`). Postfix's counterpart is forward_path."),
    ("SendMimeErrors", "Bounces are sent in MIME format, as delivery status notifications."),
    ("ConnectionCacheSize", "How many outgoing SMTP connections may stay open at once to be reused."),
    ("ConnectionCacheTimeout", "How long an idle outgoing connection stays open for reuse."),
    ("UseErrorsTo", "Errors go to the address in an Errors-To: header rather than to the envelope sender (against RFC 1123)."),
    ("LogLevel", "How much sendmail writes to syslog; higher numbers log more (default 9)."),
    ("DefineMacro", "The old `M` option: defines a macro, as in `OMxvalue`; meant for the command line (`-oM`)."),
    ("MeToo", "Keeps the sender on the list when they mail an alias they belong to."),
    ("CheckAliases", "Checks that the targets of aliases are valid addresses when the alias database is rebuilt."),
    ("OldStyleHeaders", "Header address lists may be separated by spaces instead of commas; sendmail decides per header which style is used."),
    ("DaemonPortOptions", "How the SMTP daemon listens: port, address, family, name and modifiers, one option line per listening socket. In Postfix this becomes master.cf services and inet_interfaces."),
    ("PrivacyOptions", "A comma-separated list of restrictions on SMTP and queue use, such as novrfy, noexpn, needmailhelo, goaway, authwarnings and restrictqrun."),
    ("PostmasterCopy", "An address that gets a copy of the headers of every bounce, usually the postmaster."),
    ("QueueFactor", "Used with the load average to decide which messages are only queued: the higher the load, the fewer low-priority messages are sent at once."),
    ("QueueDirectory", "The mail queue directory; a trailing `*` spreads the queue over several directories."),
    ("DontPruneRoutes", "Keeps explicit source routes in the addresses of bounce messages instead of removing the hops that are not needed."),
    ("Timeout", "Timeouts for SMTP and queue handling, each set as `Timeout.<name>`. The old bare form (`Or` with just a time) sets the SMTP command timeouts all at once."),
    ("StatusFile", "The file where per-mailer delivery statistics are kept, read by mailstats."),
    ("SuperSafe", "Writes the queue file before trying delivery, so no message is lost in a crash. `interactive` saves some disk writes in interactive mode; `postmilter` delays writing until the mail filters have seen the message."),
    ("QueueTimeout", "The old `T` option: how long undeliverable mail stays queued before it is returned, optionally followed by `/` and the delay before a warning is sent. Now Timeout.queuereturn and Timeout.queuewarn."),
    ("TimeZoneSpec", "The time zone sendmail runs in: unset uses the system default, empty keeps the caller's TZ, otherwise a TZ value such as `PST8PDT`."),
    ("UserDatabaseSpec", "Where the user database is, used to rewrite sender and recipient names."),
    ("DefaultUser", "The user (and group) that mailer programs run as when sendmail would otherwise run them as root. Postfix's counterpart is default_privs."),
    ("FallbackMXhost", "A host that receives the mail when no MX host of the destination can be reached. Postfix's counterpart is smtp_fallback_relay."),
    ("Verbose", "Reports each delivery step, as the `-v` command-line flag does."),
    ("TryNullMXList", "When this host is the best MX host of a destination, connects to the destination's own address instead of failing the delivery."),
    ("QueueLA", "Above this load average, new mail is queued instead of delivered at once."),
    ("RefuseLA", "Above this load average, incoming SMTP connections are refused."),
    ("RecipientFactor", "A queue-priority penalty per recipient, so messages with many recipients are sent later when the system is busy."),
    ("ForkEachJob", "Queue runs start a separate process for each message, which saves memory on small systems."),
    ("ClassFactor", "How strongly a message's Precedence: counts when its queue priority is computed."),
    ("RetryFactor", "Added to a message's priority value at every delivery attempt, so mail that keeps failing is tried less often."),
    ("RemoteMode", "Sun's `>` option (Sun's `OR` in SunOS 4): when the mailbox directory is mounted from a mail server, send local mail through that server. Berkeley 8.17 accepts it and ignores it."),
    ("AllowBogusHELO", "Accepts HELO and EHLO without a host name or with an invalid one."),
    ("AuthMaxBits", "The strongest SASL security-layer encryption to negotiate, counting encryption STARTTLS already provides; used to avoid encrypting twice."),
    ("AuthMechanisms", "The SMTP AUTH mechanisms offered to clients, such as `PLAIN LOGIN`. In Postfix this is up to the SASL settings (smtpd_sasl_*)."),
    ("AuthOptions", "Letters that adjust SMTP AUTH, for example which kinds of mechanisms are allowed and whether AUTH= is passed on only after a successful login."),
    ("AuthRealm", "The realm handed to the SASL library for SMTP AUTH (default `$j`)."),
    ("BadRcptShutdown", "After this many rejected recipients in one SMTP session, the connection is closed with a 421 reply."),
    ("BadRcptShutdownGood", "Limits BadRcptShutdown to sessions in which at least this percentage of the recipients were rejected."),
    ("BadRcptThrottle", "After this many rejected recipients in one SMTP transaction, every further RCPT command is answered one second late."),
    ("CACertFile", "The file of trusted certificate authorities used to check certificates in STARTTLS. Postfix: smtpd_tls_CAfile and smtp_tls_CAfile."),
    ("CACertPath", "The directory of trusted certificate authorities used to check certificates in STARTTLS. Postfix: smtpd_tls_CApath and smtp_tls_CApath."),
    ("CRLFile", "A file of revoked certificates checked in STARTTLS; if it cannot be used, STARTTLS is turned off."),
    ("CRLPath", "A directory of revoked-certificate lists, found by hash, checked in STARTTLS."),
    ("CertFingerprintAlgorithm", "The digest used for the fingerprint of a peer's certificate; when set, the fingerprint is in `${cert_fp}`, otherwise an MD5 one is in `${cert_md5}`."),
    ("CipherList", "The OpenSSL cipher list for STARTTLS up to TLS 1.2."),
    ("CipherSuites", "The OpenSSL cipher suites for STARTTLS with TLS 1.3."),
    ("ClientCertFile", "The certificate sendmail shows when it uses STARTTLS as a client. Postfix: smtp_tls_cert_file."),
    ("ClientKeyFile", "The private key for ClientCertFile. Postfix: smtp_tls_key_file."),
    ("ClientPortOptions", "Settings for outgoing SMTP connections: source address, source port, family, buffer sizes and modifiers."),
    ("ClientSSLOptions", "OpenSSL option names applied to STARTTLS when sendmail is the client."),
    ("ColonOkInAddr", "Colons may appear inside addresses (as in `host:user`); when off, a colon starts an RFC 822 group. Configuration level 6 and above turn it off."),
    ("ConnectOnlyTo", "Sends every outgoing connection to this address, whatever the destination; meant for testing."),
    ("ConnectionRateThrottle", "At most this many incoming connections are accepted per second by each daemon; more wait."),
    ("ConnectionRateWindowSize", "The time window over which incoming connections are counted for the rate macros and rate limits (default 60 seconds)."),
    ("ControlSocketName", "A Unix socket through which a running daemon can be asked for status, restarted or shut down."),
    ("DHParameters", "The Diffie-Hellman parameters the STARTTLS server uses: a built-in prime of some size, a file, or none."),
    ("DataFileBufferSize", "How large a message body may grow in memory before it is written to a file (default 4096 bytes)."),
    ("DeadLetterDrop", "A system-wide dead.letter file for mail that can be neither delivered nor returned; unset, such mail stays as a renamed queue file."),
    ("DefaultAuthInfo", "A file with the user name, password, realm and mechanisms used for SMTP AUTH towards other servers; replaced by the authinfo map in modern configurations."),
    ("DefaultCharSet", "The character set named when 8-bit mail without MIME headers is converted to MIME and the mailer gives none (default unknown-8bit)."),
    ("DelayLA", "Above this load average, sendmail waits one second before most SMTP replies and before accepting connections."),
    ("DeliverByMin", "The smallest time offered for the DELIVERBY SMTP extension; zero offers it without a time, a negative value does not offer it."),
    ("DialDelay", "After a first connection attempt fails, wait this long and try once more, for mailers flagged `Z` (dial-on-demand links)."),
    ("DirectSubmissionModifiers", "The daemon modifiers (`${daemon_flags}`) that apply to mail submitted on the command line rather than over SMTP."),
    ("DontBlameSendmail", "Turns off specific file-safety checks, for example to allow group-writable alias, forward or map files."),
    ("DontExpandCnames", "Host names found through `$[ $]` are kept as given even when they are DNS aliases (CNAMEs), instead of being replaced by the canonical name."),
    ("DontInitGroups", "Does not set the supplementary groups of the users sendmail runs programs as, to spare slow NIS group lookups."),
    ("DontProbeInterfaces", "Does not add the names and addresses of this host's network interfaces to class `w` at start-up."),
    ("DoubleBounceAddress", "Where an error goes when a bounce itself cannot be delivered (default postmaster)."),
    ("FallbackSmartHost", "A relay tried as the very last resort when every MX host of a destination has failed."),
    ("FastSplit", "Skips MX lookups when a new message's recipients are first sorted, and limits the delivery processes of a command-line submission."),
    ("HeloName", "The host name sent in HELO and EHLO instead of `$j`. Postfix: smtp_helo_name."),
    ("HostStatusDirectory", "A directory where the status of remote hosts (for example \"down\") is kept and shared by all sendmail processes."),
    ("HostsFile", "The hosts file used for host-name lookups when the service switch says `files` (default /etc/hosts)."),
    ("InputMailFilters", "Which of the mail filters declared on X lines are used for incoming SMTP mail, and in what order. Postfix: smtpd_milters."),
    ("LDAPDefaultSpec", "Default LDAP settings (server, port, bind name and so on) for every LDAP map that does not set them itself."),
    ("MailboxDatabase", "Where local mailboxes are looked up; the default `pw` uses the password file."),
    ("MaxAliasRecursion", "How deeply aliases may point to other aliases (default 10)."),
    ("MaxDaemonChildren", "The most processes the daemon runs for incoming connections and queue runs; further connections are refused."),
    ("MaxHeadersLength", "The largest total size of a message's headers (default 32 KB); larger headers are refused."),
    ("MaxMessageSize", "The largest message accepted, in bytes. Postfix's counterpart is message_size_limit."),
    ("MaxMimeHeaderLength", "The longest value allowed in certain MIME headers, and optionally in their parameters; longer ones are cut."),
    ("MaxNOOPCommands", "How many commands that achieve nothing (such as NOOP) a client may send before sendmail slows its replies."),
    ("MaxQueueAge", "When set, a queued message is retried only after its own retry interval, which doubles after every attempt up to this value, instead of on every queue run."),
    ("MaxQueueChildren", "The most queue-runner processes that may run at the same time."),
    ("MaxQueueRunSize", "The most messages handled in one queue run."),
    ("MaxRecipientsPerMessage", "The most recipients accepted for one message over SMTP. Postfix's counterpart is smtpd_recipient_limit."),
    ("MaxRunnersPerQueue", "The most queue runners that work on one queue group at the same time (default 1)."),
    ("Milter", "Settings for mail filters (milters): `Milter.LogLevel`, and `Milter.macros.<stage>` listing the macros passed at each stage."),
    ("MinQueueAge", "Queue runs skip messages that have been in the queue for less than this time, so frequent queue runs do not retry the same mail too often."),
    ("MustQuoteChars", "Characters that must be quoted when they appear in the full-name part of an address."),
    ("NiceQueueRun", "The nice value (lower scheduling priority) for queue runners."),
    ("NoRecipientAction", "What to do with a message that has no To:, Cc: or Bcc: header: leave it, or add a To:, Apparently-To: or Bcc: header."),
    ("OperatorChars", "The characters that split addresses into separate tokens for the rewriting rules; replaces the old `$o` macro."),
    ("PidFile", "The file where the daemon writes its process id."),
    ("ProcessTitlePrefix", "Text put in front of sendmail's process titles in `ps` listings."),
    ("QueueFileMode", "The octal permissions of queue files."),
    ("QueueSortOrder", "The order of messages in a queue run: by priority, host, file name, time, modification time, random, or unsorted."),
    ("RandFile", "The source of random data for STARTTLS (`file:` or an `egd:` socket) on systems without /dev/urandom."),
    ("RejectLogInterval", "While connections are being refused for load, how often that is logged (default 3 hours)."),
    ("RejectNUL", "Refuses messages that contain NUL bytes."),
    ("RequiresDirfsync", "Syncs directories after queue changes, for file systems that need it; can only turn off a compiled-in default."),
    ("RrtImpliesDsn", "A Return-Receipt-To: header is treated as a request for a delivery notice to the envelope sender."),
    ("RunAsUser", "The user (and group) sendmail switches to after opening its listening sockets, so it does not keep running as root."),
    ("SSLEngine", "The OpenSSL engine (for example a crypto card) used for STARTTLS."),
    ("SSLEnginePath", "The library that provides SSLEngine."),
    ("SafeFileEnvironment", "Deliveries to files happen inside this directory (sendmail changes its root there first), and only to regular files."),
    ("ServerCertFile", "The certificate the SMTP server shows for STARTTLS. Postfix: smtpd_tls_cert_file."),
    ("ServerKeyFile", "The private key for ServerCertFile. Postfix: smtpd_tls_key_file."),
    ("ServerSSLOptions", "OpenSSL option names applied to STARTTLS when sendmail is the server."),
    ("ServiceSwitchFile", "Which lookup methods (files, NIS, DNS...) serve aliases and hosts, on systems without their own service switch."),
    ("SetCertAltnames", "Puts the DNS names from a peer certificate's subjectAltName into class `{cert_altnames}` for the TLS rules."),
    ("SharedMemoryKey", "A shared memory key that lets sendmail processes share data such as queue sizes; unset or zero, no shared memory is used."),
    ("SharedMemoryKeyFile", "The file where a self-chosen shared memory key is stored (when SharedMemoryKey is -1)."),
    ("SingleLineFromHeader", "Unfolds a From: header that spans several lines onto one line."),
    ("SingleThreadDelivery", "Never opens two connections to the same host at once, even from different processes; needs HostStatusDirectory."),
    ("SmtpGreetingMessage", "The text of the SMTP greeting after the 220 code; replaces the old `$e` macro. Postfix's counterpart is smtpd_banner."),
    ("SmtpUTF8", "Turns on support for internationalized (UTF-8) addresses, SMTPUTF8, where compiled in."),
    ("SoftBounce", "Every permanent error is turned into a temporary one (5xx becomes 4xx), so nothing bounces; for testing. Postfix has soft_bounce."),
    ("StrictTransportSecurity", "Turns on MTA-STS: requires verified TLS to destinations that publish such a policy."),
    ("TLSFallbacktoClear", "After a failed TLS handshake to a server, retries at once without STARTTLS."),
    ("TLSSrvOptions", "Letters that adjust the STARTTLS server, for example `V` to not ask clients for certificates."),
    ("TrustedUser", "A user, besides root, who owns alias databases and the control socket and may manage the daemon."),
    ("UnixFromLine", "The format of the UNIX `From ` line written before each message in mailboxes; replaces the old `$l` macro."),
    ("UnsafeGroupWrites", "Group-writable :include: and .forward files may not run programs or write to files (deprecated; use DontBlameSendmail)."),
    ("UseCompressedIPv6Addresses", "Writes IPv6 addresses in the short `::` form."),
    ("UseMSP", "Lets the mail submission program run with group-writable queue files when its group matches sendmail's."),
    ("XscriptFileBufferSize", "How large a delivery transcript may grow in memory before it is written to a file (default 4096 bytes)."),
];

/// Options some sendmail once had and 8.17 rejects, keyed as in
/// [`options::HISTORIC_OPTIONS`]: long name if there is one, else letter.
const HISTORIC: &[(&str, Option<u8>, &str)] = &[
    ("AutoRebuildAliases", Some(b'D'), "Rebuilt the alias database automatically when it was out of date. Removed in sendmail 8.12; 8.17 rejects it."),
    ("", Some(b'N'), "The name of the home network (for example `ONARPA`), used by sendmail 4.x and 5.x. 8.17 rejects the letter."),
    ("", Some(b'W'), "The password for the SMTP WIZ (wizard) command of sendmail 4.x and 5.x. 8.17 rejects the letter."),
];

/// Option letters that meant something else in old or vendor sendmails.
const OLD_LETTERS: &[(u8, &str)] = &[
    (b'I', "In sendmail 5.x a switch meaning \"insist that the DNS name server is running\" to resolve host names; 8.x reads the value as resolver flags (ResolverOptions)."),
    (b'K', "In IDA sendmail, declared a map with a one-letter name (`OKP/usr/lib/pathtable`); 8.x uses K lines for maps and reads `OK` as ConnectionCacheTimeout."),
    (b'R', "In SunOS 4 sendmail, remote mode: send local mail through the mail server the mailbox directory is mounted from. 8.x reads `OR` as DontPruneRoutes."),
];

const TIMEOUTS: &[(&str, &str)] = &[
    ("initial", "How long the SMTP client waits for the server's 220 greeting (default 5 minutes)."),
    ("helo", "How long the client waits for the answer to HELO or EHLO (default 5 minutes)."),
    ("mail", "How long the client waits for the answer to MAIL FROM (default 10 minutes)."),
    ("rcpt", "How long the client waits for the answer to RCPT TO (default 1 hour)."),
    ("datainit", "How long the client waits for the answer to the DATA command (default 5 minutes)."),
    ("datablock", "How long a read of message data may stall, for the SMTP server and for programs piping mail in (default 1 hour)."),
    ("datafinal", "How long the client waits for the answer after the final dot of a message (default 1 hour); too short a value causes duplicate deliveries."),
    ("rset", "How long the client waits for the answer to RSET (default 5 minutes)."),
    ("quit", "How long the client waits for the answer to QUIT (default 2 minutes)."),
    ("misc", "How long the client waits for the answer to short commands such as NOOP and VERB (default 2 minutes)."),
    ("command", "How long the SMTP server waits for the client's next command (default 1 hour)."),
    ("ident", "How long sendmail waits for an IDENT (RFC 1413) answer about the connecting user (default 5 seconds; 0 turns IDENT off)."),
    ("fileopen", "How long opening a .forward or :include: file may take (default 60 seconds)."),
    ("connect", "How long to wait for an outgoing connection to open; 0 leaves it to the operating system."),
    ("iconnect", "Like connect, but only for the first attempt to reach a host for a message; kept short so slow hosts do not hold up the rest."),
    ("aconnect", "The total time allowed for all connection attempts of one delivery; 0 means no limit."),
    ("control", "How long one exchange on the control socket may take (default 2 minutes)."),
    ("lhlo", "How long the client waits for the answer to LMTP LHLO (default 2 minutes)."),
    ("auth", "How long each step of an SMTP AUTH exchange may take (default 10 minutes)."),
    ("starttls", "How long the answer to STARTTLS and the TLS handshake may take (default 1 hour)."),
    ("hoststatus", "How long the remembered status of a remote host (for example \"down\") stays valid (default 30 minutes)."),
    ("resolver.retrans", "The DNS resolver's wait between retransmissions, for first delivery attempts and for all others."),
    ("resolver.retrans.first", "The DNS resolver's wait between retransmissions during a message's first delivery attempt."),
    ("resolver.retrans.normal", "The DNS resolver's wait between retransmissions for all lookups except first delivery attempts."),
    ("resolver.retry", "How many times the DNS resolver resends a query, for first delivery attempts and for all others."),
    ("resolver.retry.first", "How many times the DNS resolver resends a query during a message's first delivery attempt."),
    ("resolver.retry.normal", "How many times the DNS resolver resends a query for all lookups except first delivery attempts."),
    ("queuereturn", "How long undeliverable mail stays queued before it is returned to the sender (default 5 days). Postfix's counterpart is maximal_queue_lifetime."),
    ("queuereturn.*", "The time before undeliverable mail is returned, for messages of every precedence."),
    ("queuereturn.normal", "The time before undeliverable mail is returned, for messages of normal precedence."),
    ("queuereturn.urgent", "The time before undeliverable mail is returned, for messages of positive (urgent) precedence."),
    ("queuereturn.non-urgent", "The time before undeliverable mail is returned, for messages of negative (bulk, junk) precedence."),
    ("queuereturn.dsn", "The time before an undeliverable delivery status notification (a bounce) is given up."),
    ("queuewarn", "How long mail may be delayed before the sender is warned (unset: no warning; m4 configurations use 4 hours). Postfix's counterpart is delay_warning_time."),
    ("queuewarn.*", "The delay before a warning, for messages of every precedence."),
    ("queuewarn.normal", "The delay before a warning, for messages of normal precedence."),
    ("queuewarn.urgent", "The delay before a warning, for messages of positive (urgent) precedence."),
    ("queuewarn.non-urgent", "The delay before a warning, for messages of negative (bulk, junk) precedence."),
    ("queuewarn.dsn", "The delay before a warning about a delayed delivery status notification (a bounce)."),
];

const MILTER_SUBOPTIONS: &[(&str, &str)] = &[
    (
        "LogLevel",
        "How much the mail-filter interface logs, overriding LogLevel for it.",
    ),
    (
        "macros.connect",
        "The macros sent to mail filters when a client connects.",
    ),
    (
        "macros.helo",
        "The macros sent to mail filters after HELO or EHLO.",
    ),
    (
        "macros.envfrom",
        "The macros sent to mail filters after MAIL FROM.",
    ),
    (
        "macros.envrcpt",
        "The macros sent to mail filters after each RCPT TO.",
    ),
    ("macros.data", "The macros sent to mail filters after DATA."),
    (
        "macros.eoh",
        "The macros sent to mail filters at the end of the headers.",
    ),
    (
        "macros.eom",
        "The macros sent to mail filters at the end of the message.",
    ),
];

/// What the option controls, by the name used in [`options::OPTIONS`]
/// (any case). `Timeout.<sub>` and `Milter.<sub>` names are understood too.
pub fn meaning(name: &str) -> Option<&'static str> {
    if let Some(sub) = strip_prefix_ignore_case(name, "Timeout.") {
        return timeout_meaning(sub);
    }
    if let Some(sub) = strip_prefix_ignore_case(name, "Milter.") {
        return lookup(MILTER_SUBOPTIONS, sub);
    }
    lookup(MEANINGS, name).or_else(|| {
        HISTORIC
            .iter()
            .find(|(long, _, _)| !long.is_empty() && long.eq_ignore_ascii_case(name))
            .map(|(_, _, text)| *text)
    })
}

/// What a `Timeout.<sub>` suboption controls; `sub` is the part after
/// `Timeout.` (any case).
pub fn timeout_meaning(sub: &str) -> Option<&'static str> {
    lookup(TIMEOUTS, sub)
}

/// What a one-letter option means in 8.17, or, for a letter 8.17 rejects,
/// what it meant in the releases that had it.
pub fn letter_meaning(letter: u8) -> Option<&'static str> {
    match options::by_letter(letter) {
        Some(spec) => meaning(spec.name),
        None => options::historic_letter(letter).map(historic_meaning),
    }
}

/// What an option of [`options::HISTORIC_OPTIONS`] did.
pub fn historic_meaning(option: &HistoricOption) -> &'static str {
    HISTORIC
        .iter()
        .find(
            |(long, letter, _)| match (option.long_name, option.letter) {
                (Some(name), _) if !long.is_empty() => long.eq_ignore_ascii_case(name),
                (None, Some(l)) => long.is_empty() && *letter == Some(l),
                _ => false,
            },
        )
        .map(|(_, _, text)| *text)
        .or_else(|| option.long_name.and_then(meaning))
        .unwrap_or(option.meaning)
}

/// What an option letter that 8.17 still knows meant in an old or vendor
/// sendmail, where that was something else.
pub fn old_letter_meaning(letter: u8) -> Option<&'static str> {
    OLD_LETTERS
        .iter()
        .find(|(l, _)| *l == letter)
        .map(|(_, text)| *text)
}

fn lookup(table: &[(&str, &'static str)], key: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, text)| *text)
}

fn strip_prefix_ignore_case<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    let head = name.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &name[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_option_has_a_meaning() {
        for spec in options::OPTIONS {
            assert!(meaning(spec.name).is_some(), "option {} missing", spec.name);
            if let Some(letter) = spec.letter {
                assert!(
                    letter_meaning(letter).is_some(),
                    "letter {}",
                    letter as char
                );
            }
        }
    }

    #[test]
    fn every_historic_option_has_a_meaning() {
        for option in options::HISTORIC_OPTIONS {
            let text = historic_meaning(option);
            assert_ne!(text, option.meaning, "{option:?} uses the table's wording");
            if let Some(name) = option.long_name {
                assert!(meaning(name).is_some(), "historic {name} missing");
            }
            if let Some(letter) = option.letter {
                if options::by_letter(letter).is_none() {
                    assert_eq!(letter_meaning(letter), Some(text));
                }
            }
        }
    }

    #[test]
    fn every_timeout_has_a_meaning() {
        for sub in options::TIMEOUT_NAMES {
            assert!(timeout_meaning(sub).is_some(), "Timeout.{sub} missing");
            let full = format!("Timeout.{sub}");
            assert_eq!(meaning(&full), timeout_meaning(sub));
        }
        for sub in options::BARE_OR_TIMEOUTS {
            assert!(timeout_meaning(sub).is_some(), "Timeout.{sub} missing");
        }
    }

    #[test]
    fn names_match_without_case() {
        assert_eq!(meaning("aliasfile"), meaning("AliasFile"));
        assert_eq!(
            meaning("TIMEOUT.QUEUEWARN.DSN"),
            timeout_meaning("queuewarn.dsn")
        );
        assert!(meaning("Milter.macros.envfrom").is_some());
        assert!(meaning("NoSuchOption").is_none());
        assert!(timeout_meaning("nosuch").is_none());
    }

    #[test]
    fn old_letters_that_changed() {
        for letter in [b'I', b'K', b'R'] {
            assert!(options::by_letter(letter).is_some());
            assert!(old_letter_meaning(letter).is_some());
        }
        assert!(old_letter_meaning(b'A').is_none());
    }

    #[test]
    fn no_empty_text_and_no_duplicates() {
        for table in [MEANINGS, TIMEOUTS, MILTER_SUBOPTIONS] {
            let mut seen = std::collections::BTreeSet::new();
            for (key, text) in table {
                assert!(!text.trim().is_empty(), "{key}");
                assert!(seen.insert(key.to_ascii_lowercase()), "{key} twice");
            }
        }
        for (_, _, text) in HISTORIC {
            assert!(!text.trim().is_empty());
        }
        for (_, text) in OLD_LETTERS {
            assert!(!text.trim().is_empty());
        }
    }
}
