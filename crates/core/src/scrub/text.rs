//! Finding and masking personal data in a string: emails, card numbers (Luhn-checked), US social
//! security numbers, phone numbers, IBANs (mod-97-checked), bearer tokens and JWTs. A match is
//! masked in place: letters and digits become `*`, separators stay, so the text keeps its length
//! and shape (a replay's layout does not move).

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Regex, RegexSet};

/// The kinds of personal data the server scrubs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PiiKind {
    Email,
    CardNumber,
    NationalId,
    Phone,
    Iban,
    BearerToken,
    Jwt,
}

struct Pattern {
    kind: PiiKind,
    regex: Regex,
    /// A check the match must also pass (Luhn, mod 97); `None` accepts every match.
    check: Option<fn(&str) -> bool>,
}

/// Compiles a pattern with its `\b`s made ASCII word boundaries. A Unicode `\b` stops the
/// regex crate's DFAs at the first non-ASCII byte and falls back to its slow NFA simulation:
/// on real pages (accents, emoji) that was a third of ingest's CPU. Every `\b` here borders a
/// character the pattern itself requires to be ASCII (a digit, a Latin letter), so an ASCII
/// boundary only adds positions (next to non-ASCII letters) and never masks less.
fn pattern(kind: PiiKind, regex: &str, check: Option<fn(&str) -> bool>) -> Pattern {
    let regex = regex.replace(r"\b", r"(?-u:\b)");
    Pattern {
        kind,
        regex: Regex::new(&regex).expect("scrub patterns are valid"),
        check,
    }
}

/// Patterns in the order they are applied: the most specific first, so a JWT is not half-eaten
/// by the phone pattern.
static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    vec![
        pattern(
            PiiKind::BearerToken,
            r"(?i)\bbearer\s+[A-Za-z0-9\-._~+/]{8,}=*",
            None,
        ),
        pattern(
            PiiKind::Jwt,
            r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*",
            None,
        ),
        pattern(
            PiiKind::Email,
            r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b",
            None,
        ),
        pattern(
            PiiKind::Iban,
            r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b",
            Some(iban_valid),
        ),
        // 13–19 digits, optionally in groups separated by single spaces or dashes.
        pattern(
            PiiKind::CardNumber,
            r"\b\d(?:[ -]?\d){12,18}\b",
            Some(luhn_valid),
        ),
        pattern(PiiKind::NationalId, r"\b\d{3}-\d{2}-\d{4}\b", None),
        // International numbers need their `+`; national ones the North American shape. Looser
        // rules mask version numbers, prices and order ids.
        pattern(
            PiiKind::Phone,
            r"\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,4}){1,4}\b|\+\d{8,14}\b|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}\b|\b\d{3}[ .-]\d{3}[ .-]\d{4}\b",
            Some(phone_plausible),
        ),
    ]
});

/// Returns true when the digits of `text` pass the Luhn check.
pub fn luhn_valid(text: &str) -> bool {
    let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Returns true when `text` (spaces ignored) is an IBAN with a valid mod-97 check.
pub fn iban_valid(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !(15..=34).contains(&compact.len()) {
        return false;
    }
    let (head, tail) = compact.split_at(4);
    let mut remainder: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let value = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        for digit in value.to_string().chars() {
            remainder = (remainder * 10 + digit.to_digit(10).unwrap_or(0)) % 97;
        }
    }
    remainder == 1
}

fn phone_plausible(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    (9..=15).contains(&digits)
}

/// Masks a matched span: letters and digits become `*`, everything else stays.
fn mask(span: &str) -> String {
    span.chars()
        .map(|c| if c.is_alphanumeric() { '*' } else { c })
        .collect()
}

/// Returns `text` with every kind of personal data masked (borrowed when nothing matched).
pub fn scrub_text(text: &str) -> Cow<'_, str> {
    scrub_text_counting(text, &mut |_| {})
}

/// Like [`scrub_text`], calling `found` once per masked match.
pub fn scrub_text_counting<'a>(text: &'a str, found: &mut dyn FnMut(PiiKind)) -> Cow<'a, str> {
    if !holds_a_needle(text) {
        return Cow::Borrowed(text);
    }
    // One pass of the set tells which patterns match the text as given; most strings match
    // none. Once a pattern has masked something the text differs (masking can create a word
    // boundary), so later patterns are then asked about the current text again.
    let matching = ANY_PATTERN.matches(text);
    if !matching.matched_any() {
        return Cow::Borrowed(text);
    }
    let mut current: Cow<'a, str> = Cow::Borrowed(text);
    for (index, pattern) in PATTERNS.iter().enumerate() {
        let may_match = match &current {
            Cow::Borrowed(_) => matching.matched(index),
            Cow::Owned(changed) => pattern.regex.is_match(changed),
        };
        if !may_match {
            continue;
        }
        let mut changed = false;
        let replaced = pattern
            .regex
            .replace_all(&current, |caps: &regex::Captures<'_>| {
                let span = &caps[0];
                if pattern.check.is_none_or(|check| check(span)) {
                    found(pattern.kind);
                    changed = true;
                    mask(span)
                } else {
                    span.to_string()
                }
            });
        if changed {
            current = Cow::Owned(replaced.into_owned());
        }
    }
    current
}

