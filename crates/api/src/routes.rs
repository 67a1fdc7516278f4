//! Every route of the server, in one place.

use axum::Router;
use axum::routing::{delete, get, patch, post, put};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::ingest_keys;
use crate::state::AppState;
use crate::{
    api_keys, assets, auth, end_user_data, erasure, export, health, ingest, notes, projects,
    recorder_config, saved_views, session_links, session_tags, sessions, timeline,
};
use crate::{audit_log, client_ip, openapi, security_headers, session_list};
use crate::{invitations, members, metrics};

/// Builds the whole HTTP surface of the server.
pub fn router(state: AppState) -> Router {
    let recorder = Router::new()
        .route(
            "/api/v1/ingest",
            post(ingest::ingest).options(ingest::cors::preflight),
        )
        .route(
            "/api/v1/recorder-config",
            get(recorder_config::recorder_config).options(ingest::cors::preflight),
        );

    let app_api = Router::new()
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/auth/setup", post(auth::setup))
        .route("/api/v1/me", get(auth::me))
        .route(
            "/api/v1/me/password",
            post(auth::password_change::change_password),
        )
        .route(
            "/api/v1/auth/reset-password",
            post(auth::password_change::reset_password),
        )
        .route(
            "/api/v1/auth/invitation",
            post(invitations::show_invitation),
        )
        .route(
            "/api/v1/auth/accept-invitation",
            post(invitations::accept_invitation),
        )
        .route("/api/v1/members", get(members::list_members))
        .route(
            "/api/v1/members/{user_id}",
            patch(members::change_role).delete(members::remove_member),
        )
        .route(
            "/api/v1/members/{user_id}/password-reset",
            post(members::create_password_reset),
        )
        .route("/api/v1/invitations", post(invitations::create_invitation))
        .route(
            "/api/v1/invitations/{id}",
            delete(invitations::revoke_invitation),
        )
        .route(
            "/api/v1/api-keys",
            get(api_keys::list_api_keys).post(api_keys::create_api_key),
        )
        .route("/api/v1/api-keys/{id}", delete(api_keys::revoke_api_key))
        .route(
            "/api/v1/projects",
            get(projects::list_projects).post(projects::create_project),
        )
        .route("/api/v1/projects/{id}", get(projects::get_project))
        .route(
            "/api/v1/projects/{id}/settings",
            patch(projects::update_project_settings),
        )
        .route(
            "/api/v1/projects/{id}/ingest-keys",
            get(ingest_keys::list_ingest_keys),
        )
        .route(
            "/api/v1/projects/{id}/ingest-keys/rotate",
            post(ingest_keys::rotate_ingest_key),
        )
        .route(
            "/api/v1/projects/{id}/ingest-keys/{key_id}",
            patch(ingest_keys::update_ingest_key).delete(ingest_keys::retire_ingest_key),
        )
        .route("/api/v1/audit", get(audit_log::list_audit))
        .route("/api/v1/audit/export", get(audit_log::export_audit))
        .route("/api/v1/sessions", get(session_list::list_sessions))
        .route(
            "/api/v1/sessions/{id}",
            get(sessions::get_session).delete(erasure::delete_session),
        )
        .route(
            "/api/v1/end-users/{user_id}/data",
            get(end_user_data::export_end_user).delete(erasure::erase_end_user),
        )
        .route(
            "/api/v1/sessions/{id}/events",
            get(sessions::session_events),
        )
        .route(
            "/api/v1/sessions/{id}/timeline",
            get(timeline::session_timeline),
        )
        .route(
            "/api/v1/sessions/{id}/notes",
            get(notes::list_notes).post(notes::create_note),
        )
        .route(
            "/api/v1/sessions/{id}/notes/{note_id}",
            delete(notes::delete_note),
        )
        .route("/api/v1/sessions/{id}/tags", put(session_tags::update_tags))
        .route(
            "/api/v1/sessions/tags",
            post(session_tags::bulk_update_tags),
        )
        .route(
            "/api/v1/sessions/{id}/links",
            get(session_links::list_links).post(session_links::create_link),
        )
        .route(
            "/api/v1/sessions/{id}/links/{link_id}",
            delete(session_links::delete_link),
        )
        .route(
            "/api/v1/views",
            get(saved_views::list_views).post(saved_views::create_view),
        )
        .route(
            "/api/v1/views/{id}",
            patch(saved_views::update_view).delete(saved_views::delete_view),
        )
        // The API's own documentation (public): the OpenAPI document and Swagger UI.
        .route("/api/v1/openapi.json", get(openapi::openapi_json))
        .route("/api/docs", get(openapi::docs_index))
        .route("/api/docs/{file}", get(openapi::docs_file))
        .layer(CompressionLayer::new());

    // Downloads keep their Content-Length (the web app shows progress); the files are compressed.
    let files = Router::new()
        .route("/api/v1/sessions/{id}/export", get(export::export_session))
        .route("/api/v1/sessions/import", post(export::import_session));

    Router::new()
        .merge(recorder)
        .merge(app_api)
        .merge(files)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::metrics))
        .route("/sdk/{file}", get(assets::sdk_file))
        .route("/demo", get(assets::demo))
        .fallback(get(assets::web_app))
        .layer(axum::middleware::from_fn(
            security_headers::add_security_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security_headers::add_hsts,
        ))
        // Every handler sees the client address decided from the peer (`client_ip.rs`).
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            client_ip::resolve_client_ip,
        ))
        .layer(TraceLayer::new_for_http())
        // Outermost: every request is counted under its route template, the time spent in the
        // other layers included.
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::http::count_requests,
        ))
        .with_state(state)
}
