//! grammar/ must describe every line kind and operator the parser knows.

use crate::support;
use cf2postfix::ast::{LineKind, MacroName, Operator, Text};

#[test]
fn grammar_names_every_line_kind_and_operator() {
    let grammar = std::fs::read_to_string(support::project_dir().join("grammar/sendmail-cf.ebnf"))
        .expect("grammar/sendmail-cf.ebnf");
    for name in LineKind::GRAMMAR_NAMES {
        assert!(
            grammar.contains(&format!("\n{name} ")),
            "grammar has no rule for `{name}`"
        );
    }
    let x = || MacroName::Short(b'x');
    let operators = [
        Operator::Macro(x()),
        Operator::Deferred(x()),
        Operator::Class(x()),
        Operator::NotClass(x()),
        Operator::IfSet(x()),
        Operator::Else,
        Operator::EndIf,
        Operator::ZeroOrMore,
        Operator::OneOrMore,
        Operator::ExactlyOne,
        Operator::Positional(1),
        Operator::Host,
        Operator::User,
        Operator::Mailer,
        Operator::Call,
        Operator::HostBegin,
        Operator::HostEnd,
        Operator::LookupBegin,
        Operator::LookupEnd,
        Operator::Dollar,
        Operator::SunMapMatch(x()),
        Operator::SunMapNonMatch(x()),
        Operator::SunLookupBegin(x()),
        Operator::SunLookupEnd,
        Operator::UltrixAliasMatch,
        Operator::UltrixPasswdMatch,
        Operator::HpuxPathalias(x()),
    ];
    for op in operators {
        // The grammar writes each operator as a quoted terminal, `"$*"`;
        // operators with a name are written with the name left out.
        let source = Text(op.to_source()).to_display();
        let terminal = source.trim_end_matches('x').trim_end_matches('1');
        let quoted = if terminal == "$\"" {
            "'$\"'".to_string()
        } else {
            format!("\"{terminal}\"")
        };
        assert!(
            grammar.contains(&quoted),
            "grammar does not mention {quoted} ({op:?})"
        );
    }
}
