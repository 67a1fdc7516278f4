//! The authorization table: every endpoint of the API × every role (owner, admin, member,
//! viewer, and no login) × a target in the caller's own organization and one in another
//! organization, each asserting the exact status. Every answer is also searched for the other
//! organization's ids (no endpoint may show them), and after each request aimed at the other
//! organization its data is checked unchanged. The table must name every route: a test compares
//! it with the OpenAPI document's operations, which `tests/openapi.rs` keeps equal to `routes.rs`.
//!
//! Each case gets fresh targets (a new session, note, key …), so a write that one role may do
//! does not change what the next role finds.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tapedeck_store::{NewApiKey, NewLink, NewNote, NewProject, NewSavedView, Project};
use tapedeck_testkit::{TEST_PASSWORD, TestApp, TestResponse, gzip};

/// What a path placeholder or a body needs created before the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Res {
    /// The organization's id (`org`).
    Org,
    /// The organization's project (`project`).
    Project,
    /// A new session with its own end user (`session`, `end_user`).
    Session,
    /// A note by the organization's owner on `session` (`note`).
    Note,
    /// A ticket link on `session` (`link`).
    Link,
    /// A view the organization's owner shared (`view`).
    View,
    /// An API key made by the organization's owner (`api_key`).
    ApiKey,
    /// The end user of a new session (`session`, `end_user`).
    EndUser,
    /// A new user with role `member` in the organization.
    Member,
    /// A pending invitation the organization's owner sent.
    Invitation,
    /// The primary ingest key of the organization's project.
    IngestKey,
    /// A new project (`id`) whose first key was rotated out: still live, no longer primary.
    RetiringKey,
}

/// What the request carries.
enum Payload {
    None,
    Json(Value),
    /// Raw bytes with their content type.
    Bytes(Vec<u8>, &'static str),
}

/// One row of the table.
struct Case {
    method: Method,
    /// The route exactly as `routes.rs` registers it.
    route: &'static str,
    /// What each `{placeholder}` of the route (and the query) stands for, in creation order.
    needs: &'static [(&'static str, Res)],
    query: &'static str,
    body: fn(&Vars, &World) -> Payload,
    /// Status for owner, admin, member, viewer of the target's organization.
    own: [u16; 4],
    /// Status for each role when the target is in the other organization; `None` when the
    /// request names no organization's data (lists answer only the caller's own).
    foreign: Option<[u16; 4]>,
    /// The audit action a success writes, exactly once; `None`: a success writes none.
    audits: Option<&'static str>,
}

/// Another organization's target is not found, whatever the caller's role in their own.
const HIDDEN: Option<[u16; 4]> = Some([404; 4]);

type Vars = HashMap<&'static str, String>;

fn no_body(_: &Vars, _: &World) -> Payload {
    Payload::None
}

const ROLES: [&str; 4] = ["owner", "admin", "member", "viewer"];

/// A row: the request, what it needs created, and the statuses for owner, admin, member,
/// viewer — of the target's own organization, then of the other one.
fn case(
    method: Method,
    route: &'static str,
    needs: &'static [(&'static str, Res)],
    own: [u16; 4],
    foreign: Option<[u16; 4]>,
) -> Case {
    Case {
        method,
        route,
        needs,
        query: "",
        body: no_body,
        own,
        foreign,
        audits: None,
    }
}

impl Case {
    fn body(self, body: fn(&Vars, &World) -> Payload) -> Case {
        Case { body, ..self }
    }

    fn query(self, query: &'static str) -> Case {
        Case { query, ..self }
    }

    fn audits(self, action: &'static str) -> Case {
        Case {
            audits: Some(action),
            ..self
        }
    }
}

fn json_body(value: Value) -> Payload {
    Payload::Json(value)
}

