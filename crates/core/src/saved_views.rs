//! Saved views: a named set of the sessions list's filters, kept per user and shareable within
//! the organization. The rules for what a view may hold and who may change it.

use serde_json::{Map, Value};

use crate::field_error::{FieldError, has_control_chars};
use crate::policy::{Action, Role, allows};
use crate::search::parse_list_query;

/// Longest view name, in characters (after trimming).
pub const MAX_VIEW_NAME_CHARS: usize = 100;
/// Largest `filters` object, in bytes of compact JSON.
pub const MAX_VIEW_FILTERS_BYTES: usize = 8 * 1024;

/// A new view as asked for, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct NewViewInput {
    pub name: String,
    pub organization_id: String,
    /// An object of list parameter → string or array of strings.
    pub filters: Map<String, Value>,
    pub shared: bool,
}

/// A change to a view: each field left `None` stays as it is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ViewPatch {
    pub name: Option<String>,
    pub filters: Option<Map<String, Value>>,
    pub shared: Option<bool>,
}

/// Checks a new view `{"name", "organization_id", "filters"?, "shared"?}` (no filters: the
/// whole list; not shared unless asked).
pub fn check_new_view(body: &Value) -> Result<NewViewInput, FieldError> {
    if !body.is_object() {
        return Err(FieldError::new("body", "must be a JSON object"));
    }
    let organization_id = body["organization_id"]
        .as_str()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| FieldError::new("organization_id", "must name your organization"))?;
    let filters = match &body["filters"] {
        Value::Null => Map::new(),
        filters => check_filters(filters)?,
    };
    Ok(NewViewInput {
        name: check_name(&body["name"])?,
        organization_id: organization_id.to_string(),
        filters,
        shared: check_shared(&body["shared"])?.unwrap_or(false),
    })
}

/// Checks a change `{"name"?, "filters"?, "shared"?}` naming at least one field; a view stays
/// in its organization.
pub fn check_view_patch(body: &Value) -> Result<ViewPatch, FieldError> {
    let Some(fields) = body.as_object() else {
        return Err(FieldError::new("body", "must be a JSON object"));
    };
    if fields.contains_key("organization_id") {
        return Err(FieldError::new(
            "organization_id",
            "cannot change: a view stays in its organization",
        ));
    }
    let patch = ViewPatch {
        name: fields.get("name").map(check_name).transpose()?,
        filters: fields.get("filters").map(check_filters).transpose()?,
        shared: check_shared(&body["shared"])?,
    };
    if patch == ViewPatch::default() {
        return Err(FieldError::new(
            "name",
            "`filters` or `shared` must be given",
        ));
    }
    Ok(patch)
}

fn check_name(name: &Value) -> Result<String, FieldError> {
    name.as_str()
        .map(str::trim)
        .filter(|n| (1..=MAX_VIEW_NAME_CHARS).contains(&n.chars().count()) && !has_control_chars(n))
        .map(str::to_string)
        .ok_or_else(|| {
            FieldError::new(
                "name",
                format!("must be 1 to {MAX_VIEW_NAME_CHARS} printable characters"),
            )
        })
}

fn check_shared(shared: &Value) -> Result<Option<bool>, FieldError> {
    match shared {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        _ => Err(FieldError::new("shared", "must be true or false")),
    }
}

/// Checks a view's filters: an object of the sessions list's query parameters (docs/API.md
/// "List sessions") to strings, or to arrays of strings for a repeated one (`tag`), at most
/// `MAX_VIEW_FILTERS_BYTES` as JSON. The values must pass the list's own parser
/// (`search::parse_list_query`), so a saved view always opens; `cursor` points into one
/// moment's list and is refused.
pub fn check_filters(filters: &Value) -> Result<Map<String, Value>, FieldError> {
    let Some(map) = filters.as_object() else {
        return Err(FieldError::new(
            "filters",
            "must be an object of list parameter: value",
        ));
    };
    let mut pairs = Vec::new();
    for (key, value) in map {
        let field = || format!("filters.{key}");
        if key == "cursor" {
            return Err(FieldError::new(field(), "cannot be saved in a view"));
        }
        match value {
            Value::String(v) => pairs.push((key.clone(), v.clone())),
            Value::Array(items) if items.iter().all(Value::is_string) => pairs.extend(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|v| (key.clone(), v.to_string())),
            ),
            _ => {
                return Err(FieldError::new(
                    field(),
                    "must be a string or an array of strings",
                ));
            }
        }
    }
    if filters.to_string().len() > MAX_VIEW_FILTERS_BYTES {
        return Err(FieldError::new(
            "filters",
            format!("must be at most {MAX_VIEW_FILTERS_BYTES} bytes as JSON"),
        ));
    }
    parse_list_query(&pairs)
        .map_err(|e| FieldError::new(format!("filters.{}", e.param), e.problem))?;
    Ok(map.clone())
}

