//! polysnap's conformance suite: one engine-neutral set of scenarios, each a data file in
//! `scenarios/`, run on every backend a build has.
//!
//! A scenario's setup runs, a snapshot is made, and a fresh process restores it and runs the
//! check; another fresh process runs setup and check without a snapshot. The two results
//! must be equal to each other and to the scenario's expected output (an insta snapshot
//! shared by every engine). What a backend cannot do is a declared capability gap, shown as
//! `unsupported (reason)`, never as a pass.

pub mod engines;
pub mod matrix;
pub mod natives;
pub mod scenario;
pub mod steps;

pub use scenario::{load_all, Scenario, ScenarioError};
