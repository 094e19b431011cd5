//! The engines this build has, and each step dispatched to its backend.

use std::path::Path;

use polysnap::core::{Api, EngineKind};

use crate::matrix::EngineInfo;
use crate::scenario::Scenario;
use crate::steps::{self, StepError};

/// An engine named on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// V8.
    V8,
    /// ChakraCore.
    Chakra,
}

fn info<A: Api>() -> EngineInfo {
    EngineInfo { kind: A::KIND, capabilities: A::capabilities(), gaps: A::gaps() }
}

/// Every engine built into this program.
pub fn built_in() -> Vec<EngineInfo> {
    vec![
        #[cfg(feature = "v8")]
        info::<polysnap::v8::V8>(),
        #[cfg(feature = "chakra")]
        info::<polysnap::chakra::Chakra>(),
    ]
}

#[cfg_attr(all(feature = "v8", feature = "chakra"), allow(dead_code))]
/// The error for an engine this build lacks.
fn not_built(kind: EngineKind) -> StepError {
    StepError::Polysnap(polysnap::require_backend(kind).expect_err("called only for engines not built in"))
}

macro_rules! dispatch {
    ($engine:expr, $step:ident ( $($arg:expr),* )) => {
        match $engine {
            #[cfg(feature = "v8")]
            Engine::V8 => steps::$step::<polysnap::v8::V8>($($arg),*),
            #[cfg(not(feature = "v8"))]
            Engine::V8 => Err(not_built(EngineKind::V8)),
            #[cfg(feature = "chakra")]
            Engine::Chakra => steps::$step::<polysnap::chakra::Chakra>($($arg),*),
            #[cfg(not(feature = "chakra"))]
            Engine::Chakra => Err(not_built(EngineKind::ChakraCore)),
        }
    };
}

/// `make` on `engine`.
pub fn make(engine: Engine, scenario: &Scenario, out: &Path) -> Result<(), StepError> {
    dispatch!(engine, make(scenario, out))
}

/// `restore` on `engine`.
pub fn restore(engine: Engine, scenario: &Scenario, snapshot: &Path) -> Result<String, StepError> {
    dispatch!(engine, restore(scenario, snapshot))
}

/// `fresh` on `engine`.
pub fn fresh(engine: Engine, scenario: &Scenario) -> Result<String, StepError> {
    dispatch!(engine, fresh(scenario))
}
