//! Text the generated code carries: Rust string literals and rustdoc from the fragment's
//! descriptions.

use std::fmt::Write as _;

/// A Rust string literal.
pub(crate) fn lit(text: &str) -> String {
    format!("{text:?}")
}

/// Text for rustdoc: Cloudflare's descriptions are CommonMark, so a link `[text](url)`
/// stays a link; other brackets and angle brackets would be read as intra-doc links or
/// HTML, and are escaped.
pub(crate) fn doc_text(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(['[', ']', '<', '>']) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        if tail.starts_with('[')
            && let Some(close) = tail.find("](")
            && let Some(end) = tail[close..].find(')')
            && !tail[1..close].contains(['[', ']'])
            && tail[close + 2..close + end].starts_with("http")
        {
            out.push_str(&tail[..close + end + 1]);
            rest = &tail[close + end + 1..];
            continue;
        }
        out.push_str(match tail.as_bytes()[0] {
            b'[' => "\\[",
            b']' => "\\]",
            b'<' => "&lt;",
            _ => "&gt;",
        });
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// A doc attribute. Text from the fragment goes through [`doc_text`] first; the links
/// this script writes itself stay links.
pub(crate) fn doc(out: &mut String, indent: &str, text: &str) {
    writeln!(out, "{indent}#[doc = {}]", lit(text)).unwrap();
}
