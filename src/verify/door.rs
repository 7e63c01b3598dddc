//! The SMTP door side of `verify`: for each address and each client, what
//! the old server answered at RCPT (the engine's model of sendmail's door)
//! against what the new one answers (the model of Postfix's smtpd), as
//! accept, defer or reject.
//!
//! Differences the migration means to make are labelled and do not fail:
//! the old open relay closed (an outside client refused by
//! `reject_unauth_destination` for a destination the old rules sent on by
//! their default route), Postfix's own acceptance of a bare
//! `<postmaster>`, and the address forms old rules parse their own way
//! (bang paths, `%` hacks, source routes), as for routing.

use serde::Serialize;

use crate::engine::door::{Door, Opened};
use crate::engine::Machine;
use crate::postfix::smtpd::Smtpd;
use crate::smtp::{Answer, Client, Verdict, OUTSIDE_CLIENT};

use super::Verifier;

/// The envelope sender of every door transaction: the null sender, which
/// both servers accept from anyone, so that the recipient decides.
pub const SENDER: &str = "";

/// The clients verify asks for when none is given: an outside client
/// without a name, and loopback.
pub fn default_clients() -> Vec<Client> {
    vec![
        Client::unnamed(OUTSIDE_CLIENT),
        Client::named("127.0.0.1", "localhost"),
    ]
}

/// Both answers for one address and one client.
#[derive(Clone, Debug, Serialize)]
pub struct DoorComparison {
    pub address: String,
    pub client: Client,
    pub sendmail: Verdict,
    pub postfix: Verdict,
    pub same: bool,
    /// For a difference of an intended kind, why.
    pub explanation: Option<String>,
}

/// The door of both configurations, for a fixed set of clients.
pub struct DoorCheck<'a> {
    door: Door,
    sessions: Vec<(Client, Opened)>,
    smtpd: &'a Smtpd<'a>,
    /// The rule that resolves an outside address in the old rules
    /// (`file:line: text`): what the default route is.
    default_rule: String,
    /// The old door accepted outside destinations from an outside client.
    open: bool,
}

impl<'a> DoorCheck<'a> {
    /// `default_rule` is the `decided_by` of the old rules' outcome for an
    /// outside address.
    pub fn new(
        machine: &mut Machine,
        smtpd: &'a Smtpd<'a>,
        clients: Vec<Client>,
        default_rule: String,
    ) -> DoorCheck<'a> {
        let door = Door::new(machine);
        let outside = door.open(machine, &Client::unnamed(OUTSIDE_CLIENT), SENDER);
        let open = ["user@example.net", "user@mail.example.org"]
            .iter()
            .all(|a| door.rcpt(machine, &outside, a).answer == Answer::Accept);
        let sessions = clients
            .into_iter()
            .map(|c| {
                let opened = door.open(machine, &c, SENDER);
                (c, opened)
            })
            .collect();
        DoorCheck {
            door,
            sessions,
            smtpd,
            default_rule,
            open,
        }
    }

    pub fn clients(&self) -> impl Iterator<Item = &Client> {
        self.sessions.iter().map(|(c, _)| c)
    }

    /// The old server accepted outside destinations from anyone.
    pub fn old_is_open(&self) -> bool {
        self.open
    }

    /// Both answers for `address`, once per client.
    pub fn compare(&self, verifier: &mut Verifier, address: &str) -> Vec<DoorComparison> {
        let mut out = Vec::with_capacity(self.sessions.len());
        // RCPT TO carries the envelope address: no phrase, no comment.
        let envelope = crate::verify::envelope_address(address);
        let rcpt = envelope.as_str();
        for (client, opened) in &self.sessions {
            let sendmail = self.door.rcpt(&mut verifier.machine, opened, rcpt);
            let postfix = self.smtpd.verdict(client, SENDER, rcpt);
            let same = sendmail.answer == postfix.answer;
            let explanation = if same {
                None
            } else {
                self.intended(verifier, rcpt, &sendmail, &postfix)
            };
            out.push(DoorComparison {
                address: address.to_owned(),
                client: client.clone(),
                sendmail,
                postfix,
                same,
                explanation,
            });
        }
        out
    }

    fn intended(
        &self,
        verifier: &mut Verifier,
        address: &str,
        sendmail: &Verdict,
        postfix: &Verdict,
    ) -> Option<String> {
        let bare = crate::verify::envelope_address(address);
        if bare.eq_ignore_ascii_case("postmaster") && postfix.answer == Answer::Accept {
            return Some("Postfix accepts mail for a bare <postmaster> itself".into());
        }
        if crate::verify::odd_form(address) {
            return Some(crate::verify::ODD_FORM.into());
        }
        if self.open
            && sendmail.answer == Answer::Accept
            && postfix.answer == Answer::Reject
            && postfix.decided_by.contains("reject_unauth_destination")
            && !self.default_rule.is_empty()
            && verifier.sendmail(address, true).decided_by == self.default_rule
        {
            return Some("the old server relayed for anyone; the new one relays only for trusted clients (the open relay is closed)".into());
        }
        None
    }
}

/// Door counts for the summary.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DoorSummary {
    /// (address, client) pairs compared.
    pub total: u64,
    pub same: u64,
    pub different: u64,
    /// Differences of an intended kind (counted in `different` too).
    pub intended: u64,
}

impl DoorSummary {
    pub fn add(&mut self, c: &DoorComparison) {
        self.total += 1;
        if c.same {
            self.same += 1;
        } else {
            self.different += 1;
            if c.explanation.is_some() {
                self.intended += 1;
            }
        }
    }

    /// Differences not of an intended kind.
    pub fn unexplained(&self) -> u64 {
        self.different - self.intended
    }
}
