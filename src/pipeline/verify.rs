//! Verified capture: `make` proves what it writes.
//!
//! read the state before capture (refusing known engine hazards by path) → capture → restore
//! what was captured → read the state again → the two must be equal, else the first path
//! that differs is named with both values. Nothing is written until this has passed, and a
//! restore that would kill the process kills the guarded `make` child instead (the CLI).
//!
//! The state is what `js/state.js` reads from the global object: every own key in order with
//! its attributes, integrity levels, prototypes, exact numbers, strings, functions' source,
//! Map/Set entries, Date values, RegExp sources and flags, buffer bytes and views.

use snapshot_core::format::Snapshot;
use snapshot_core::{Api, Fidelity, Native, ScriptHost};

use crate::error::Difference;
use crate::Error;

const STATE_JS: &str = include_str!("../js/state.js");

/// Installs the state reader (before any setup script, so it keeps the builtins as they were).
pub fn install(host: &mut dyn ScriptHost) -> Result<(), Error> {
    let source =
        format!("Object.defineProperty(this, '__polysnap_state', {{ value: ({STATE_JS})(this), enumerable: false }});");
    let engine = host.engine();
    host.run_script("polysnap:state.js", &source).map(drop).map_err(|source| Error::Engine { engine, source })
}

/// A path and what was found there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The path (`globalThis.cfg.limits[3]`).
    pub path: String,
    /// Why it matters.
    pub why: String,
}

/// What scripts could observe at one moment.
#[derive(Clone, Debug, Default)]
pub struct Observed {
    /// One line per value, `path\tvalue`, in walk order.
    pub lines: Vec<String>,
    /// Contents the engine is known to die on or lose (with [`Fidelity`]'s reasons).
    pub hazards: Vec<Finding>,
    /// What the reader could not cover (a proxy that throws, a walk cut short).
    pub uncovered: Vec<Finding>,
    /// Objects of kinds the engine declares it loses (`why` is the kind).
    pub lost: Vec<Finding>,
}

impl Observed {
    /// A 128-bit hash of the lines (the determinism digest of the code-cache strategy).
    pub fn digest(&self) -> String {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for line in &self.lines {
            hasher.update(line.as_bytes());
            hasher.update(b"\n");
        }
        format!("{:032x} over {} values", hasher.digest128(), self.lines.len())
    }
}

/// Reads the state of `host`, checking it for `fidelity`'s hazards.
pub fn observe(host: &mut dyn ScriptHost, fidelity: &Fidelity) -> Result<Observed, Error> {
    observe_skipping(host, fidelity, &[])
}

/// [`observe`], leaving out the global object's own properties named in `skip`.
fn observe_skipping(host: &mut dyn ScriptHost, fidelity: &Fidelity, skip: &[String]) -> Result<Observed, Error> {
    let engine = host.engine();
    let call = format!("__polysnap_state({})", options(fidelity, skip));
    let text = match host.run_script("polysnap:state", &call).map_err(|source| Error::Engine { engine, source })? {
        snapshot_core::HostValue::String(text) => text,
        other => return Err(Error::engine(engine, std::io::Error::other(format!("the state reader gave {other:?}")))),
    };
    Ok(parse(&text))
}

fn options(fidelity: &Fidelity, skip: &[String]) -> String {
    let mut options = serde_json::Map::new();
    if !skip.is_empty() {
        options.insert("skip".into(), skip.join(",").into());
    }
    if !fidelity.lost_kinds.is_empty() {
        let kinds: Vec<&str> = fidelity.lost_kinds.iter().map(|(kind, _)| *kind).collect();
        options.insert("lostKinds".into(), kinds.join(",").into());
    }
    let (names, why) = fidelity.must_stay_extensible;
    if !names.is_empty() {
        options.insert("mustStayExtensible".into(), names.join(",").into());
        options.insert("mustStayExtensibleWhy".into(), why.into());
    }
    if let Some((magnitude, why)) = fidelity.max_number_magnitude {
        options.insert("maxMagnitude".into(), magnitude.into());
        options.insert("maxMagnitudeWhy".into(), why.into());
    }
    if let Some(why) = fidelity.last_index_must_be_number {
        options.insert("lastIndexWhy".into(), why.into());
    }
    if let Some(why) = fidelity.stand_ins {
        options.insert("standInWhy".into(), why.into());
    }
    if let Some((limit, why)) = fidelity.state_values_limit {
        options.insert("limit".into(), limit.into());
        options.insert("limitWhy".into(), why.into());
    }
    serde_json::Value::Object(options).to_string()
}

