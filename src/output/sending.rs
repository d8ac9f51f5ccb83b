//! The views of sending: a sent message, the explanation of a route, and the outbox.

use super::{Block, Column, Render, View, thousands};
use crate::model::sending::SetSource;
use crate::ops::send::{Cleared, Explanation, Outbox, OutboxDetail, Sent};

fn source(s: SetSource, set: &Option<String>) -> String {
    match (s, set) {
        (SetSource::Request, Some(cs)) => format!("{cs} (named in the request)"),
        (SetSource::Header, Some(cs)) => {
            format!("{cs} (the raw message's X-SES-CONFIGURATION-SET header)")
        }
        (SetSource::AddressIdentity, Some(cs)) => {
            format!("{cs} (the sender address identity's default)")
        }
        (SetSource::DomainIdentity, Some(cs)) => {
            format!("{cs} (the sender domain identity's default)")
        }
        _ => "none (no set named, and the sender identity has no default)".into(),
    }
}

impl Render for Sent {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        let rows = self
            .recipients
            .iter()
            .map(|r| vec![r.address.clone(), r.isp.clone()])
            .collect();
        Some(vec![
            Block::fields([
                ("Message ID", self.message_id.clone()),
                (
                    "Configuration set",
                    source(self.configuration_set_source, &self.configuration_set_name),
                ),
                ("Pool", self.pool_name.clone()),
                ("Copies", thousands(self.count)),
            ]),
            Block::Blank,
            Block::table(vec![Column::left("Recipient"), Column::left("ISP")], rows),
        ])
    }

    fn notices(&self, _: &View) -> Vec<String> {
        vec![format!(
            "Accepted {} through {}, counted in today's sending (`sesm simulate` closes the day).",
            super::count(self.count, "message", "messages"),
            self.pool_name
        )]
    }
}

impl Render for Explanation {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        let recipients = self
            .recipients
            .iter()
            .map(|r| vec![r.address.clone(), r.isp.clone()])
            .collect();
        let fates = self
            .isps
            .iter()
            .map(|f| {
                vec![
                    f.isp.clone(),
                    thousands(f.recipients),
                    thousands(f.demand_today),
                    f.capacity_today.map_or_else(|| "-".into(), thousands),
                    f.outcome.to_string(),
                ]
            })
            .collect();
        let mut blocks = vec![
            Block::fields([
                (
                    "Configuration set",
                    source(self.configuration_set_source, &self.configuration_set_name),
                ),
                ("Pool", self.pool_name.clone()),
                ("Day", self.date.to_string()),
            ]),
            Block::Blank,
            Block::table(
                vec![Column::left("Recipient"), Column::left("ISP")],
                recipients,
            ),
            Block::Blank,
            Block::Line(format!(
                "Today's capacity of {} per ISP, with this message and the day's other mail:",
                self.pool_name
            )),
            Block::table(
                vec![
                    Column::left("ISP"),
                    Column::right("Recipients"),
                    Column::right("Demand today"),
                    Column::right("Capacity"),
                    Column::left("This message goes"),
                ],
                fates,
            ),
        ];
        if !self.displaces.is_empty() {
            let parts: Vec<String> = self
                .displaces
                .iter()
                .map(|d| {
                    let whereto = match (d.sent_shared > 0, d.deferred > 0) {
                        (true, false) => "to shared IPs".to_string(),
                        (false, true) => "deferred".to_string(),
                        _ => format!(
                            "{} to shared IPs, {} deferred",
                            thousands(d.sent_shared),
                            thousands(d.deferred)
                        ),
                    };
                    format!("{} {} messages ({whereto})", thousands(d.messages), d.isp)
                })
                .collect();
            blocks.extend([
                Block::Blank,
                Block::Line(format!(
                    "The pool's warming IPs share one daily cap over every ISP: this message displaces {}.",
                    parts.join(", ")
                )),
            ]);
        }
        blocks.extend([
            Block::Blank,
            Block::Line("Nothing was sent (--explain).".into()),
        ]);
        Some(blocks)
    }
}

impl Render for Outbox {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        let of = self
            .region
            .as_deref()
            .map_or_else(String::new, |r| format!(" of {r}"));
        if self.messages.is_empty() && self.kept_in_region > 0 {
            let search: Vec<String> = self
                .search
                .iter()
                .map(|(k, v)| format!("--{k} {v}"))
                .collect();
            return Some(vec![Block::Line(format!(
                "None of the {} in the outbox{of} matches {}.",
                super::count(self.kept_in_region as u64, "message", "messages"),
                search.join(" ")
            ))]);
        }
        if self.messages.is_empty() {
            return Some(vec![Block::Line(format!(
                "The outbox{of} is empty. Send with: sesm send --from ADDRESS --to ADDRESS"
            ))]);
        }
        let rows = self
            .messages
            .iter()
            .map(|m| {
                let to: Vec<&str> =
                    m.to.iter()
                        .chain(&m.cc)
                        .chain(&m.bcc)
                        .map(String::as_str)
                        .collect();
                vec![
                    m.time.strftime("%Y-%m-%d %H:%M:%S").to_string(),
                    m.date.to_string(),
                    m.from.clone(),
                    to.join(", "),
                    m.subject.clone().unwrap_or_default(),
                    m.configuration_set_name
                        .clone()
                        .unwrap_or_else(|| "-".into()),
                    m.pool_name.clone(),
                    thousands(m.count),
                ]
            })
            .collect();
        Some(vec![Block::table(
            vec![
                Column::left("Sent (UTC)"),
                Column::left("Account day"),
                Column::left("From"),
                Column::left("To"),
                Column::left("Subject"),
                Column::left("Configuration set"),
                Column::left("Pool"),
                Column::right("Copies"),
            ],
            rows,
        )])
    }
}

