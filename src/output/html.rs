//! A self-contained HTML page of SVG charts: inline CSS and SVG, no script, no font and no
//! request to anything outside the file. Every piece of text is escaped here, once, so names
//! that come from users (pools, configuration sets, tags, identities) can't inject markup.

use std::fmt::Write;

/// A page: a title, a table that leads (compare's options side by side), and one section per
/// pool or option.
pub struct Page {
    pub title: String,
    pub subtitle: String,
    pub lead: Option<Table>,
    pub sections: Vec<Section>,
    pub footer: String,
}

/// A table of figures: a caption, the column heads, and rows whose first cell names them;
/// a marked row is drawn highlighted (the recommendation).
pub struct Table {
    /// A stable identifier (`id`), e.g. "options".
    pub id: &'static str,
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<(Vec<String>, bool)>,
    /// Lines under the table (what the columns mean).
    pub notes: Vec<String>,
}

pub struct Section {
    pub title: String,
    /// A status badge, e.g. "Sending via dedicated IPs"; `warn` draws it in amber.
    pub status: (String, bool),
    pub facts: Vec<(String, String)>,
    pub charts: Vec<Chart>,
    /// Named lists of user-given names: configuration sets, tags, identities.
    pub lists: Vec<(String, Vec<String>)>,
}

pub struct Series {
    pub name: String,
    pub color: &'static str,
    pub values: Vec<f64>,
}

pub enum ChartKind {
    /// Bars stacked per x position (daily volume by outcome).
    StackedBars,
    /// One line per series (warm-up per ISP).
    Lines,
    /// A line that holds its value until the next point (IP count).
    Steps,
    /// Bars side by side per category (capacity vs sends per ISP).
    GroupedBars,
}

pub struct Chart {
    /// A stable identifier of what the chart shows (`data-chart`), e.g. "volume".
    pub id: &'static str,
    pub title: String,
    pub kind: ChartKind,
    /// X labels: dates, or categories for grouped bars.
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    pub y_label: String,
    /// A fixed top of the y axis (100 for percentages), else from the data.
    pub y_max: Option<f64>,
}

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 250.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 42.0;

