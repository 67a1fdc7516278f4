//! Data keys (encryption at rest) and the append-only audit log on PostgreSQL.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder, Row};

use super::text::{json_column, pg_json};
use crate::meta::*;

fn data_key_from_row(row: &PgRow) -> WrappedDataKey {
    WrappedDataKey {
        id: row.get("id"),
        organization_id: row.get("organization_id"),
        wrapped_key: row.get("wrapped_key"),
        master_key_id: row.get("master_key_id"),
    }
}

const DATA_KEY_COLUMNS: &str =
    "SELECT id, organization_id, wrapped_key, master_key_id FROM data_keys";

pub(super) async fn data_key(pool: &PgPool, org: &str) -> Result<Option<WrappedDataKey>> {
    let sql = format!("{DATA_KEY_COLUMNS} WHERE organization_id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(org)
        .fetch_optional(pool)
        .await?;
    Ok(row.as_ref().map(data_key_from_row))
}

pub(super) async fn insert_data_key_if_absent(
    pool: &PgPool,
    key: &WrappedDataKey,
    now_ms: i64,
) -> Result<WrappedDataKey> {
    // A concurrent insert for the same organization makes this one wait, then do nothing; the
    // read below (a new statement, a new snapshot) sees the winner's key.
    sqlx::query(
        "INSERT INTO data_keys (id, organization_id, wrapped_key, master_key_id, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organization_id) DO NOTHING",
    )
    .bind(&key.id)
    .bind(&key.organization_id)
    .bind(&key.wrapped_key)
    .bind(&key.master_key_id)
    .bind(now_ms)
    .execute(pool)
    .await?;
    data_key(pool, &key.organization_id)
        .await?
        .ok_or(crate::StoreError::NotFound)
}

pub(super) async fn all_data_keys(pool: &PgPool) -> Result<Vec<WrappedDataKey>> {
    let sql = format!("{DATA_KEY_COLUMNS} ORDER BY created_at, id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(pool)
        .await?;
    Ok(rows.iter().map(data_key_from_row).collect())
}

pub(super) async fn replace_wrapped_keys(
    tx: &mut PgConnection,
    keys: &[WrappedDataKey],
) -> Result<()> {
    for key in keys {
        sqlx::query("UPDATE data_keys SET wrapped_key = $1, master_key_id = $2 WHERE id = $3")
            .bind(&key.wrapped_key)
            .bind(&key.master_key_id)
            .bind(&key.id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

pub(super) async fn append_audit(pool: &PgPool, entry: &AuditEntry) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (id, organization_id, at, actor, action, target, ip, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&entry.id)
    .bind(&entry.organization_id)
    .bind(entry.at_ms)
    .bind(&entry.actor)
    .bind(&entry.action)
    .bind(&entry.target)
    .bind(&entry.ip)
    .bind(pg_json(&entry.details)?)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn audit_entries(pool: &PgPool, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
    if query.organization_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(
        "SELECT id, organization_id, at, actor, action, target, ip, details FROM audit_log
         WHERE organization_id = ANY(",
    );
    sql.push_bind(&query.organization_ids).push(")");
    for (column, value) in [
        ("action", &query.action),
        ("actor", &query.actor),
        ("target", &query.target),
    ] {
        if let Some(value) = value {
            sql.push(format_args!(" AND {column} = ")).push_bind(value);
        }
    }
    if let Some(prefix) = &query.action_prefix {
        sql.push(" AND action >= ").push_bind(prefix);
        if let Some(upper) = prefix_upper_bound(prefix) {
            sql.push(" AND action < ").push_bind(upper);
        }
    }
    if let Some(from) = query.from_ms {
        sql.push(" AND at >= ").push_bind(from);
    }
    if let Some(to) = query.to_ms {
        sql.push(" AND at < ").push_bind(to);
    }
    if let Some(before) = &query.before_id {
        sql.push(" AND id < ").push_bind(before);
    }
    sql.push(" ORDER BY id DESC LIMIT ")
        .push_bind(i64::from(query.limit));
    let rows = sql.build().fetch_all(pool).await?;
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.get("id"),
                organization_id: r.get("organization_id"),
                at_ms: r.get("at"),
                actor: r.get("actor"),
                action: r.get("action"),
                target: r.get("target"),
                ip: r.get("ip"),
                details: json_column(r, "details")?,
            })
        })
        .collect()
}

pub(super) async fn users_by_ids(pool: &PgPool, ids: &[String]) -> Result<Vec<User>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query("SELECT id, email FROM users WHERE id = ANY($1)")
        .bind(ids)
        .fetch_all(pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| User {
            id: r.get("id"),
            email: r.get("email"),
        })
        .collect())
}
