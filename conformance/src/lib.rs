//! polysnap conformance suite (see issue: conformance).
