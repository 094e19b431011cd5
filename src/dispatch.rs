//! Choosing a backend at run time, from a snapshot's header or a command-line flag.

/// Runs `$body` with `$A` bound to the backend type of engine `$kind`, or evaluates to
/// [`Error::BackendNotBuilt`](crate::Error::BackendNotBuilt) when this build lacks it.
#[macro_export]
macro_rules! with_backend {
    ($kind:expr, |$A:ident| $body:expr) => {
        match $kind {
            $crate::EngineKind::V8 => {
                #[cfg(feature = "v8")]
                {
                    type $A = $crate::v8::V8;
                    $body
                }
                #[cfg(not(feature = "v8"))]
                {
                    Err($crate::require_backend($crate::EngineKind::V8).unwrap_err().into())
                }
            }
            $crate::EngineKind::ChakraCore => {
                #[cfg(feature = "chakra")]
                {
                    type $A = $crate::chakra::Chakra;
                    $body
                }
                #[cfg(not(feature = "chakra"))]
                {
                    Err($crate::require_backend($crate::EngineKind::ChakraCore).unwrap_err().into())
                }
            }
        }
    };
}
