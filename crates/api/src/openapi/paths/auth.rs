//! Login, setup, `me` and API keys (docs/API.md "Auth", "API keys").

use axum::http::Method;

use crate::error::ApiError;
use crate::openapi::errors::*;
use crate::openapi::operation::{Auth, Op};
use crate::openapi::schema_dsl::*;

const AUTH: &str = "auth";
const KEYS: &str = "api-keys";
const SET_COOKIE: &str = "Logged in: `Set-Cookie: tapedeck_session=…` (HttpOnly, SameSite=Lax).";

pub fn operations() -> Vec<Op> {
    vec![
        Op::new(Method::POST, "/api/v1/auth/login", "login", "Logs in with email and password")
            .tag(AUTH)
            .auth(Auth::Public)
            .json_body(object(vec![("email", string()), ("password", string())]))
            .describe(
                "At most 5 failed logins per email and 30 per client address in 15 minutes, \
                 checked before the password (a right password is refused too while throttled).",
            )
            .ok(200, SET_COOKIE, r("LoginAnswer"))
            .errors([
                invalid_json(),
                invalid_request(),
                ApiError::InvalidCredentials,
                ApiError::CsrfRejected,
                too_many_attempts(),
            ]),
        Op::new(Method::POST, "/api/v1/auth/logout", "logout", "Ends this login")
            .tag(AUTH)
            .auth(Auth::Public)
            .describe("Clears the cookie; without a login it does nothing and still answers 204.")
            .empty(204, "Logged out.")
            .errors([ApiError::CsrfRejected]),
        Op::new(Method::POST, "/api/v1/auth/setup", "setup", "Creates the first owner")
            .tag(AUTH)
            .auth(Auth::Public)
            .describe("Redeems the one-time setup link (`/setup?token=…`) and logs in.")
            .json_body(object(vec![
                ("token", string()),
                ("email", string_len(3, 254)),
                ("password", describe(string(), "At least 8 characters.")),
            ]))
            .ok(200, SET_COOKIE, r("LoginAnswer"))
            .errors([
                invalid_json(),
                invalid_request(),
                ApiError::InvalidSetupToken,
                invalid_password(),
                conflict(),
                ApiError::CsrfRejected,
            ]),
        Op::new(Method::GET, "/api/v1/me", "getMe", "Returns the caller and their organizations")
            .tag(AUTH)
            .describe("With an API key: its creator, its one organization with the role it acts with, and `api_key_id`.")
            .ok(200, "The caller.", r("Me")),
        Op::new(Method::GET, "/api/v1/api-keys", "listApiKeys", "Lists the API keys the caller manages")
            .tag(KEYS)
            .auth(Auth::LoginOnly)
            .describe("The keys (revoked ones too) of every organization where the caller is `owner` or `admin`, newest first.")
            .ok(200, "The keys.", object(vec![("api_keys", array(r("ApiKey")))]))
            .errors([ApiError::Forbidden]),
        Op::new(Method::POST, "/api/v1/api-keys", "createApiKey", "Creates an API key")
            .tag(KEYS)
            .auth(Auth::LoginOnly)
            .describe(
                "The secret (`tdk_<64 hex>`) is in this answer only; the server keeps its SHA-256. \
                 `role` is at most the caller's. Audited as `api_key.create`.",
            )
            .json_body(object(vec![
                ("organization_id", string()),
                ("name", string_len(1, 100)),
                ("role", r("Role")),
            ]))
            .ok(
                201,
                "The key and its secret, shown this once.",
                all_of_with(r("ApiKey"), object(vec![("secret", string())])),
            )
            .errors([invalid_json(), invalid_request(), ApiError::Forbidden, ApiError::NotFound]),
        Op::new(Method::DELETE, "/api/v1/api-keys/{id}", "revokeApiKey", "Revokes an API key")
            .tag(KEYS)
            .auth(Auth::LoginOnly)
            .describe("The key stops working at once; revoking again changes nothing. Audited as `api_key.revoke`.")
            .path_param("id", "The key's id.")
            .empty(204, "Revoked.")
            .errors([ApiError::Forbidden, ApiError::NotFound]),
    ]
}