fn parse(text: &str) -> Observed {
    let mut observed = Observed::default();
    for line in text.split('\n') {
        match line.strip_prefix('\u{1}') {
            None => observed.lines.push(line.to_owned()),
            Some(finding) => {
                let mut parts = finding.splitn(3, '\t');
                let (kind, path, why) = (parts.next(), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                let finding = Finding { path: path.to_owned(), why: why.to_owned() };
                match kind {
                    Some("hazard") => observed.hazards.push(finding),
                    Some("lost") => observed.lost.push(finding),
                    _ => observed.uncovered.push(finding),
                }
            }
        }
    }
    observed
}

/// What a comparison found: the first difference that is not a declared loss, and a note
/// for each declared loss that showed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// The first place the readings differ, outside the engine's declared losses.
    pub difference: Option<Difference>,
    /// Each declared loss that showed: what is lost, and where.
    pub notes: Vec<String>,
}

/// Compares two readings line by line. Paths under `fidelity`'s additions (and the paths
/// themselves) that only the second has are not differences; paths under its `not_compared`
/// are left out on both sides; its declared losses become notes.
pub fn compare(before: &Observed, after: &Observed, fidelity: &Fidelity) -> Comparison {
    let absent_before: Vec<&str> = fidelity
        .added_after_restore
        .iter()
        .copied()
        .filter(|path| !before.lines.iter().any(|l| path_of(l) == *path))
        .collect();
    let skipped = fidelity.not_compared.0;
    let compared = |l: &&String| !skipped.iter().any(|s| is_under(path_of(l), s));
    let mut before_lines: Vec<&String> = before.lines.iter().filter(compared).collect();
    let mut after_lines: Vec<&String> = after
        .lines
        .iter()
        .filter(compared)
        .filter(|l| !absent_before.iter().any(|a| is_under(path_of(l), a)))
        .collect();
    let mut notes = Vec::new();
    for loss in fidelity.lost {
        let under = |l: &&String| loss.paths.iter().any(|p| is_under(path_of(l), p));
        let lost_before: Vec<&String> = before_lines.iter().copied().filter(under).collect();
        let lost_after: Vec<&String> = after_lines.iter().copied().filter(under).collect();
        if let Some(d) = first_difference(lost_before.iter().copied(), lost_after.iter().copied()) {
            notes.push(format!("{}: {} is {} at capture and {} after a restore", loss.what, d.path, d.before, d.after));
        }
        before_lines.retain(|l| !under(l));
        after_lines.retain(|l| !under(l));
    }
    cut_where_a_walk_stopped(&mut before_lines, &mut after_lines);
    let mut escaped_slash = None;
    // RegExps whose source line was excused: their own `source` property (ChakraCore keeps
    // one on each RegExp) says the same.
    let mut regexps: Vec<String> = Vec::new();
    let same = |b: &str, a: &str| {
        let path = path_of(b);
        let matcher = path.strip_suffix(".[[RegExpMatcher]]");
        let own_source = path.strip_suffix(".source").is_some_and(|p| regexps.iter().any(|r| r == p));
        let equivalent = fidelity.regexp_source_escapes_slash.is_some()
            && path == path_of(a)
            && (matcher.is_some() || own_source)
            && without_escaped_slashes(value_of(b)) == without_escaped_slashes(value_of(a));
        if let (true, Some(regexp)) = (equivalent, matcher) {
            regexps.push(regexp.to_owned());
        }
        if equivalent && escaped_slash.is_none() {
            escaped_slash = Some(Difference {
                path: path_of(b).to_owned(),
                before: value_of(b).to_owned(),
                after: value_of(a).to_owned(),
            });
        }
        equivalent
    };
    let difference = first_difference_by(before_lines.into_iter(), after_lines.into_iter(), same);
    if let (Some(what), Some(d)) = (fidelity.regexp_source_escapes_slash, escaped_slash) {
        notes.push(format!("{what}: {} is {} at capture and {} after a restore", d.path, d.before, d.after));
    }
    Comparison { difference, notes }
}

