//! Organizations, projects, users, memberships, setup tokens, logins and settings on SQLite.

use sqlx::{Row, SqliteConnection, SqlitePool};
use tapedeck_core::ids::new_id;

use crate::StoreError;
use crate::meta::*;

pub(super) async fn count(pool: &SqlitePool, table: &'static str) -> Result<i64> {
    // `table` is one of our own constants, never user input.
    let sql = format!("SELECT COUNT(*) FROM {table}");
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(pool)
        .await?)
}

pub(super) async fn create_organization(
    pool: &SqlitePool,
    name: &str,
    now_ms: i64,
) -> Result<Organization> {
    let org = Organization {
        id: new_id(),
        name: name.to_string(),
    };
    sqlx::query("INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)")
        .bind(&org.id)
        .bind(&org.name)
        .bind(now_ms)
        .execute(pool)
        .await?;
    Ok(org)
}

pub(super) async fn organization_by_name(
    pool: &SqlitePool,
    name: &str,
) -> Result<Option<Organization>> {
    let row = sqlx::query("SELECT id, name FROM organizations WHERE name = ?")
        .bind(name)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| Organization {
        id: r.get("id"),
        name: r.get("name"),
    }))
}

pub(super) async fn project_where(
    pool: &SqlitePool,
    column: &'static str,
    value: &str,
) -> Result<Option<Project>> {
    let sql = format!(
        "SELECT id, organization_id, name, ingest_key, allowed_origins, region FROM projects WHERE {column} = ?"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_optional(pool)
        .await?;
    row.map(|r| {
        Ok(Project {
            id: r.get("id"),
            organization_id: r.get("organization_id"),
            name: r.get("name"),
            ingest_key: r.get("ingest_key"),
            allowed_origins: serde_json::from_str(r.get("allowed_origins"))?,
            region: r.get("region"),
        })
    })
    .transpose()
}

pub(super) async fn get_setting(pool: &SqlitePool, key: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT value FROM instance_settings WHERE key = ?")
            .bind(key)
            .fetch_optional(pool)
            .await?,
    )
}

pub(super) async fn set_setting(pool: &SqlitePool, key: &str, value: &str) -> Result<()> {
    sqlx::query("INSERT INTO instance_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) async fn insert_user(
    conn: &mut SqliteConnection,
    email: &str,
    password_hash: &str,
    now_ms: i64,
) -> Result<User> {
    let user = User {
        id: new_id(),
        email: email.to_string(),
    };
    sqlx::query("INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)")
        .bind(&user.id)
        .bind(&user.email)
        .bind(password_hash)
        .bind(now_ms)
        .execute(conn)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => {
                StoreError::Conflict(format!("a user with email {email} exists"))
            }
            other => other,
        })?;
    Ok(user)
}

pub(super) async fn user_credentials(
    pool: &SqlitePool,
    email: &str,
) -> Result<Option<UserCredentials>> {
    let row = sqlx::query("SELECT id, email, password_hash FROM users WHERE email = ?")
        .bind(email)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| UserCredentials {
        user: User {
            id: r.get("id"),
            email: r.get("email"),
        },
        password_hash: r.get("password_hash"),
    }))
}

pub(super) async fn set_membership(
    pool: &SqlitePool,
    user_id: &str,
    org_id: &str,
    role: &str,
    now_ms: i64,
) -> Result<()> {
    upsert_membership(&mut *pool.acquire().await?, user_id, org_id, role, now_ms).await
}

async fn upsert_membership(
    conn: &mut SqliteConnection,
    user_id: &str,
    org_id: &str,
    role: &str,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO memberships (user_id, organization_id, role, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, organization_id) DO UPDATE SET role = excluded.role",
    )
    .bind(user_id)
    .bind(org_id)
    .bind(role)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn memberships(pool: &SqlitePool, user_id: &str) -> Result<Vec<Membership>> {
    let rows = sqlx::query(
        "SELECT o.id, o.name, m.role FROM memberships m JOIN organizations o ON o.id = m.organization_id
         WHERE m.user_id = ? ORDER BY o.name",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Membership {
            organization: Organization {
                id: r.get("id"),
                name: r.get("name"),
            },
            role: r.get("role"),
        })
        .collect())
}

pub(super) async fn create_setup_token(
    pool: &SqlitePool,
    hash: &str,
    org_id: &str,
    role: &str,
    expires_at_ms: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO setup_tokens (token_hash, organization_id, role, expires_at) VALUES (?, ?, ?, ?)")
        .bind(hash)
        .bind(org_id)
        .bind(role)
        .bind(expires_at_ms)
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) async fn redeem_setup_token(
    conn: &mut SqliteConnection,
    hash: &str,
    email: &str,
    password_hash: &str,
    now_ms: i64,
) -> Result<Option<User>> {
    let row = sqlx::query(
        "UPDATE setup_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
         RETURNING organization_id, role",
    )
    .bind(now_ms)
    .bind(hash)
    .bind(now_ms)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (org_id, role): (String, String) = (row.get("organization_id"), row.get("role"));
    let user = insert_user(conn, email, password_hash, now_ms).await?;
    upsert_membership(conn, &user.id, &org_id, &role, now_ms).await?;
    Ok(Some(user))
}

pub(super) async fn create_login(
    pool: &SqlitePool,
    hash: &str,
    user_id: &str,
    now_ms: i64,
    expires_at_ms: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO logins (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    )
    .bind(hash)
    .bind(user_id)
    .bind(now_ms)
    .bind(expires_at_ms)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn user_by_login(
    pool: &SqlitePool,
    hash: &str,
    now_ms: i64,
) -> Result<Option<User>> {
    let row = sqlx::query(
        "SELECT u.id, u.email FROM logins l JOIN users u ON u.id = l.user_id WHERE l.token_hash = ? AND l.expires_at > ?",
    )
    .bind(hash)
    .bind(now_ms)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| User {
        id: r.get("id"),
        email: r.get("email"),
    }))
}

pub(super) async fn delete_login(pool: &SqlitePool, hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM logins WHERE token_hash = ?")
        .bind(hash)
        .execute(pool)
        .await?;
    Ok(())
}