/// Returns true when a user with `role` in the view's organization may change or delete it:
/// its author, or for a shared view also an owner or admin; viewers change nothing.
pub fn can_change_view(role: Role, is_author: bool, shared: bool) -> bool {
    allows(role, Action::Annotate)
        && (is_author || (shared && allows(role, Action::ModerateAnnotations)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_new_view_is_checked_and_trimmed() {
        let view = check_new_view(&json!({
            "name": "  Checkout errors ", "organization_id": "org-1",
            "filters": {"url": "/checkout", "has_errors": "true", "tag": ["vip", "plan:pro"], "min_duration": "120"},
            "shared": true,
        }))
        .unwrap();
        assert_eq!(view.name, "Checkout errors");
        assert_eq!(view.organization_id, "org-1");
        assert_eq!(view.filters["tag"], json!(["vip", "plan:pro"]));
        assert!(view.shared);
        let bare = check_new_view(&json!({"name": "All", "organization_id": "o"})).unwrap();
        assert!(bare.filters.is_empty() && !bare.shared);
    }

    #[test]
    fn bad_views_name_their_field() {
        let big = "x".repeat(MAX_VIEW_FILTERS_BYTES);
        for (body, field) in [
            (json!(null), "body"),
            (json!({"organization_id": "o"}), "name"),
            (json!({"name": " ", "organization_id": "o"}), "name"),
            (
                json!({"name": "x".repeat(MAX_VIEW_NAME_CHARS + 1), "organization_id": "o"}),
                "name",
            ),
            (json!({"name": "a\nb", "organization_id": "o"}), "name"),
            (json!({"name": "v"}), "organization_id"),
            (
                json!({"name": "v", "organization_id": ""}),
                "organization_id",
            ),
            (
                json!({"name": "v", "organization_id": "o", "filters": "url=x"}),
                "filters",
            ),
            (
                json!({"name": "v", "organization_id": "o", "filters": {"cursor": "1.a"}}),
                "filters.cursor",
            ),
            (
                json!({"name": "v", "organization_id": "o", "filters": {"colour": "red"}}),
                "filters.colour",
            ),
            (
                json!({"name": "v", "organization_id": "o", "filters": {"min_duration": 120}}),
                "filters.min_duration",
            ),
            (
                json!({"name": "v", "organization_id": "o", "filters": {"tag": ["a", 1]}}),
                "filters.tag",
            ),
            (
                json!({"name": "v", "organization_id": "o", "filters": {"q": big}}),
                "filters",
            ),
            (
                json!({"name": "v", "organization_id": "o", "shared": "yes"}),
                "shared",
            ),
        ] {
            assert_eq!(check_new_view(&body).unwrap_err().field, field, "{body}");
        }
        let longest = "é".repeat(MAX_VIEW_NAME_CHARS);
        assert!(check_new_view(&json!({"name": longest, "organization_id": "o"})).is_ok());
    }

    #[test]
    fn a_patch_names_something_and_keeps_the_organization() {
        assert_eq!(
            check_view_patch(&json!({"shared": false})).unwrap(),
            ViewPatch {
                shared: Some(false),
                ..Default::default()
            }
        );
        let renamed = check_view_patch(&json!({"name": " New ", "filters": {}})).unwrap();
        assert_eq!(renamed.name.as_deref(), Some("New"));
        assert_eq!(renamed.filters, Some(Map::new()));
        for (body, field) in [
            (json!({}), "name"),
            (json!([]), "body"),
            (json!({"name": ""}), "name"),
            (json!({"filters": {"nope": "x"}}), "filters.nope"),
            (json!({"organization_id": "other"}), "organization_id"),
            (json!({"shared": 1}), "shared"),
        ] {
            assert_eq!(check_view_patch(&body).unwrap_err().field, field, "{body}");
        }
    }

    #[test]
    fn authors_change_their_views_admins_the_shared_ones() {
        assert!(can_change_view(Role::Member, true, false));
        assert!(can_change_view(Role::Member, true, true));
        assert!(!can_change_view(Role::Member, false, true));
        assert!(can_change_view(Role::Admin, false, true));
        assert!(can_change_view(Role::Owner, false, true));
        assert!(
            !can_change_view(Role::Owner, false, false),
            "private views stay private"
        );
        assert!(!can_change_view(Role::Viewer, true, false));
    }
}