/// When both readings stopped at the engine's limit of values (the last line says `...`),
/// they are compared only as far as the shorter goes: each stopped after the same number of
/// raw lines, but lines excused above (added by a restore, declared lost) were taken out of
/// one side only, so the two stop at different paths. What lies beyond is a `not checked`
/// note. When only one stopped, nothing is cut: a restore that lost the tail of a heap must
/// still show as a difference.
fn cut_where_a_walk_stopped(before: &mut Vec<&String>, after: &mut Vec<&String>) {
    let stopped = |lines: &[&String]| lines.last().is_some_and(|l| value_of(l) == "...");
    if !stopped(before) || !stopped(after) {
        return;
    }
    before.pop();
    after.pop();
    let shorter = before.len().min(after.len());
    before.truncate(shorter);
    after.truncate(shorter);
}

/// A RegExp source line's value with `\/` read as `/` (the reader writes a backslash as
/// `\u005c`).
fn without_escaped_slashes(value: &str) -> String {
    value.replace("\\u005c/", "/")
}

fn first_difference<'a>(
    before: impl Iterator<Item = &'a String>,
    after: impl Iterator<Item = &'a String>,
) -> Option<Difference> {
    first_difference_by(before, after, |_, _| false)
}

/// The first pair of lines that differ, where `equivalent` may excuse a pair of unequal ones.
fn first_difference_by<'a>(
    mut before: impl Iterator<Item = &'a String>,
    mut after: impl Iterator<Item = &'a String>,
    mut equivalent: impl FnMut(&str, &str) -> bool,
) -> Option<Difference> {
    loop {
        match (before.next(), after.next()) {
            (None, None) => return None,
            (Some(b), Some(a)) if b == a || equivalent(b, a) => continue,
            (b, a) => return Some(difference(b.map(String::as_str), a.map(String::as_str))),
        }
    }
}

/// The global object's own string keys, as the state reader lists them.
fn global_keys(host: &mut dyn ScriptHost) -> Result<Vec<String>, Error> {
    let engine = host.engine();
    match host.run_script("polysnap:state", "__polysnap_state.globalKeys()") {
        Ok(snapshot_core::HostValue::String(keys)) => Ok(keys.split('\n').map(str::to_owned).collect()),
        Ok(other) => Err(Error::engine(engine, std::io::Error::other(format!("the state reader gave {other:?}")))),
        Err(source) => Err(Error::Engine { engine, source }),
    }
}

/// Those of `keys` (the global object's own keys after a restore) that `before` has no line
/// for, in order, once each. Only identifiers can be: a restore adds lexical bindings, and
/// the reader writes an identifier key as `.key` (any other as `["..."]`, which is compared
/// as a path like any other property).
fn new_global_names(before: &Observed, keys: &[String]) -> Vec<String> {
    let identifier = |key: &str| {
        let mut chars = key.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    };
    let known: std::collections::HashSet<&str> =
        before.lines.iter().filter_map(|l| global_name(l)).filter_map(|n| n.strip_prefix('.')).collect();
    let mut new: Vec<String> = Vec::new();
    for key in keys {
        if identifier(key) && !key.starts_with("__polysnap_") && !known.contains(key.as_str()) && !new.contains(key) {
            new.push(key.clone());
        }
    }
    new
}

/// The key step of a line about a global's own property (`.x` of `globalThis.x`), if it is one.
fn global_name(line: &str) -> Option<&str> {
    let rest = path_of(line).strip_prefix("globalThis")?;
    let step_end = match rest.as_bytes().first()? {
        b'.' => rest[1..].find(['.', '[']).map_or(rest.len(), |i| i + 1),
        b'[' => rest.find(']').map_or(rest.len(), |i| i + 1),
        _ => return None,
    };
    Some(&rest[..step_end])
}

fn path_of(line: &str) -> &str {
    line.split_once('\t').map_or(line, |(path, _)| path)
}

fn value_of(line: &str) -> &str {
    line.split_once('\t').map_or("", |(_, value)| value)
}

