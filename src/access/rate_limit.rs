//! Request rate limits: one budget per token, and one per client address for anonymous
//! callers. Budgets live in the process: with several replicas behind a balancer each holds
//! its own, so the effective limit is the per-replica one times the replicas a client reaches.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::Caller;

/// Whose budget a request spends.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Token(i64),
    Address(Option<IpAddr>),
}

impl Key {
    pub fn of(caller: &Caller, address: Option<IpAddr>) -> Self {
        match &caller.member {
            Some(m) => Self::Token(m.token_id.unwrap_or(0)),
            None => Self::Address(address),
        }
    }
}

/// The limiters; a limit of 0 turns that limiter off.
pub struct RateLimits {
    tokens: Option<DefaultKeyedRateLimiter<Key>>,
    anonymous: Option<DefaultKeyedRateLimiter<Key>>,
    /// Public writes (feedback, votes), per token or address, per hour.
    feedback: Option<DefaultKeyedRateLimiter<Key>>,
    /// Usage records (`recordAccessEvents`), per token, per minute: each event spends one.
    usage: Option<DefaultKeyedRateLimiter<Key>>,
    /// Tokens whose usage budget was found spent, and until when: their next batches are
    /// refused before they are parsed.
    usage_spent: std::sync::Mutex<std::collections::HashMap<Key, std::time::Instant>>,
    clock: DefaultClock,
}

fn limiter(per_minute: u32) -> Option<DefaultKeyedRateLimiter<Key>> {
    NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)))
}

impl RateLimits {
    pub fn new(token_per_minute: u32, anonymous_per_minute: u32, feedback_per_hour: u32) -> Self {
        Self {
            tokens: limiter(token_per_minute),
            anonymous: limiter(anonymous_per_minute),
            feedback: NonZeroU32::new(feedback_per_hour)
                .map(|n| RateLimiter::keyed(Quota::per_hour(n))),
            usage: None,
            usage_spent: Default::default(),
            clock: DefaultClock::default(),
        }
    }

    /// The same limits, with a budget of `per_minute` usage records per token (0: none).
    pub fn with_usage_events(mut self, per_minute: u32) -> Self {
        self.usage = limiter(per_minute);
        self
    }

    /// Spends `n` of `key`'s usage records for the minute; `Err(None)` when `n` is more than
    /// a whole minute's budget, `Err(Some(wait))` when the budget is spent for now.
    pub fn check_usage_events(&self, key: &Key, n: usize) -> Result<(), Option<Duration>> {
        let (Some(l), Some(n)) = (&self.usage, u32::try_from(n).ok().and_then(NonZeroU32::new))
        else {
            return Ok(());
        };
        match l.check_key_n(key, n) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => {
                let wait = not_until.wait_time_from(self.clock.now());
                self.spent()
                    .insert(key.clone(), std::time::Instant::now() + wait);
                Err(Some(wait))
            }
            Err(_) => Err(None),
        }
    }

    /// How long `key`'s usage budget stays spent, if it was found spent.
    pub fn usage_spent(&self, key: &Key) -> Option<Duration> {
        let mut spent = self.spent();
        let left = spent
            .get(key)?
            .checked_duration_since(std::time::Instant::now());
        if left.is_none() {
            spent.remove(key);
        }
        left
    }

    fn spent(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<Key, std::time::Instant>> {
        self.usage_spent.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Spends one of `key`'s public writes (a piece of feedback or a vote).
    pub fn check_feedback(&self, key: &Key) -> Result<(), Duration> {
        match &self.feedback {
            Some(l) => l
                .check_key(key)
                .map_err(|not_until| not_until.wait_time_from(self.clock.now())),
            None => Ok(()),
        }
    }

    /// Spends one request of `key`'s budget; `Err(wait)` when it is spent, with how long
    /// until the next request would be let in.
    pub fn check(&self, key: &Key) -> Result<(), Duration> {
        let limiter = match key {
            Key::Token(_) => &self.tokens,
            Key::Address(_) => &self.anonymous,
        };
        match limiter {
            Some(l) => l
                .check_key(key)
                .map_err(|not_until| not_until.wait_time_from(self.clock.now())),
            None => Ok(()),
        }
    }

    /// Forgets keys whose budgets are full again, so that memory follows active clients.
    pub fn forget_idle(&self) {
        let now = std::time::Instant::now();
        self.spent().retain(|_, until| *until > now);
        for l in [&self.tokens, &self.anonymous, &self.feedback, &self.usage]
            .into_iter()
            .flatten()
        {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Member;

    #[test]
    fn budgets_are_per_token_and_per_address() {
        let limits = RateLimits::new(2, 1, 0);
        let member = |id| {
            Caller::member(Member {
                token_id: Some(id),
                name: "t".into(),
                role: crate::access::Role::Viewer,
                scope: Some(crate::access::Scope::single(1)),
            })
        };
        let a = Key::of(&member(1), None);
        assert!(limits.check(&a).is_ok());
        assert!(limits.check(&a).is_ok());
        let wait = limits.check(&a).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(30));
        assert!(limits.check(&Key::of(&member(2), None)).is_ok());

        let here = Key::of(&Caller::anonymous(), Some("10.0.0.1".parse().unwrap()));
        let there = Key::of(&Caller::anonymous(), Some("10.0.0.2".parse().unwrap()));
        assert!(limits.check(&here).is_ok());
        assert!(limits.check(&here).is_err());
        assert!(limits.check(&there).is_ok());
        // A token's budget is not the address's.
        assert!(
            limits
                .check(&Key::of(&member(3), Some("10.0.0.1".parse().unwrap())))
                .is_ok()
        );

        let off = RateLimits::new(0, 0, 0);
        for _ in 0..100 {
            assert!(off.check(&here).is_ok());
        }
    }
}
