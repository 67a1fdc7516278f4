//! Tags on a session: `key` → `value`, a plain label being stored with the value "". The rules
//! for a change asked through the API (`PUT /api/v1/sessions/{id}/tags`, bulk
//! `POST /api/v1/sessions/tags`) and how a change applies to a session's tags.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::field_error::{FieldError, has_control_chars};
use crate::ids::is_valid_client_id;
use crate::limits::{MAX_META_STRING_CHARS, MAX_TAGS};

/// Longest tag key set through the API, in characters (after trimming).
pub const MAX_TAG_KEY_CHARS: usize = 64;
/// Longest tag value set through the API, in characters (after trimming).
pub const MAX_TAG_VALUE_CHARS: usize = 256;
/// Most keys one change may remove. Larger than `MAX_TAGS`: batches from the SDK each carry up
/// to `MAX_TAGS` tags and a session keeps the union, so it may hold more.
pub const MAX_TAG_REMOVALS: usize = 2 * MAX_TAGS;
/// Most sessions one bulk change names.
pub const MAX_BULK_SESSIONS: usize = 500;

/// A checked change of a session's tags: keys to set (with their values), keys to drop.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TagChange {
    pub add: BTreeMap<String, String>,
    pub remove: BTreeSet<String>,
}

impl TagChange {
    /// Returns the tags after the change, or `None` when it would leave more than `MAX_TAGS`
    /// tags and more than before (a session over the limit may still lose tags).
    pub fn apply(&self, tags: &BTreeMap<String, String>) -> Option<BTreeMap<String, String>> {
        let mut after = tags.clone();
        after.retain(|key, _| !self.remove.contains(key));
        after.extend(self.add.iter().map(|(k, v)| (k.clone(), v.clone())));
        if after.len() > MAX_TAGS && after.len() > tags.len() {
            return None;
        }
        Some(after)
    }
}

/// Checks the body of a tag change, `{"add": {key: value}, "remove": [key]}` (either may be
/// left out, not both). Keys added are trimmed, 1 to `MAX_TAG_KEY_CHARS` characters, without
/// control characters or `:` (the list filter `tag=key:value` splits there); values are trimmed
/// strings up to `MAX_TAG_VALUE_CHARS`. Keys removed match stored keys exactly (the SDK's may be
/// longer) and may not also be added.
pub fn check_tag_change(body: &Value) -> Result<TagChange, FieldError> {
    if !body.is_object() {
        return Err(FieldError::new("body", "must be a JSON object"));
    }
    let mut change = TagChange::default();
    match &body["add"] {
        Value::Null => {}
        Value::Object(add) => {
            if add.len() > MAX_TAGS {
                return Err(FieldError::new(
                    "add",
                    format!("may set at most {MAX_TAGS} tags"),
                ));
            }
            for (key, value) in add {
                let (key, value) = check_tag(key, value)?;
                change.add.insert(key, value);
            }
        }
        _ => return Err(FieldError::new("add", "must be an object of key: value")),
    }
    match &body["remove"] {
        Value::Null => {}
        Value::Array(keys) => {
            if keys.len() > MAX_TAG_REMOVALS {
                return Err(FieldError::new(
                    "remove",
                    format!("may name at most {MAX_TAG_REMOVALS} keys"),
                ));
            }
            for key in keys {
                let key = key
                    .as_str()
                    .filter(|k| (1..=MAX_META_STRING_CHARS).contains(&k.chars().count()))
                    .ok_or_else(|| {
                        FieldError::new(
                            "remove",
                            format!("must hold keys of 1 to {MAX_META_STRING_CHARS} characters"),
                        )
                    })?;
                if change.add.contains_key(key) {
                    return Err(FieldError::new(
                        "remove",
                        format!("names {key:?}, which `add` sets too"),
                    ));
                }
                change.remove.insert(key.to_string());
            }
        }
        _ => return Err(FieldError::new("remove", "must be an array of keys")),
    }
    if change.add.is_empty() && change.remove.is_empty() {
        return Err(FieldError::new(
            "add",
            "or `remove` must name at least one tag",
        ));
    }
    Ok(change)
}

fn check_tag(key: &str, value: &Value) -> Result<(String, String), FieldError> {
    let field = format!("add.{key}");
    let key = key.trim();
    let key_chars = key.chars().count();
    if key_chars == 0 || key_chars > MAX_TAG_KEY_CHARS {
        return Err(FieldError::new(
            field,
            format!("has a key that is not 1 to {MAX_TAG_KEY_CHARS} characters"),
        ));
    }
    if key.contains(':') || has_control_chars(key) {
        return Err(FieldError::new(
            field,
            "has a key with `:` or a control character",
        ));
    }
    let value = value
        .as_str()
        .map(str::trim)
        .ok_or_else(|| FieldError::new(&field, "must be a string (\"\" for a plain label)"))?;
    if value.chars().count() > MAX_TAG_VALUE_CHARS || has_control_chars(value) {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_TAG_VALUE_CHARS} characters, without control characters"),
        ));
    }
    Ok((key.to_string(), value.to_string()))
}