/// Every endpoint that needs a login or an API key. Public endpoints are in `PUBLIC`.
#[rustfmt::skip]
fn table() -> Vec<Case> {
    use Res::*;
    use Method as M;
    const ALL: [u16; 4] = [200, 200, 200, 200];
    const ADMINS: [u16; 4] = [200, 200, 403, 403];
    vec![
        case(M::GET, "/api/v1/me", &[], ALL, None),
        case(M::GET, "/api/v1/api-keys", &[], ADMINS, None),
        case(M::POST, "/api/v1/api-keys", &[("org", Org)], [201, 201, 403, 403], HIDDEN)
            .body(|v, _| json_body(json!({"organization_id": v["org"], "name": "ci", "role": "viewer"}))).audits("api_key.create"),
        case(M::DELETE, "/api/v1/api-keys/{id}", &[("id", ApiKey)], [204, 204, 403, 403], HIDDEN).audits("api_key.revoke"),
        case(M::GET, "/api/v1/projects", &[], ALL, None),
        case(M::GET, "/api/v1/projects/{id}", &[("id", Project)], ALL, HIDDEN),
        case(M::PATCH, "/api/v1/projects/{id}/settings", &[("id", Project)], ADMINS, HIDDEN)
            .body(|_, _| json_body(json!({"sample_rate": 1.0}))).audits("project.settings"),
        case(M::GET, "/api/v1/sessions", &[], ALL, None),
        case(M::GET, "/api/v1/sessions/{id}", &[("id", Session)], ALL, HIDDEN).audits("session.view"),
        case(M::DELETE, "/api/v1/sessions/{id}", &[("id", Session)], [204, 204, 403, 403], HIDDEN).audits("session.delete"),
        case(M::GET, "/api/v1/sessions/{id}/events", &[("id", Session)], ALL, HIDDEN),
        case(M::GET, "/api/v1/sessions/{id}/timeline", &[("id", Session)], ALL, HIDDEN),
        case(M::GET, "/api/v1/sessions/{id}/notes", &[("id", Session)], ALL, HIDDEN),
        case(M::POST, "/api/v1/sessions/{id}/notes", &[("id", Session)], [201, 201, 201, 403], HIDDEN)
            .body(|_, _| json_body(json!({"at": 0, "text": "look here"}))),
        // The note is the owner's: for the others, deleting it is moderation.
        case(M::DELETE, "/api/v1/sessions/{id}/notes/{note_id}", &[("id", Session), ("note_id", Note)], [204, 204, 403, 403], HIDDEN),
        case(M::PUT, "/api/v1/sessions/{id}/tags", &[("id", Session)], [200, 200, 200, 403], HIDDEN)
            .body(|_, _| json_body(json!({"add": {"vip": ""}}))).audits("session.tag"),
        // Bulk tagging skips sessions the caller may not tag, so the other organization's is
        // answered 200 with nothing updated (checked unchanged); 403 to a caller who may tag
        // nowhere. End-user data covers the caller's organizations only, the same way.
        case(M::POST, "/api/v1/sessions/tags", &[("session", Session)], [200, 200, 200, 403], Some([200, 200, 200, 403]))
            .body(|v, _| json_body(json!({"session_ids": [v["session"]], "add": {"vip": ""}}))).audits("session.tag"),
        case(M::GET, "/api/v1/sessions/{id}/links", &[("id", Session)], ALL, HIDDEN),
        case(M::POST, "/api/v1/sessions/{id}/links", &[("id", Session)], [201, 201, 201, 403], HIDDEN)
            .body(|_, _| json_body(json!({"kind": "ticket", "ref": "ZD-1"}))).audits("session.link"),
        case(M::DELETE, "/api/v1/sessions/{id}/links/{link_id}", &[("id", Session), ("link_id", Link)], [204, 204, 204, 403], HIDDEN).audits("session.unlink"),
        case(M::GET, "/api/v1/sessions/{id}/export", &[("id", Session)], ALL, HIDDEN).audits("session.export"),
        case(M::POST, "/api/v1/sessions/import", &[("project", Project)], [201, 201, 403, 403], HIDDEN)
            .query("?project_id={project}")
            .body(|_, w| Payload::Bytes(w.export_file.clone(), "application/octet-stream")).audits("session.import"),
        case(M::GET, "/api/v1/end-users/{user_id}/data", &[("user_id", EndUser)], ADMINS, Some(ADMINS)).audits("end_user.export"),
        case(M::DELETE, "/api/v1/end-users/{user_id}/data", &[("user_id", EndUser)], ADMINS, Some(ADMINS)).audits("end_user.erase"),
        case(M::GET, "/api/v1/views", &[], ALL, None),
        case(M::POST, "/api/v1/views", &[("org", Org)], [201, 201, 201, 403], HIDDEN)
            .body(|v, _| json_body(json!({"organization_id": v["org"], "name": format!("errors {}", v["unique"]), "filters": {"has_errors": "true"}}))),
        // The view is the owner's, shared: for the others, changing it is moderation.
        case(M::PATCH, "/api/v1/views/{id}", &[("id", View)], ADMINS, HIDDEN)
            .body(|_, _| json_body(json!({"shared": true}))),
        case(M::DELETE, "/api/v1/views/{id}", &[("id", View)], [204, 204, 403, 403], HIDDEN),
        case(M::POST, "/api/v1/projects", &[("org", Org)], [201, 201, 403, 403], HIDDEN)
            .body(|v, _| json_body(json!({"organization_id": v["org"], "name": format!("shop {}", v["unique"])}))).audits("project.create"),
        case(M::GET, "/api/v1/projects/{id}/ingest-keys", &[("id", Project)], ALL, HIDDEN),
        case(M::POST, "/api/v1/projects/{id}/ingest-keys/rotate", &[("id", Project)], [201, 201, 403, 403], HIDDEN)
            .body(|_, _| json_body(json!({"grace_hours": 24}))).audits("project.key_rotate"),
        case(M::PATCH, "/api/v1/projects/{id}/ingest-keys/{key_id}", &[("id", Project), ("key_id", IngestKey)], ADMINS, HIDDEN)
            .body(|_, _| json_body(json!({"rate_limit_per_minute": 1_000_000}))).audits("project.key_update"),
        case(M::DELETE, "/api/v1/projects/{id}/ingest-keys/{key_id}", &[("key_id", RetiringKey)], [204, 204, 403, 403], HIDDEN).audits("project.key_retire"),
        case(M::GET, "/api/v1/members", &[("org", Org)], ALL, HIDDEN).query("?organization_id={org}"),
        case(M::PATCH, "/api/v1/members/{user_id}", &[("org", Org), ("user_id", Member)], ADMINS, HIDDEN)
            .body(|v, _| json_body(json!({"organization_id": v["org"], "role": "viewer"}))).audits("member.role_change"),
        case(M::DELETE, "/api/v1/members/{user_id}", &[("org", Org), ("user_id", Member)], [204, 204, 403, 403], HIDDEN)
            .query("?organization_id={org}").audits("member.remove"),
        case(M::POST, "/api/v1/members/{user_id}/password-reset", &[("org", Org), ("user_id", Member)], [201, 201, 403, 403], HIDDEN)
            .body(|v, _| json_body(json!({"organization_id": v["org"]}))).audits("user.password_reset"),
        case(M::POST, "/api/v1/invitations", &[("org", Org)], [201, 201, 403, 403], HIDDEN)
            .body(|v, _| json_body(json!({"organization_id": v["org"], "email": format!("new{}@own.test", v["unique"]), "role": "member"}))).audits("member.invite"),
        case(M::DELETE, "/api/v1/invitations/{id}", &[("id", Invitation)], [204, 204, 403, 403], HIDDEN).audits("member.invite_revoke"),
        case(M::GET, "/api/v1/audit", &[("org", Org)], ADMINS, HIDDEN).query("?organization_id={org}"),
        case(M::GET, "/api/v1/audit/export", &[("org", Org)], ADMINS, HIDDEN).query("?organization_id={org}&format=csv").audits("audit.export"),
        // Every role changes its own password (and only its own: there is no user in the path).
        case(M::POST, "/api/v1/me/password", &[], [204, 204, 204, 204], None)
            .body(|_, _| json_body(json!({"current_password": TEST_PASSWORD, "new_password": TEST_PASSWORD}))).audits("user.password_change"),
    ]
}

