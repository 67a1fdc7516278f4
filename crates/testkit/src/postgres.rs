//! A fresh PostgreSQL database for each test, on the server `TAPEDECK_TEST_POSTGRES_URL` names
//! (`scripts/with-postgres.sh` starts a throwaway one and sets it). A database per test lets
//! tests run in parallel without seeing each other's rows.
//!
//! Without the variable the PostgreSQL cases skip with a message, so a quick local `cargo test`
//! works; with `CI` or `TAPEDECK_REQUIRE_POSTGRES` set they fail instead, so CI never passes by
//! skipping. This file depends on sqlx, url and uuid only: `tapedeck-store`'s conformance suite
//! includes it by path rather than depending on this crate (which depends on the API).

use sqlx::Connection;

/// The admin URL of the test server (its database is only used to create others).
pub const POSTGRES_URL_VAR: &str = "TAPEDECK_TEST_POSTGRES_URL";
const REQUIRE_VARS: [&str; 2] = ["CI", "TAPEDECK_REQUIRE_POSTGRES"];

/// Creates an empty database and returns its URL, or `None` (after saying so on stderr) when
/// no test server is configured and none is required.
///
/// # Panics
/// When a server is required but not configured, or it cannot create the database.
pub async fn fresh_database_url() -> Option<String> {
    let Some(admin_url) = std::env::var(POSTGRES_URL_VAR)
        .ok()
        .filter(|url| !url.is_empty())
    else {
        if let Some(var) = REQUIRE_VARS.into_iter().find(|var| is_set(var)) {
            panic!(
                "{POSTGRES_URL_VAR} is unset but {var} requires the PostgreSQL tests: \
                 run them under `bash scripts/with-postgres.sh …`"
            );
        }
        eprintln!(
            "skipped: {POSTGRES_URL_VAR} unset (run under `bash scripts/with-postgres.sh …` for the PostgreSQL cases)"
        );
        return None;
    };
    let name = format!("td_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_URL_VAR}: {e}"));
    // template0: nobody is ever connected to it, so parallel creations never collide.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE {name} TEMPLATE template0"
    )))
    .execute(&mut admin)
    .await
    .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
    let _ = admin.close().await;
    let mut url = url::Url::parse(&admin_url)
        .unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR} is not a URL: {e}"));
    url.set_path(&format!("/{name}"));
    Some(url.to_string())
}

fn is_set(var: &str) -> bool {
    std::env::var(var).is_ok_and(|value| !matches!(value.as_str(), "" | "0" | "false"))
}
