//! Members, invitations, password resets and login failures on SQLite (migration 0011). The
//! writers run inside the caller's `BEGIN IMMEDIATE` transaction, so the owner count a change
//! checks is the one it commits against.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use super::accounts::insert_user;
use crate::StoreError;
use crate::members::*;
use crate::meta::{Organization, Result, User};

pub(super) async fn members(pool: &SqlitePool, organization_id: &str) -> Result<Vec<Member>> {
    let rows = sqlx::query(
        "SELECT u.id, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.organization_id = ? ORDER BY lower(u.email), u.id",
    )
    .bind(organization_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| Member {
            user: User {
                id: r.get("id"),
                email: r.get("email"),
            },
            role: r.get("role"),
            joined_at_ms: r.get("created_at"),
        })
        .collect())
}

/// Moves a member from `expected_role` to `to` (`None`: removes them), unless that leaves the
/// organization without an owner.
pub(super) async fn change_membership(
    conn: &mut SqliteConnection,
    organization_id: &str,
    user_id: &str,
    expected_role: &str,
    to: Option<&str>,
) -> Result<MembershipChange> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM memberships WHERE organization_id = ? AND user_id = ?",
    )
    .bind(organization_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(role) = role else {
        return Ok(MembershipChange::NotMember);
    };
    if role != expected_role {
        return Ok(MembershipChange::RoleChanged);
    }
    if role == "owner" && to != Some("owner") {
        let owners: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships WHERE organization_id = ? AND role = 'owner'",
        )
        .bind(organization_id)
        .fetch_one(&mut *conn)
        .await?;
        if owners <= 1 {
            return Ok(MembershipChange::LastOwner);
        }
    }
    let query = match to {
        Some(to) => {
            sqlx::query("UPDATE memberships SET role = ? WHERE organization_id = ? AND user_id = ?")
                .bind(to)
        }
        None => sqlx::query("DELETE FROM memberships WHERE organization_id = ? AND user_id = ?"),
    };
    query
        .bind(organization_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(MembershipChange::Done)
}

const INVITATION_COLUMNS: &str = "i.id, i.organization_id, i.email, i.role, i.invited_by,
    u.email AS inviter_email, i.created_at, i.expires_at";

fn invitation_from_row(row: &SqliteRow) -> Invitation {
    let inviter: Option<String> = row.get("invited_by");
    let email: Option<String> = row.get("inviter_email");
    Invitation {
        id: row.get("id"),
        organization_id: row.get("organization_id"),
        email: row.get("email"),
        role: row.get("role"),
        invited_by: inviter.zip(email).map(|(id, email)| User { id, email }),
        created_at_ms: row.get("created_at"),
        expires_at_ms: row.get("expires_at"),
    }
}

/// Stores an invitation, revoking the pending ones of the same email and organization; a
/// `Conflict` when a user with that email is a member already.
pub(super) async fn create_invitation(
    conn: &mut SqliteConnection,
    new: &NewInvitation,
) -> Result<Invitation> {
    let member: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.organization_id = ? AND lower(u.email) = lower(?)",
    )
    .bind(&new.organization_id)
    .bind(&new.email)
    .fetch_optional(&mut *conn)
    .await?;
    if member.is_some() {
        return Err(StoreError::Conflict(format!(
            "{} is a member of the organization already",
            new.email
        )));
    }
    sqlx::query(
        "UPDATE invitations SET revoked_at = ?
         WHERE organization_id = ? AND email = ? AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(new.created_at_ms)
    .bind(&new.organization_id)
    .bind(&new.email)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO invitations (id, token_hash, organization_id, email, role, invited_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&new.id)
    .bind(&new.token_hash)
    .bind(&new.organization_id)
    .bind(&new.email)
    .bind(&new.role)
    .bind(&new.invited_by)
    .bind(new.created_at_ms)
    .bind(new.expires_at_ms)
    .execute(&mut *conn)
    .await?;
    let sql = format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations i LEFT JOIN users u ON u.id = i.invited_by
         WHERE i.id = ?"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&new.id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(invitation_from_row(&row))
}

/// The pending, unexpired invitations of an organization (`id` given: that one only), newest
/// first.
pub(super) async fn pending_invitations(
    pool: &SqlitePool,
    organization_id: Option<&str>,
    id: Option<&str>,
    now_ms: i64,
) -> Result<Vec<Invitation>> {
    let sql = format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations i LEFT JOIN users u ON u.id = i.invited_by
         WHERE (? IS NULL OR i.organization_id = ?) AND (? IS NULL OR i.id = ?)
           AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ?
         ORDER BY i.created_at DESC, i.id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(organization_id)
        .bind(organization_id)
        .bind(id)
        .bind(id)
        .bind(now_ms)
        .fetch_all(pool)
        .await?;
    Ok(rows.iter().map(invitation_from_row).collect())
}