/// Endpoints anyone may call (login, ingest with its project key, health, static files),
/// with why they need no role.
const PUBLIC: &[(&str, &str, &str)] = &[
    (
        "POST",
        "/api/v1/ingest",
        "recorders, authenticated by the project's ingest key",
    ),
    ("GET", "/api/v1/recorder-config", "recorders, by ingest key"),
    (
        "OPTIONS",
        "/api/v1/ingest",
        "the CORS preflight of recorders on other origins",
    ),
    (
        "OPTIONS",
        "/api/v1/recorder-config",
        "the same preflight for the config request",
    ),
    ("POST", "/api/v1/auth/login", "logging in"),
    (
        "POST",
        "/api/v1/auth/logout",
        "logging out ends only the caller's own login",
    ),
    (
        "POST",
        "/api/v1/auth/setup",
        "the first owner, with a one-time setup token",
    ),
    ("GET", "/healthz", "liveness"),
    ("GET", "/readyz", "readiness"),
    (
        "GET",
        "/metrics",
        "Prometheus scrape; optional metrics_token",
    ),
    ("GET", "/sdk/{file}", "the recorder script"),
    ("GET", "/demo", "the demo shop page"),
    (
        "GET",
        "/api/v1/openapi.json",
        "the API's description, no data",
    ),
    ("GET", "/api/docs", "the API's documentation page"),
    ("GET", "/api/docs/{file}", "its scripts and styles"),
    (
        "POST",
        "/api/v1/auth/invitation",
        "previewing an invitation, by its one-time token",
    ),
    (
        "POST",
        "/api/v1/auth/accept-invitation",
        "accepting an invitation, by its one-time token",
    ),
    (
        "POST",
        "/api/v1/auth/reset-password",
        "a password reset, by its one-time token",
    ),
];

