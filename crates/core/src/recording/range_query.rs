//! The `from`/`after`/`to` query parameters of the events API: milliseconds since the session's
//! first event (the player's clock), all optional; `from` starts at the keyframe before it,
//! `after` continues right after a range already held (no keyframe rewind). Parsed here so every
//! bad value gets one clear message, whatever arrives in a query string.

/// Largest offset accepted (about 35 years), so adding it to a timestamp cannot overflow.
pub const MAX_RANGE_OFFSET_MS: i64 = 1 << 40;

/// A parsed range: offsets in milliseconds from the session's first event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RangeQuery {
    pub from_ms: Option<i64>,
    /// Events strictly after this time (never with `from_ms`).
    pub after_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

impl RangeQuery {
    /// The range in epoch milliseconds, for a session whose first event is at `start_ms`.
    pub fn absolute(&self, start_ms: i64) -> (Option<i64>, Option<i64>) {
        (self.from_ms.map(at(start_ms)), self.to_ms.map(at(start_ms)))
    }

    /// `after_ms` in epoch milliseconds.
    pub fn absolute_after(&self, start_ms: i64) -> Option<i64> {
        self.after_ms.map(at(start_ms))
    }
}

fn at(start_ms: i64) -> impl Fn(i64) -> i64 {
    move |offset| start_ms.saturating_add(offset)
}

/// Parses `from`, `after` and `to`; the error says which parameter is wrong and why.
pub fn parse_range_query(
    from: Option<&str>,
    after: Option<&str>,
    to: Option<&str>,
) -> Result<RangeQuery, String> {
    let parse = |name: &str, value: Option<&str>| -> Result<Option<i64>, String> {
        let Some(value) = value else {
            return Ok(None);
        };
        match value.parse::<i64>() {
            Ok(ms) if (0..=MAX_RANGE_OFFSET_MS).contains(&ms) => Ok(Some(ms)),
            _ => Err(format!(
                "`{name}` must be milliseconds since the session's first event, from 0 to {MAX_RANGE_OFFSET_MS}"
            )),
        }
    };
    let range = RangeQuery {
        from_ms: parse("from", from)?,
        after_ms: parse("after", after)?,
        to_ms: parse("to", to)?,
    };
    if range.from_ms.is_some() && range.after_ms.is_some() {
        return Err("`after` and `from` cannot be used together".into());
    }
    for (name, start) in [("from", range.from_ms), ("after", range.after_ms)] {
        if let (Some(start), Some(to)) = (start, range.to_ms)
            && start > to
        {
            return Err(format!("`{name}` must not be after `to`"));
        }
    }
    Ok(range)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn valid_and_invalid_ranges() {
        assert_eq!(
            parse_range_query(None, None, None),
            Ok(RangeQuery::default())
        );
        assert_eq!(
            parse_range_query(Some("0"), None, Some("1500")),
            Ok(RangeQuery {
                from_ms: Some(0),
                after_ms: None,
                to_ms: Some(1500)
            })
        );
        assert_eq!(
            parse_range_query(None, Some("1500"), None),
            Ok(RangeQuery {
                from_ms: None,
                after_ms: Some(1500),
                to_ms: None
            })
        );
        for (from, to) in [
            (Some("-1"), None),
            (Some("1.5"), None),
            (None, Some("abc")),
            (None, Some("")),
            (Some("99999999999999999999"), None),
            (Some("10"), Some("9")),
        ] {
            assert!(
                parse_range_query(from, None, to).is_err(),
                "{from:?} {to:?}"
            );
            assert!(
                parse_range_query(None, from, to).is_err(),
                "after {from:?} {to:?}"
            );
        }
        assert_eq!(
            parse_range_query(Some("1"), Some("2"), None),
            Err("`after` and `from` cannot be used together".into())
        );
        let range = RangeQuery {
            from_ms: Some(5),
            after_ms: Some(7),
            to_ms: None,
        };
        assert_eq!(range.absolute(1_000), (Some(1_005), None));
        assert_eq!(range.absolute_after(1_000), Some(1_007));
    }

    proptest! {
        #[test]
        fn any_text_is_parsed_or_refused_without_panic(from in proptest::option::of(".{0,24}"), after in proptest::option::of(".{0,24}"), to in proptest::option::of(".{0,24}")) {
            if let Ok(range) = parse_range_query(from.as_deref(), after.as_deref(), to.as_deref()) {
                prop_assert!(range.from_ms.is_none() || range.after_ms.is_none());
                prop_assert!(range.after_ms.unwrap_or(0) <= range.to_ms.unwrap_or(MAX_RANGE_OFFSET_MS));
                prop_assert!(range.from_ms.unwrap_or(0) <= range.to_ms.unwrap_or(MAX_RANGE_OFFSET_MS));
                let (a, b) = range.absolute(i64::MAX - 5);
                prop_assert!(a.unwrap_or(0) <= b.unwrap_or(i64::MAX));
            }
        }
    }
}
