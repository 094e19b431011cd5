//! polysnap facade.
