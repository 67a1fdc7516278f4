//! The free-form `metadata` of a session: facts from the recorder that are shown but not
//! filtered on. [`merge_metadata`] says how each batch changes them.

use serde_json::{Map, Value, json};

use crate::batch::BatchMeta;

/// Returns the session metadata after one more batch: `sdk` keeps the latest value, `referrer`
/// and `previous_session_id` the first one (how the session began), `dropped_batches` the sum.
pub fn merge_metadata(existing: &Value, meta: &BatchMeta) -> Value {
    let mut out: Map<String, Value> = existing.as_object().cloned().unwrap_or_default();
    if let Some(sdk) = &meta.sdk {
        out.insert("sdk".into(), json!(sdk));
    }
    for (key, value) in [
        ("referrer", &meta.referrer),
        ("previous_session_id", &meta.previous_session_id),
    ] {
        if let Some(value) = value
            && out.get(key).is_none_or(Value::is_null)
        {
            out.insert(key.into(), json!(value));
        }
    }
    if meta.dropped_batches > 0 {
        let before = out
            .get("dropped_batches")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        out.insert(
            "dropped_batches".into(),
            json!(before.saturating_add(meta.dropped_batches)),
        );
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_follows_its_rule() {
        let first = BatchMeta {
            sdk: Some("tapedeck-js/0.1.0".into()),
            referrer: Some("https://search.test/".into()),
            previous_session_id: Some("s-0".into()),
            dropped_batches: 2,
            ..Default::default()
        };
        let later = BatchMeta {
            sdk: Some("tapedeck-js/0.2.0".into()),
            referrer: Some("https://other.test/".into()),
            dropped_batches: 3,
            ..Default::default()
        };
        let merged = merge_metadata(&merge_metadata(&Value::Null, &first), &later);
        assert_eq!(
            merged,
            json!({"sdk": "tapedeck-js/0.2.0", "referrer": "https://search.test/", "previous_session_id": "s-0", "dropped_batches": 5})
        );
        assert_eq!(
            merge_metadata(&merged, &BatchMeta::default()),
            merged,
            "an empty meta changes nothing"
        );
    }
}
