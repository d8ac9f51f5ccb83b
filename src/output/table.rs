//! Tables for people: blocks of aligned fields and columns, rendered with comfy-table.
//!
//! Column widths come from the content only (never from the terminal), so piped output and CI
//! logs are stable.

use comfy_table::{Attribute, Cell, CellAlignment, ContentArrangement, Table, presets};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub align: Align,
}

impl Column {
    pub fn left(name: impl Into<String>) -> Column {
        Column {
            name: name.into(),
            align: Align::Left,
        }
    }

    pub fn right(name: impl Into<String>) -> Column {
        Column {
            name: name.into(),
            align: Align::Right,
        }
    }
}

/// One piece of a table view.
#[derive(Debug, Clone)]
pub enum Block {
    /// A heading, printed bold on a colour terminal.
    Title(String),
    /// `label  value` pairs with the values aligned.
    Fields(Vec<(String, String)>),
    Table {
        columns: Vec<Column>,
        rows: Vec<Vec<String>>,
    },
    Line(String),
    Blank,
}

impl Block {
    pub fn table(columns: Vec<Column>, rows: Vec<Vec<String>>) -> Block {
        Block::Table { columns, rows }
    }

    pub fn fields<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Block {
        Block::Fields(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

/// Renders blocks; with `fit`, every line fits that many columns (lines are wrapped, fields
/// stacked, table cells wrapped), as on a narrow terminal.
pub fn render(blocks: &[Block], color: bool, fit: Option<usize>) -> String {
    let bold = anstyle::Style::new().bold();
    let mut out = String::new();
    let line = |out: &mut String, text: &str, indent: usize| match fit {
        Some(width) => {
            for l in wrap(text, width, indent) {
                out.push_str(l.trim_end());
                out.push('\n');
            }
        }
        None => {
            out.push_str(text);
            out.push('\n');
        }
    };
    for block in blocks {
        match block {
            Block::Title(t) if color => {
                for l in fit.map_or_else(|| vec![t.clone()], |w| wrap(t, w, 0)) {
                    out.push_str(&format!("{bold}{l}{bold:#}\n"));
                }
            }
            Block::Title(t) | Block::Line(t) => line(&mut out, t, 0),
            Block::Blank => out.push('\n'),
            Block::Fields(pairs) => {
                let width = pairs
                    .iter()
                    .map(|(k, _)| k.chars().count())
                    .max()
                    .unwrap_or(0);
                for (k, v) in pairs {
                    let pad = width - k.chars().count();
                    let aligned = format!("{k}:{:pad$}  {v}", "", pad = pad);
                    match fit {
                        Some(w) if aligned.chars().count() > w => {
                            // Too narrow side by side: the value goes under its label.
                            line(&mut out, &format!("{k}:"), 0);
                            line(&mut out, &format!("  {v}"), 2);
                        }
                        _ => line(&mut out, &aligned, width + 3),
                    }
                }
            }
            Block::Table { columns, rows } => {
                out.push_str(&render_table(columns, rows, color, fit))
            }
        }
    }
    out
}

/// Wraps `text` at spaces into lines of at most `width` characters (a longer word is cut);
/// continuation lines are indented by `indent`.
fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    let width = width.max(8);
    let indent = indent.min(width / 2);
    if text.chars().count() <= width {
        return vec![text.to_string()];
    }
    let mut lines = Vec::new();
    let mut current = String::new();
    let lead: String = text.chars().take_while(|c| *c == ' ').collect();
    current.push_str(&lead);
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let used = current.chars().count();
            let room = width.saturating_sub(used + usize::from(used > lead.len() && used > 0));
            if word.len() <= room {
                if used > 0 && !current.ends_with(' ') {
                    current.push(' ');
                }
                current.extend(word.iter());
                break;
            }
            if used > indent && !current.trim().is_empty() {
                lines.push(std::mem::take(&mut current));
                current.push_str(&" ".repeat(indent));
                continue;
            }
            // A word longer than a whole line: cut it.
            let take = room.max(1).min(word.len());
            current.extend(word.drain(..take));
            lines.push(std::mem::take(&mut current));
            current.push_str(&" ".repeat(indent));
            if word.is_empty() {
                break;
            }
        }
    }
    if !current.trim().is_empty() {
        lines.push(current);
    }
    lines
}