pub(super) async fn revoke_invitation(pool: &SqlitePool, id: &str, now_ms: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE invitations SET revoked_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now_ms)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn invitation_by_token(
    pool: &SqlitePool,
    token_hash: &str,
    now_ms: i64,
) -> Result<Option<InvitationDetails>> {
    let sql = format!(
        "SELECT {INVITATION_COLUMNS}, o.name AS organization_name,
                EXISTS (SELECT 1 FROM users x WHERE lower(x.email) = lower(i.email)) AS account_exists
         FROM invitations i JOIN organizations o ON o.id = i.organization_id
         LEFT JOIN users u ON u.id = i.invited_by
         WHERE i.token_hash = ? AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ?"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(token_hash)
        .bind(now_ms)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| {
        let invitation = invitation_from_row(&r);
        InvitationDetails {
            organization: Organization {
                id: invitation.organization_id.clone(),
                name: r.get("organization_name"),
            },
            account_exists: r.get("account_exists"),
            invitation,
        }
    }))
}

/// Uses a valid invitation: marks it used, creates the account or checks the existing one has
/// the invitation's email, and adds the membership. `None` (for the caller to roll back) when the
/// token is not valid or the existing account is not the invited one.
pub(super) async fn redeem_invitation(
    conn: &mut SqliteConnection,
    token_hash: &str,
    invitee: &Invitee,
    now_ms: i64,
) -> Result<Option<AcceptedInvitation>> {
    let row = sqlx::query(
        "UPDATE invitations SET used_at = ?
         WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?
         RETURNING organization_id, email, role",
    )
    .bind(now_ms)
    .bind(token_hash)
    .bind(now_ms)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (organization_id, email, role): (String, String, String) = (
        row.get("organization_id"),
        row.get("email"),
        row.get("role"),
    );
    let user = match invitee {
        Invitee::NewAccount { password_hash } => {
            insert_user(conn, &email, password_hash, now_ms).await?
        }
        Invitee::Existing { user_id } => {
            let row =
                sqlx::query("SELECT id, email FROM users WHERE id = ? AND lower(email) = lower(?)")
                    .bind(user_id)
                    .bind(&email)
                    .fetch_optional(&mut *conn)
                    .await?;
            let Some(row) = row else { return Ok(None) };
            User {
                id: row.get("id"),
                email: row.get("email"),
            }
        }
    };
    // A member already (joined another way meanwhile) keeps their role: accepting a viewer
    // invitation must not demote an owner.
    sqlx::query(
        "INSERT INTO memberships (user_id, organization_id, role, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, organization_id) DO NOTHING",
    )
    .bind(&user.id)
    .bind(&organization_id)
    .bind(&role)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(Some(AcceptedInvitation {
        user,
        organization_id,
        role,
    }))
}

/// Stores a reset link for the user, replacing their earlier unused ones.
pub(super) async fn create_password_reset(
    conn: &mut SqliteConnection,
    token_hash: &str,
    user_id: &str,
    created_by: &str,
    now_ms: i64,
    expires_at_ms: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, created_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(created_by)
    .bind(now_ms)
    .bind(expires_at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Uses a valid reset link: sets the password and ends every login of its user.
pub(super) async fn redeem_password_reset(
    conn: &mut SqliteConnection,
    token_hash: &str,
    password_hash: &str,
    now_ms: i64,
) -> Result<Option<User>> {
    let user_id: Option<String> = sqlx::query_scalar(
        "UPDATE password_resets SET used_at = ?
         WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id",
    )
    .bind(now_ms)
    .bind(token_hash)
    .bind(now_ms)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    set_password(conn, &user_id, password_hash, None).await
}

/// Sets a user's password, ends their logins but `keep_login_hash`, and drops their unused
/// reset links. `None` when there is no such user.
pub(super) async fn set_password(
    conn: &mut SqliteConnection,
    user_id: &str,
    password_hash: &str,
    keep_login_hash: Option<&str>,
) -> Result<Option<User>> {
    let row = sqlx::query("UPDATE users SET password_hash = ? WHERE id = ? RETURNING id, email")
        .bind(password_hash)
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    sqlx::query("DELETE FROM logins WHERE user_id = ? AND token_hash <> ?")
        .bind(user_id)
        .bind(keep_login_hash.unwrap_or_default())
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(Some(User {
        id: row.get("id"),
        email: row.get("email"),
    }))
}

/// Records one failure under each key and prunes every failure older than `prune_before_ms`.
pub(super) async fn record_login_failure(
    conn: &mut SqliteConnection,
    keys: &[String],
    at_ms: i64,
    prune_before_ms: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE at < ?")
        .bind(prune_before_ms)
        .execute(&mut *conn)
        .await?;
    for key in keys {
        sqlx::query("INSERT INTO login_failures (key, at) VALUES (?, ?)")
            .bind(key)
            .bind(at_ms)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub(super) async fn recent_login_failures(
    pool: &SqlitePool,
    key: &str,
    since_ms: i64,
    limit: u32,
) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?",
    )
    .bind(key)
    .bind(since_ms)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

pub(super) async fn clear_login_failures(pool: &SqlitePool, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE key = ?")
        .bind(key)
        .execute(pool)
        .await?;
    Ok(())
}