/// Checks a bulk tag change, `{"session_ids": [...], "add": ..., "remove": ...}`: 1 to
/// `MAX_BULK_SESSIONS` session ids (duplicates dropped, first order kept) and the change.
pub fn check_bulk_tag_change(body: &Value) -> Result<(Vec<String>, TagChange), FieldError> {
    let change = check_tag_change(body)?;
    let ids = body["session_ids"]
        .as_array()
        .filter(|ids| (1..=MAX_BULK_SESSIONS).contains(&ids.len()))
        .ok_or_else(|| {
            FieldError::new(
                "session_ids",
                format!("must be an array of 1 to {MAX_BULK_SESSIONS} session ids"),
            )
        })?;
    let mut seen = BTreeSet::new();
    let mut session_ids = Vec::with_capacity(ids.len());
    for id in ids {
        let id = id
            .as_str()
            .filter(|id| is_valid_client_id(id))
            .ok_or_else(|| FieldError::new("session_ids", "must hold session ids"))?;
        if seen.insert(id) {
            session_ids.push(id.to_string());
        }
    }
    Ok((session_ids, change))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_change_is_trimmed_and_applies_removals_then_additions() {
        let change =
            check_tag_change(&json!({"add": {" plan ": " pro ", "vip": ""}, "remove": ["old"]}))
                .unwrap();
        assert_eq!(change.add, tags(&[("plan", "pro"), ("vip", "")]));
        assert_eq!(
            change.apply(&tags(&[("old", "1"), ("plan", "free"), ("keep", "x")])),
            Some(tags(&[("keep", "x"), ("plan", "pro"), ("vip", "")]))
        );
        let only_remove = check_tag_change(&json!({"remove": ["a"]})).unwrap();
        assert_eq!(only_remove.apply(&tags(&[("a", "")])), Some(tags(&[])));
    }

    #[test]
    fn bad_changes_name_their_field() {
        let long_key = "k".repeat(MAX_TAG_KEY_CHARS + 1);
        let long_value = "v".repeat(MAX_TAG_VALUE_CHARS + 1);
        let many: serde_json::Map<String, Value> = (0..=MAX_TAGS)
            .map(|i| (format!("k{i}"), json!("")))
            .collect();
        for (body, field) in [
            (json!([]), "body"),
            (json!({}), "add"),
            (json!({"add": {}, "remove": []}), "add"),
            (json!({"add": ["a"]}), "add"),
            (json!({"add": many}), "add"),
            (json!({"add": {"  ": "x"}}), "add.  "),
            (
                json!({"add": {long_key.clone(): "x"}}),
                &format!("add.{long_key}") as &str,
            ),
            (json!({"add": {"a:b": "x"}}), "add.a:b"),
            (json!({"add": {"a\nb": "x"}}), "add.a\nb"),
            (json!({"add": {"a": 1}}), "add.a"),
            (json!({"add": {"a": null}}), "add.a"),
            (json!({"add": {"a": long_value}}), "add.a"),
            (json!({"add": {"a": "x\u{0}"}}), "add.a"),
            (json!({"remove": "a"}), "remove"),
            (json!({"remove": [""]}), "remove"),
            (json!({"remove": [3]}), "remove"),
            (json!({"add": {"a": ""}, "remove": ["a"]}), "remove"),
        ] {
            assert_eq!(check_tag_change(&body).unwrap_err().field, field, "{body}");
        }
        let at_limit = check_tag_change(&json!({"add": {"k".repeat(64): "v".repeat(256)}}));
        assert!(at_limit.is_ok());
    }

    #[test]
    fn a_change_may_not_grow_a_session_past_the_limit() {
        let full: BTreeMap<String, String> = (0..MAX_TAGS)
            .map(|i| (format!("k{i}"), String::new()))
            .collect();
        let add_one = check_tag_change(&json!({"add": {"new": ""}})).unwrap();
        assert_eq!(add_one.apply(&full), None);
        let overwrite = check_tag_change(&json!({"add": {"k1": "v"}})).unwrap();
        assert_eq!(overwrite.apply(&full).unwrap()["k1"], "v");
        let swap = check_tag_change(&json!({"add": {"new": ""}, "remove": ["k1"]})).unwrap();
        assert_eq!(swap.apply(&full).unwrap().len(), MAX_TAGS);
        // A session over the limit (the SDK's batches add up) may still lose tags.
        let mut over = full.clone();
        over.insert("extra".into(), String::new());
        let drop = check_tag_change(&json!({"remove": ["extra", "k0"]})).unwrap();
        assert_eq!(drop.apply(&over).unwrap().len(), MAX_TAGS - 1);
    }

    #[test]
    fn bulk_changes_take_up_to_500_distinct_session_ids() {
        let (ids, change) = check_bulk_tag_change(
            &json!({"session_ids": ["s-1", "s-2", "s-1"], "add": {"triaged": ""}}),
        )
        .unwrap();
        assert_eq!(ids, ["s-1", "s-2"]);
        assert_eq!(change.add, tags(&[("triaged", "")]));
        let too_many: Vec<String> = (0..=MAX_BULK_SESSIONS).map(|i| format!("s{i}")).collect();
        for body in [
            json!({"add": {"a": ""}}),
            json!({"session_ids": [], "add": {"a": ""}}),
            json!({"session_ids": too_many, "add": {"a": ""}}),
            json!({"session_ids": ["../x"], "add": {"a": ""}}),
            json!({"session_ids": [1], "add": {"a": ""}}),
        ] {
            assert_eq!(
                check_bulk_tag_change(&body).unwrap_err().field,
                "session_ids",
                "{body}"
            );
        }
        assert_eq!(
            check_bulk_tag_change(&json!({"session_ids": ["s"]}))
                .unwrap_err()
                .field,
            "add"
        );
    }
}
