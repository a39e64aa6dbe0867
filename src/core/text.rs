//! Text from a server, made safe to print: control characters escaped, credentials
//! redacted.

use std::borrow::Cow;
use std::fmt::Write as _;

/// What replaces a credential found in text from a server.
pub(crate) const REDACTED: &str = "[redacted]";

/// Whether a character could forge a line, drive a terminal or reorder what is shown:
/// the C0 and C1 controls, DEL, and the bidirectional overrides and isolates.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Escapes control characters (`\n`, `\r`, `\t`, `\u{1b}` and the like) so that text a
/// server sent prints on one line and cannot drive a terminal. Everything else is kept.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            '\t' => escaped.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(escaped, "\\u{{{:x}}}", c as u32);
            }
            c => escaped.push(c),
        }
    }
    Cow::Owned(escaped)
}

/// Replaces every occurrence of each secret in `bytes` (ASCII case ignored) with
/// [`REDACTED`].
pub(crate) fn redact_bytes<'a>(bytes: &'a [u8], secrets: &[Vec<u8>]) -> Cow<'a, [u8]> {
    let mut out: Cow<'a, [u8]> = Cow::Borrowed(bytes);
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if let Some(replaced) = replace_ignoring_case(&out, secret) {
            out = Cow::Owned(replaced);
        }
    }
    out
}

/// [`redact_bytes`] for text.
pub(crate) fn redact<'a>(text: &'a str, secrets: &[Vec<u8>]) -> Cow<'a, str> {
    match redact_bytes(text.as_bytes(), secrets) {
        Cow::Borrowed(_) => Cow::Borrowed(text),
        // Only whole secrets (valid UTF-8 themselves) were replaced by ASCII.
        Cow::Owned(bytes) => Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()),
    }
}

fn replace_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<Vec<u8>> {
    let found = |at: usize| {
        haystack[at..].len() >= needle.len()
            && haystack[at..at + needle.len()].eq_ignore_ascii_case(needle)
    };
    let first = (0..haystack.len()).find(|&at| found(at))?;
    let mut out = Vec::with_capacity(haystack.len());
    out.extend_from_slice(&haystack[..first]);
    let mut at = first;
    while at < haystack.len() {
        if found(at) {
            out.extend_from_slice(REDACTED.as_bytes());
            at += needle.len();
        } else {
            out.push(haystack[at]);
            at += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_are_escaped() {
        assert_eq!(escape("plain text"), "plain text");
        assert_eq!(
            escape("a\nb\r\tc\u{1b}[31md\u{7f}\u{85}\u{202e}"),
            "a\\nb\\r\\tc\\u{1b}[31md\\u{7f}\\u{85}\\u{202e}"
        );
    }

    #[test]
    fn secrets_are_redacted_whatever_their_case() {
        let secrets = [b"Secret-Token".to_vec(), b"me@example.com".to_vec()];
        assert_eq!(
            redact(
                "token SECRET-TOKEN, secret-tokensecret-token; ME@example.com",
                &secrets
            ),
            "token [redacted], [redacted][redacted]; [redacted]"
        );
        assert!(matches!(redact("nothing here", &secrets), Cow::Borrowed(_)));
        assert_eq!(
            redact("héllo Secret-Token ü", &secrets),
            "héllo [redacted] ü"
        );
    }
}
