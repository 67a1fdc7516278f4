//! GDPR/CCPA access and portability: everything recorded of one end user, as one JSON document
//! (`GET /api/v1/end-users/{user_id}/data`, `tapedeck admin export-end-user`). Sessions are read
//! window by window through the same reader as the player (compacted recordings and live
//! segments alike) and written out before the next is read, so a user with many long sessions
//! streams in bounded memory.
//!
//! The document (docs/API.md "End-user data"):
//! `{"format":"tapedeck.end-user-data","version":1,"user_id","exported_at","organizations":[
//!   {"organization_id","sessions":[{"session":{…as GET /sessions/{id}…},"windows":[
//!     {"window_id","events":[…rrweb events…]}]}]}]}`

use std::io::Write;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tapedeck_store::{SessionRecord, TimeRange, read_session_window, stored_windows};

use crate::audit::{self, AuditAction};
use crate::auth::session::AuthUser;
use crate::erasure::{check_end_user_id, managed_organizations};
use crate::error::ApiError;
use crate::export::off_runtime;
use crate::export::stream::channel_body;
use crate::json_array::push_joined;
use crate::sessions::{blob_owner, rfc3339, session_json};
use crate::state::AppState;

/// The `format` field of the document.
pub const END_USER_DATA_FORMAT: &str = "tapedeck.end-user-data";

/// One end user's sessions, per organization the caller may export from.
#[derive(Debug, Clone)]
pub struct EndUserData {
    pub user_id: String,
    pub organizations: Vec<OrganizationSessions>,
}

#[derive(Debug, Clone)]
pub struct OrganizationSessions {
    pub organization_id: String,
    pub sessions: Vec<SessionRecord>,
}

impl EndUserData {
    /// Finds the user's sessions in each of `organization_ids`.
    pub async fn find(
        state: &AppState,
        organization_ids: &[String],
        user_id: &str,
    ) -> Result<Self, ApiError> {
        let mut organizations = Vec::new();
        for org in organization_ids {
            let sessions = state.meta.end_user_sessions(org, user_id).await?;
            organizations.push(OrganizationSessions {
                organization_id: org.clone(),
                sessions,
            });
        }
        Ok(Self {
            user_id: user_id.to_string(),
            organizations,
        })
    }

    pub fn session_count(&self) -> usize {
        self.organizations.iter().map(|o| o.sessions.len()).sum()
    }
}

