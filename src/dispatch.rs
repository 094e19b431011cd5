//! Choosing a backend at run time, from a snapshot's header or a command-line flag.
//!
//! Whether a backend is built is decided here, in polysnap, by its cargo feature: the
//! helper macros below are defined one way or the other when polysnap compiles, so
//! [`with_backend!`] expands the same in any crate that calls it (a `#[cfg(feature = …)]`
//! in its expansion would test the *caller's* features instead).

/// Runs `$body` with `$A` bound to the backend type of engine `$kind`, or evaluates to
/// `Err(`[`Error::BackendNotBuilt`](crate::Error::BackendNotBuilt)`.into())` when this build
/// of polysnap lacks it. For code generic over [`Api`](crate::core::Api); code that is not
/// can use the engine-erased [`Runtime`](crate::Runtime) instead.
#[macro_export]
macro_rules! with_backend {
    ($kind:expr, |$A:ident| $body:expr) => {
        match $kind {
            $crate::EngineKind::V8 => $crate::__if_v8!(
                {
                    type $A = $crate::v8::V8;
                    $body
                },
                { Err($crate::Error::BackendNotBuilt { engine: $crate::EngineKind::V8, feature: "v8" }.into()) }
            ),
            $crate::EngineKind::ChakraCore => $crate::__if_chakra!(
                {
                    type $A = $crate::chakra::Chakra;
                    $body
                },
                {
                    Err($crate::Error::BackendNotBuilt { engine: $crate::EngineKind::ChakraCore, feature: "chakra" }
                        .into())
                }
            ),
        }
    };
}

/// The first block when polysnap has its `v8` feature, else the second (see [`with_backend!`]).
#[cfg(feature = "v8")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_v8 {
    ($built:block, $absent:block) => {
        $built
    };
}

/// The first block when polysnap has its `v8` feature, else the second (see [`with_backend!`]).
#[cfg(not(feature = "v8"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_v8 {
    ($built:block, $absent:block) => {
        $absent
    };
}

/// The first block when polysnap has its `chakra` feature, else the second.
#[cfg(feature = "chakra")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_chakra {
    ($built:block, $absent:block) => {
        $built
    };
}

/// The first block when polysnap has its `chakra` feature, else the second.
#[cfg(not(feature = "chakra"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_chakra {
    ($built:block, $absent:block) => {
        $absent
    };
}
