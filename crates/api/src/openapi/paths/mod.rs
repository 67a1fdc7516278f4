//! The operations, one file per group of resources, in the order of docs/API.md.

mod annotations;
mod audit;
mod auth;
mod members;
mod projects;
mod recorder;
mod service;
mod sessions;

use super::operation::Op;

/// Returns every documented operation.
pub fn all() -> Vec<Op> {
    [
        recorder::operations(),
        auth::operations(),
        members::operations(),
        sessions::operations(),
        annotations::operations(),
        projects::operations(),
        audit::operations(),
        service::operations(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
