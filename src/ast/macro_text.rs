use serde::Serialize;

use super::Text;
use crate::source::Span;

/// Text in which sendmail's `$` operators have been recognised: the value of
/// a `D` line, either side of an `R` line, a mailer field, an option value.
///
/// Literal runs never contain a `$`; every `$` sequence is an [`Operator`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MacroText {
    pub pieces: Vec<Piece>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Piece {
    pub span: Span,
    #[serde(flatten)]
    pub kind: PieceKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PieceKind {
    Literal(Text),
    Operator(Operator),
}

/// A macro or class name: one byte (`$x`, `$=w`) or a long name (`${name}`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MacroName {
    Short(u8),
    Long(Text),
}

impl MacroName {
    /// The name as written after the `$`: `x` or `{name}`.
    pub fn to_source(&self) -> Vec<u8> {
        match self {
            MacroName::Short(b) => vec![*b],
            MacroName::Long(name) => {
                let mut out = Vec::with_capacity(name.0.len() + 2);
                out.push(b'{');
                out.extend_from_slice(&name.0);
                out.push(b'}');
                out
            }
        }
    }

    pub fn to_display(&self) -> String {
        Text(self.to_source()).to_display()
    }
}

impl Serialize for MacroName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_display())
    }
}

/// Every `$` operator of the sendmail.cf language, Berkeley and vendor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "op", content = "name")]
pub enum Operator {
    /// `$x`, `${name}`: macro value, substituted when the line is read.
    Macro(MacroName),
    /// `$&x`: macro value, substituted when the rule runs.
    Deferred(MacroName),
    /// `$=X`: match a member of class X.
    Class(MacroName),
    /// `$~X`: match one token that is not a member of class X.
    NotClass(MacroName),
    /// `$?x`: conditional, "if macro x is set".
    IfSet(MacroName),
    /// `$|`: conditional else; outside a conditional, a literal separator token.
    Else,
    /// `$.`: conditional end.
    EndIf,
    /// `$*`: zero or more tokens.
    ZeroOrMore,
    /// `$+`: one or more tokens.
    OneOrMore,
    /// `$-`: exactly one token.
    ExactlyOne,
    /// `$0`..`$9`: the tokens bound to a wildcard.
    Positional(u8),
    /// `$@`: host part of a triple, return prefix, map argument, or (left-hand side) the empty match.
    Host,
    /// `$:`: user part of a triple, continue prefix, or map default.
    User,
    /// `$#`: mailer part of a triple.
    Mailer,
    /// `$>`: call a ruleset.
    Call,
    /// `$[`: start of host name canonicalization.
    HostBegin,
    /// `$]`: end of host name canonicalization.
    HostEnd,
    /// `$(`: start of a map lookup.
    LookupBegin,
    /// `$)`: end of a map lookup.
    LookupEnd,
    /// `$$`, or a `$` at the end of a line: a literal `$`.
    Dollar,
    /// SunOS `$%x`: match a name found in the NIS map named by macro x (binds a `$n`).
    SunMapMatch(MacroName),
    /// SunOS `$!x`: match a name not found in the NIS map named by macro x.
    SunMapNonMatch(MacroName),
    /// SunOS/Solaris `${x`: start of a lookup of the key in the NIS map named by macro x.
    SunLookupBegin(MacroName),
    /// SunOS/Solaris `$}`: end of a `${x ... $}` lookup.
    SunLookupEnd,
    /// Ultrix `$"`: the rest matches a name in the YP/Hesiod aliases map.
    UltrixAliasMatch,
    /// Ultrix `${` (not closed): the rest matches a name in the YP/Hesiod passwd map.
    UltrixPasswdMatch,
    /// HP-UX `$<x`: route the rest through the pathalias database x.
    HpuxPathalias(MacroName),
}

impl Operator {
    /// Does this operator bind a `$n` on a left-hand side?
    pub fn is_wildcard(&self) -> bool {
        matches!(
            self,
            Operator::ZeroOrMore
                | Operator::OneOrMore
                | Operator::ExactlyOne
                | Operator::Class(_)
                | Operator::NotClass(_)
                | Operator::SunMapMatch(_)
                | Operator::SunMapNonMatch(_)
        )
    }

