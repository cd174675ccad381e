//! Knowing when a request's execution has nothing left to do but wait, which is when its
//! loaders should send their batches.
//!
//! A level of a nested query registers its keys while the execution future is polled; once
//! that poll returns `Pending` and nothing has woken the future since, every key the level will
//! ask for is registered, and waiting longer only adds latency. [`Tracked`] wraps the
//! execution future and records exactly that, by watching its polls and its waker; the loader
//! ([`super::loader::RequestLoader`]) sends a batch as soon as [`Idle::parked`] says so. Where
//! no execution is tracked (subscriptions), the loader falls back to waiting for a quiet spell.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use tokio::sync::Notify;

const RUNNING: u8 = 0;
const PARKED: u8 = 1;
const WOKEN: u8 = 2;

/// One request's execution state, shared by its loaders and the future that tracks it.
#[derive(Default)]
pub struct Idle {
    state: AtomicU8,
    /// Set once a [`Tracked`] future drives the request.
    tracked: AtomicBool,
    parked: Notify,
    /// The waker of the task that polls the tracked future.
    outer: Mutex<Option<Waker>>,
}

impl Idle {
    /// The one a request's data holds (put there by [`super::request_data`]).
    pub fn of(data: &async_graphql::Data) -> Option<Arc<Idle>> {
        data.get(&std::any::TypeId::of::<Arc<Idle>>())
            .and_then(|d| d.downcast_ref::<Arc<Idle>>())
            .cloned()
    }

    /// Whether an execution future is tracked (else the loader cannot wait for it to park).
    pub fn is_tracked(&self) -> bool {
        self.tracked.load(Ordering::SeqCst)
    }

    /// Waits until the tracked execution has parked: its last poll returned `Pending` and
    /// nothing has woken it since.
    pub async fn parked(&self) {
        loop {
            let notified = self.parked.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_parked() {
                return;
            }
            notified.await;
        }
    }

    fn is_parked(&self) -> bool {
        self.state.load(Ordering::SeqCst) == PARKED
    }

    fn park(&self) {
        if self
            .state
            .compare_exchange(RUNNING, PARKED, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            self.parked.notify_waiters();
        }
    }
}

/// Forwards wakes to the outer task after noting that the execution has work again.
struct Waking(Arc<Idle>);

impl Wake for Waking {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.state.store(WOKEN, Ordering::SeqCst);
        let outer = self
            .0
            .outer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(waker) = outer {
            waker.wake();
        }
    }
}

/// An execution future whose idleness its loaders can see.
pub struct Tracked<F> {
    inner: Pin<Box<F>>,
    idle: Arc<Idle>,
    waker: Waker,
}

impl<F: Future> Tracked<F> {
    pub fn new(inner: F, idle: Arc<Idle>) -> Self {
        idle.tracked.store(true, Ordering::SeqCst);
        let waker = Waker::from(Arc::new(Waking(idle.clone())));
        Self {
            inner: Box::pin(inner),
            idle,
            waker,
        }
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        {
            let mut outer = self.idle.outer.lock().unwrap_or_else(|e| e.into_inner());
            if !outer.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                *outer = Some(cx.waker().clone());
            }
        }
        self.idle.state.store(RUNNING, Ordering::SeqCst);
        let this = &mut *self;
        let result = this
            .inner
            .as_mut()
            .poll(&mut Context::from_waker(&this.waker));
        if result.is_pending() {
            // A wake during the poll left the state WOKEN: the execution is not idle then.
            this.idle.park();
        }
        result
    }
}

impl<F> Drop for Tracked<F> {
    /// An execution dropped midway (a timeout) must not leave its loaders waiting.
    fn drop(&mut self) {
        self.idle.state.store(PARKED, Ordering::SeqCst);
        self.idle.parked.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn parked_once_the_execution_waits_for_something_else() {
        let idle = Arc::new(Idle::default());
        let (tx, rx) = tokio::sync::oneshot::channel::<u8>();
        let task = tokio::spawn(Tracked::new(async move { rx.await.unwrap() }, idle.clone()));
        tokio::time::timeout(Duration::from_secs(5), idle.parked())
            .await
            .expect("the execution parks while it waits for the channel");
        tx.send(7).unwrap();
        assert_eq!(task.await.unwrap(), 7);
    }

    #[test]
    fn an_execution_that_woke_itself_is_not_parked() {
        let idle = Arc::new(Idle::default());
        let mut polls = 0;
        // Pending, but already woken (as a task that yields, or whose budget ran out).
        let yielding = std::future::poll_fn(|cx| {
            polls += 1;
            if polls == 1 {
                cx.waker().wake_by_ref();
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        });
        let mut tracked = Box::pin(Tracked::new(yielding, idle.clone()));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(tracked.as_mut().poll(&mut cx).is_pending());
        assert!(!idle.is_parked());
        assert!(tracked.as_mut().poll(&mut cx).is_ready());
    }

    #[test]
    fn an_execution_dropped_midway_releases_its_loaders() {
        let idle = Arc::new(Idle::default());
        let mut tracked = Box::pin(Tracked::new(std::future::pending::<()>(), idle.clone()));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(tracked.as_mut().poll(&mut cx).is_pending());
        Wake::wake_by_ref(&Arc::new(Waking(idle.clone())));
        assert!(!idle.is_parked());
        drop(tracked);
        assert!(idle.is_parked());
    }
}
