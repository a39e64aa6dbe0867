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

/// Secrets shorter than this many bytes are redacted only where they stand as a whole
/// word. Replacing every occurrence of a one-letter proxy password would garble all text
/// (`could not conn[redacted]ct`) and, by the gaps, show what the secret is; a short
/// secret inside a longer word is a coincidence, not a leak. API tokens (40 characters),
/// global API keys (37) and emails are far longer.
pub(crate) const SHORT_SECRET: usize = 8;

/// The secrets to keep out of anything the crate shows, held in zeroizing buffers (wiped
/// when dropped), longest first.
#[derive(Clone, Default)]
pub(crate) struct Secrets(Vec<secrecy::zeroize::Zeroizing<Vec<u8>>>);

impl Secrets {
    /// Adds a secret (an empty one, or one already held, changes nothing).
    pub(crate) fn add(&mut self, secret: &[u8]) {
        if secret.is_empty() || self.0.iter().any(|held| held.as_slice() == secret) {
            return;
        }
        let at = self.0.partition_point(|held| held.len() >= secret.len());
        self.0
            .insert(at, secrecy::zeroize::Zeroizing::new(secret.to_vec()));
    }

    /// The length of the longest secret.
    pub(crate) fn longest(&self) -> usize {
        self.0.first().map_or(0, |s| s.len())
    }

    /// The length of the secret that starts at `at`, if one does: the longest first, ASCII
    /// case ignored, a [short](SHORT_SECRET) one only as a whole word.
    fn at(&self, bytes: &[u8], at: usize) -> Option<usize> {
        let rest = &bytes[at..];
        self.0.iter().map(|s| s.as_slice()).find_map(|secret| {
            let found = rest.len() >= secret.len()
                && rest[..secret.len()].eq_ignore_ascii_case(secret)
                && (secret.len() >= SHORT_SECRET || {
                    let word = |b: &u8| b.is_ascii_alphanumeric();
                    let before = at.checked_sub(1).map(|i| &bytes[i]);
                    let after = bytes.get(at + secret.len());
                    !before.is_some_and(word) && !after.is_some_and(word)
                });
            found.then_some(secret.len())
        })
    }

    /// Replaces every occurrence of a secret in `bytes` with [`REDACTED`], in one pass
    /// over the original bytes: what a replacement wrote is never searched again, and
    /// where secrets overlap the longest wins.
    pub(crate) fn redact_bytes<'a>(&self, bytes: &'a [u8]) -> Cow<'a, [u8]> {
        let mut out: Option<Vec<u8>> = None;
        let mut copied = 0;
        let mut at = 0;
        while at < bytes.len() {
            match self.at(bytes, at) {
                Some(len) => {
                    let out = out.get_or_insert_with(|| Vec::with_capacity(bytes.len()));
                    out.extend_from_slice(&bytes[copied..at]);
                    out.extend_from_slice(REDACTED.as_bytes());
                    at += len;
                    copied = at;
                }
                None => at += 1,
            }
        }
        match out {
            Some(mut out) => {
                out.extend_from_slice(&bytes[copied..]);
                Cow::Owned(out)
            }
            None => Cow::Borrowed(bytes),
        }
    }

    /// [`Secrets::redact_bytes`] for text.
    pub(crate) fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.redact_bytes(text.as_bytes()) {
            Cow::Borrowed(_) => Cow::Borrowed(text),
            // A secret that is itself UTF-8 never starts inside a character, and it was
            // replaced by ASCII: the text stays UTF-8 (the lossy conversion never loses).
            Cow::Owned(bytes) => Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()),
        }
    }
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

    fn held(list: &[&str]) -> Secrets {
        let mut secrets = Secrets::default();
        for secret in list {
            secrets.add(secret.as_bytes());
        }
        secrets
    }

    #[test]
    fn secrets_are_redacted_whatever_their_case() {
        let secrets = held(&["Secret-Token", "me@example.com"]);
        assert_eq!(
            secrets.redact("token SECRET-TOKEN, secret-tokensecret-token; ME@example.com"),
            "token [redacted], [redacted][redacted]; [redacted]"
        );
        assert!(matches!(secrets.redact("nothing here"), Cow::Borrowed(_)));
        assert_eq!(secrets.redact("héllo Secret-Token ü"), "héllo [redacted] ü");
    }

    #[test]
    fn one_pass_longest_first_and_nothing_rewritten_twice() {
        // A longer secret holding a shorter one is replaced whole, whatever the order
        // they were added in.
        for order in [
            ["abcdefgh", "abcdefgh-ijklmnop"],
            ["abcdefgh-ijklmnop", "abcdefgh"],
        ] {
            let secrets = held(&order);
            assert_eq!(
                secrets.redact("x abcdefgh-ijklmnop y abcdefgh z"),
                "x [redacted] y [redacted] z"
            );
        }
        // A secret found in the replacement text is not searched for there.
        let secrets = held(&["redacted", "[redacted]x"]);
        assert_eq!(secrets.redact("a redacted b"), "a [redacted] b");
        assert_eq!(secrets.redact("[redacted]x"), "[redacted]");
    }

    #[test]
    fn a_short_secret_is_redacted_only_as_a_whole_word() {
        let secrets = held(&["e"]);
        assert_eq!(
            secrets.redact("could not connect: error sending request"),
            "could not connect: error sending request",
            "no garbling, and nothing shows where an `e` is"
        );
        assert_eq!(
            secrets.redact("http://user:e@proxy.example:3128 said e"),
            "http://user:[redacted]@proxy.example:3128 said [redacted]"
        );
        let secrets = held(&["pa55", "e"]);
        assert_eq!(secrets.redact("pa55word pa55"), "pa55word [redacted]");
    }

    #[test]
    fn secrets_are_kept_longest_first_once() {
        let secrets = held(&["bb", "a", "ccc", "bb", ""]);
        let held: Vec<&[u8]> = secrets.0.iter().map(|s| s.as_slice()).collect();
        assert_eq!(held, [&b"ccc"[..], b"bb", b"a"]);
        assert_eq!(secrets.longest(), 3);
    }
}