/// The app, the other organization, a login per role in the app's organization.
struct World {
    app: TestApp,
    foreign_org: String,
    foreign_project: Project,
    /// The user ids of each organization's owner (author of notes, views and keys).
    own_owner: String,
    foreign_owner: String,
    /// A login of the other organization's owner, to create its targets through the API.
    foreign_owner_cookie: String,
    cookies: Vec<(&'static str, String)>,
    /// A `.tapedeck` file to import.
    export_file: Vec<u8>,
    counter: AtomicU32,
    /// Ids of everything created in the other organization, none of which may appear in answers.
    foreign_ids: std::sync::Mutex<Vec<String>>,
}

impl World {
    async fn new() -> World {
        let app = TestApp::new().await;
        let now = 0;
        let foreign = app
            .meta
            .create_organization("Other org", now)
            .await
            .unwrap();
        let foreign_project = app
            .meta
            .create_project(
                &NewProject {
                    organization_id: foreign.id.clone(),
                    name: "Other project".into(),
                    ingest_key: "tdp_other".into(),
                    allowed_origins: vec![],
                    region: tapedeck_store::DEFAULT_REGION.into(),
                },
                now,
            )
            .await
            .unwrap();
        let mut cookies = Vec::new();
        for role in ROLES {
            let cookie = app.login(&format!("{role}@own.test"), role).await;
            cookies.push((role, cookie));
        }
        let me = app.get("/api/v1/me", &cookies[0].1).await.json();
        let own_owner = me["user"]["id"].as_str().unwrap().to_string();
        let foreign_owner_cookie = app.login_in(&foreign.id, "owner@other.test", "owner").await;
        let foreign_me = app.get("/api/v1/me", &foreign_owner_cookie).await.json();
        let foreign_owner = foreign_me["user"]["id"].as_str().unwrap().to_string();
        let mut world = World {
            app,
            foreign_org: foreign.id.clone(),
            foreign_project: foreign_project.clone(),
            own_owner,
            foreign_owner,
            foreign_owner_cookie,
            cookies,
            export_file: Vec::new(),
            counter: AtomicU32::new(0),
            foreign_ids: std::sync::Mutex::new(vec![foreign.id, foreign_project.id]),
        };
        let session = world.session(false).await.0;
        let export = world
            .app
            .get(
                &format!("/api/v1/sessions/{session}/export"),
                &world.cookies[0].1,
            )
            .await;
        assert_eq!(export.status, StatusCode::OK);
        world.export_file = export.body.to_vec();
        world
    }

