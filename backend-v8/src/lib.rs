//! V8 backend (in progress).