/// All patterns in one automaton, so the common case (nothing to mask) is one pass over the text.
static ANY_PATTERN: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(PATTERNS.iter().map(|p| p.regex.as_str())).expect("scrub patterns are valid")
});

/// Returns true when `text` may hold personal data: one pass of all patterns, before their
/// checksums (so `false` means [`scrub_text`] leaves `text` as it is).
pub fn may_contain_pii(text: &str) -> bool {
    holds_a_needle(text) && ANY_PATTERN.is_match(text)
}

/// Returns false when no pattern can match `text`, without running them: every pattern needs
/// a decimal digit (`\d`, which also matches non-ASCII digits), an `@`, `eyJ` or a `bearer`
/// in some case. Any non-ASCII byte counts as a needle, so Unicode digits and case variants
/// need no thought. Most strings of a page (words, class names) hold none, and a byte scan is
/// several times cheaper than the automaton over them.
fn holds_a_needle(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .any(|&b| b.is_ascii_digit() || b == b'@' || !b.is_ascii())
        || memchr::memmem::find(bytes, b"eyJ").is_some()
        || memchr::memchr2_iter(b'b', b'B', bytes).any(|at| {
            bytes
                .get(at + 1..at + 6)
                .is_some_and(|rest| rest.eq_ignore_ascii_case(b"earer"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrubbed(text: &str) -> String {
        scrub_text(text).into_owned()
    }

    #[test]
    fn text_around_non_ascii_letters_is_scrubbed_too() {
        assert_eq!(
            scrubbed("Café déjà vu: 4242 4242 4242 4242 — merci ✓"),
            "Café déjà vu: **** **** **** **** — merci ✓"
        );
        assert_eq!(
            scrubbed("écrire à ada@example.com"),
            "écrire à ***@*******.***"
        );
        // Next to a non-ASCII letter the ASCII part is still found (a Unicode `\b` missed it).
        assert_eq!(scrubbed("Ünal@example.com"), "Ü***@*******.***");
        assert_eq!(
            scrubbed("naïve 2024-11-25 v1.2.3 ñ"),
            "naïve 2024-11-25 v1.2.3 ñ"
        );
    }

    #[test]
    fn each_kind_is_masked_and_keeps_its_shape() {
        let cases = [
            ("mail ada@example.com now", "mail ***@*******.*** now"),
            ("card 4242 4242 4242 4242.", "card **** **** **** ****."),
            ("card 4111-1111-1111-1111", "card ****-****-****-****"),
            ("ssn 123-45-6789", "ssn ***-**-****"),
            ("call +44 20 7946 0958", "call +** ** **** ****"),
            ("call (555) 123-4567", "call (***) ***-****"),
            (
                "iban GB82 WEST 1234 5698 7654 32",
                "iban **** **** **** **** **** **",
            ),
            (
                "Authorization: Bearer abcDEF123456789xyz",
                "Authorization: ****** ******************",
            ),
            (
                "t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
                "t=********************.***************.************",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrubbed(input), expected, "{input}");
            assert_eq!(scrubbed(input).chars().count(), input.chars().count());
        }
    }

    #[test]
    fn look_alikes_are_left_alone() {
        for text in [
            "order 4242 4242 4242 4241 (not Luhn)",
            "build 4242 4242 4242, release 2.14.0-rc.1",
            "version 1.2.3, 2026-11-25 10:00",
            "price $1,299.00 for 3 items",
            "timestamp 1732530000000",
            "GB82 WEST 1234 5698 7654 33",
            "a@b",
            "",
        ] {
            assert_eq!(scrubbed(text), text);
            assert!(matches!(scrub_text(text), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn every_pattern_names_a_needle_in_each_alternative() {
        // `holds_a_needle` skips texts without one; a new pattern needs a needle, or a new one
        // added there. (This checks that each alternative names one, not that it is required:
        // keep needles out of optional groups.)
        for pattern in PATTERNS.iter() {
            for alternative in top_level_alternatives(pattern.regex.as_str()) {
                assert!(
                    [r"\d", "@", "eyJ", "bearer"]
                        .iter()
                        .any(|needle| alternative.contains(needle)),
                    "{alternative} in {}",
                    pattern.regex.as_str()
                );
            }
        }
    }

    /// Splits a regex at the `|`s outside groups and classes.
    fn top_level_alternatives(regex: &str) -> Vec<&str> {
        let (mut depth, mut in_class, mut escaped, mut from) = (0, false, false, 0);
        let mut alternatives = Vec::new();
        for (at, c) in regex.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '[' => in_class = true,
                ']' => in_class = false,
                '(' if !in_class => depth += 1,
                ')' if !in_class => depth -= 1,
                '|' if !in_class && depth == 0 => {
                    alternatives.push(&regex[from..at]);
                    from = at + 1;
                }
                _ => {}
            }
        }
        alternatives.push(&regex[from..]);
        alternatives
    }

    #[test]
    fn luhn_and_iban_checks() {
        assert!(luhn_valid("4242424242424242"));
        assert!(luhn_valid("378282246310005"));
        assert!(!luhn_valid("4242424242424241"));
        assert!(!luhn_valid("42424242"));
        assert!(iban_valid("DE89 3704 0044 0532 0130 00"));
        assert!(!iban_valid("DE89 3704 0044 0532 0130 01"));
    }

    fn luhn_number(prefix: &[u32]) -> String {
        let mut digits = prefix.to_vec();
        let sum: u32 = digits
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &d)| {
                if i % 2 == 0 {
                    if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
                } else {
                    d
                }
            })
            .sum();
        digits.push((10 - sum % 10) % 10);
        digits
            .iter()
            .map(|d| char::from_digit(*d, 10).unwrap())
            .collect()
    }

    const PLAIN: &str = "[a-z ,.;:!?'()éü-]{0,40}";

    /// The scrub without the set's shortcut: each pattern asked about the current text in turn.
    fn scrub_each_pattern_in_turn(text: &str, found: &mut Vec<PiiKind>) -> String {
        let mut current = text.to_string();
        for pattern in PATTERNS.iter() {
            current = pattern
                .regex
                .replace_all(&current, |caps: &regex::Captures<'_>| {
                    let span = &caps[0];
                    if pattern.check.is_none_or(|check| check(span)) {
                        found.push(pattern.kind);
                        mask(span)
                    } else {
                        span.to_string()
                    }
                })
                .into_owned();
        }
        current
    }

    proptest::proptest! {
        #[test]
        fn generated_card_numbers_are_never_missed(
            before in PLAIN, after in PLAIN,
            prefix in proptest::collection::vec(0u32..10, 12..=18),
        ) {
            let number = luhn_number(&prefix);
            proptest::prop_assert!(luhn_valid(&number));
            let text = format!("{before} {number} {after}");
            let out = scrubbed(&text);
            proptest::prop_assert_eq!(out, format!("{before} {} {after}", mask(&number)));
        }

        #[test]
        fn generated_emails_are_never_missed(
            before in PLAIN, after in PLAIN,
            local in "[a-z0-9][a-z0-9._+-]{0,15}", domain in "[a-z0-9]{1,12}", tld in "[a-z]{2,6}",
        ) {
            let email = format!("{local}@{domain}.{tld}");
            let text = format!("{before} {email} {after}");
            let out = scrubbed(&text);
            proptest::prop_assert_eq!(out, format!("{before} {} {after}", mask(&email)));
        }

        #[test]
        fn the_set_shortcut_masks_what_each_pattern_in_turn_does(
            text in crate::scrub::equivalence_tests::text_with_personal_data(),
        ) {
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            let out = scrub_text_counting(&text, &mut |kind| ours.push(kind));
            proptest::prop_assert_eq!(out, scrub_each_pattern_in_turn(&text, &mut theirs));
            proptest::prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn text_without_a_needle_matches_no_pattern(
            parts in proptest::collection::vec(proptest::sample::select(&[
                "Bearer", "bEaRe", "earer", "BEARE r", "eyj", "ey", "J", "EYJ", "eyJ", " ", "\t", "\n",
                ".", "-", "_", "~", "+", "/", "=", "(", ")", "%", "abcdefghij", "QWERTYUIOP", "x",
            ][..]), 0..24),
        ) {
            let text: String = parts.concat();
            proptest::prop_assume!(!holds_a_needle(&text));
            proptest::prop_assert!(!ANY_PATTERN.is_match(&text), "{}", text);
        }

        #[test]
        fn text_without_personal_data_is_never_changed(text in "[a-zA-IK-Z ,.;:!?'()éü\n-]{0,200}") {
            // No digits, no `@`, no `J` (JWTs start `eyJ`), so nothing may match.
            proptest::prop_assume!(!text.to_lowercase().contains("bearer"));
            proptest::prop_assert_eq!(scrubbed(&text), text);
        }
    }
}