    fn unique(&self) -> u32 {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    fn org(&self, foreign: bool) -> String {
        if foreign {
            self.foreign_org.clone()
        } else {
            self.app.org_id.clone()
        }
    }

    /// Records a new session (and its end user) in one organization's project.
    async fn session(&self, foreign: bool) -> (String, String) {
        let n = self.unique();
        let side = if foreign { "foreign" } else { "own" };
        let (session, end_user) = (format!("{side}-s-{n}"), format!("{side}-eu-{n}"));
        let key = if foreign {
            &self.foreign_project.ingest_key
        } else {
            &self.app.project.ingest_key
        };
        let body = json!({
            "session_id": session, "window_id": "w-1", "seq": 0,
            "meta": {"url": "https://shop.test/", "user": {"id": end_user}},
            "events": [
                {"type": 4, "timestamp": 1_700_000_000_000i64, "data": {"href": "https://shop.test/", "width": 1280, "height": 800}},
                {"type": 2, "timestamp": 1_700_000_000_001i64, "data": {"node": {"type": 0, "childNodes": []}, "initialOffset": {"left": 0, "top": 0}}},
            ],
        });
        let gzipped = gzip(body.to_string().as_bytes());
        let response = self
            .app
            .ingest_with_key(key, gzipped, &[("content-encoding", "gzip")])
            .await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "ingest: {:?}",
            response.body
        );
        // The end user's id is not listed as foreign: callers name it themselves (GDPR
        // requests echo it), and it says nothing about the other organization.
        if foreign {
            self.foreign_ids.lock().unwrap().push(session.clone());
        }
        (session, end_user)
    }

    /// Creates what `res` stands for in one organization and notes it in `vars`.
    async fn create(&self, name: &'static str, res: Res, foreign: bool, vars: &mut Vars) {
        let owner = if foreign {
            self.foreign_owner.clone()
        } else {
            self.own_owner.clone()
        };
        let meta = &self.app.meta;
        let value = match res {
            Res::Org => self.org(foreign),
            Res::Project => {
                if foreign {
                    self.foreign_project.id.clone()
                } else {
                    self.app.project.id.clone()
                }
            }
            Res::Session | Res::EndUser => {
                let (session, end_user) = self.session(foreign).await;
                vars.insert("end_user", end_user.clone());
                vars.insert("session", session.clone());
                if res == Res::Session {
                    session
                } else {
                    end_user
                }
            }
            Res::Note => {
                let note = NewNote {
                    id: format!("note-{}", self.unique()),
                    session_id: vars["session"].clone(),
                    author_id: owner,
                    at_ms: 0,
                    text: "owner's note".into(),
                    created_at_ms: 0,
                };
                meta.create_note(&note).await.unwrap().id
            }
            Res::Link => {
                let link = NewLink {
                    id: format!("link-{}", self.unique()),
                    session_id: vars["session"].clone(),
                    kind: "ticket".into(),
                    reference: format!("ZD-{}", self.unique()),
                    url: None,
                    created_by: Some(owner),
                    created_at_ms: 0,
                };
                meta.add_link(&link).await.unwrap().0.id
            }
            Res::View => {
                let view = NewSavedView {
                    id: format!("view-{}", self.unique()),
                    organization_id: self.org(foreign),
                    author_id: owner,
                    name: format!("shared {}", self.unique()),
                    filters: serde_json::Map::new(),
                    shared: true,
                    created_at_ms: 0,
                };
                meta.create_saved_view(&view).await.unwrap().id
            }
            Res::Member => {
                let n = self.unique();
                let user = meta
                    .create_user(&format!("member{n}@test.test"), "not-a-hash", 0)
                    .await
                    .unwrap();
                meta.set_membership(&user.id, &self.org(foreign), "member", 0)
                    .await
                    .unwrap();
                user.id
            }
            Res::Invitation => {
                let body = json!({"organization_id": self.org(foreign), "email": format!("invitee{}@test.test", self.unique()), "role": "viewer"});
                let made = self
                    .as_owner(foreign, Method::POST, "/api/v1/invitations", Some(body))
                    .await;
                made["invitation"]["id"].as_str().unwrap().to_string()
            }
            Res::IngestKey => {
                let project = &vars["id"];
                let keys = self
                    .as_owner(
                        foreign,
                        Method::GET,
                        &format!("/api/v1/projects/{project}/ingest-keys"),
                        None,
                    )
                    .await;
                let primary = keys["ingest_keys"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|k| k["primary"] == true);
                primary.unwrap()["id"].as_str().unwrap().to_string()
            }
            Res::RetiringKey => {
                let body = json!({"organization_id": self.org(foreign), "name": format!("rotating {}", self.unique())});
                let project = self
                    .as_owner(foreign, Method::POST, "/api/v1/projects", Some(body))
                    .await;
                let project = project["id"].as_str().unwrap().to_string();
                let keys = self
                    .as_owner(
                        foreign,
                        Method::GET,
                        &format!("/api/v1/projects/{project}/ingest-keys"),
                        None,
                    )
                    .await;
                let first = keys["ingest_keys"][0]["id"].as_str().unwrap().to_string();
                let rotate = format!("/api/v1/projects/{project}/ingest-keys/rotate");
                self.as_owner(
                    foreign,
                    Method::POST,
                    &rotate,
                    Some(json!({"grace_hours": 24})),
                )
                .await;
                if foreign {
                    self.foreign_ids.lock().unwrap().push(project.clone());
                }
                vars.insert("id", project);
                first
            }
            Res::ApiKey => {
                let n = self.unique();
                let key = NewApiKey {
                    id: format!("key-{n}"),
                    organization_id: self.org(foreign),
                    name: format!("key {n}"),
                    role: "viewer".into(),
                    hash: format!("{n:064x}"),
                    prefix: "tdk_00000000".into(),
                    created_by: owner,
                    created_at_ms: 0,
                };
                meta.create_api_key(&key).await.unwrap().id
            }
        };
        if foreign && res != Res::EndUser {
            self.foreign_ids.lock().unwrap().push(value.clone());
        }
        vars.insert(name, value);
    }

