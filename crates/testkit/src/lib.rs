//! Test-only helpers: a `TestApp` over a fresh temp data dir (SQLite file + local blob
//! directory, the real embedded default), requests through the real router, and fixtures.

pub mod postgres;
pub mod s3;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use tapedeck_api::{ApiConfig, AppState, hash_password};
use tapedeck_store::{
    BlobRegions, BlobStore, MasterKey, MetaStore, NewProject, Project, RecordingStore, Vault,
    open_blob_store, open_meta_store,
};
use tower::ServiceExt;

/// A running app over its own temp directory; dropped with the test.
pub struct TestApp {
    pub router: Router,
    pub meta: Arc<dyn MetaStore>,
    /// The raw (sealed) blob store of the default region.
    pub blobs: Arc<dyn BlobStore>,
    /// Sealed, region-routed recording bytes, as the handlers use them.
    pub recordings: RecordingStore,
    pub project: Project,
    pub org_id: String,
    pub dir: tempfile::TempDir,
}

/// What a request answered.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The stable error code of an error answer.
    pub fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// A password every test user gets.
pub const TEST_PASSWORD: &str = "test password 123";

impl TestApp {
    /// A fresh app with one organization and one project accepting every origin.
    pub async fn new() -> Self {
        Self::with_origins(&[]).await
    }

    /// A fresh app whose project accepts only `origins`.
    pub async fn with_origins(origins: &[&str]) -> Self {
        Self::build(origins, None).await
    }

    /// A fresh app whose recordings go to `blobs` (e.g. the S3 test server, see [`s3`]).
    pub async fn with_blob_store(blobs: Arc<dyn BlobStore>) -> Self {
        Self::build(&[], Some(blobs)).await
    }

