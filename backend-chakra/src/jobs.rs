//! The promise job queue: the jobs the engine hands over through
//! `JsSetPromiseContinuationCallback`, and running them until none is left.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::ffi::c_void;
use std::sync::Arc;

use crate::error::ChakraError;
use crate::jsrt::Value;
use crate::sys::{JsValueRef, Jsrt};

/// Promise jobs one drain runs at most before it gives up on an endless chain (a legitimate
/// setup settles long before: ten million jobs take seconds).
const JOB_LIMIT: u64 = 10_000_000;

/// Promise jobs handed over by `JsSetPromiseContinuationCallback`, each held with
/// `JsAddRef` until run.
pub(crate) struct JobQueue {
    jsrt: Arc<Jsrt>,
    jobs: RefCell<VecDeque<Value>>,
}

impl JobQueue {
    /// An empty queue.
    pub(crate) fn new(jsrt: Arc<Jsrt>) -> JobQueue {
        JobQueue { jsrt, jobs: RefCell::default() }
    }

    /// Makes this queue the current context's runtime's promise continuation callback.
    ///
    /// The queue must stay at its address until the runtime is disposed or the callback
    /// replaced; the engine state (`engine.rs`) boxes it and drops it after disposal.
    #[allow(unsafe_code)]
    pub(crate) fn install(&self) -> Result<(), ChakraError> {
        let state = self as *const JobQueue as *mut c_void;
        // SAFETY: `promise_job_shim` has the header's signature, catches panics and only
        // reads `state` as the `JobQueue` it is, which outlives the runtime (see above).
        unsafe { self.jsrt.set_promise_continuation(promise_job_shim, state) }
    }

    /// Queues `task` (called by the engine through `promise_job_shim`).
    fn push(&self, task: Value) {
        if self.jsrt.add_ref(task).is_ok() {
            self.jobs.borrow_mut().push_back(task);
        }
    }

    fn pop(&self) -> Option<Value> {
        self.jobs.borrow_mut().pop_front()
    }

    /// Number of queued jobs.
    pub(crate) fn len(&self) -> usize {
        self.jobs.borrow().len()
    }

    /// Drops every queued job, releasing each.
    pub(crate) fn clear_releasing(&self) {
        while let Some(job) = self.pop() {
            let _ = self.jsrt.release(job);
        }
    }

    /// Runs queued promise jobs (and the jobs they queue) until none is left, in the
    /// current context. Stops at the first job that throws and returns its error; later
    /// jobs stay queued. Stops at [`JOB_LIMIT`] jobs with [`ChakraError::EndlessJobs`]
    /// rather than hang.
    pub(crate) fn run_all(&self) -> Result<(), ChakraError> {
        let mut ran = 0u64;
        while let Some(job) = self.pop() {
            if ran == JOB_LIMIT {
                let _ = self.jsrt.release(job);
                self.clear_releasing();
                return Err(ChakraError::EndlessJobs { jobs: ran });
            }
            ran += 1;
            let result = self.jsrt.undefined().and_then(|undefined| self.jsrt.call(job, undefined, &[undefined]));
            let _ = self.jsrt.release(job);
            result?;
        }
        Ok(())
    }
}

/// `JsPromiseContinuationCallback`: queues the job on the runtime's [`JobQueue`].
#[allow(unsafe_code)]
unsafe extern "C" fn promise_job_shim(task: JsValueRef, callback_state: *mut c_void) {
    if callback_state.is_null() || task.is_null() {
        return;
    }
    // SAFETY: `callback_state` is the `JobQueue` given to `JobQueue::install`, boxed in
    // the runtime's state until after disposal.
    let jobs = unsafe { &*(callback_state as *const JobQueue) };
    // SAFETY: the engine hands over a live job; `JobQueue::push` holds it with `JsAddRef`.
    let task = unsafe { Value::from_raw(task) };
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| jobs.push(task)));
}
