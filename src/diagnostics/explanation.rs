//! Long-form explanations of every diagnostic code, for `cf2postfix explain`.
//!
//! [`explanation`] is an exhaustive `match`: a new [`Code`] does not compile
//! until it has an entry here. Every `example` is a sendmail.cf fragment that
//! makes the parser emit its code (tests/codes.rs proves it).

use serde::Serialize;

use super::Code;

/// What a diagnostic code means, why it matters and how to fix it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Explanation {
    /// What the parser found, in more detail than the one-line summary.
    pub meaning: &'static str,
    /// What sendmail really does with such a line, and what goes wrong.
    pub why: &'static str,
    /// A sendmail.cf fragment that makes the parser emit this code.
    pub example: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

/// The explanation of `code`.
pub fn explanation(code: Code) -> &'static Explanation {
    match code {
        Code::UnknownLine => &Explanation {
            meaning: "sendmail decides what a line is by its first byte: one of the command \
                letters `V D C F O H P T K M S R E Q X`, `#` for a comment, or nothing at all \
                for a blank line. This line starts with something else, such as a lower-case \
                word, a digit or punctuation. It also happens when an indented line follows a \
                blank line: it is folded into the blank line instead of the line it was meant \
                to continue, and the result starts with a newline.",
            why: "sendmail rejects the line as an `unknown configuration line`. That is a \
                configuration error: sendmail keeps reading the file, but afterwards refuses \
                to run in every mode except address test mode (`-bt`), so the daemon does not \
                start. Whatever the line was supposed to configure is not part of the \
                configuration sendmail really runs, and the migration has nothing to \
                translate. Lines pasted from another mail system's configuration are a common \
                cause.",
            example: "V10/Berkeley\nrelayhost = [mailhub.example.com]\n",
            fix: "Delete the line, comment it out with a leading `#`, or write it as the \
                sendmail command it was meant to be (for a smart host in an m4-built file, \
                `DSmailhub.example.com`). If the line was meant to continue the line above it, \
                remove the blank line between the two.",
        },
        Code::RuleWithoutTab => &Explanation {
            meaning: "An `R` line is cut at its first TAB: the text before it is the pattern \
                (left-hand side) and the text after the run of TABs is the replacement \
                (right-hand side); a further TAB starts a comment. This rule contains no TAB \
                at all. Spaces never separate the two sides, however many of them there are, \
                so the line has a pattern and no replacement.",
            why: "sendmail reports `invalid rewrite line (tab expected)` and drops the rule; \
                as a configuration error this also keeps the daemon from starting. In address \
                test mode the ruleset is one rule short, so the addresses that rule should \
                have rewritten fall through to later rules and may be routed somewhere else. \
                Tabs are usually lost when the file goes through an editor that expands them \
                to spaces, or through a web page or an e-mail.",
            example: "V10/Berkeley\nS0\nR$+ < @ $+ >    $#esmtp $@ $2 $: $1 < @ $2 >\n",
            fix: "Put a real TAB character between the pattern and the replacement (and \
                another one before a trailing comment). Set the editor to keep tabs in \
                sendmail.cf files. If the file is generated from an m4 `.mc` file, correct \
                the source and generate it again.",
        },
        Code::BadMacroName => &Explanation {
            meaning: "A macro or class name is either a single character (`$x`, `Dx`, `Cw`) \
                or a long name in braces (`${name}`, `D{name}`, `$={Name}`). A long name must \
                not be empty, may hold only ASCII letters, digits and `_`, must be closed by \
                `}` and may be at most 25 characters long. This line breaks one of these \
                rules, either right after its command letter or in a `$` sequence anywhere on \
                the line.",
            why: "sendmail translates every `$` sequence of every line as it reads the file, \
                and a malformed name is a configuration error that keeps the daemon from \
                starting. The parser cannot tell which macro or class was meant, so it keeps \
                the whole line as unparsed text: nothing it defines or uses reaches the \
                analysis or the Postfix translation. Files written for Sun's sendmail hit this \
                when they declare a Berkeley `V` line, because Sun's `${x key$}` lookups look \
                like broken braces to Berkeley sendmail.",
            example: "V10/Berkeley\nD{smart host}mailhub.example.com\n",
            fix: "Spell the name with letters, digits and `_` only (`D{SmartHost}`), close \
                the brace and keep it to 25 characters. If the braces are Sun's NIS lookup, \
                replace it with a `K` map declaration and a `$(map key $)` lookup before the \
                file is used with sendmail 8.17.",
        },
        Code::RuleOutsideRuleset => &Explanation {
            meaning: "Every rewrite rule is added to the ruleset opened by the closest `S` \
                line above it. This `R` line has no such ruleset: either no `S` line comes \
                before it, or the `S` line before it was itself rejected (see CF005). The \
                parser still reads and checks the rule, but it belongs to no ruleset.",
            why: "sendmail reports `missing valid ruleset` and throws the rule away, and the \
                configuration error keeps the daemon from starting. If the rule was part of \
                canonicalizing or routing addresses, that step is simply missing, so mail can \
                reach the wrong mailer or bounce. The migration cannot place the rule in any \
                ruleset either.",
            example: "V10/Berkeley\nR$* < @ localhost >\t$@ $1\n",
            fix: "Add the `S` line that opens the intended ruleset above the rule (for \
                example `S0` or `SLocal_check_rcpt`), or correct the `S` line that was \
                rejected. If the rule is a stray copy, delete it.",
        },
        Code::BadRuleset => &Explanation {
            meaning: "An `S` line opens a ruleset by number or by name. Numbers run from 0 to \
                99; a name starts with a letter and continues with letters, digits and `_`, \
                optionally bound to a number with `=NN`. This line has a number above 99, \
                an invalid name, a bad `=` binding or extra text after the ruleset. The same \
                code is a warning when a named ruleset is bound to a different number than \
                before.",
            why: "sendmail rejects the `S` line as a configuration error, and because no \
                ruleset is open afterwards, every `R` line up to the next valid `S` line is \
                rejected too (see CF004). A whole block of rules silently disappears from \
                address rewriting. When a name changes its number, references made through \
                the old number reach a different ruleset than the one the author meant.",
            example: "V10/Berkeley\nS100\n",
            fix: "Use a number from 0 to 99, or give the ruleset a name made of letters, \
                digits and `_` (write `Local_check_rcpt`, not `Local-check-rcpt`). Bind a \
                name to a number at most once, and always to the same number.",
        },
        Code::UnknownOption => &Explanation {
            meaning: "An `O` line sets an option either by one letter (`OA/etc/aliases`) or, \
                after exactly one space, by its long name (`O AliasFile=/etc/aliases`). The \
                name or letter here is in no sendmail version's option table, or the long \
                name is a prefix of several options at once, or the line names no option at \
                all. It is a warning when only a sub-option, such as the part after \
                `Timeout.`, is unknown.",
            why: "sendmail reports `unknown option name` (or `ambiguous option name`) as a \
                configuration error and ignores the line, so the setting the author wanted \
                never takes effect and the daemon does not start. Typical causes are typing \
                mistakes, options remembered from another mail system, and a TAB or a second \
                space after `O`, which sendmail does not accept in front of a long name. The migration cannot \
                carry over a setting it cannot identify.",
            example: "V10/Berkeley\nO MaxMessageLength=10000000\n",
            fix: "Look the option up in the option table of sendmail 8.17 and use its exact \
                name (here `O MaxMessageSize=10000000`). Write long options as `O`, one \
                space, then `Name=value`. Delete options that have no sendmail equivalent.",
        },
        Code::ObsoleteOption => &Explanation {
            meaning: "The option was understood by an older sendmail but is not in sendmail \
                8.17's option table any more. Examples are the 4.x letters `ON` (home network \
                name) and `OW` (wizard password), `AutoRebuildAliases` (`OD`), dropped in \
                8.12, and Sun's `RemoteMode`. It is only a note when the file's own dialect \
                or configuration level still had the option, and a warning otherwise.",
            why: "sendmail 8.17 treats the line like any unknown option: a configuration \
                error that stops the daemon from starting, and the setting is lost. A file \
                that ran fine under the old sendmail therefore fails as soon as it is loaded \
                by a current one. For a migration, whatever the option did (for example \
                rebuilding the alias database on the fly) has to be replaced by something \
                else or consciously dropped.",
            example: "V10/Berkeley\nO AutoRebuildAliases=True\n",
            fix: "Remove the option from files that sendmail 8.17 will read, and provide its \
                effect another way if it is still needed (for `AutoRebuildAliases`, run \
                `newaliases`, or Postfix's `newaliases`, whenever the aliases file changes). \
                Keep it only in a copy meant for the old sendmail.",
        },
        Code::BadOptionValue => &Explanation {
            meaning: "The option is known, but its value does not have the form the option \
                takes: a number, a time such as `30m` or `5d/4h`, an octal file mode, one of \
                a few documented words, and so on. The code also covers an `AliasFile` entry \
                whose prefix before `:` is no map class sendmail 8.17 knows (such as a DOS \
                drive letter).",
            why: "sendmail mostly does not reject such values: it converts numbers with C's \
                lenient `atoi`, so `twenty` quietly becomes 0, and it picks choices by their \
                first letter. The option then has a value nobody intended; a `MaxHopCount` of \
                0, for instance, makes sendmail treat almost every incoming message as a mail \
                loop. A few options do refuse bad values, and then the daemon does not start. \
                The migration cannot translate a value it cannot read.",
            example: "V10/Berkeley\nO MaxHopCount=twenty\n",
            fix: "Write the value in the form the option expects: digits for counts \
                (`O MaxHopCount=20`), a number with a unit (`s m h d w`) for times, an octal \
                number for modes, and `Name=value` with the `=` for long options. For alias \
                files use `hash:/etc/mail/aliases` or a plain path.",
        },
        Code::AbbreviatedOption => &Explanation {
            meaning: "sendmail accepts any unique prefix of a long option name, case \
                insensitively, so `O QueueDir=` sets `QueueDirectory`. This line uses such an \
                abbreviation instead of the full name. The parser resolves it to the option \
                it stands for and reports it as a note.",
            why: "sendmail prints a notice that the name was used as an abbreviation and then \
                applies the option, so nothing breaks today. But an abbreviation is fragile: \
                a later sendmail that adds another option with the same prefix turns it into \
                an ambiguous name, which is a configuration error. People and tools that \
                search the file for the full option name do not find it either.",
            example: "V10/Berkeley\nO QueueDir=/var/spool/mqueue\n",
            fix: "Write the full option name, here `O QueueDirectory=/var/spool/mqueue`.",
        },
        Code::BadVersionLine => &Explanation {
            meaning: "The `V` line declares the configuration level the file is written for, \
                as a number optionally followed by `/Vendor` with no space in between \
                (`V10/Berkeley`). As an error, this `V` line has no number at all, or a \
                number too long to read. As a warning, there is text after the level that \
                sendmail ignores, for example a vendor written after a space instead of a \
                slash.",
            why: "Without a readable number, sendmail reports `invalid argument to V line`, \
                a configuration error, and the file stays at level 0, which changes how \
                comments, parentheses and several defaults are read from then on. Ignored \
                trailing text looks like part of the declaration but has no effect: a vendor \
                after a space is never set, so a file meant for a vendor dialect is read as \
                plain Berkeley.",
            example: "V10 Berkeley\n",
            fix: "Write `V`, the level number and, if needed, `/` directly followed by the \
                vendor name: `V10/Berkeley`. Remove anything after it, or turn it into a \
                comment on a line of its own.",
        },
        Code::VendorVersion => &Explanation {
            meaning: "The vendor part of the `V` line (after `/`) names a vendor other than \
                `Berkeley`. For `Sun` this is a note: the file is in Sun's dialect and the \
                parser reads Sun's operators and `L`/`G` lines the way Sun meant them. For \
                any other vendor it is a warning.",
            why: "A stock sendmail 8.17 only accepts `Berkeley` (Sun's name only in builds \
                with Sun's extensions) and reports `invalid V line vendor code` as a \
                configuration error, so the daemon does not start. The vendor also tells \
                you that the file may rely on that vendor's extensions, which Berkeley \
                sendmail lacks or reads differently, and which the migration has to \
                replace.",
            example: "V10/Digital\n",
            fix: "After replacing every vendor-specific construct in the file (see CF018 \
                and CF019), change the line to `V10/Berkeley`. Until then, keep the vendor \
                so that tools read the file in its own dialect.",
        },
        Code::OldConfigLevel => &Explanation {
            meaning: "The level in the `V` line differs from 10, the level sendmail 8.17 \
                writes and implements. Below 10 it is a note: sendmail keeps the old \
                semantics for the file. Above 10 it is a warning, since no sendmail \
                implements such a level.",
            why: "The level changes how sendmail reads the rest of the file: below 3 a `#` \
                in the middle of a line is not a comment, below 5 `$w` keeps the full host \
                name, below 7 some macros still stand in for later options, and below 9 \
                parentheses in rules are comments rather than tokens. sendmail prints `.cf \
                file is out of date` (or that the level exceeds what it implements) and \
                carries on. Reading an old file as if it were level 10, or raising its level \
                without reviewing it, changes how mail is routed.",
            example: "V7/Berkeley\n",
            fix: "Read and migrate the file with the level it declares in mind. Raise the \
                level to `V10/Berkeley` only after checking the constructs whose meaning \
                depends on it, ideally by regenerating the file from an m4 `.mc` source. \
                Lower a level above 10 to 10.",
        },
        Code::ReplacementOutOfBounds => &Explanation {
            meaning: "The right-hand side of a rule refers to `$n`, the text matched by the \
                n-th wildcard of the left-hand side. Wildcards are `$*`, `$+`, `$-`, `$=X` \
                and `$~X`, numbered from 1 in order. This rule uses `$0`, or a number larger \
                than the count of wildcards its left-hand side has.",
            why: "sendmail reports `replacement $n out of bounds` when it reads the rule, a \
                configuration error. If the rule is run anyway (in address test mode), \
                sendmail stops the whole ruleset with a configuration failure the moment the \
                rule matches, so the address is neither rewritten nor resolved. Usually a \
                wildcard was removed from the pattern, or the numbers were counted wrongly.",
            example: "V10/Berkeley\nS0\nR$+ < @ $+ >\t$#esmtp $@ $2 $: $1 < @ $3 >\n",
            fix: "Count the wildcards of the left-hand side and use only `$1` up to that \
                number on the right-hand side (here `$2` instead of `$3`), or add the \
                wildcard the replacement needs to the pattern.",
        },
        Code::EmptyRuleSide => &Explanation {
            meaning: "After sendmail has expanded the macros of a rule as it reads it, one of \
                the two sides has no tokens left. The side may be blank, hold only macros \
                that are not defined yet at that line, or only conditionals (`$?x ... $.`) \
                on such macros. Rules are expanded once, when they are read, with the macro \
                values defined above them.",
            why: "sendmail reports `R line: null LHS` or `null RHS`, a configuration error. \
                A rule with an empty pattern only matches an empty address, so it never does \
                its job; an empty replacement erases the address it matched. The usual cause \
                is a `D` line that comes after the rules using its macro, so the rule was \
                read while the macro was still unset.",
            example: "V10/Berkeley\nS0\nR$H\t$#relay $@ $H $: $&u\nDHmailhub.example.com\n",
            fix: "Define the macro before the first rule that uses it (move the `D` line \
                above the ruleset), use `$&x` to read the macro when the rule runs instead, \
                or write the missing pattern or replacement.",
        },
        Code::TooManyWildcards => &Explanation {
            meaning: "The left-hand side of this rule has more than nine wildcards (`$*`, \
                `$+`, `$-`, `$=X`, `$~X`). sendmail can only refer to nine matched parts, as \
                `$1` to `$9`, so it does not allow a tenth wildcard. The parser marks the \
                tenth one.",
            why: "sendmail reports `R line: too many wildcards` and replaces the pattern with \
                an empty one, so the rule matches only an empty address and never rewrites \
                what it was written for. Addresses it should have handled go on to the next \
                rules, which may route them elsewhere. The configuration error also keeps \
                the daemon from starting.",
            example: "V10/Berkeley\nS0\nR$- . $- . $- . $- . $- . $- . $- . $- . $- . $-\t$@ $1\n",
            fix: "Split the rule: match part of the address in one rule, mark it (for \
                example inside `< >`), and handle the rest in a second rule. Where a part \
                does not need to be reused, a single `$*` can often replace several \
                wildcards.",
        },
        Code::MisplacedOperator => &Explanation {
            meaning: "Operators have a side. Wildcards (`$*`, `$+`, `$-`, `$=X`, `$~X`) only \
                match, so they belong on the left-hand side; `$1`..`$9`, `$:`, `$>`, `$[ $]` \
                and `$( $)` only produce text, so they belong on the right-hand side. This \
                rule uses one of them on the wrong side.",
            why: "sendmail reports `inappropriate use of ... on LHS` (or `on RHS`), a \
                configuration error, yet keeps the rule, in which the operator then stands \
                for a plain token. The rule no longer matches what it was meant to, or writes \
                a wildcard marker into the address it produces. Such rules usually come from \
                copying the pattern into the replacement.",
            example: "V10/Berkeley\nS0\nR$+\t$: $+ < @ $j >\n",
            fix: "On the right-hand side, refer to what a wildcard matched with `$n` (here \
                `$: $1 < @ $j >`). On the left-hand side, use a wildcard or literal text \
                where a `$n`, `$:` or lookup was written.",
        },
        Code::UnbalancedLookup => &Explanation {
            meaning: "On the right-hand side, `$( map key $)` looks a key up in a map and \
                `$[ host $]` canonicalizes a host name. Each opening operator needs its \
                closing one, lookups cannot be nested, and one lookup takes at most nine \
                `$@` arguments. This rule has a lookup that is not closed, a closing \
                operator without an opening one, a lookup inside another, or too many \
                arguments.",
            why: "sendmail reports `missing map closing token`, `cannot nest map lookups` or \
                `too many arguments for map lookup`, a configuration error that keeps the \
                daemon from starting. Where the rule is used anyway, as in address test mode, \
                an unclosed lookup runs to the end of the replacement and a stray closing \
                operator stays in the address as a token, so the key, the default or the \
                rewritten address differ from what the author meant. Such mistakes tend to \
                hide in rarely used routing rules such as a mailertable lookup.",
            example: "V10/Berkeley\nS0\nR$* < @ $+ >\t$: $(mailertable $2 $: $1 < @ $2 >\n",
            fix: "Close each `$(` with `$)` and each `$[` with `$]` (here \
                `$(mailertable $2 $: $1 < @ $2 > $)`), use one lookup per rule, or chain \
                rules, instead of nesting, and pass at most nine `$@` arguments.",
        },
        Code::VendorOperator => &Explanation {
            meaning: "The rule uses a rewriting operator that only a vendor's sendmail had: \
                SunOS's `$%x` and `$!x` (match a name that is or is not in a NIS map), Sun's \
                `${x key$}` (NIS lookup), Ultrix's `$\"` and `${` (aliases and passwd \
                lookups) or HP-UX's `$<x` (pathalias routing). The parser only reads them in \
                files without a `V` line or with `V.../Sun`, and reports them as dialect \
                notes.",
            why: "Berkeley sendmail 8.17 has none of these operators. It reads `$%y` as the \
                undefined macro `%` followed by the word `y`, so a pattern such as \
                `$+ < @ $%y >` silently matches only a host literally called `y`, and \
                `${x key$}` is rejected as a malformed name. The routing decision the \
                vendor operator made, usually \"is this host or user known to NIS\", is lost \
                unless the migration rebuilds it.",
            example: "S0\nR$+ < @ $%y >\t$#ether $@ $2 $: $1\n",
            fix: "Replace the operator with Berkeley constructs: declare the NIS map with \
                a `K` line of class `nis` (or use the built-in `host` map through `$[ $]` for \
                host names), look the key up with `$( map key $: default $)` in one rule and \
                match on the result in the next. In Postfix the same decision is usually \
                a lookup table in `transport_maps` or `relay_domains`.",
        },
        Code::VendorLine => &Explanation {
            meaning: "`L` and `G` lines come from Sun's sendmail: `Lx key` set macro `x`, and \
                `Gx key` added words to class `x`, from the `sendmailvars` table of the name \
                service. The parser reads them and reports a \
                dialect note. It is an error when the letter is not followed by a valid macro \
                or class name.",
            why: "A stock sendmail 8.17 does not know these lines and rejects them as \
                `unknown configuration line`, a configuration error that stops the daemon \
                from starting. Even where they are accepted, the value comes from a name \
                service table rather than the file, so the configuration cannot be judged \
                without that table: the macro (often the mail domain) is empty or wrong on \
                any other machine.",
            example: "V10/Berkeley\nLmmaildomain\n",
            fix: "Look up the value in the `sendmailvars` table of the old system and write \
                it into the file directly: `Dmcorp.example.com` for an `L` line, or a `C` \
                line (or an `F` line reading a file) for a `G` line.",
        },
        Code::BadMailer => &Explanation {
            meaning: "An `M` line defines a mailer: a name, then comma-separated fields of \
                the form `X=value`, such as `P=` (the program or `[IPC]`), `F=` (flags), \
                `S=`/`R=` (rulesets) and `A=` (the argument vector). This definition has no \
                name, a field without `=`, or lacks `P=` or `A=`, which every mailer needs.",
            why: "sendmail reports the problem as a configuration error and does not define \
                the mailer at all. Every rule that resolves an address to it (`$#name`) then \
                points to a mailer that does not exist, so that mail cannot be delivered. \
                The migration cannot derive a Postfix transport from an incomplete \
                definition.",
            example: "V10/Berkeley\nMlocal, P=/usr/lib/mail.local, F=lsDFMAw5:/|@q\n",
            fix: "Complete the definition so it has a name, `P=` and `A=`, for example \
                `Mlocal, P=/usr/lib/mail.local, F=lsDFMAw5:/|@q, A=mail.local -l`, and \
                write every field as a letter, `=` and the value, separated by commas.",
        },
        Code::LegacyIpcMailer => &Explanation {
            meaning: "An SMTP mailer is written in the form used before sendmail 8.x. Old \
                files wrote `P=[TCP]` where sendmail 8 expects `P=[IPC]`, and started the \
                argument vector of such a mailer with `IPC` where sendmail 8 expects `TCP` \
                (or `FILE` for a local socket). It is a note in a file in its own old \
                dialect, and a warning in a Berkeley 8.x file.",
            why: "sendmail 8.12 and later reject `P=[TCP]` as a configuration error and do \
                not define the mailer, so all mail routed to it, usually all outgoing SMTP \
                mail, has no working mailer. A wrong first argument only draws a warning, \
                but it shows the definition was never updated for sendmail 8. In both cases \
                the migration has to recognize the mailer as plain SMTP.",
            example: "V10/Berkeley\nMether, P=[TCP], F=msDFMuCX, S=11, R=21, A=IPC $h\n",
            fix: "Write SMTP mailers in the sendmail 8 form: `P=[IPC]` and `A=TCP $h`, for \
                example `Mether, P=[IPC], F=msDFMuCX, S=11, R=21, A=TCP $h`.",
        },
        Code::UnknownMailerField => &Explanation {
            meaning: "sendmail picks a mailer field by the first character of its key, and \
                only these characters name a field: `P F S R A E M m r L N D C Q T U W /`. \
                Note that the case matters: `M` and `m`, `R` and `r` are different fields. \
                This mailer has a field whose key starts with another character.",
            why: "sendmail reports `unknown mailer equate`, a configuration error that keeps \
                the daemon from starting, and ignores the field. Whatever the field was meant \
                to set, such as the line ending or a limit, does not apply, and the mailer \
                runs with its default. Lower-case keys written for an upper-case field and \
                fields from vendor sendmails are typical causes.",
            example: "V10/Berkeley\nMlocal, P=/bin/mail, F=lsDFMm, e=\\n, A=mail -d $u\n",
            fix: "Use the field's real letter (here `E=\\n` for the end-of-line string), or \
                remove the field if sendmail has no equivalent.",
        },
        Code::BadMap => &Explanation {
            meaning: "A `K` line declares a keyed map: `Kname class [flags] arguments`, such \
                as `Kmailertable hash /etc/mail/mailertable`. The map name must follow the \
                `K` directly, start with a letter or digit and hold only letters, digits, \
                `_` and `.`; a class must follow. This line has no valid name (often because \
                of a space after `K`) or no class.",
            why: "sendmail reports the line as a configuration error and does not create the \
                map. Every `$( name ... $)` lookup in the rules then refers to a map that \
                does not exist, which sendmail reports at run time and treats as not found, \
                so routing that relies on the map (a mailertable, virtual users, an access \
                list) silently stops working. The migration has no table to translate.",
            example: "V10/Berkeley\nK mailertable hash /etc/mail/mailertable\n",
            fix: "Write the map name right after `K`, then the class, flags and file: \
                `Kmailertable hash /etc/mail/mailertable`.",
        },
        Code::UnavailableMapClass => &Explanation {
            meaning: "The second word of a `K` line is the map's class, the kind of database \
                behind it. sendmail 8.17 knows classes such as `hash`, `btree`, `dbm`, \
                `text`, `regex`, `ldap`, `nis`, `host`, `sequence` and `program`. This class \
                is none of them. It is a note in a file in an old or vendor dialect, and a \
                warning otherwise.",
            why: "sendmail reports that the class is not available, a configuration error, \
                and does not create the map; every lookup in it then finds nothing, so \
                whatever the map decided (local domains, routes, access rules) no longer \
                happens. Classes like this come from vendor builds or patches, such as SQL \
                maps or old IDA map types.",
            example: "V10/Berkeley\nKvirtuser mysql -h db.example.com virtusers\n",
            fix: "Export the data into a class sendmail 8.17 has (a `hash` or `btree` file \
                built with `makemap`, `text`, or `ldap`) and change the `K` line to it. In \
                Postfix, the same table can often be used directly, since Postfix has its own \
                `mysql:`, `pgsql:` and `ldap:` lookup tables.",
        },
        Code::BadHeader => &Explanation {
            meaning: "An `H` line defines a header that sendmail adds to messages, \
                `HName: template`, optionally with a condition in question marks \
                (`H?F?From: ...` for mailer flags, `H?${macro}?Name: ...` for a macro that \
                must be set), or a header check, `HName: $>ruleset`. This line has an \
                unclosed `?` condition, a condition that is neither flags nor one macro, or \
                no `Name:` at all.",
            why: "sendmail reports a header syntax error and does not use the line. The \
                header it describes is then never added, or a header check that was meant to \
                reject certain messages never runs. Missing `Received:` or `From:` headers \
                make messages harder to trace and more likely to be refused by the receiving \
                server.",
            example: "V10/Berkeley\nHReceived $?sfrom $s $.by $j\n",
            fix: "Write the header name followed directly by a colon, then the template: \
                `HReceived: $?sfrom $s $.by $j`. Close a condition with a second `?` and put \
                either mailer flag letters or one macro (`$x` or `${name}`) inside it.",
        },
        Code::BadPrecedence => &Explanation {
            meaning: "A `P` line maps a value of the `Precedence:` header to a number: \
                `Pname=number`, such as `Pbulk=-60`. This line has no `=`, no name, or a \
                value that is not an integer.",
            why: "sendmail rejects a `P` line without `=` as an `unknown configuration line`, \
                a configuration error, and reads a value that is not a number as 0. The \
                number matters: it orders the queue, and for negative precedences (bulk, \
                junk, list mail) sendmail does not send error reports back to the sender. \
                With a lost or wrong value, mailing-list bounces start going back to the \
                lists.",
            example: "V10/Berkeley\nPbulk -60\n",
            fix: "Write the name, `=` and an integer without spaces: `Pbulk=-60`.",
        },
        Code::BadClassFile => &Explanation {
            meaning: "An `F` line fills a class from outside the file: `Fx /path` reads a \
                file, optionally with `-o` (the file may be missing) and a scanf format, \
                `Fx |program` runs a program, and `Fx key@map` reads a map. This line names \
                the class but nothing to read it from.",
            why: "sendmail reports a missing file name, a configuration error, and the class \
                stays empty (or keeps only the words other lines give it). Classes read from \
                files often hold the local host names (`$=w`) or relay domains; an empty one \
                makes sendmail treat local mail as remote, or refuse to relay for domains it \
                should serve.",
            example: "V10/Berkeley\nFw -o\n",
            fix: "Give the path, program or map after the class name (and after `-o`, if \
                used): `Fw -o /etc/mail/local-host-names`.",
        },
        Code::BadQueueGroup => &Explanation {
            meaning: "A `Q` line defines a queue group, the sendmail 8.12 way of splitting \
                the queue: `Qname, P=path, F=flags, N=nice, I=interval, R=runners, J=jobs, \
                r=recipients`. This line has no group name, or a field without `=`. A field \
                without `=` is only a note in a file below configuration level 10, where a \
                `Q` line may be an older vendor extension in another format.",
            why: "sendmail reports the line as a configuration error and does not define the \
                queue group. Mailers that name it with `Q=` then refer to an unknown queue, \
                which is another error, and mail meant to be queued separately (for example \
                slow destinations) shares the default queue. The migration cannot map the \
                group to a Postfix transport with its own concurrency.",
            example: "V10/Berkeley\nQslow, P=/var/spool/mqueue/slow, R 2\n",
            fix: "Write every field as letter, `=` and value, separated by commas: \
                `Qslow, P=/var/spool/mqueue/slow, R=2`.",
        },
        Code::BadMilter => &Explanation {
            meaning: "An `X` line connects a mail filter (milter): \
                `Xname, S=socket, F=flags, T=timeouts`, such as \
                `Xclamav, S=local:/var/run/clamav/clamav-milter.sock, F=T`. This line has \
                no filter name, or a field without `=`. A field without `=` is only a note in \
                a file below configuration level 10, where an `X` line may be an older vendor \
                extension in another format.",
            why: "sendmail reports the line as a configuration error and does not set the \
                filter up. A filter that checks for viruses or spam, or signs outgoing mail, \
                then never sees a message, which is easy to miss because mail keeps flowing. \
                The migration cannot carry the filter over to Postfix's `smtpd_milters`.",
            example: "V10/Berkeley\nXclamav, S:local:/var/run/clamav/clamav-milter.sock, F=T\n",
            fix: "Write each field as letter, `=` and value: \
                `Xclamav, S=local:/var/run/clamav/clamav-milter.sock, F=T`, and check that \
                the filter is listed in `O InputMailFilters` if it should run.",
        },
        Code::BadEnvironment => &Explanation {
            meaning: "An `E` line sets an environment variable for the programs sendmail \
                runs as mailers: `Ename=value`, or just `Ename` to pass on sendmail's own \
                value. The variable name must follow the `E` directly and contain no spaces. \
                This line has no name, or a name with a space or control character.",
            why: "sendmail does not check the name: it hands the mailers whatever stands \
                between `E` and `=`. A variable named ` PATH` (with a leading space) is set, \
                but the `PATH` the author meant is not, so delivery programs run with the \
                wrong search path or locale and fail in ways that are hard to trace.",
            example: "V10/Berkeley\nE PATH=/usr/bin:/bin\n",
            fix: "Write the variable name right after `E`, without spaces: \
                `EPATH=/usr/bin:/bin`.",
        },
        Code::LateOperatorChars => &Explanation {
            meaning: "`OperatorChars` (the old macro `$o`) lists the characters that split an \
                address into tokens, such as `.`, `@` and `%`. sendmail builds its \
                tokenizer from them once, when it reads the first rewrite rule. This line \
                sets the option after a rule has already been read.",
            why: "sendmail warns that `OperatorChars` is being redefined and keeps the token \
                table it has already built, so the new characters have no effect on any \
                rule, before or after the line. Rules written on the assumption that, say, \
                `!` or `/` separate tokens do not match the addresses they were written \
                for.",
            example: "V10/Berkeley\nS0\nR$*\t$@ $1\nO OperatorChars=.:%@!^/[]+\n",
            fix: "Move the `O OperatorChars=` line (or the `Do` line of an old file) above \
                the first `S` and `R` lines.",
        },
        Code::ReopenedRuleset => &Explanation {
            meaning: "An `S` line opens a ruleset that an earlier `S` line already opened, by \
                the same number or name, or by a name bound to the same number. sendmail 8.x \
                appends the rules after the second `S` line to those of the first.",
            why: "sendmail only mentions it in test mode (`Ruleset ... has multiple \
                definitions`), so the effect is easy to overlook. The rules of the second \
                block run after the first block; if the first block ends with a rule that \
                returns for every address, they never run at all. 4.x sendmail replaced the \
                ruleset instead of extending it, so an old file may mean something else \
                entirely.",
            example: "V10/Berkeley\nS3\nR$*\t$: $1\nS3\nR$* < @ $+ >\t$@ $1 < @ $2 >\n",
            fix: "Merge the rules into one block under a single `S` line, in the order they \
                should run, or give the second block a ruleset of its own and call it with \
                `$>`.",
        },
        Code::EightBitRule => &Explanation {
            meaning: "The rule contains a byte from 0x80 to 0x9F, or 0xFF. sendmail uses bytes \
                in that range internally as markers for operators, so when it reads the file \
                it escapes such bytes. UTF-8 text is the usual source: many letters, such as \
                `ß` (bytes 0xC3 0x9F) or `Ü` (0xC3 0x9C), contain one.",
            why: "An escaped byte becomes a token of its own in the rule and is then stored \
                in a form no address ever has, so the rule never matches text containing \
                that letter. sendmail reports nothing: the rule silently stays without \
                effect. Mail for an internationalized name therefore goes down a different \
                route than the rule intended.",
            example: "V10/Berkeley\nS0\nR$+ < @ straße . example >\t$#local $: $1\n",
            fix: "Use plain ASCII in rules: write internationalized domain names in their \
                ASCII form (`xn--strae-oqa.example` for `straße.example`) and match local \
                parts with wildcards or classes instead of literal 8-bit text.",
        },
        Code::NulByte => &Explanation {
            meaning: "The line contains a NUL byte (0x00). sendmail handles lines as C \
                strings, which end at the first NUL, so it stops reading the line there. The \
                parser does the same and reports where the line was cut. (The example shows \
                the NUL as `^@`.)",
            why: "Everything after the NUL is lost without any message from sendmail: a \
                macro keeps only the first part of its value, a rule loses the rest of its \
                replacement, and continuation lines folded into the line vanish with it. \
                NUL bytes come from damaged files, binary-mode transfers or editors that \
                saved the file in UTF-16.",
            example: "V10/Berkeley\nDjmail.example.com\0.internal\n",
            fix: "Remove the NUL byte and restore the rest of the line; check the file for \
                other damage (`grep -c -P '\\x00'` counts affected lines), and convert it \
                to plain ASCII or UTF-8 if it was saved in UTF-16.",
        },
        Code::DroppedProgramArguments => &Explanation {
            meaning: "`Fx|program` fills class `x` with the words a program prints. sendmail \
                takes the program from the text up to the first unquoted space; what follows \
                would be a scanf format for files and is ignored for programs. This line has \
                words after the program that are outside quotes.",
            why: "sendmail runs the program without those arguments and says nothing about \
                it. The program then prints something else, or nothing, or an error, and the \
                class (often the local host names or relay domains) gets the wrong members. \
                Mail for domains the server should accept is then bounced or relayed \
                wrongly.",
            example: "V10/Berkeley\nFw|/usr/local/bin/list-domains --local\n",
            fix: "Quote the whole command, including the `|`: \
                `Fw\"|/usr/local/bin/list-domains --local\"`. Or write the list to a file \
                and read it with `Fw/etc/mail/local-host-names`.",
        },
        Code::ProgramMacro => &Explanation {
            meaning: "This `D` line gives a macro a value that starts with `|`. IRIX's \
                sendmail took such a value as a command, ran it and used its output as the \
                macro's value. Berkeley sendmail has no such feature and keeps the text as \
                it is. The parser reports it as a dialect note.",
            why: "Under sendmail 8.17 the macro holds the command text itself, `|` and all. \
                If it is `$j`, the server's own name, sendmail greets, signs `Received:` \
                headers and builds addresses with a nonsense host name, and mail to the \
                machine may loop or bounce. The migration also needs the real value, not \
                the command.",
            example: "V10/Berkeley\nDj|/usr/bsd/hostname -f\n",
            fix: "Run the command once on the old host and write its output as the value, \
                for example `Djmail.example.com`, or leave the macro undefined when sendmail \
                can work it out itself (as it does for `$j`).",
        },
        Code::NoVersionLine => &Explanation {
            meaning: "The file has no `V` line, so sendmail reads it at configuration level \
                0, as written for a sendmail older than 8. The parser does the same and \
                accepts the vendor operators and old option letters of that era. The note \
                points at the first line that is not a comment.",
            why: "Level 0 changes how the whole file is read: a `#` in the middle of a line \
                is an ordinary character rather than a comment, parentheses in rules are \
                comments, and several defaults differ. That is right for a genuinely old \
                file, but a newer file that merely lost its `V` line is misread, and adding \
                `V10/Berkeley` to an old file changes its meaning in the same way.",
            example: "DRmailhub.example.com\nCwlocalhost\n",
            fix: "Nothing is needed for a file that really predates sendmail 8. Otherwise \
                restore the `V` line the file was written for. Add `V10/Berkeley` only after \
                checking comments, parentheses and old options, preferably by regenerating \
                the file from an m4 `.mc` source.",
        },
    }
}