    /// Is this one of the vendor dialect operators?
    pub fn is_vendor(&self) -> bool {
        matches!(
            self,
            Operator::SunMapMatch(_)
                | Operator::SunMapNonMatch(_)
                | Operator::SunLookupBegin(_)
                | Operator::SunLookupEnd
                | Operator::UltrixAliasMatch
                | Operator::UltrixPasswdMatch
                | Operator::HpuxPathalias(_)
        )
    }

    /// For a vendor operator: its dialect and what it does there.
    pub fn vendor_meaning(&self) -> Option<(&'static str, &'static str)> {
        Some(match self {
            Operator::SunMapMatch(_) => (
                "SunOS",
                "matches a name found in a NIS map or the hosts database",
            ),
            Operator::SunMapNonMatch(_) => ("SunOS", "matches a name not found in a NIS map"),
            Operator::SunLookupBegin(_) | Operator::SunLookupEnd => {
                ("SunOS/Solaris", "looks the key up in a NIS map")
            }
            Operator::UltrixAliasMatch => ("Ultrix", "matches a name in the YP/Hesiod aliases map"),
            Operator::UltrixPasswdMatch => ("Ultrix", "matches a name in the YP/Hesiod passwd map"),
            Operator::HpuxPathalias(_) => ("HP-UX", "routes through the pathalias database"),
            _ => return None,
        })
    }

    /// The operator as written in a sendmail.cf.
    pub fn to_source(&self) -> Vec<u8> {
        let with = |prefix: &[u8], name: &MacroName| {
            let mut out = prefix.to_vec();
            out.extend(name.to_source());
            out
        };
        match self {
            Operator::Macro(name) => with(b"$", name),
            Operator::Deferred(name) => with(b"$&", name),
            Operator::Class(name) => with(b"$=", name),
            Operator::NotClass(name) => with(b"$~", name),
            Operator::IfSet(name) => with(b"$?", name),
            Operator::Else => b"$|".to_vec(),
            Operator::EndIf => b"$.".to_vec(),
            Operator::ZeroOrMore => b"$*".to_vec(),
            Operator::OneOrMore => b"$+".to_vec(),
            Operator::ExactlyOne => b"$-".to_vec(),
            Operator::Positional(n) => vec![b'$', b'0' + n],
            Operator::Host => b"$@".to_vec(),
            Operator::User => b"$:".to_vec(),
            Operator::Mailer => b"$#".to_vec(),
            Operator::Call => b"$>".to_vec(),
            Operator::HostBegin => b"$[".to_vec(),
            Operator::HostEnd => b"$]".to_vec(),
            Operator::LookupBegin => b"$(".to_vec(),
            Operator::LookupEnd => b"$)".to_vec(),
            Operator::Dollar => b"$$".to_vec(),
            Operator::SunMapMatch(name) => with(b"$%", name),
            Operator::SunMapNonMatch(name) => with(b"$!", name),
            Operator::SunLookupBegin(name) => with(b"${", name),
            Operator::SunLookupEnd => b"$}".to_vec(),
            Operator::UltrixAliasMatch => b"$\"".to_vec(),
            Operator::UltrixPasswdMatch => b"${".to_vec(),
            Operator::HpuxPathalias(name) => with(b"$<", name),
        }
    }
}

impl MacroText {
    pub fn operators(&self) -> impl Iterator<Item = (&Operator, crate::source::Span)> {
        self.pieces.iter().filter_map(|p| match &p.kind {
            PieceKind::Operator(op) => Some((op, p.span)),
            PieceKind::Literal(_) => None,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// The literal text if there are no operators at all.
    pub fn as_literal(&self) -> Option<Text> {
        let mut out = Vec::new();
        for piece in &self.pieces {
            match &piece.kind {
                PieceKind::Literal(text) => out.extend_from_slice(&text.0),
                PieceKind::Operator(_) => return None,
            }
        }
        Some(Text(out))
    }

    /// The text as written in a sendmail.cf (before `#` escaping).
    pub fn to_source(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for piece in &self.pieces {
            match &piece.kind {
                PieceKind::Literal(text) => out.extend_from_slice(&text.0),
                PieceKind::Operator(op) => out.extend(op.to_source()),
            }
        }
        out
    }

    pub fn span(&self) -> Option<crate::source::Span> {
        let first = self.pieces.first()?.span;
        let last = self.pieces.last()?.span;
        Some(first.to(last))
    }
}