impl Render for Cleared {
    fn notices(&self, _: &View) -> Vec<String> {
        vec![format!(
            "Cleared {} from the outbox; they still count as today's demand.",
            super::count(self.cleared, "message", "messages")
        )]
    }
}

impl Render for OutboxDetail {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        let m = &self.message;
        let list = |l: &[String]| {
            if l.is_empty() {
                "-".into()
            } else {
                l.join(", ")
            }
        };
        let mut blocks = vec![Block::fields([
            ("Message ID", m.message_id.clone()),
            (
                "Time (UTC)",
                m.time.strftime("%Y-%m-%d %H:%M:%S").to_string(),
            ),
            ("From", m.from.clone()),
            ("To", list(&m.to)),
            ("Cc", list(&m.cc)),
            ("Bcc", list(&m.bcc)),
            ("Subject", m.subject.clone().unwrap_or_default()),
            (
                "Configuration set",
                source(m.configuration_set_source, &m.configuration_set_name),
            ),
            ("Pool", m.pool_name.clone()),
            ("Size", format!("{} bytes", thousands(self.size))),
        ])];
        if !self.parsed.attachments.is_empty() {
            blocks.push(Block::Blank);
            blocks.push(Block::table(
                vec![
                    Column::left("Attachment"),
                    Column::left("Type"),
                    Column::right("Bytes"),
                ],
                self.parsed
                    .attachments
                    .iter()
                    .map(|a| {
                        vec![
                            a.file_name.clone().unwrap_or_else(|| "-".into()),
                            a.content_type.clone(),
                            thousands(a.size),
                        ]
                    })
                    .collect(),
            ));
        }
        message_text(&self.parsed, &mut blocks);
        Some(blocks)
    }

    fn notices(&self, _: &View) -> Vec<String> {
        vec!["The whole message: sesm outbox show ID --raw".into()]
    }
}

impl Render for crate::ops::events::EventList {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        if self.events.is_empty() {
            return Some(vec![Block::Line(
                "No events. A configuration set publishes them once it has an event destination: sesm config-set event-destination add".into(),
            )]);
        }
        let rows = self
            .events
            .iter()
            .map(|e| {
                vec![
                    e.time.strftime("%Y-%m-%d %H:%M:%S").to_string(),
                    e.date.to_string(),
                    e.event_type.clone(),
                    e.configuration_set_name.clone(),
                    e.message_id.clone(),
                    e.destinations.join(", "),
                ]
            })
            .collect();
        Some(vec![Block::table(
            vec![
                Column::left("Time (UTC)"),
                Column::left("Day"),
                Column::left("Event"),
                Column::left("Configuration set"),
                Column::left("Message ID"),
                Column::left("Destinations"),
            ],
            rows,
        )])
    }
}

impl Render for crate::ops::events::SubscriptionView {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        Some(vec![Block::fields([
            ("Subscription", self.subscription_arn.clone()),
            ("Topic", self.topic_arn.clone()),
            ("Endpoint", self.endpoint.clone()),
            (
                "Status",
                if !self.pending_confirmation {
                    "confirmed".to_string()
                } else {
                    "pending confirmation (sesm serve posts it a SubscriptionConfirmation)".into()
                },
            ),
        ])])
    }
}

impl Render for crate::ops::events::Subscriptions {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        if self.subscriptions.is_empty() {
            return Some(vec![Block::Line(
                "No subscriptions. Add one with: sesm events subscribe TOPIC_ARN URL".into(),
            )]);
        }
        Some(vec![Block::table(
            vec![
                Column::left("Topic"),
                Column::left("Endpoint"),
                Column::left("Confirmed"),
                Column::left("Subscription"),
            ],
            self.subscriptions
                .iter()
                .map(|s| {
                    vec![
                        s.topic_arn.clone(),
                        s.endpoint.clone(),
                        if s.pending_confirmation { "no" } else { "yes" }.into(),
                        s.subscription_arn.clone(),
                    ]
                })
                .collect(),
        )])
    }
}

impl Render for crate::ops::smtp::SmtpPassword {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        // The password alone, so `$(sesm smtp-password …)` is it.
        Some(vec![Block::Line(self.smtp_password.clone())])
    }
}

/// A message's text (its HTML when it has no text part) after a blank line, as the outbox
/// and the inbound mail show it. Control characters of a message never reach the terminal
/// as they are.
pub(super) fn message_text(parsed: &crate::ops::message::Parsed, blocks: &mut Vec<Block>) {
    if let Some(text) = parsed.text.as_ref().or(parsed.html.as_ref()) {
        blocks.push(Block::Blank);
        let shown: String = text
            .chars()
            .map(|c| {
                if c.is_control() && c != '\n' && c != '\t' {
                    '\u{fffd}'
                } else {
                    c
                }
            })
            .collect();
        blocks.push(Block::Line(shown.trim_end().to_string()));
    }
}