    async fn build(origins: &[&str], blobs: Option<Arc<dyn BlobStore>>) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = format!("sqlite://{}", dir.path().join("tapedeck.db").display());
        let meta = open_meta_store(&database_url).await.expect("database");
        meta.migrate().await.expect("migrations");
        let blobs = blobs.unwrap_or_else(|| {
            open_blob_store(&format!("file://{}", dir.path().join("blobs").display()))
                .expect("blobs")
        });
        let org = meta.create_organization("Test org", 0).await.expect("org");
        let project = NewProject {
            organization_id: org.id.clone(),
            name: "Test project".into(),
            ingest_key: "tdp_test".into(),
            allowed_origins: origins.iter().map(|o| o.to_string()).collect(),
            region: tapedeck_store::DEFAULT_REGION.into(),
        };
        let project = meta.create_project(&project, 0).await.expect("project");
        let vault = Arc::new(Vault::new(meta.clone(), MasterKey::generate()));
        let recordings = RecordingStore::new(BlobRegions::single(blobs.clone()), vault);
        let state = AppState::new(meta.clone(), recordings.clone(), ApiConfig::default());
        Self {
            router: tapedeck_api::router(state),
            meta,
            blobs,
            recordings,
            project,
            org_id: org.id,
            dir,
        }
    }

    /// Gives the server a second storage region `name` (a directory of its own) beside the
    /// default one, and returns its blob store. Rebuilds the router, so call it before logging in
    /// is fine (logins live in the database).
    pub async fn add_region(&mut self, name: &str) -> Arc<dyn BlobStore> {
        let path = self.dir.path().join(format!("region-{name}"));
        let store = open_blob_store(&format!("file://{}", path.display())).expect("region");
        let regions = BlobRegions::new(self.blobs.clone(), [(name.to_string(), store.clone())])
            .expect("regions");
        let vault = Arc::new(Vault::new(self.meta.clone(), MasterKey::generate()));
        self.recordings = RecordingStore::new(regions, vault);
        let state = AppState::new(
            self.meta.clone(),
            self.recordings.clone(),
            ApiConfig::default(),
        );
        self.router = tapedeck_api::router(state);
        store
    }

    /// Sends a request through the real router.
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router never fails");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("body").to_bytes();
        TestResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    /// Posts an ingest body with the project's key and the given extra headers.
    pub async fn ingest(&self, body: impl Into<Vec<u8>>, headers: &[(&str, &str)]) -> TestResponse {
        self.ingest_with_key(&self.project.ingest_key, body, headers)
            .await
    }

    /// Posts an ingest body with another ingest key (another project, a rotated or unknown key).
    pub async fn ingest_with_key(
        &self,
        key: &str,
        body: impl Into<Vec<u8>>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/ingest")
            .header("x-tapedeck-project", key)
            .header(header::CONTENT_TYPE, "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::from(body.into())).expect("request"))
            .await
    }

    /// Creates a user in this app's organization and returns a logged-in cookie header value.
    pub async fn login(&self, email: &str, role: &str) -> String {
        self.login_in(&self.org_id.clone(), email, role).await
    }

    /// Creates a user with `role` in organization `org_id` and returns a logged-in cookie header value.
    pub async fn login_in(&self, org_id: &str, email: &str, role: &str) -> String {
        let user = self
            .meta
            .create_user(email, &hash_password(TEST_PASSWORD).expect("hash"), 0)
            .await
            .expect("user");
        self.meta
            .set_membership(&user.id, org_id, role, 0)
            .await
            .expect("membership");
        let body = serde_json::json!({ "email": email, "password": TEST_PASSWORD }).to_string();
        let response = self
            .send(json_request(Method::POST, "/api/v1/auth/login", &body))
            .await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "login failed: {:?}",
            response.body
        );
        let cookie = response
            .headers
            .get(header::SET_COOKIE)
            .expect("cookie")
            .to_str()
            .expect("ascii");
        cookie.split(';').next().expect("name=value").to_string()
    }

    /// An organization's audit entries, oldest first.
    pub async fn audit_log(&self, org_id: &str) -> Vec<tapedeck_store::AuditEntry> {
        let query = tapedeck_store::AuditQuery {
            organization_ids: vec![org_id.to_string()],
            limit: 1_000,
            ..Default::default()
        };
        let mut entries = self.meta.audit_entries(&query).await.expect("audit log");
        entries.reverse();
        entries
    }

    /// This app's organization's audit entries, oldest first, without the logins (`auth.*`) a
    /// test makes to act: what the test's own requests wrote.
    pub async fn audit_without_logins(&self) -> Vec<tapedeck_store::AuditEntry> {
        let mut entries = self.audit_log(&self.org_id).await;
        entries.retain(|e| !e.action.starts_with("auth."));
        entries
    }

    /// DELETEs `uri` with the login cookie, as the same-origin web app does.
    pub async fn delete(&self, uri: &str, cookie: &str) -> TestResponse {
        let request = Request::builder()
            .method(Method::DELETE)
            .uri(uri)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request");
        self.send(request).await
    }

    /// GETs `uri` with the login cookie.
    pub async fn get(&self, uri: &str, cookie: &str) -> TestResponse {
        let request = Request::builder()
            .uri(uri)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request");
        self.send(request).await
    }
}

/// A JSON request without credentials.
pub fn json_request(method: Method, uri: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

/// Path of a file under the repository's `fixtures/` directory.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

/// Gzips bytes (as the SDK's CompressionStream does).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

/// A small valid batch: a meta event and a full snapshot placeholder, then `extra` incrementals.
pub fn batch(session_id: &str, seq: u32, first_ts: i64, extra: usize) -> String {
    let mut events = vec![
        serde_json::json!({"type": 4, "timestamp": first_ts, "data": {"href": "https://shop.test/", "width": 1280, "height": 800}}),
        serde_json::json!({"type": 2, "timestamp": first_ts + 1, "data": {"node": {"type": 0, "childNodes": []}, "initialOffset": {"left": 0, "top": 0}}}),
    ];
    for i in 0..extra {
        events.push(serde_json::json!({"type": 3, "timestamp": first_ts + 2 + i as i64, "data": {"source": 1, "positions": []}}));
    }
    serde_json::json!({
        "session_id": session_id, "window_id": "w-1", "seq": seq,
        "meta": {"url": "https://shop.test/", "user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                 "user": {"id": "u-42", "email": "ada@shop.test"}, "viewport": {"width": 1280, "height": 800}},
        "events": events,
    })
    .to_string()
}
