//! Rules of accounts (docs/SECURITY.md "Accounts"): what an email address must look like, who may
//! invite whom and reset whose password, how long links live, and when a login is throttled.
//! Pure: the API hashes tokens and passwords and the store keeps the records.

use crate::field_error::{FieldError, has_control_chars};
use crate::policy::{Role, may_change_membership};

/// The longest email address accepted (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// How long an invitation link is valid.
pub const INVITATION_TTL_MS: i64 = 7 * 24 * 3600 * 1000;
/// How long a password reset link is valid.
pub const PASSWORD_RESET_TTL_MS: i64 = 24 * 3600 * 1000;
/// Random bytes in an invitation or reset token (hex in the link).
pub const TOKEN_RANDOM_BYTES: usize = 32;
/// The longest token accepted in a request (a real one is 64 hex characters).
pub const MAX_TOKEN_CHARS: usize = 128;

/// Returns the address as stored and compared: trimmed, ASCII-lowercased (the databases fold
/// ASCII only, so two addresses differing in other letters stay two accounts). Refuses what is
/// not shaped like `local@domain`.
pub fn normalize_email(raw: &str) -> Result<String, FieldError> {
    let email = raw.trim().to_ascii_lowercase();
    let problem = |p: &str| Err(FieldError::new("email", p));
    if email.is_empty() {
        return problem("is required");
    }
    if email.chars().count() > MAX_EMAIL_CHARS {
        return problem(&format!("may have at most {MAX_EMAIL_CHARS} characters"));
    }
    if has_control_chars(&email) || email.chars().any(char::is_whitespace) {
        return problem("may not contain spaces or control characters");
    }
    match email.rsplit_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.') =>
        {
            Ok(email)
        }
        _ => problem("must be an email address such as ada@example.com"),
    }
}

/// Why an invitation may not be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvitationError {
    #[error("{0}")]
    Field(FieldError),
    /// The inviter's role may not give that role.
    #[error("your role may not invite with this role")]
    Forbidden,
}

/// Checks the role of an invitation: a known role name that `actor` may grant to a newcomer.
pub fn check_invitation_role(actor: Role, role: &str) -> Result<Role, InvitationError> {
    let role = Role::parse(role).ok_or_else(|| {
        InvitationError::Field(FieldError::new(
            "role",
            "must be owner, admin, member or viewer",
        ))
    })?;
    if may_change_membership(actor, None, Some(role)) {
        Ok(role)
    } else {
        Err(InvitationError::Forbidden)
    }
}

/// Returns true when someone may hand out a reset link for a user. `actor_role` gives the
/// actor's role per organization; `target` lists the user's organizations with their role
/// there. The actor must be able to manage the user, unchanged, in every one of them: an admin
/// of one organization must not take over an account that is an owner (or a member) elsewhere.
pub fn may_reset_password(
    actor_role: impl Fn(&str) -> Option<Role>,
    target: &[(String, Role)],
) -> bool {
    !target.is_empty()
        && target.iter().all(|(org, role)| {
            actor_role(org)
                .is_some_and(|actor| may_change_membership(actor, Some(*role), Some(*role)))
        })
}

/// Limits of login throttling: at most `max_failures` failed attempts per key (an email, a
/// client address) within `window_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleLimit {
    pub max_failures: usize,
    pub window_ms: i64,
}

/// The window both limits count in: 15 minutes.
pub const THROTTLE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failed logins allowed per email within the window.
pub const EMAIL_LIMIT: ThrottleLimit = ThrottleLimit {
    max_failures: 5,
    window_ms: THROTTLE_WINDOW_MS,
};
/// Failed logins allowed per client address within the window (offices share an address).
pub const IP_LIMIT: ThrottleLimit = ThrottleLimit {
    max_failures: 30,
    window_ms: THROTTLE_WINDOW_MS,
};

/// Whether an attempt may go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    Allowed,
    /// Refused; a slot frees in this many seconds (at least 1).
    RetryAfterSecs(u64),
}

/// Decides whether one more attempt is allowed, given the times of the key's failures
/// (any order; older ones are ignored). While `max_failures` or more fall within the window
/// before `now_ms`, it is refused until the oldest of the latest `max_failures` leaves it.
pub fn throttle(failures_ms: &[i64], now_ms: i64, limit: ThrottleLimit) -> Throttle {
    let since = now_ms - limit.window_ms;
    let mut recent: Vec<i64> = failures_ms
        .iter()
        .copied()
        .filter(|&at| at > since && at <= now_ms)
        .collect();
    if recent.len() < limit.max_failures || limit.max_failures == 0 {
        return Throttle::Allowed;
    }
    recent.sort_unstable_by(|a, b| b.cmp(a));
    // Newest first: the max-th newest is the one whose leaving brings the count under the limit.
    let frees_at = recent[limit.max_failures - 1] + limit.window_ms;
    let wait_ms = (frees_at - now_ms).max(1);
    Throttle::RetryAfterSecs(((wait_ms + 999) / 1000) as u64)
}

/// The longer of two decisions: refused when either refuses.
pub fn strictest(a: Throttle, b: Throttle) -> Throttle {
    match (a, b) {
        (Throttle::RetryAfterSecs(x), Throttle::RetryAfterSecs(y)) => {
            Throttle::RetryAfterSecs(x.max(y))
        }
        (Throttle::RetryAfterSecs(x), _) | (_, Throttle::RetryAfterSecs(x)) => {
            Throttle::RetryAfterSecs(x)
        }
        _ => Throttle::Allowed,
    }
}

/// The throttling key of an email (already normalized).
pub fn email_key(email: &str) -> String {
    format!("email:{}", email.trim().to_ascii_lowercase())
}

