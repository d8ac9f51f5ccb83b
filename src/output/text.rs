//! `-o text`: the AWS CLI's text format, for `cut`, `awk` and `while read`.
//!
//! Like the AWS CLI, each object becomes one tab-separated line of its scalar fields, prefixed
//! with the upper-cased key it was found under, and nested lists follow on their own lines.
//! One deliberate difference: a list of scalars prints one item per line (the AWS CLI puts
//! them on one line), so that every record is a line.

use serde_json::{Map, Value};

pub fn render(value: &Value) -> String {
    let mut out = String::new();
    format(value, None, None, &mut out);
    out
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Null => Some("None".into()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.into()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

fn line(identifier: Option<&str>, fields: impl IntoIterator<Item = String>, out: &mut String) {
    let mut parts: Vec<String> = identifier.map(str::to_uppercase).into_iter().collect();
    parts.extend(fields);
    out.push_str(&parts.join("\t"));
    out.push('\n');
}

fn format(
    value: &Value,
    identifier: Option<&str>,
    scalar_keys: Option<&[String]>,
    out: &mut String,
) {
    match value {
        Value::Object(map) => format_object(map, identifier, scalar_keys, out),
        Value::Array(items) => format_list(items, identifier, out),
        other => line(identifier, scalar(other), out),
    }
}

fn format_list(items: &[Value], identifier: Option<&str>, out: &mut String) {
    if items.iter().any(Value::is_object) {
        // Every object of the list prints the same columns, like the AWS CLI.
        let mut keys: Vec<String> = items
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|m| {
                m.iter()
                    .filter(|(_, v)| scalar(v).is_some())
                    .map(|(k, _)| k.clone())
            })
            .collect();
        keys.sort();
        keys.dedup();
        for item in items {
            format(item, identifier, Some(&keys), out);
        }
    } else {
        for item in items {
            match scalar(item) {
                Some(s) => line(identifier, [s], out),
                None => format(item, identifier, None, out),
            }
        }
    }
}

fn format_object(
    map: &Map<String, Value>,
    identifier: Option<&str>,
    scalar_keys: Option<&[String]>,
    out: &mut String,
) {
    let mut sorted: Vec<(&String, &Value)> = map.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let (scalars, nested): (Vec<String>, Vec<(&String, &Value)>) = match scalar_keys {
        Some(keys) => (
            keys.iter()
                .map(|k| map.get(k).and_then(scalar).unwrap_or_default())
                .collect(),
            sorted
                .into_iter()
                .filter(|(_, v)| scalar(v).is_none())
                .collect(),
        ),
        None => {
            let scalars = sorted.iter().filter_map(|(_, v)| scalar(v)).collect();
            (
                scalars,
                sorted
                    .into_iter()
                    .filter(|(_, v)| scalar(v).is_none())
                    .collect(),
            )
        }
    };
    if !scalars.is_empty() {
        line(identifier, scalars, out);
    }
    for (key, value) in nested {
        format(value, Some(key), None, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_of_names_print_one_per_line() {
        let v = json!({"DedicatedIpPools": ["a", "b"]});
        assert_eq!(render(&v), "DEDICATEDIPPOOLS\ta\nDEDICATEDIPPOOLS\tb\n");
        assert_eq!(render(&json!(["a", "b"])), "a\nb\n");
    }

    #[test]
    fn objects_print_their_scalars_then_nested_lists() {
        let v = json!({
            "DedicatedIpPool": {"PoolName": "m", "ScalingMode": "MANAGED"},
            "DedicatedIps": [{"Ip": "198.18.0.1", "WarmupStatus": "DONE", "WarmupPercentage": 100, "PoolName": "m"}],
            "Tags": []
        });
        assert_eq!(
            render(&v),
            "DEDICATEDIPPOOL\tm\tMANAGED\nDEDICATEDIPS\t198.18.0.1\tm\t100\tDONE\n"
        );
    }
}