/// `GET /api/v1/end-users/{user_id}/data`: the user's data in every organization the caller
/// manages (owner, admin), streamed as a download. Audited per organization before the first
/// byte goes out: an export cut short has still disclosed what it sent.
pub async fn export_end_user(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    check_end_user_id(&user_id)?;
    let managed = managed_organizations(&auth)?;
    let data = EndUserData::find(&state, &managed, &user_id).await?;
    for org in &data.organizations {
        let ids: Vec<&str> = org.sessions.iter().map(|s| s.id.as_str()).collect();
        let action = AuditAction {
            organization_id: &org.organization_id,
            actor: auth.actor(),
            action: "end_user.export",
            target: format!("end_user:{user_id}"),
            details: json!({ "sessions": ids }),
        };
        audit::record(&state, &headers, action).await?;
    }

    let (writer, body) = channel_body();
    let aborter = writer.aborter();
    let now = state.now_ms();
    tokio::spawn(async move {
        match write_end_user_data(&state, &data, now, writer, &|_, _| {}).await {
            Ok((_, stats)) => tracing::info!(
                sessions = stats.sessions,
                events = stats.events,
                size_bytes = stats.size_bytes,
                "end-user data exported"
            ),
            Err(e) => {
                tracing::warn!(error = %e, "an end-user export failed part-way; the download is aborted");
                aborter.abort().await;
            }
        }
    });
    let disposition = format!(
        "attachment; filename=\"tapedeck-end-user-{}.json\"",
        file_name_part(&user_id)
    );
    let mut response = body.into_response();
    let out = response.headers_mut();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    out.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|_| ApiError::Internal)?,
    );
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The end-user id as it may appear in a file name: other characters become `_`.
pub fn file_name_part(user_id: &str) -> String {
    user_id
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EndUserDataStats {
    pub sessions: usize,
    pub windows: usize,
    pub events: usize,
    pub size_bytes: u64,
}

/// Writes the document for `data` to `out` (a file, or a channel to the client), session by
/// session; `progress` hears after each session (done, total). A session deleted meanwhile is
/// left out. `out` may block: writes run off the async runtime.
pub async fn write_end_user_data<W: Write + Send + 'static>(
    state: &AppState,
    data: &EndUserData,
    exported_at_ms: i64,
    out: W,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(W, EndUserDataStats), ApiError> {
    let total = data.session_count();
    let mut stats = EndUserDataStats::default();
    let mut sink = Sink::new(out);
    // Written by hand so `format` comes first; the object stays open and its `organizations`
    // array fills as the sessions are read.
    let chunk = format!(
        r#"{{"format":{},"version":1,"user_id":{},"exported_at":{},"organizations":["#,
        json!(END_USER_DATA_FORMAT),
        json!(data.user_id),
        json!(rfc3339(exported_at_ms)),
    )
    .into_bytes();
    sink.write(chunk).await?;
    for (o, org) in data.organizations.iter().enumerate() {
        let separator = if o > 0 { "," } else { "" };
        let org_id = json!(org.organization_id);
        sink.write(format!(r#"{separator}{{"organization_id":{org_id},"sessions":["#).into_bytes())
            .await?;
        let mut written = 0;
        for session in &org.sessions {
            let Some((windows, events)) =
                write_session(state, session, written == 0, &mut sink).await?
            else {
                continue; // deleted meanwhile
            };
            written += 1;
            stats.sessions += 1;
            stats.windows += windows;
            stats.events += events;
            progress(stats.sessions, total);
        }
        sink.write(b"]}".to_vec()).await?;
    }
    sink.write(b"]}".to_vec()).await?;
    let (out, bytes) = sink.finish().await?;
    stats.size_bytes = bytes;
    Ok((out, stats))
}

/// Writes one session, windows one after another; `None` (nothing written) when it has no
/// window any more. Returns (windows, events) written.
async fn write_session<W: Write + Send + 'static>(
    state: &AppState,
    session: &SessionRecord,
    first: bool,
    sink: &mut Sink<W>,
) -> Result<Option<(usize, usize)>, ApiError> {
    let window_ids: Vec<String> = stored_windows(state.meta.as_ref(), &session.id)
        .await?
        .into_iter()
        .map(|w| w.window_id)
        .collect();
    if window_ids.is_empty() {
        return Ok(None);
    }
    let owner = blob_owner(state, session).await?;
    let separator = if first { "" } else { "," };
    let metadata = session_json(session, Some(window_ids.clone()));
    sink.write(format!(r#"{separator}{{"session":{metadata},"windows":["#).into_bytes())
        .await?;
    let (mut windows, mut events) = (0, 0);
    for window_id in &window_ids {
        let read = read_session_window(
            state.meta.as_ref(),
            &state.recordings,
            &owner,
            &session.id,
            Some(window_id),
            TimeRange::default(),
        )
        .await?;
        let Some(read) = read else {
            continue; // the session went while we read it; what was written stays valid JSON
        };
        let mut chunk = Vec::new();
        if windows > 0 {
            chunk.push(b',');
        }
        let id = json!(window_id);
        chunk.extend_from_slice(format!(r#"{{"window_id":{id},"events":["#).as_bytes());
        push_joined(
            &mut chunk,
            read.events.events.iter().map(|e| e.get().as_bytes()),
        );
        chunk.extend_from_slice(b"]}");
        sink.write(chunk).await?;
        windows += 1;
        events += read.events.events.len();
    }
    sink.write(b"]}".to_vec()).await?;
    Ok(Some((windows, events)))
}

/// A blocking writer driven from async code: each write runs on the blocking pool.
struct Sink<W> {
    out: Option<W>,
    bytes: u64,
}

impl<W: Write + Send + 'static> Sink<W> {
    fn new(out: W) -> Self {
        Self {
            out: Some(out),
            bytes: 0,
        }
    }

    async fn write(&mut self, chunk: Vec<u8>) -> Result<(), ApiError> {
        let mut out = self.out.take().ok_or(ApiError::Internal)?;
        let len = chunk.len() as u64;
        let out = off_runtime(move || out.write_all(&chunk).map(|()| out)).await?;
        self.out = Some(out);
        self.bytes += len;
        Ok(())
    }

    async fn finish(mut self) -> Result<(W, u64), ApiError> {
        let mut out = self.out.take().ok_or(ApiError::Internal)?;
        let out = off_runtime(move || out.flush().map(|()| out)).await?;
        Ok((out, self.bytes))
    }
}
