//! The records of members, invitations and password resets (migration 0011; rules in
//! `core::accounts` and `core::policy`). Tokens are kept as their SHA-256. Times are epoch
//! milliseconds.

use crate::meta::{Organization, User};

/// A member of an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user: User,
    pub role: String,
    pub joined_at_ms: i64,
}

/// What a role change or removal did. The store refuses, in the same transaction as the
/// change, to leave an organization without an owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipChange {
    Done,
    /// The user is not a member of the organization.
    NotMember,
    /// The member's role is no longer the one the caller checked its permission against.
    RoleChanged,
    /// The member is the organization's last owner; nothing changed.
    LastOwner,
}

/// A pending, used or revoked invitation (never its token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: String,
    pub organization_id: String,
    /// Lowercased.
    pub email: String,
    pub role: String,
    /// Who sent it; `None` once that account is gone.
    pub invited_by: Option<User>,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

/// What `create_invitation` stores; id and token hash are chosen by the caller.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub id: String,
    pub organization_id: String,
    /// Normalized (`core::accounts::normalize_email`).
    pub email: String,
    pub role: String,
    pub token_hash: String,
    pub invited_by: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

/// A valid invitation found by its token, with what the accept page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationDetails {
    pub invitation: Invitation,
    pub organization: Organization,
    /// True when a user with the invitation's email exists (accepting asks for their password).
    pub account_exists: bool,
}

/// Who accepts an invitation.
#[derive(Debug, Clone)]
pub enum Invitee {
    /// A new account with the invitation's email and this password hash.
    NewAccount { password_hash: String },
    /// The existing account with the invitation's email (its password checked by the caller).
    Existing { user_id: String },
}

/// An accepted invitation: who joined which organization with which role. A user who was a
/// member already keeps their role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedInvitation {
    pub user: User,
    pub organization_id: String,
    pub role: String,
}
