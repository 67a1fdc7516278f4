//! Members, invitations and passwords (the account endpoints of issue 8).

use axum::http::Method;

use crate::error::ApiError;
use crate::openapi::errors::*;
use crate::openapi::operation::{Auth, Op};
use crate::openapi::schema_dsl::*;

const MEMBERS: &str = "members";
const AUTH: &str = "auth";
const LOGIN_ANSWER: &str =
    "Logged in: `Set-Cookie: tapedeck_session=…` (HttpOnly, SameSite=Lax), answered like login.";

fn token_body(with_password: bool) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    let mut fields = vec![("token", string())];
    if with_password {
        fields.push((
            "password",
            describe(string(), "At least 8 characters (as setup)."),
        ));
    }
    object(fields)
}

pub fn operations() -> Vec<Op> {
    let mut ops = members();
    ops.extend(invitations());
    ops.extend(passwords());
    ops
}

fn members() -> Vec<Op> {
    let member = "/api/v1/members/{user_id}";
    vec![
        Op::new(
            Method::GET,
            "/api/v1/members",
            "listMembers",
            "Lists an organization's members and pending invitations",
        )
        .tag(MEMBERS)
        .query_required("organization_id", string(), "The organization.")
        .ok(
            200,
            "Members, and unexpired pending invitations (never their token).",
            object(vec![
                ("members", array(r("Member"))),
                ("invitations", array(r("Invitation"))),
            ]),
        )
        .errors([invalid_query(), ApiError::Forbidden, ApiError::NotFound]),
        Op::new(
            Method::PATCH,
            member,
            "changeMemberRole",
            "Changes a member's role",
        )
        .tag(MEMBERS)
        .describe("Needs to manage members, and a role allowed to make this change. Audited as `member.role_change`.")
        .path_param("user_id", "The member's user id.")
        .json_body(object(vec![
            ("organization_id", string()),
            ("role", r("Role")),
        ]))
        .ok(200, "The member.", r("Member"))
        .errors([
            invalid_json(),
            invalid_request(),
            ApiError::Forbidden,
            ApiError::NotFound,
            conflict(),
            ApiError::LastOwner,
        ]),
        Op::new(
            Method::DELETE,
            member,
            "removeMember",
            "Removes a member (or leaves)",
        )
        .tag(MEMBERS)
        .describe("Leaving yourself is allowed. Audited as `member.remove`.")
        .path_param("user_id", "The member's user id.")
        .query_required("organization_id", string(), "The organization.")
        .empty(204, "Removed.")
        .errors([
            invalid_query(),
            ApiError::Forbidden,
            ApiError::NotFound,
            conflict(),
            ApiError::LastOwner,
        ]),
        Op::new(
            Method::POST,
            "/api/v1/members/{user_id}/password-reset",
            "createPasswordReset",
            "Makes a one-time password reset link for a member",
        )
        .tag(MEMBERS)
        .describe(
            "Valid 24 hours; replaces earlier ones. Refused (403) when the member belongs to an \
             organization where the caller could not manage them. Audited as \
             `user.password_reset`.",
        )
        .path_param("user_id", "The member's user id.")
        .json_body(object(vec![("organization_id", string())]))
        .ok(
            201,
            "The link, shown once.",
            object(vec![("url", string()), ("expires_at", time())]),
        )
        .errors([
            invalid_json(),
            invalid_request(),
            ApiError::Forbidden,
            ApiError::NotFound,
        ]),
    ]
}

fn invitations() -> Vec<Op> {
    vec![
        Op::new(
            Method::POST,
            "/api/v1/invitations",
            "createInvitation",
            "Invites someone to an organization",
        )
        .tag(MEMBERS)
        .describe(
            "The link's token is in this answer only (stored as SHA-256), valid 7 days; a \
             pending invitation for the same email replaces the earlier one. Audited as \
             `member.invite`.",
        )
        .json_body(object(vec![
            ("organization_id", string()),
            ("email", string_len(3, 254)),
            ("role", r("Role")),
        ]))
        .ok(
            201,
            "The invitation and its link (`<public_url>/invite#<token>`), shown once.",
            object(vec![("invitation", r("Invitation")), ("url", string())]),
        )
        .errors([
            invalid_json(),
            invalid_request(),
            ApiError::Forbidden,
            ApiError::NotFound,
            conflict(),
        ]),
        Op::new(
            Method::DELETE,
            "/api/v1/invitations/{id}",
            "revokeInvitation",
            "Revokes a pending invitation",
        )
        .tag(MEMBERS)
        .describe("Audited as `member.invite_revoke`.")
        .path_param("id", "The invitation's id.")
        .empty(204, "Revoked.")
        .errors([ApiError::Forbidden, ApiError::NotFound]),
        Op::new(
            Method::POST,
            "/api/v1/auth/invitation",
            "showInvitation",
            "Describes the invitation behind a token",
        )
        .tag(AUTH)
        .auth(Auth::Public)
        .json_body(token_body(false))
        .ok(
            200,
            "What accepting would do.",
            object(vec![
                (
                    "organization",
                    object(vec![("id", string()), ("name", string())]),
                ),
                ("email", string()),
                ("role", r("Role")),
                ("expires_at", time()),
                ("account_exists", boolean()),
            ]),
        )
        .errors([
            invalid_json(),
            invalid_request(),
            ApiError::CsrfRejected,
            ApiError::InvalidInvitation,
        ]),
        Op::new(
            Method::POST,
            "/api/v1/auth/accept-invitation",
            "acceptInvitation",
            "Accepts an invitation and logs in",
        )
        .tag(AUTH)
        .auth(Auth::Public)
        .describe(
            "Creates the account with the invitation's email, or checks the existing account's \
             password (throttled like login). Audited as `member.join`.",
        )
        .json_body(token_body(true))
        .ok(200, LOGIN_ANSWER, r("LoginAnswer"))
        .errors([
            invalid_json(),
            invalid_request(),
            invalid_password(),
            ApiError::InvalidCredentials,
            ApiError::CsrfRejected,
            ApiError::InvalidInvitation,
            too_many_attempts(),
        ]),
    ]
}

fn passwords() -> Vec<Op> {
    vec![
        Op::new(
            Method::POST,
            "/api/v1/me/password",
            "changePassword",
            "Changes the caller's password",
        )
        .tag(AUTH)
        .auth(Auth::LoginOnly)
        .describe(
            "Ends the caller's other logins. A wrong current password counts toward login \
             throttling. Audited as `user.password_change`.",
        )
        .json_body(object(vec![
            ("current_password", string()),
            ("new_password", describe(string(), "At least 8 characters.")),
        ]))
        .empty(204, "Changed.")
        .errors([
            invalid_json(),
            invalid_request(),
            invalid_password(),
            ApiError::InvalidCredentials,
            ApiError::Forbidden,
            too_many_attempts(),
        ]),
        Op::new(
            Method::POST,
            "/api/v1/auth/reset-password",
            "resetPassword",
            "Sets a new password from a reset link and logs in",
        )
        .tag(AUTH)
        .auth(Auth::Public)
        .describe("Ends every login of the user.")
        .json_body(token_body(true))
        .ok(200, LOGIN_ANSWER, r("LoginAnswer"))
        .errors([
            invalid_json(),
            invalid_request(),
            invalid_password(),
            ApiError::CsrfRejected,
            ApiError::InvalidResetToken,
        ]),
    ]
}
