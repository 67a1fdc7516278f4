//! The records of what people add to sessions after the fact: tags changed through the API,
//! links to tickets and issues, and saved views of the sessions list. Times are epoch
//! milliseconds.

use std::collections::BTreeMap;

use crate::meta::User;

/// A session whose tags a change reached, with its tags after the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedSession {
    pub id: String,
    pub organization_id: String,
    pub tags: BTreeMap<String, String>,
}

/// What `update_session_tags` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagUpdate {
    /// Every session found was changed, in the order asked.
    Updated(Vec<TaggedSession>),
    /// This session would have had too many tags; nothing changed.
    TooManyTags { session_id: String },
}

/// A link from a session to a ticket or issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionLink {
    pub id: String,
    pub session_id: String,
    pub organization_id: String,
    /// `ticket`, `issue` or `link` (`core::session_links::LinkKind`).
    pub kind: String,
    pub reference: String,
    pub url: Option<String>,
    /// The user who added it; `None` when the SDK did (or the account is gone).
    pub created_by: Option<String>,
    pub created_at_ms: i64,
}

/// What `add_link` stores; the id is chosen by the caller and used only for a new link.
#[derive(Debug, Clone)]
pub struct NewLink {
    pub id: String,
    pub session_id: String,
    pub kind: String,
    pub reference: String,
    pub url: Option<String>,
    pub created_by: Option<String>,
    pub created_at_ms: i64,
}

/// A saved view of the sessions list.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedView {
    pub id: String,
    pub organization_id: String,
    /// `None` once the author's account is gone.
    pub author: Option<User>,
    pub name: String,
    /// The list's query parameters: an object of name → string or array of strings.
    pub filters: serde_json::Map<String, serde_json::Value>,
    pub shared: bool,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// What `create_saved_view` stores; the id is chosen by the caller.
#[derive(Debug, Clone)]
pub struct NewSavedView {
    pub id: String,
    pub organization_id: String,
    pub author_id: String,
    pub name: String,
    pub filters: serde_json::Map<String, serde_json::Value>,
    pub shared: bool,
    pub created_at_ms: i64,
}