/// The throttling key of a client address.
pub fn ip_key(ip: &str) -> String {
    format!("ip:{ip}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails_are_trimmed_lowercased_and_checked() {
        assert_eq!(
            normalize_email("  Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        assert_eq!(normalize_email("a@b").unwrap(), "a@b");
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@.com",
            "a b@c.d",
            "a\u{0}@b.c",
            "ada@b.com.",
        ] {
            let e = normalize_email(bad).unwrap_err();
            assert_eq!(e.field, "email", "{bad:?}");
        }
        let long = format!("{}@b.c", "a".repeat(251));
        assert!(normalize_email(&long).is_err());
        assert!(normalize_email(&format!("{}@b.c", "a".repeat(250))).is_ok());
    }

    #[test]
    fn invitation_roles_follow_the_policy() {
        assert_eq!(check_invitation_role(Role::Owner, "owner"), Ok(Role::Owner));
        assert_eq!(check_invitation_role(Role::Admin, "admin"), Ok(Role::Admin));
        assert_eq!(
            check_invitation_role(Role::Admin, "viewer"),
            Ok(Role::Viewer)
        );
        assert_eq!(
            check_invitation_role(Role::Admin, "owner"),
            Err(InvitationError::Forbidden)
        );
        assert_eq!(
            check_invitation_role(Role::Member, "viewer"),
            Err(InvitationError::Forbidden)
        );
        assert!(matches!(
            check_invitation_role(Role::Owner, "Owner"),
            Err(InvitationError::Field(_))
        ));
    }

    #[test]
    fn an_admin_resets_only_whom_they_manage_everywhere() {
        let target = |pairs: &[(&str, Role)]| -> Vec<(String, Role)> {
            pairs.iter().map(|(o, r)| (o.to_string(), *r)).collect()
        };
        let admin_of_a = |org: &str| (org == "a").then_some(Role::Admin);
        assert!(may_reset_password(
            admin_of_a,
            &target(&[("a", Role::Member)])
        ));
        assert!(!may_reset_password(
            admin_of_a,
            &target(&[("a", Role::Owner)])
        ));
        assert!(
            !may_reset_password(
                admin_of_a,
                &target(&[("a", Role::Member), ("b", Role::Owner)])
            ),
            "an owner of another organization is out of reach"
        );
        assert!(
            !may_reset_password(
                admin_of_a,
                &target(&[("a", Role::Viewer), ("b", Role::Viewer)])
            ),
            "so is any member of an organization the admin is not in"
        );
        let owner_everywhere = |_: &str| Some(Role::Owner);
        assert!(may_reset_password(
            owner_everywhere,
            &target(&[("a", Role::Owner), ("b", Role::Admin)])
        ));
        assert!(
            !may_reset_password(owner_everywhere, &[]),
            "nobody to manage"
        );
    }

    const MIN: i64 = 60_000;

    #[test]
    fn the_sixth_attempt_waits_for_the_oldest_of_the_last_five() {
        let failures = [0, MIN, 2 * MIN, 3 * MIN, 4 * MIN];
        assert_eq!(
            throttle(&failures[..4], 5 * MIN, EMAIL_LIMIT),
            Throttle::Allowed
        );
        assert_eq!(
            throttle(&failures, 5 * MIN, EMAIL_LIMIT),
            Throttle::RetryAfterSecs(10 * 60)
        );
        assert_eq!(
            throttle(&failures, 15 * MIN - 1, EMAIL_LIMIT),
            Throttle::RetryAfterSecs(1)
        );
        assert_eq!(
            throttle(&failures, 15 * MIN, EMAIL_LIMIT),
            Throttle::Allowed
        );
        assert_eq!(throttle(&[], 0, IP_LIMIT), Throttle::Allowed);
    }

    #[test]
    fn the_strictest_decision_wins() {
        use Throttle::*;
        assert_eq!(strictest(Allowed, Allowed), Allowed);
        assert_eq!(strictest(Allowed, RetryAfterSecs(3)), RetryAfterSecs(3));
        assert_eq!(
            strictest(RetryAfterSecs(9), RetryAfterSecs(3)),
            RetryAfterSecs(9)
        );
    }

    proptest! {
        #[test]
        fn refused_exactly_when_the_window_is_full_and_the_wait_frees_a_slot(
            failures in proptest::collection::vec(0i64..40 * MIN, 0..40),
            now in 0i64..40 * MIN,
            max in 1usize..8,
        ) {
            let failures: Vec<i64> = failures.into_iter().filter(|&at| at <= now).collect();
            let limit = ThrottleLimit { max_failures: max, window_ms: THROTTLE_WINDOW_MS };
            let in_window = |t: i64| failures.iter().filter(|&&at| at > t - THROTTLE_WINDOW_MS && at <= now).count();
            match throttle(&failures, now, limit) {
                Throttle::Allowed => prop_assert!(in_window(now) < max),
                Throttle::RetryAfterSecs(secs) => {
                    prop_assert!(in_window(now) >= max);
                    prop_assert!(secs >= 1 && secs <= (THROTTLE_WINDOW_MS / 1000) as u64);
                    // After the wait (and no new failures) the attempt is allowed.
                    let later = now + secs as i64 * 1000;
                    prop_assert_eq!(throttle(&failures, later, limit), Throttle::Allowed);
                    // One second earlier it was not yet, unless the wait was the 1 s minimum.
                    if secs > 1 {
                        let earlier = later - 1000;
                        prop_assert!(matches!(throttle(&failures, earlier, limit), Throttle::RetryAfterSecs(_)));
                    }
                }
            }
        }
    }
}