/// A table's width with every cell on one line.
fn natural_width(columns: &[Column], rows: &[Vec<String>]) -> usize {
    let widths = columns.iter().enumerate().map(|(i, c)| {
        rows.iter()
            .filter_map(|r| r.get(i))
            .map(|cell| cell.chars().count())
            .chain([c.name.chars().count()])
            .max()
            .unwrap_or(0)
    });
    widths.sum::<usize>() + 2 * columns.len().saturating_sub(1)
}

fn render_table(
    columns: &[Column],
    rows: &[Vec<String>],
    color: bool,
    fit: Option<usize>,
) -> String {
    if let Some(width) = fit
        && natural_width(columns, rows) > width
    {
        // Too narrow for the columns side by side: one record per row, a field per line (as
        // psql's expanded display), so that no number is cut in two.
        let records: Vec<Block> = rows
            .iter()
            .enumerate()
            .flat_map(|(i, row)| {
                let fields = Block::fields(
                    columns
                        .iter()
                        .zip(row)
                        .map(|(c, v)| (c.name.to_uppercase(), v.clone())),
                );
                (i > 0).then_some(Block::Blank).into_iter().chain([fields])
            })
            .collect();
        return render(&records, color, fit);
    }
    let mut table = Table::new();
    table.load_style(presets::NOTHING);
    table.set_content_arrangement(ContentArrangement::Disabled);
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(columns.iter().map(|c| {
        let cell = Cell::new(c.name.to_uppercase());
        if color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }));
    for row in rows {
        table.add_row(row.iter().map(Cell::new));
    }
    let last = columns.len().saturating_sub(1);
    for (i, c) in columns.iter().enumerate() {
        if let Some(col) = table.column_mut(i) {
            col.set_padding((0, if i == last { 0 } else { 2 }));
            col.set_cell_alignment(match c.align {
                Align::Left => CellAlignment::Left,
                Align::Right => CellAlignment::Right,
            });
        }
    }
    let mut out = String::new();
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Null => Some("null".into()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// A cell for a value inside a row: scalars as they are, lists of scalars comma-separated,
/// anything deeper as compact JSON.
fn cell(v: &Value) -> String {
    if let Some(s) = scalar(v) {
        return s;
    }
    if let Value::Array(items) = v
        && let Some(parts) = items.iter().map(scalar).collect::<Option<Vec<_>>>()
    {
        return parts.join(", ");
    }
    v.to_string()
}

/// A table view of any JSON value, for commands without their own view and for `--query`.
pub fn generic(value: &Value) -> Vec<Block> {
    let mut blocks = Vec::new();
    generic_into(value, &mut blocks);
    blocks
}

fn generic_into(value: &Value, blocks: &mut Vec<Block>) {
    match value {
        Value::Array(items) if items.is_empty() => blocks.push(Block::Line("(none)".into())),
        Value::Array(items) if items.iter().any(Value::is_object) => {
            let mut names: Vec<String> = Vec::new();
            for item in items {
                if let Value::Object(map) = item {
                    for k in map.keys() {
                        if !names.contains(k) {
                            names.push(k.clone());
                        }
                    }
                }
            }
            let rows = items
                .iter()
                .map(|item| match item {
                    Value::Object(map) => names
                        .iter()
                        .map(|k| map.get(k).map(cell).unwrap_or_default())
                        .collect(),
                    other => vec![cell(other)],
                })
                .collect();
            blocks.push(Block::table(
                names.into_iter().map(Column::left).collect(),
                rows,
            ));
        }
        Value::Array(items) => {
            for item in items {
                blocks.push(Block::Line(cell(item)));
            }
        }
        Value::Object(map) => {
            let fields: Vec<(String, String)> = map
                .iter()
                .filter_map(|(k, v)| scalar(v).map(|s| (k.clone(), s)))
                .collect();
            if !fields.is_empty() {
                blocks.push(Block::Fields(fields));
            }
            for (k, v) in map.iter().filter(|(_, v)| scalar(v).is_none()) {
                if !blocks.is_empty() {
                    blocks.push(Block::Blank);
                }
                blocks.push(Block::Title(k.clone()));
                generic_into(v, blocks);
            }
        }
        other => blocks.push(Block::Line(cell(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn generic_view_of_a_list_of_objects_is_a_table() {
        let v = json!({"DedicatedIps": [
            {"Ip": "198.18.0.1", "WarmupStatus": "DONE", "WarmupPercentage": 100},
            {"Ip": "198.18.0.2", "WarmupStatus": "IN_PROGRESS", "WarmupPercentage": 4}
        ]});
        let text = render(&generic(&v), false, None);
        assert_eq!(
            text,
            "DedicatedIps\n\
             IP          WARMUPSTATUS  WARMUPPERCENTAGE\n\
             198.18.0.1  DONE          100\n\
             198.18.0.2  IN_PROGRESS   4\n"
        );
    }

    #[test]
    fn fields_align() {
        let text = render(
            &[Block::fields([
                ("Region", "us-east-1"),
                ("Date", "2026-11-26"),
            ])],
            false,
            None,
        );
        assert_eq!(text, "Region:  us-east-1\nDate:    2026-11-26\n");
    }

    #[test]
    fn right_aligned_numbers() {
        let b = Block::table(
            vec![Column::left("pool"), Column::right("ips")],
            vec![
                vec!["a".into(), "1".into()],
                vec!["bb".into(), "100".into()],
            ],
        );
        assert_eq!(
            render(&[b], false, None),
            "POOL  IPS\na       1\nbb    100\n"
        );
    }

    #[test]
    fn narrow_widths_wrap_lines_stack_fields_and_expand_tables() {
        let blocks = vec![
            Block::Line("a line of text that is much longer than the terminal is wide".into()),
            Block::fields([("Dedicated, 7 days", "1,050,000 sent (100.0 % of sends)")]),
            Block::table(
                vec![Column::left("Name"), Column::left("Configuration sets")],
                vec![vec![
                    "marketing".into(),
                    "newsletters, promotions, receipts".into(),
                ]],
            ),
        ];
        for width in [20, 30, 39] {
            let text = render(&blocks, false, Some(width));
            for line in text.lines() {
                assert!(line.chars().count() <= width, "{width}: {line:?}\n{text}");
            }
            let flat: String = text.split_whitespace().collect();
            assert!(flat.contains("newsletters,promotions,receipts"), "{text}");
        }
        // A table too wide becomes one record per row, numbers whole.
        let t = Block::table(
            vec![
                Column::left("isp"),
                Column::right("demand"),
                Column::right("sent"),
            ],
            vec![
                vec!["gmail".into(), "80,000".into(), "9".into()],
                vec!["yahoo".into(), "16,000".into(), "10".into()],
            ],
        );
        assert_eq!(
            render(std::slice::from_ref(&t), false, Some(16)),
            "ISP:     gmail\nDEMAND:  80,000\nSENT:    9\n\nISP:     yahoo\nDEMAND:  16,000\nSENT:    10\n"
        );
        assert_eq!(
            render(&[t], false, Some(21)),
            "ISP    DEMAND  SENT\ngmail  80,000     9\nyahoo  16,000    10\n"
        );
        assert_eq!(wrap("aaaa bbbb", 8, 0), vec!["aaaa", "bbbb"]);
        assert_eq!(wrap("abcdefghijkl", 8, 0), vec!["abcdefgh", "ijkl"]);
    }
}