    /// Sends a request as the owner of one organization and returns the JSON answer (2xx).
    async fn as_owner(
        &self,
        foreign: bool,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> Value {
        let cookie = if foreign {
            &self.foreign_owner_cookie
        } else {
            &self.cookies[0].1
        };
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "tapedeck.test")
            .header(header::ORIGIN, "http://tapedeck.test")
            .header(header::COOKIE, cookie.as_str())
            .header(header::CONTENT_TYPE, "application/json");
        let body = body.map_or(Body::empty(), |b| Body::from(b.to_string()));
        let response = self.app.send(request.body(body).unwrap()).await;
        assert!(
            response.status.is_success(),
            "{uri}: {} {:?}",
            response.status,
            response.body
        );
        response.json()
    }

    /// Sends the case's request as one caller (`cookie` `None`: no login).
    async fn send(&self, case: &Case, vars: &Vars, cookie: Option<&str>) -> TestResponse {
        let mut uri = format!("{}{}", case.route, case.query);
        for (name, value) in vars {
            uri = uri.replace(&format!("{{{name}}}"), &urlencoding(value));
        }
        let mut request = Request::builder()
            .method(case.method.clone())
            .uri(&uri)
            .header(header::HOST, "tapedeck.test")
            .header(header::ORIGIN, "http://tapedeck.test");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let body = match (case.body)(vars, self) {
            Payload::None => Body::empty(),
            Payload::Json(value) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(value.to_string())
            }
            Payload::Bytes(bytes, content_type) => {
                request = request.header(header::CONTENT_TYPE, content_type);
                Body::from(bytes)
            }
        };
        self.app.send(request.body(body).unwrap()).await
    }

    /// How many entries both organizations' audit logs hold.
    async fn audit_count(&self) -> usize {
        self.audit_entries().await.len()
    }

    /// The (organization, action) of the entries written after the first `before`.
    async fn audit_since(&self, before: usize) -> Vec<(String, String)> {
        let mut entries = self.audit_entries().await;
        entries.reverse(); // oldest first
        entries
            .into_iter()
            .skip(before)
            .map(|e| (e.organization_id.unwrap_or_default(), e.action))
            .collect()
    }

    async fn audit_entries(&self) -> Vec<tapedeck_store::AuditEntry> {
        let query = tapedeck_store::AuditQuery {
            organization_ids: vec![self.app.org_id.clone(), self.foreign_org.clone()],
            limit: 100_000,
            ..Default::default()
        };
        self.app.meta.audit_entries(&query).await.unwrap()
    }

    /// Fails when an answer shows any id of the other organization.
    fn assert_no_foreign_ids(&self, what: &str, response: &TestResponse) {
        let body = String::from_utf8_lossy(&response.body);
        for id in self.foreign_ids.lock().unwrap().iter() {
            assert!(
                !body.contains(id.as_str()),
                "{what}: the answer shows the other organization's {id:?}: {body}"
            );
        }
    }

