//! Text and JSON values as PostgreSQL takes them. PostgreSQL refuses the NUL character in TEXT
//! and in JSONB strings, which SQLite stores; a recorder may send one in any meta string, and
//! refusing the batch would make it retry forever. So strings from the recorder are written with
//! NUL replaced by U+FFFD (the one place where the engines may differ, by one character).

use std::borrow::Cow;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::types::Json;

use crate::StoreError;
use crate::meta::Result;

const NUL: char = '\0';
const REPLACEMENT: &str = "\u{FFFD}";

/// `text` as PostgreSQL accepts it.
pub(super) fn pg_text(text: &str) -> Cow<'_, str> {
    if text.contains(NUL) {
        Cow::Owned(text.replace(NUL, REPLACEMENT))
    } else {
        Cow::Borrowed(text)
    }
}

/// An optional string as PostgreSQL accepts it.
pub(super) fn pg_opt_text(text: &Option<String>) -> Option<Cow<'_, str>> {
    text.as_deref().map(pg_text)
}

/// A value serialized for a JSONB column, NUL-free (in keys too).
pub(super) fn pg_json(value: &impl Serialize) -> Result<Json<Value>> {
    let mut value = serde_json::to_value(value)?;
    scrub(&mut value);
    Ok(Json(value))
}

fn scrub(value: &mut Value) {
    match value {
        Value::String(s) if s.contains(NUL) => *s = s.replace(NUL, REPLACEMENT),
        Value::Array(items) => items.iter_mut().for_each(scrub),
        Value::Object(map) if map.keys().any(|k| k.contains(NUL)) => {
            let entries = std::mem::take(map);
            for (key, mut item) in entries {
                scrub(&mut item);
                map.insert(pg_text(&key).into_owned(), item);
            }
        }
        Value::Object(map) => map.values_mut().for_each(scrub),
        _ => {}
    }
}

/// Reads a JSONB column into `T`; a value that does not fit is `Corrupt`, not a panic.
pub(super) fn json_column<T: DeserializeOwned>(row: &PgRow, column: &str) -> Result<T> {
    let Json(value) = row
        .try_get::<Json<T>, _>(column)
        .map_err(|e| StoreError::Corrupt(format!("column {column}: {e}")))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_becomes_the_replacement_character_everywhere() {
        assert_eq!(pg_text("a\0b"), "a\u{FFFD}b");
        assert!(matches!(pg_text("plain"), Cow::Borrowed("plain")));
        let Json(value) =
            pg_json(&serde_json::json!({"k\0": ["x\0", {"y": "\0"}], "n": 1})).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"k\u{FFFD}": ["x\u{FFFD}", {"y": "\u{FFFD}"}], "n": 1})
        );
    }
}
