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

pub fn render(blocks: &[Block], color: bool) -> String {
    let bold = anstyle::Style::new().bold();
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Title(t) if color => out.push_str(&format!("{bold}{t}{bold:#}\n")),
            Block::Title(t) => {
                out.push_str(t);
                out.push('\n');
            }
            Block::Line(l) => {
                out.push_str(l);
                out.push('\n');
            }
            Block::Blank => out.push('\n'),
            Block::Fields(pairs) => {
                let width = pairs
                    .iter()
                    .map(|(k, _)| k.chars().count())
                    .max()
                    .unwrap_or(0);
                for (k, v) in pairs {
                    let pad = width - k.chars().count();
                    out.push_str(&format!("{k}:{:pad$}  {v}\n", "", pad = pad));
                }
            }
            Block::Table { columns, rows } => out.push_str(&render_table(columns, rows, color)),
        }
    }
    out
}

fn render_table(columns: &[Column], rows: &[Vec<String>], color: bool) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled);
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
        let text = render(&generic(&v), false);
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
        assert_eq!(render(&[b], false), "POOL  IPS\na       1\nbb    100\n");
    }
}