    /// Fails when the other organization's targets changed (deleted, tagged, annotated,
    /// revoked).
    async fn assert_foreign_unchanged(&self, what: &str, vars: &Vars) {
        let meta = &self.app.meta;
        if let Some(session) = vars.get("session") {
            let stored = meta.session(session).await.unwrap();
            let stored = stored.unwrap_or_else(|| panic!("{what}: deleted {session}"));
            assert!(stored.summary.tags.is_empty(), "{what}: tagged {session}");
            let notes = meta.notes(session).await.unwrap().len();
            assert_eq!(
                notes,
                usize::from(vars.contains_key("note_id")),
                "{what}: notes"
            );
            let links = meta.list_links(session).await.unwrap().len();
            assert_eq!(
                links,
                usize::from(vars.contains_key("link_id")),
                "{what}: links"
            );
        }
        for value in vars.values() {
            if value.starts_with("view-") {
                assert!(
                    meta.saved_view(value).await.unwrap().is_some(),
                    "{what}: view deleted"
                );
            }
            if value.starts_with("key-") {
                let key = meta.api_key(value).await.unwrap().unwrap();
                assert!(key.revoked_at_ms.is_none(), "{what}: key revoked");
            }
        }
    }
}

fn urlencoding(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn every_endpoint_answers_each_role_in_each_organization_exactly() {
    let world = World::new().await;
    let mut failures = Vec::new();
    for case in table() {
        for foreign in [false, true] {
            let expected: [u16; 4] = match (foreign, case.foreign) {
                (false, _) => case.own,
                (true, Some(statuses)) => statuses,
                (true, None) => continue,
            };
            for (i, (role, cookie)) in world.cookies.iter().enumerate() {
                let mut vars = Vars::new();
                vars.insert("unique", world.unique().to_string());
                for (name, res) in case.needs {
                    world.create(name, *res, foreign, &mut vars).await;
                }
                let before = world.audit_count().await;
                let response = world.send(&case, &vars, Some(cookie)).await;
                let what = format!(
                    "{} {} as {role} of the {} organization",
                    case.method,
                    case.route,
                    if foreign { "other" } else { "same" }
                );
                if response.status.as_u16() != expected[i] {
                    failures.push(format!(
                        "{what}: expected {}, got {} {}",
                        expected[i],
                        response.status,
                        String::from_utf8_lossy(&response.body)
                    ));
                }
                world.assert_no_foreign_ids(&what, &response);
                let written = world.audit_since(before).await;
                let expected_audit: Vec<(String, String)> = match case.audits {
                    Some(action) if response.status.is_success() && !foreign => {
                        vec![(world.app.org_id.clone(), action.to_string())]
                    }
                    _ => Vec::new(),
                };
                let foreign_written: Vec<_> = written
                    .iter()
                    .filter(|(org, _)| *org == world.foreign_org)
                    .collect();
                if foreign {
                    if !foreign_written.is_empty() {
                        failures.push(format!("{what}: wrote {foreign_written:?} into the other organization's audit log"));
                    }
                } else if written != expected_audit {
                    failures.push(format!(
                        "{what}: audit log got {written:?}, expected {expected_audit:?}"
                    ));
                }
                if foreign {
                    world.assert_foreign_unchanged(&what, &vars).await;
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn without_a_login_every_protected_endpoint_answers_401() {
    let world = World::new().await;
    for case in table() {
        let mut vars = Vars::new();
        vars.insert("unique", world.unique().to_string());
        for (name, res) in case.needs {
            world.create(name, *res, false, &mut vars).await;
        }
        let response = world.send(&case, &vars, None).await;
        assert_eq!(
            response.status,
            StatusCode::UNAUTHORIZED,
            "{} {} without a login",
            case.method,
            case.route
        );
        assert_eq!(response.error_code(), "unauthenticated");
    }
}

#[test]
fn the_table_names_every_route() {
    // The OpenAPI document's operations: tests/openapi.rs keeps them equal to routes.rs.
    let routed: BTreeSet<(String, String)> = tapedeck_api::openapi::operations()
        .into_iter()
        .map(|(method, path)| (method.to_string(), path))
        .collect();
    let mut listed: BTreeSet<(String, String)> = table()
        .iter()
        .map(|c| (c.method.to_string(), c.route.to_string()))
        .collect();
    listed.extend(
        PUBLIC
            .iter()
            .map(|(m, p, _)| (m.to_string(), p.to_string())),
    );
    let missing: Vec<_> = routed.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&routed).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "routes without a row in the authorization table: {missing:?}; rows without a route: {stale:?}"
    );
}
