//! SMTP's lines: CRLF-terminated and bounded, with bare LF told apart.

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// A line read: its text (without CRLF), or why it was refused.
pub(super) enum Line {
    Text(Vec<u8>),
    TooLong,
    BareLf,
    Eof,
}

/// Reads one CRLF-terminated line of at most `max` bytes; a longer one is consumed to its end
/// (so the connection stays in step) and reported.
pub(super) async fn read_line<R: AsyncBufRead + Unpin>(
    r: &mut R,
    max: usize,
) -> std::io::Result<Line> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let buf = r.fill_buf().await?;
        if buf.is_empty() {
            return Ok(Line::Eof);
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                if !too_long {
                    line.extend_from_slice(&buf[..i]);
                }
                r.consume(i + 1);
                if too_long || line.len() > max {
                    return Ok(Line::TooLong);
                }
                if line.last() != Some(&b'\r') {
                    return Ok(Line::BareLf);
                }
                line.pop();
                return Ok(Line::Text(line));
            }
            None => {
                let n = buf.len();
                if !too_long {
                    line.extend_from_slice(buf);
                    if line.len() > max {
                        too_long = true;
                        line.clear();
                    }
                }
                r.consume(n);
            }
        }
    }
}

/// The address of `FROM:<a@b> SIZE=…` / `TO:<a@b>`, and the parameters after it.
pub(super) fn path_arg<'a>(arg: &'a str, prefix: &str) -> Option<(&'a str, &'a str)> {
    let rest = arg.get(..prefix.len())?;
    if !rest.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = arg[prefix.len()..].trim_start();
    let rest = rest.strip_prefix('<')?;
    let end = rest.find('>')?;
    Some((rest[..end].trim(), rest[end + 1..].trim()))
}
