//! The string literals of a JSON text, found without parsing it into a tree: where each literal
//! is, whether it is an object key, its decoded text, and how to write a string back as a
//! literal. The scrubber reads events this way so that an event with nothing to mask costs one
//! scan and no allocation, and one with a match is rewritten only where it changed.

use std::borrow::Cow;

use memchr::{memchr, memchr2};

/// One string literal of a JSON text, by byte offsets into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Literal {
    /// Offset of the opening quote.
    pub start: usize,
    /// Offset just past the closing quote.
    pub end: usize,
    /// The literal holds at least one backslash escape, so its text differs from its bytes.
    pub escaped: bool,
    /// The literal is an object key (the next non-whitespace byte is `:`).
    pub is_key: bool,
}

impl Literal {
    /// The bytes between the quotes (the decoded text when `!escaped`).
    pub fn content<'a>(&self, json: &'a str) -> &'a str {
        &json[self.start + 1..self.end - 1]
    }
}

/// Returns the string literals of `json`, in order. `json` must be valid JSON (a `RawValue`'s
/// text): outside literals a `"` then always opens one. On malformed text the iteration stops
/// early; it never panics.
pub(super) fn literals(json: &str) -> Literals<'_> {
    Literals {
        json: json.as_bytes(),
        pos: 0,
    }
}

pub(super) struct Literals<'a> {
    json: &'a [u8],
    pos: usize,
}

impl Iterator for Literals<'_> {
    type Item = Literal;

    fn next(&mut self) -> Option<Literal> {
        let json = self.json;
        let start = self.pos + memchr(b'"', json.get(self.pos..)?)?;
        let mut at = start + 1;
        let mut escaped = false;
        let close = loop {
            let found = at + memchr2(b'"', b'\\', json.get(at..)?)?;
            if json[found] == b'"' {
                break found;
            }
            // Skip the escaped byte: `\"` and `\\` must not end or restart the scan. The four
            // hex digits of `\uXXXX` hold neither byte, so they need no special case.
            escaped = true;
            at = found + 2;
        };
        let end = close + 1;
        self.pos = end;
        let is_key = json[end..]
            .iter()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            == Some(&b':');
        Some(Literal {
            start,
            end,
            escaped,
            is_key,
        })
    }
}

/// Returns the text of a literal's content (the bytes between its quotes). Unlike serde_json,
/// it decodes a lone surrogate escape (`\ud800`, which `RawValue` accepts) as U+FFFD instead of
/// failing, so such a string cannot shield the rest of its event from the scrub.
pub(super) fn decode(content: &str) -> Cow<'_, str> {
    if !content.contains('\\') {
        return Cow::Borrowed(content);
    }
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(slash) = rest.find('\\') {
        out.push_str(&rest[..slash]);
        let (decoded, used) = decode_escape(&rest[slash..]);
        match decoded {
            Some(c) => out.push(c),
            // Not valid JSON; keep the bytes rather than guess.
            None => out.push_str(&rest[slash..slash + used]),
        }
        rest = &rest[slash + used..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Decodes the escape at the start of `text` (which starts with `\`): the character and how
/// many bytes it took. Every escape is ASCII, so the byte counts fall on char boundaries.
fn decode_escape(text: &str) -> (Option<char>, usize) {
    let simple = match text.as_bytes().get(1) {
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => return decode_unicode_escape(text),
        Some(_) => return (None, 2),
        None => return (None, 1),
    };
    (Some(simple), 2)
}

fn decode_unicode_escape(text: &str) -> (Option<char>, usize) {
    let Some(unit) = hex4(text, 2) else {
        return (None, 2);
    };
    if (0xD800..0xDC00).contains(&unit) {
        if text.as_bytes().get(6..8) == Some(b"\\u")
            && let Some(low) = hex4(text, 8).filter(|low| (0xDC00..0xE000).contains(low))
        {
            let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            return (char::from_u32(code), 12);
        }
        return (Some(char::REPLACEMENT_CHARACTER), 6);
    }
    (
        Some(char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER)),
        6,
    )
}

/// The four hex digits at `text[at..at + 4]` as a number.
fn hex4(text: &str, at: usize) -> Option<u32> {
    let digits = text.as_bytes().get(at..at + 4)?;
    digits.iter().try_fold(0u32, |acc, &digit| {
        Some(acc * 16 + char::from(digit).to_digit(16)?)
    })
}

/// Appends `text` as a JSON string literal, quotes included, escaping what JSON requires.
pub(super) fn push_literal(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut plain_from = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..0x20 => "",
            _ => continue,
        };
        out.push_str(&text[plain_from..at]);
        plain_from = at + 1;
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(&text[plain_from..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(json: &str) -> Vec<(&str, bool, bool)> {
        literals(json)
            .map(|l| (l.content(json), l.escaped, l.is_key))
            .collect()
    }

    #[test]
    fn keys_values_and_escapes_are_told_apart() {
        let json = r#"{"a" : "x", "b\"c":["d\\", "e:"], "f":{"g"	:"h\u0040"}, "n": 1}"#;
        assert_eq!(
            found(json),
            vec![
                ("a", false, true),
                ("x", false, false),
                (r#"b\"c"#, true, true),
                (r#"d\\"#, true, false),
                ("e:", false, false),
                ("f", false, true),
                ("g", false, true),
                (r#"h\u0040"#, true, false),
                ("n", false, true),
            ]
        );
        assert_eq!(found(r#""top""#), vec![("top", false, false)]);
        assert_eq!(found("[1, true, null]"), vec![]);
    }

    #[test]
    fn malformed_text_ends_the_scan_without_panicking() {
        for json in [
            r#"{"a"#,
            r#"{"a\"#,
            r#""\"#,
            "\"",
            r#"["ok", "unterminated"#,
        ] {
            let _ = found(json);
        }
        assert_eq!(found(r#"["ok", "cut"#), vec![("ok", false, false)]);
    }

    #[test]
    fn decoding_matches_serde_json() {
        for content in [
            "plain",
            r#"q\"b\\s\/n\nr\rt\tb\bf\f"#,
            r#"\u0041\u00e9\u20ac\ud83d\ude00 done"#,
            r#"ada\u0040example.com"#,
            r#"caf\u00E9"#,
        ] {
            let expected: String = serde_json::from_str(&format!("\"{content}\"")).unwrap();
            assert_eq!(decode(content), expected, "{content}");
        }
    }

    #[test]
    fn lone_surrogates_decode_as_replacement_characters() {
        assert_eq!(decode(r#"a\ud800b"#), "a\u{fffd}b");
        assert_eq!(decode(r#"a\udc00b"#), "a\u{fffd}b");
        assert_eq!(decode(r#"\ud800\u0041"#), "\u{fffd}A");
    }

    #[test]
    fn written_literals_parse_back_to_their_text() {
        for text in [
            "",
            "plain ✓ 😀",
            "q\"b\\s/\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}",
        ] {
            let mut out = String::new();
            push_literal(&mut out, text);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
            assert_eq!(out, serde_json::to_string(text).unwrap());
        }
    }
}
