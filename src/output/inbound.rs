//! The views of received mail (`sesm inbound list`, `sesm inbound show`).

use super::sending::message_text;
use super::{Block, Column, Render, View, thousands};
use crate::ops::inbound::{InboundDetail, InboundList};

impl Render for InboundList {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        let rows = self
            .messages
            .iter()
            .map(|m| {
                let actions: Vec<String> = m
                    .actions
                    .iter()
                    .map(|a| format!("{}:{}", a.rule, a.kind))
                    .collect();
                vec![
                    m.time.strftime("%Y-%m-%d %H:%M:%S").to_string(),
                    m.message_id.clone(),
                    if m.source.is_empty() {
                        "<>".into()
                    } else {
                        m.source.clone()
                    },
                    m.recipients.join(", "),
                    m.subject.clone().unwrap_or_default(),
                    if actions.is_empty() {
                        "-".into()
                    } else {
                        actions.join(", ")
                    },
                ]
            })
            .collect();
        Some(vec![Block::table(
            vec![
                Column::left("Time (UTC)"),
                Column::left("Message ID"),
                Column::left("From"),
                Column::left("To"),
                Column::left("Subject"),
                Column::left("Actions"),
            ],
            rows,
        )])
    }
}

impl Render for InboundDetail {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        let r = &self.record;
        let mut blocks = vec![Block::fields([
            ("Message ID", r.message_id.clone()),
            (
                "Time (UTC)",
                r.time.strftime("%Y-%m-%d %H:%M:%S").to_string(),
            ),
            ("Region", r.region.clone()),
            (
                "From",
                if r.source.is_empty() {
                    "<>".into()
                } else {
                    r.source.clone()
                },
            ),
            ("To", r.recipients.join(", ")),
            ("Subject", r.subject.clone().unwrap_or_default()),
            ("Rule set", r.rule_set.clone().unwrap_or_else(|| "-".into())),
            ("Client", r.client_ip.clone()),
            ("Size", format!("{} bytes", thousands(r.size))),
        ])];
        if !r.actions.is_empty() {
            blocks.push(Block::Blank);
            blocks.push(Block::table(
                vec![
                    Column::left("Rule"),
                    Column::left("Action"),
                    Column::left("What it did"),
                ],
                r.actions
                    .iter()
                    .map(|a| vec![a.rule.clone(), a.kind.clone(), a.detail.clone()])
                    .collect(),
            ));
        }
        message_text(&self.parsed, &mut blocks);
        Some(blocks)
    }

    fn notices(&self, _: &View) -> Vec<String> {
        vec!["The whole message: sesm inbound show ID --raw".into()]
    }
}