/// The page's stylesheet (the console links it as a file of its own).
pub const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:0;background:#f4f6f8;color:#1d2733}
header{background:#232f3e;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#c9d3de;font-size:14px}
main{padding:18px 28px;max-width:1640px}
section{background:#fff;border:1px solid #dde3ea;border-radius:8px;margin:0 0 22px;padding:16px 20px}
section h2{margin:0 0 10px;font-size:19px;display:flex;align-items:center;gap:12px;flex-wrap:wrap}
.badge{font-size:12px;font-weight:600;padding:3px 10px;border-radius:12px;background:#e6f4ea;color:#1e6b2f}
.badge.warn{background:#fff4e0;color:#8a5300}
dl.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(190px,100%),1fr));gap:8px 18px;margin:0 0 12px}
dl.facts div{border-left:3px solid #0073bb;padding-left:8px}dl.facts dt{font-size:12px;color:#5f6b7a}dl.facts dd{margin:0;font-size:17px;font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(560px,100%),1fr));gap:14px}
figure{margin:0;border:1px solid #eef1f4;border-radius:6px;padding:8px 10px}figcaption{font-weight:600;font-size:14px;margin-bottom:4px}
svg{width:100%;height:auto;display:block}p.no-data{color:#5f6b7a;font-size:13px;margin:18px 0}svg text{font-size:11px;fill:#5f6b7a}svg .grid{stroke:#e8ecf0}svg .axis{stroke:#9aa5b1}
ul.legend{list-style:none;padding:0;margin:4px 0 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px}
ul.legend li span{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.lists{display:flex;flex-wrap:wrap;gap:6px 28px;margin-top:10px;font-size:13px}.lists b{color:#5f6b7a;font-weight:600}
.lists span.name{background:#f0f3f6;border-radius:4px;padding:1px 6px;margin:0 3px 3px 0;display:inline-block}
footer{color:#5f6b7a;font-size:12px;padding:0 28px 24px}
table.lead{border-collapse:collapse;width:100%;font-size:14px;margin:0 0 6px}table.lead caption{text-align:left;font-weight:600;font-size:17px;margin-bottom:8px}
table.lead th,table.lead td{padding:6px 10px;border-bottom:1px solid #e8ecf0;text-align:right}table.lead th:first-child,table.lead td:first-child{text-align:left}
table.lead thead th{font-size:12px;color:#5f6b7a;font-weight:600}table.lead tr.marked td,table.lead tr.marked th{background:#e6f4ea;font-weight:600}
p.note{font-size:12px;color:#5f6b7a;margin:4px 0 0}.scroll{overflow-x:auto}
";

pub fn render(page: &Page) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header><h1>{}</h1><p>{}</p></header>\n<main>",
        esc(&page.title),
        esc(&page.title),
        esc(&page.subtitle)
    );
    out.push_str(&sections(page));
    let _ = writeln!(
        out,
        "</main>\n<footer>{}</footer>\n</body>\n</html>",
        esc(&page.footer)
    );
    out
}

/// The page's content (the lead table, then each pool or option with its facts and charts)
/// without the page around it, for a page that has its own header: the console's.
pub fn sections(page: &Page) -> String {
    let mut out = String::new();
    if let Some(t) = &page.lead {
        table(&mut out, t);
    }
    for s in &page.sections {
        section(&mut out, s);
    }
    out
}

fn table(out: &mut String, t: &Table) {
    let _ = write!(
        out,
        "<section class=\"lead\">\n<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\n<table class=\"lead\" id=\"{}\"><caption>{}</caption>\n<thead><tr>",
        esc(&t.caption),
        t.id,
        esc(&t.caption)
    );
    for c in &t.columns {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(c));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (cells, marked) in &t.rows {
        out.push_str(if *marked {
            "<tr class=\"marked\">"
        } else {
            "<tr>"
        });
        for (i, c) in cells.iter().enumerate() {
            let tag = if i == 0 { "th scope=\"row\"" } else { "td" };
            let end = if i == 0 { "th" } else { "td" };
            let _ = write!(out, "<{tag}>{}</{end}>", esc(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n</div>\n");
    for n in &t.notes {
        let _ = write!(out, "<p class=\"note\">{}</p>", esc(n));
    }
    out.push_str("\n</section>\n");
}

fn section(out: &mut String, s: &Section) {
    let _ = write!(
        out,
        "<section>\n<h2>{}<span class=\"badge{}\">{}</span></h2>\n<dl class=\"facts\">",
        esc(&s.title),
        if s.status.1 { " warn" } else { "" },
        esc(&s.status.0)
    );
    for (k, v) in &s.facts {
        let _ = write!(out, "<div><dt>{}</dt><dd>{}</dd></div>", esc(k), esc(v));
    }
    out.push_str("</dl>\n<div class=\"charts\">\n");
    for c in &s.charts {
        chart(out, c);
    }
    out.push_str("</div>\n<div class=\"lists\">");
    for (name, items) in &s.lists {
        let _ = write!(out, "<div><b>{}:</b> ", esc(name));
        if items.is_empty() {
            out.push_str("none");
        }
        for i in items {
            let _ = write!(out, "<span class=\"name\">{}</span>", esc(i));
        }
        out.push_str("</div>");
    }
    out.push_str("</div>\n</section>\n");
}

/// The top of an axis of counts (messages, IPs): four times a step of 1, 2 or 5 times a
/// power of ten, so every quarter tick is a whole number (never "0.2 messages per day").
fn count_top(max: f64) -> f64 {
    let quarter = (max / 4.0).max(1.0);
    let magnitude = 10f64.powf(quarter.log10().floor());
    4.0 * [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&t| t >= quarter)
        .unwrap_or(10.0 * magnitude)
}

/// A short number for an axis: 1.5M, 250k, 40.
fn short_number(v: f64) -> String {
    let a = v.abs();
    let (n, suffix) = if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let text = if n.fract().abs() < 1e-9 {
        format!("{n:.0}")
    } else {
        format!("{n:.1}")
    };
    format!("{text}{suffix}")
}

fn chart(out: &mut String, c: &Chart) {
    let _ = writeln!(
        out,
        "<figure class=\"chart\" data-chart=\"{}\"><figcaption>{}</figcaption>\n<svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
        c.id,
        esc(&c.title),
        esc(&c.title),
        esc(&c.title)
    );
    let n = c.labels.len().max(1);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let data_max = match c.kind {
        ChartKind::StackedBars => (0..n)
            .map(|i| {
                c.series
                    .iter()
                    .map(|s| s.values.get(i).copied().unwrap_or(0.0))
                    .sum::<f64>()
            })
            .fold(0.0, f64::max),
        _ => c
            .series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .fold(0.0, f64::max),
    };
    let empty = c.labels.is_empty()
        || (c.y_max.is_none() && data_max <= 0.0)
        || c.series.iter().all(|s| s.values.is_empty());
    if empty {
        // Axes over nothing read as a broken chart ("0.2 messages per day"): say why instead.
        // The figure's opening was written with its drawing's: keep the caption only.
        out.truncate(out.rfind("<svg").unwrap_or(out.len()));
        out.push_str("<p class=\"no-data\">No mail in this window yet: send with one of the pool's configuration sets, then simulate a day.</p></figure>\n");
        return;
    }
    let g = Plot {
        top: c.y_max.unwrap_or_else(|| count_top(data_max)),
        plot_h,
        slot: plot_w / n as f64,
        n,
    };
    let (top, y, x_center) = (g.top, |v: f64| g.y(v), |i: usize| g.x_center(i));
    // Grid and y labels.
    for t in 0..=4 {
        let v = top * f64::from(t) / 4.0;
        let yy = y(v);
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            yy + 4.0,
            short_number(v)
        );
    }
    let _ = writeln!(
        out,
        "<text transform=\"translate(14 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        TOP + plot_h / 2.0,
        esc(&c.y_label)
    );
    // X labels: every label for categories, about six for dates.
    let every = match c.kind {
        ChartKind::GroupedBars => 1,
        _ => n.div_ceil(6).max(1),
    };
    for (i, label) in c.labels.iter().enumerate() {
        if i % every == 0 || (i == n - 1 && n > 1 && (n - 1) % every > every / 2) {
            // A label centred near the right edge would be cut by the drawing's box: end it
            // there instead (a date is about 60 units wide).
            let (x, anchor) = match x_center(i) {
                x if x + 32.0 > WIDTH => (WIDTH - 2.0, "end"),
                x => (x, "middle"),
            };
            let _ = writeln!(
                out,
                "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
                TOP + plot_h + 16.0,
                esc(label)
            );
        }
    }
    let _ = writeln!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
        WIDTH - RIGHT,
        TOP + plot_h,
        TOP + plot_h
    );
    match c.kind {
        ChartKind::StackedBars => stacked_bars(out, c, &g),
        ChartKind::Lines | ChartKind::Steps => lines(out, c, &g),
        ChartKind::GroupedBars => grouped_bars(out, c, &g),
    }
    out.push_str("</svg>\n<ul class=\"legend\">");
    for s in &c.series {
        let _ = write!(
            out,
            "<li><span style=\"background:{}\"></span>{}</li>",
            s.color,
            esc(&s.name)
        );
    }
    out.push_str("</ul></figure>\n");
}

/// Where a chart's values go: the top of its y axis, the plot's height, and the width of one
/// x position.
struct Plot {
    top: f64,
    plot_h: f64,
    slot: f64,
    n: usize,
}

impl Plot {
    fn y(&self, v: f64) -> f64 {
        TOP + self.plot_h - (v / self.top).clamp(0.0, 1.0) * self.plot_h
    }

    fn x_center(&self, i: usize) -> f64 {
        LEFT + self.slot * (i as f64 + 0.5)
    }
}

fn stacked_bars(out: &mut String, c: &Chart, g: &Plot) {
    let (n, slot) = (g.n, g.slot);
    let y = |v: f64| g.y(v);
    let x_center = |i: usize| g.x_center(i);
    let bar = (slot * 0.8).max(1.0);
    for s in &c.series {
        let _ = write!(
            out,
            "<g data-series=\"{}\" fill=\"{}\">",
            esc(&s.name),
            s.color
        );
        for i in 0..n {
            let below: f64 = c
                .series
                .iter()
                .take_while(|o| !std::ptr::eq(*o, s))
                .map(|o| o.values.get(i).copied().unwrap_or(0.0))
                .sum();
            let v = s.values.get(i).copied().unwrap_or(0.0);
            if v > 0.0 {
                let (y1, y0) = (y(below + v), y(below));
                let _ = write!(
                    out,
                    "<rect x=\"{:.1}\" y=\"{y1:.1}\" width=\"{bar:.1}\" height=\"{:.1}\"><title>{}: {} {}</title></rect>",
                    x_center(i) - bar / 2.0,
                    (y0 - y1).max(0.5),
                    esc(&c.labels[i]),
                    esc(&s.name),
                    crate::output::thousands(v as i64)
                );
            }
        }
        out.push_str("</g>\n");
    }
}

fn lines(out: &mut String, c: &Chart, g: &Plot) {
    let slot = g.slot;
    let y = |v: f64| g.y(v);
    let x_center = |i: usize| g.x_center(i);
    for s in &c.series {
        let mut points = String::new();
        for (i, v) in s.values.iter().enumerate() {
            if matches!(c.kind, ChartKind::Steps) && i > 0 {
                let _ = write!(
                    points,
                    "{:.1},{:.1} ",
                    x_center(i) - slot / 2.0,
                    y(s.values[i - 1])
                );
                let _ = write!(points, "{:.1},{:.1} ", x_center(i) - slot / 2.0, y(*v));
            }
            let _ = write!(points, "{:.1},{:.1} ", x_center(i), y(*v));
        }
        let _ = writeln!(
            out,
            "<polyline data-series=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"><title>{}</title></polyline>",
            esc(&s.name),
            s.color,
            points.trim_end(),
            esc(&s.name)
        );
    }
}

fn grouped_bars(out: &mut String, c: &Chart, g: &Plot) {
    let (slot, plot_h) = (g.slot, g.plot_h);
    let y = |v: f64| g.y(v);
    let x_center = |i: usize| g.x_center(i);
    let group = slot * 0.8;
    let bar = group / c.series.len().max(1) as f64;
    for (k, s) in c.series.iter().enumerate() {
        let _ = write!(
            out,
            "<g data-series=\"{}\" fill=\"{}\">",
            esc(&s.name),
            s.color
        );
        for (i, v) in s.values.iter().enumerate() {
            let x = x_center(i) - group / 2.0 + bar * k as f64;
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{} {}: {}</title></rect>",
                y(*v),
                (bar - 2.0).max(1.0),
                (TOP + plot_h - y(*v)).max(0.0),
                esc(&c.labels[i]),
                esc(&s.name),
                crate::output::thousands(*v as i64)
            );
        }
        out.push_str("</g>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            esc(r#"x"><script>alert('1')&"#),
            "x&quot;&gt;&lt;script&gt;alert(&#39;1&#39;)&amp;"
        );
    }

    #[test]
    fn nice_axis_tops() {
        // Quarter ticks are whole: 1, 2, 5 times a power of ten, times four.
        assert_eq!(count_top(0.0), 4.0);
        assert_eq!(count_top(0.2), 4.0);
        assert_eq!(count_top(3.0), 4.0);
        assert_eq!(count_top(5.0), 8.0);
        assert_eq!(count_top(22.0), 40.0);
        assert_eq!(count_top(87.0), 200.0);
        assert_eq!(count_top(2_400.0), 4_000.0);
        assert_eq!(count_top(480_000.0), 800_000.0);
        for max in [1.0, 7.0, 33.0, 999.0, 12_345.0] {
            let top = count_top(max);
            assert!(top >= max && (top / 4.0).fract() == 0.0, "{max} -> {top}");
        }
        assert_eq!(short_number(2_500_000.0), "2.5M");
        assert_eq!(short_number(250_000.0), "250k");
        assert_eq!(short_number(40.0), "40");
    }
}
