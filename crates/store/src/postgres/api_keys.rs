//! API keys on PostgreSQL (`api_keys`, migration 0010).

use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};

use crate::api_keys::{ApiKey, NewApiKey};
use crate::meta::{Result, User};

const KEY_COLUMNS: &str = "k.id, k.organization_id, k.name, k.role, k.prefix, k.created_by,
    u.email, k.created_at, k.last_used_at, k.revoked_at";

fn key_from_row(row: &PgRow) -> ApiKey {
    let creator: Option<String> = row.get("created_by");
    let email: Option<String> = row.get("email");
    ApiKey {
        id: row.get("id"),
        organization_id: row.get("organization_id"),
        name: row.get("name"),
        role: row.get("role"),
        prefix: row.get("prefix"),
        created_by: creator.zip(email).map(|(id, email)| User { id, email }),
        created_at_ms: row.get("created_at"),
        last_used_at_ms: row.get("last_used_at"),
        revoked_at_ms: row.get("revoked_at"),
    }
}

pub(super) async fn create_api_key(pool: &PgPool, key: &NewApiKey) -> Result<ApiKey> {
    sqlx::query(
        "INSERT INTO api_keys (id, organization_id, name, role, hash, prefix, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&key.id)
    .bind(&key.organization_id)
    .bind(&key.name)
    .bind(&key.role)
    .bind(&key.hash)
    .bind(&key.prefix)
    .bind(&key.created_by)
    .bind(key.created_at_ms)
    .execute(pool)
    .await?;
    api_key_where(pool, "k.id", &key.id)
        .await?
        .ok_or(crate::StoreError::NotFound)
}

pub(super) async fn api_keys(pool: &PgPool, organization_ids: &[String]) -> Result<Vec<ApiKey>> {
    let sql = format!(
        "SELECT {KEY_COLUMNS} FROM api_keys k LEFT JOIN users u ON u.id = k.created_by
         WHERE k.organization_id = ANY($1) ORDER BY k.created_at DESC, k.id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(organization_ids)
        .fetch_all(pool)
        .await?;
    Ok(rows.iter().map(key_from_row).collect())
}

/// The key whose `column` (a fixed name from this module, never input) equals `value`.
pub(super) async fn api_key_where(
    pool: &PgPool,
    column: &'static str,
    value: &str,
) -> Result<Option<ApiKey>> {
    let sql = format!(
        "SELECT {KEY_COLUMNS} FROM api_keys k LEFT JOIN users u ON u.id = k.created_by
         WHERE {column} = $1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_optional(pool)
        .await?;
    Ok(row.as_ref().map(key_from_row))
}

pub(super) async fn revoke_api_key(pool: &PgPool, id: &str, now_ms: i64) -> Result<bool> {
    let done =
        sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_ms)
            .bind(id)
            .execute(pool)
            .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn record_api_key_use(
    pool: &PgPool,
    id: &str,
    now_ms: i64,
    resolution_ms: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE api_keys SET last_used_at = $1
         WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)",
    )
    .bind(now_ms)
    .bind(id)
    .bind(now_ms - resolution_ms)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}