fn is_under(path: &str, root: &str) -> bool {
    path.strip_prefix(root).is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

fn difference(before: Option<&str>, after: Option<&str>) -> Difference {
    match (before, after) {
        (Some(b), Some(a)) if path_of(b) == path_of(a) => {
            Difference { path: path_of(b).to_owned(), before: value_of(b).to_owned(), after: value_of(a).to_owned() }
        }
        (Some(b), a) => Difference {
            path: path_of(b).to_owned(),
            before: value_of(b).to_owned(),
            after: a.map_or_else(|| "absent".to_owned(), |a| format!("absent (found {} instead)", path_of(a))),
        },
        (None, Some(a)) => {
            Difference { path: path_of(a).to_owned(), before: "absent".to_owned(), after: value_of(a).to_owned() }
        }
        (None, None) => Difference { path: String::new(), before: String::new(), after: String::new() },
    }
}

/// The declared gap of engine `A` that explains `difference`, if one does: a number that
/// came back as another number on an engine without exact numbers; a frozen or sealed
/// object that came back only non-extensible on an engine that loses integrity levels.
fn explained_by<A: Api>(difference: &Difference) -> String {
    use snapshot_core::Capabilities;
    let number = |text: &str| text == "-0" || text.parse::<f64>().is_ok();
    let (before, after) = (difference.before.as_str(), difference.after.as_str());
    let integrity_lost = (before.ends_with(", frozen") || before.ends_with(", sealed"))
        && after.ends_with(", not extensible")
        && before.rsplit_once(", ").map(|(kind, _)| kind) == after.rsplit_once(", ").map(|(kind, _)| kind);
    let explaining = if number(before) && number(after) {
        Capabilities::EXACT_NUMBERS
    } else if integrity_lost {
        Capabilities::INTEGRITY_LEVELS
    } else {
        return String::new();
    };
    match A::gaps().iter().find(|gap| gap.capability == explaining) {
        Some(gap) => format!("{}: {}; {}", A::KIND, gap.reason, gap.symptom),
        None => String::new(),
    }
}

/// A note per kind of lost object `before` found: what the engine loses, and where.
pub fn lost_notes(before: &Observed, fidelity: &Fidelity) -> Vec<String> {
    let mut notes = Vec::new();
    for (kind, what) in fidelity.lost_kinds {
        let paths: Vec<&str> = before.lost.iter().filter(|f| f.why == *kind).map(|f| f.path.as_str()).collect();
        if let Some(first) = paths.first() {
            let more = if paths.len() > 1 { format!(" and {} more", paths.len() - 1) } else { String::new() };
            notes.push(format!("{what}: {first}{more}"));
        }
    }
    notes
}

/// Reads the state right before capture; refuses, naming the first path, when it holds
/// something engine `A` is known to die on.
pub fn before_capture<A: Api>(host: &mut dyn ScriptHost) -> Result<Observed, Error> {
    let observed = observe(host, A::fidelity())?;
    if let Some(hazard) = observed.hazards.first() {
        return Err(Error::Refused { engine: A::KIND, path: hazard.path.clone(), reason: hazard.why.clone() });
    }
    Ok(observed)
}

/// Restores `payload` with engine `A` (natives in the snapshot's order), reads the state and
/// compares it with `before`; returns a note for each declared loss that showed.
pub fn after_restore<A: Api>(
    payload: snapshot_core::SharedBytes,
    natives: &[&Native],
    before: &Observed,
) -> Result<Vec<String>, Error> {
    let mut runtime =
        <A::Runtime as snapshot_core::Runtime>::restore(payload, natives).map_err(|e| Error::engine(A::KIND, e))?;
    let fidelity = A::fidelity();
    // The same kinds left out and the same limit of values as before capture; no hazards
    // to look for.
    let reading =
        Fidelity { lost_kinds: fidelity.lost_kinds, state_values_limit: fidelity.state_values_limit, ..Fidelity::NONE };
    let mut notes = Vec::new();
    // Global properties the restore added (lexical bindings turned into properties) are left
    // out of the reading: walked first, they would also rename every path through them.
    let mut added = Vec::new();
    if let Some(what) = fidelity.lexical_globals_become_properties {
        added = new_global_names(before, &global_keys(&mut runtime)?);
        // A reading that stopped at the engine's limit did not reach every global: a name it
        // lacks may be one it never read, so none is named as added (the `not checked` note
        // says where the reading stopped).
        let stopped = before.lines.last().is_some_and(|l| value_of(l) == "...");
        if !added.is_empty() && !stopped {
            let shown: Vec<&str> = added.iter().take(5).map(String::as_str).collect();
            notes.push(format!("{what}: {}{}", shown.join(", "), if added.len() > 5 { ", ..." } else { "" }));
        }
    }
    let after = observe_skipping(&mut runtime, &reading, &added)?;
    drop(runtime);
    dump_if_asked(before, &after);
    let mut comparison = compare(before, &after, fidelity);
    notes.append(&mut comparison.notes);
    comparison.notes = notes;
    match comparison.difference {
        None => Ok(comparison.notes),
        Some(difference) => {
            let why = explained_by::<A>(&difference);
            Err(Error::RestoredDiffers { engine: A::KIND, difference, why })
        }
    }
}

/// Checks that a snapshot restores to the state read before capture, somewhere other than
/// this process: `make` hands it the snapshot and that reading and gets back the notes, or
/// the error (a difference, or a restore that died). The CLI runs the check in a process of
/// its own, so that a restore the engine dies on costs that process, not `make`.
pub type RestoreCheck =
    std::sync::Arc<dyn Fn(&Snapshot<Vec<u8>>, &Observed) -> Result<Vec<String>, Error> + Send + Sync>;

/// The lines of a reading as one text (what a [`RestoreCheck`] in another process reads back
/// with [`Observed::from_text`]).
impl Observed {
    /// The lines, one per line.
    pub fn to_text(&self) -> String {
        self.lines.join("\n")
    }

    /// A reading written by [`Observed::to_text`].
    pub fn from_text(text: &str) -> Observed {
        Observed { lines: text.split('\n').map(str::to_owned).collect(), ..Observed::default() }
    }
}

/// With `POLYSNAP_VERIFY_DUMP=FOLDER`, writes both readings there (`captured.txt`,
/// `restored.txt`) for a look at everything that was compared.
fn dump_if_asked(before: &Observed, after: &Observed) {
    let Some(folder) = std::env::var_os(DUMP_ENV) else { return };
    let folder = std::path::Path::new(&folder);
    for (name, observed) in [("captured.txt", before), ("restored.txt", after)] {
        if let Err(e) = std::fs::write(folder.join(name), observed.lines.join("\n")) {
            eprintln!("polysnap: {DUMP_ENV}: cannot write {}: {e}", folder.join(name).display());
        }
    }
}

/// The variable naming a folder for both readings of a verified capture.
pub const DUMP_ENV: &str = "POLYSNAP_VERIFY_DUMP";

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(lines: &[&str]) -> Observed {
        Observed { lines: lines.iter().map(|l| l.to_string()).collect(), ..Observed::default() }
    }

    #[test]
    fn only_identifiers_missing_before_are_new_globals() {
        // A restore that turned `let L` into a property adds `L`; `a-b` was there all along
        // (read as `["a-b"]`), and so was `x`.
        let before = observed(&["globalThis.x\tdata ecw", "globalThis[\"a-b\"]\tdata ecw"]);
        let keys: Vec<String> = ["x", "a-b", "L", "L", "__polysnap_state", "1"].map(str::to_owned).into();
        assert_eq!(new_global_names(&before, &keys), ["L"]);
    }

    #[test]
    fn readings_that_both_stopped_compare_as_far_as_the_shorter() {
        // The restore added `added` (excused), so its reading stopped one value earlier.
        let fidelity = Fidelity { added_after_restore: &["globalThis.added"], ..Fidelity::NONE };
        let before = observed(&["globalThis.a\t1", "globalThis.b\t2", "globalThis.c\t..."]);
        let after = observed(&["globalThis.added\t0", "globalThis.a\t1", "globalThis.b\t..."]);
        assert_eq!(compare(&before, &after, &fidelity).difference, None);
        let changed = observed(&["globalThis.added\t0", "globalThis.a\t9", "globalThis.b\t..."]);
        assert!(compare(&before, &changed, &fidelity).difference.is_some());
    }

    #[test]
    fn a_restore_that_lost_the_tail_still_differs_when_only_the_capture_stopped() {
        let before = observed(&["globalThis.a\t1", "globalThis.b\t2", "globalThis.c\t..."]);
        let after = observed(&["globalThis.a\t1"]);
        assert!(compare(&before, &after, &Fidelity::NONE).difference.is_some());
    }

    #[test]
    fn equal_readings_have_no_difference() {
        let a = observed(&["globalThis\tobject", "globalThis.x\t1"]);
        assert_eq!(compare(&a, &a.clone(), &Fidelity::NONE), Comparison::default());
    }

    #[test]
    fn the_first_differing_path_is_named_with_both_values() {
        let a = observed(&["globalThis\tobject", "globalThis.x\t2e-300", "globalThis.y\t1"]);
        let b = observed(&["globalThis\tobject", "globalThis.x\t0", "globalThis.y\t2"]);
        let d = compare(&a, &b, &Fidelity::NONE).difference.unwrap();
        assert_eq!((d.path.as_str(), d.before.as_str(), d.after.as_str()), ("globalThis.x", "2e-300", "0"));
    }

    #[test]
    fn a_path_missing_after_restore_is_named() {
        let a = observed(&["globalThis\tobject", "globalThis.x\t1", "globalThis.y\t1"]);
        let b = observed(&["globalThis\tobject", "globalThis.y\t1"]);
        let d = compare(&a, &b, &Fidelity::NONE).difference.unwrap();
        assert_eq!(d.path, "globalThis.x");
        assert_eq!(d.after, "absent (found globalThis.y instead)");
    }

    #[test]
    fn engine_additions_are_not_differences_unless_the_setup_had_the_path() {
        let added = Fidelity { added_after_restore: &["%Array.prototype%.at"], ..Fidelity::NONE };
        let a = observed(&["%Array.prototype%\tobject", "%Array.prototype%.map\tdata"]);
        let b = observed(&[
            "%Array.prototype%\tobject",
            "%Array.prototype%.at\tdata",
            "%Array.prototype%.at.[[Prototype]]\t= x",
            "%Array.prototype%.map\tdata",
        ]);
        assert_eq!(compare(&a, &b, &added), Comparison::default());
        // A setup that defined its own `at` sees it replaced: a difference.
        let polyfilled =
            observed(&["%Array.prototype%\tobject", "%Array.prototype%.at\tmine", "%Array.prototype%.map\tdata"]);
        let d = compare(&polyfilled, &b, &added).difference.unwrap();
        assert_eq!((d.path.as_str(), d.before.as_str(), d.after.as_str()), ("%Array.prototype%.at", "mine", "data"));
        // A prefix that is not a path step is not under it.
        assert!(!is_under("%Array.prototype%.atx", "%Array.prototype%.at"));
    }

    #[test]
    fn declared_losses_are_notes_not_differences() {
        let fidelity = Fidelity {
            lost: &[snapshot_core::Loss { paths: &["%RegExp%.$1"], what: "statics lost" }],
            ..Fidelity::NONE
        };
        let a = observed(&["globalThis\tobject", "globalThis.v\t1", "%RegExp%.$1\t\"x\"", "%RegExp%.name\t\"RegExp\""]);
        let b = observed(&["globalThis\tobject", "globalThis.v\t1", "%RegExp%.$1\t\"\"", "%RegExp%.name\t\"RegExp\""]);
        let c = compare(&a, &b, &fidelity);
        assert_eq!(c.difference, None);
        assert_eq!(c.notes, vec!["statics lost: %RegExp%.$1 is \"x\" at capture and \"\" after a restore".to_owned(),]);
        // Anything else still differs.
        let d = observed(&["globalThis\tobject", "globalThis.v\t2", "%RegExp%.$1\t\"x\"", "%RegExp%.name\t\"RegExp\""]);
        assert_eq!(compare(&a, &d, &fidelity).difference.unwrap().path, "globalThis.v");
    }

    #[test]
    fn an_escaped_slash_in_a_regexp_source_is_a_note_where_the_engine_declares_it() {
        let fidelity = Fidelity { regexp_source_escapes_slash: Some("slashes escaped"), ..Fidelity::NONE };
        let a = observed(&["globalThis.re.[[RegExpMatcher]]\t\"[^/]\" global", "globalThis.x\t1"]);
        let b = observed(&["globalThis.re.[[RegExpMatcher]]\t\"[^\\u005c/]\" global", "globalThis.x\t1"]);
        let c = compare(&a, &b, &fidelity);
        assert_eq!(c.difference, None);
        assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
        assert!(c.notes[0].starts_with("slashes escaped: globalThis.re.[[RegExpMatcher]]"), "{:?}", c.notes);
        // Elsewhere, or on an engine that does not declare it, it is a difference.
        assert!(compare(&a, &b, &Fidelity::NONE).difference.is_some());
        let other = observed(&["globalThis.re.[[RegExpMatcher]]\t\"[^a]\" global", "globalThis.x\t1"]);
        assert!(compare(&a, &other, &fidelity).difference.is_some());
    }

    #[test]
    fn findings_are_parsed_apart_from_lines() {
        let o = parse("globalThis\tobject\n\u{1}hazard\tglobalThis.big\ttoo big\n\u{1}uncovered\tglobalThis.p\tthrew");
        assert_eq!(o.lines, vec!["globalThis\tobject"]);
        assert_eq!(o.hazards, vec![Finding { path: "globalThis.big".into(), why: "too big".into() }]);
        assert_eq!(o.uncovered[0].path, "globalThis.p");
    }
}
