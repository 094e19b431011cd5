//! ES modules, engine-neutral: a module's source as the host loaded it, and the host's
//! loader that resolves an import to one. Backends that can capture module graphs
//! (capability `ES_MODULES`) take these; resolution is the host's (a Node-like resolver, an
//! embedder's own).

/// A module the host loaded: its URL (its identity, and its name in stack traces) and its
/// source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleSource {
    /// The module's URL (`file:///app/main.mjs`).
    pub url: String,
    /// Its source text.
    pub source: String,
}

/// Resolves an import to the module it names: `(specifier, URL of the importing module)`;
/// an error is the reason, which the caller shows with both.
pub trait ModuleLoader {
    /// The module `specifier` names when `referrer` imports it.
    fn load(&mut self, specifier: &str, referrer: &str) -> Result<ModuleSource, String>;
}

impl<F: FnMut(&str, &str) -> Result<ModuleSource, String>> ModuleLoader for F {
    fn load(&mut self, specifier: &str, referrer: &str) -> Result<ModuleSource, String> {
        self(specifier, referrer)
    }
}