/// The explanation of `code` as a terminal- and Markdown-friendly page.
pub fn render_text(code: Code) -> String {
    let info = code.info();
    let text = explanation(code);
    let mut out = format!("# {} ({})\n\n", info.code, info.name);
    out.push_str(&wrap(&sentence(info.summary)));
    for (heading, body) in [
        ("What it means", text.meaning),
        ("Why it matters", text.why),
    ] {
        out.push_str(&format!("\n## {heading}\n\n"));
        out.push_str(&wrap(body));
    }
    out.push_str("\n## Example\n\n");
    for line in text.example.lines() {
        out.push_str("    ");
        out.push_str(&line.replace('\0', "^@"));
        out.push('\n');
    }
    out.push_str("\n## How to fix\n\n");
    out.push_str(&wrap(text.fix));
    out
}

/// `summary` as a sentence: capital first letter, final full stop.
fn sentence(summary: &str) -> String {
    let mut chars = summary.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_ascii_uppercase())
        .into_iter()
        .collect();
    out.extend(chars);
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// Width that prose is wrapped to.
const WIDTH: usize = 78;

/// Wraps `text` at spaces to [`WIDTH`] columns, ending with a newline.
/// A `code span` is never split across lines.
fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut column = 0;
    for unit in units(text) {
        let width = unit.chars().count();
        if column > 0 && column + 1 + width > WIDTH {
            out.push('\n');
            column = 0;
        } else if column > 0 {
            out.push(' ');
            column += 1;
        }
        out.push_str(&unit);
        column += width;
    }
    out.push('\n');
    out
}

/// The words of `text`, the words of a `code span` joined into one.
fn units(text: &str) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    let mut in_code = false;
    for word in text.split_whitespace() {
        match units.last_mut() {
            Some(last) if in_code => {
                last.push(' ');
                last.push_str(word);
            }
            _ => units.push(word.to_string()),
        }
        if word.matches('`').count() % 2 == 1 {
            in_code = !in_code;
        }
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_wraps_at_spaces() {
        let wrapped = wrap(&"word ".repeat(40));
        assert!(wrapped.lines().all(|l| l.len() <= WIDTH));
        assert_eq!(wrapped.split_whitespace().count(), 40);
    }

    #[test]
    fn code_spans_stay_on_one_line() {
        let text = format!("{}`O MaxHopCount=20` end", "word ".repeat(14));
        let wrapped = wrap(&text);
        assert!(wrapped.lines().any(|l| l.starts_with("`O MaxHopCount=20`")));
    }

    #[test]
    fn summary_becomes_a_sentence() {
        assert_eq!(sentence("a line"), "A line.");
    }
}
