//! The public library API on every built-in engine: make, write, open, restore, look up
//! identities by stable id, and the refusals that must come before the engine sees a byte.

mod common;

use std::sync::Arc;

use polysnap::core::{Api, DynScriptHost, HostValue, Rehydrators, ScriptHost};
use polysnap::{stable_id_of, with_backend, EngineKind, Error, MakeOptions, Registry, Script, SnapshotFile};

fn engines() -> Vec<EngineKind> {
    common::engines().into_iter().map(|(kind, _)| kind).collect()
}

fn registry(names: &[&'static str]) -> Registry {
    let mut registry = Registry::new();
    for name in names {
        registry.function(*name, |call| Ok(call.arg(0).clone())).unwrap();
    }
    registry
}

fn make_file<A: Api>(dir: &std::path::Path, registry: &Registry, source: &str) -> Result<SnapshotFile, Error> {
    let mut none: Rehydrators<DynScriptHost> = Rehydrators::new();
    let snapshot =
        polysnap::make_snapshot::<A>(registry, &mut none, &[Script::new("setup.js", source)], &MakeOptions::default())?;
    let path = dir.join("api.psnap");
    polysnap::write_snapshot(&path, &snapshot)?;
    Ok(SnapshotFile::open(&path)?)
}

fn identity_round_trip<A: Api>() -> Result<(), Error> {
    let dir = tempfile::tempdir().unwrap();
    let natives = registry(&["app.echo"]);
    let file = make_file::<A>(dir.path(), &natives, "snapshot.bind('app.config', { port: 8080 });")?;
    let mut runtime = polysnap::restore::<A>(&file, &natives, &mut Rehydrators::new())?;
    let found = polysnap::lookup_identity(&mut runtime, &file, stable_id_of("app.config"))?;
    assert_eq!(found, HostValue::Object(vec![("port".into(), HostValue::Number(8080.0))]), "{}", A::KIND);
    let missing = polysnap::lookup_identity(&mut runtime, &file, stable_id_of("app.other")).unwrap_err();
    assert_eq!(
        missing.to_string(),
        "identity `app.other` is not bound to any object in this snapshot: bind it before the snapshot is made"
    );
    let echoed = runtime.run_script("use.js", "__polysnap_natives['app.echo']('back')").unwrap();
    assert_eq!(echoed, HostValue::from("back"));
    Ok(())
}

#[test]
fn identities_are_found_again_by_stable_id() {
    for engine in engines() {
        let result: Result<(), Error> = with_backend!(engine, |A| identity_round_trip::<A>());
        result.unwrap();
    }
}

fn refusals<A: Api>() -> Result<(), Error> {
    let dir = tempfile::tempdir().unwrap();
    let made_with = registry(&["app.echo", "app.log"]);
    let file = make_file::<A>(dir.path(), &made_with, "var x = 1;")?;
    let missing =
        polysnap::restore::<A>(&file, &registry(&["app.echo"]), &mut Rehydrators::new()).err().expect("refused");
    assert!(matches!(missing, Error::Reconcile(_)), "{missing}");
    assert!(missing.to_string().contains("missing: `app.log` is used by the snapshot but not registered"), "{missing}");
    let renamed = polysnap::restore::<A>(&file, &registry(&["app.echo", "app.print"]), &mut Rehydrators::new())
        .err()
        .expect("refused");
    assert!(
        renamed.to_string().contains("renamed: the snapshot has `app.log`, this build registers `app.print` instead"),
        "{renamed}"
    );
    let reordered = polysnap::restore::<A>(&file, &registry(&["app.log", "app.echo"]), &mut Rehydrators::new());
    assert!(reordered.is_ok(), "registration order does not matter");
    Ok(())
}

#[test]
fn missing_and_renamed_natives_are_refused_by_name_and_order_does_not_matter() {
    for engine in engines() {
        let result: Result<(), Error> = with_backend!(engine, |A| refusals::<A>());
        result.unwrap();
    }
}

#[cfg(all(feature = "v8", feature = "chakra"))]
fn wrong_backend<A: Api, B: Api>() -> Result<(), Error> {
    let dir = tempfile::tempdir().unwrap();
    let file = make_file::<A>(dir.path(), &Registry::new(), "var x = 1;")?;
    let err = polysnap::restore::<B>(&file, &Registry::new(), &mut Rehydrators::new()).err().expect("refused");
    assert!(matches!(err, Error::WrongBackend { .. }), "{err}");
    Ok(())
}

#[cfg(all(feature = "v8", feature = "chakra"))]
#[test]
fn a_snapshot_is_refused_by_the_other_engine() {
    wrong_backend::<polysnap::v8::V8, polysnap::chakra::Chakra>().unwrap();
    wrong_backend::<polysnap::chakra::Chakra, polysnap::v8::V8>().unwrap();
}

/// The same value model on every engine: an object a script returns is a handle, a native
/// given it back returns the same object, and after `release_handles` a kept handle names
/// nothing (a JS error, not a crash).
fn handles_through_the_neutral_api<A: Api>() -> Result<(), Error> {
    let kept = Arc::new(std::sync::Mutex::new(HostValue::Undefined));
    let given = kept.clone();
    let mut natives = Registry::new();
    natives.function("app.give", move |_| Ok(given.lock().unwrap().clone())).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = make_file::<A>(dir.path(), &natives, "function greet() { return 'hi'; }")?;
    let mut runtime = polysnap::restore::<A>(&file, &natives, &mut Rehydrators::new())?;
    let handle = runtime.run_script("get.js", "greet").unwrap();
    assert!(matches!(handle, HostValue::Handle(_)), "{}: {handle:?}", A::KIND);
    *kept.lock().unwrap() = handle;
    let same = runtime.run_script("same.js", "__polysnap_natives['app.give']() === greet").unwrap();
    assert_eq!(same, HostValue::Bool(true), "{}", A::KIND);
    runtime.release_handles().unwrap();
    let gone = runtime.run_script("gone.js", "__polysnap_natives['app.give']()");
    assert!(gone.is_err(), "{}: a released handle still named {gone:?}", A::KIND);
    Ok(())
}

#[test]
fn handles_come_back_as_the_same_objects_on_every_engine() {
    for engine in engines() {
        let result: Result<(), Error> = with_backend!(engine, |A| handles_through_the_neutral_api::<A>());
        result.unwrap();
    }
}

/// The engine-erased API, natives as closures with owned names, installed as namespaces,
/// arguments converted with their errors named.
#[test]
fn erased_runtime_with_exposed_natives_on_every_engine() {
    let mut natives = Registry::new();
    natives.function("app.add", |call| Ok(HostValue::Number(call.arg_as::<f64>(0)? + call.arg_as::<f64>(1)?))).unwrap();
    let owned_name = format!("app.util.{}", "twice");
    natives.function(owned_name, |call| Ok(HostValue::Number(2.0 * call.arg_as::<f64>(0)?))).unwrap();
    natives.function("hidden.echo", |call| Ok(call.arg(0).clone())).unwrap();
    natives.expose("app");
    let setup =
        Script::new("setup.js", "var made = app.add(40, app.util.twice(1)); var hiddenRoot = typeof this.hidden;");
    for engine in engines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("erased.psnap");
        let snapshot = polysnap::make(engine, &natives, std::slice::from_ref(&setup), &MakeOptions::default()).unwrap();
        polysnap::write_snapshot(&path, &snapshot).unwrap();
        let file = SnapshotFile::open(&path).unwrap();
        let mut runtime = polysnap::Runtime::restore(&file, &natives).unwrap();
        assert_eq!(runtime.engine(), engine);
        let eval = |runtime: &mut polysnap::Runtime, source: &str| runtime.run_script("check.js", source).unwrap();
        assert_eq!(eval(&mut runtime, "made"), HostValue::Number(42.0), "{engine}");
        assert_eq!(eval(&mut runtime, "app.add(1, 2)"), HostValue::Number(3.0), "{engine}");
        // Only the exposed root is installed; the rest stays on __polysnap_natives.
        assert_eq!(eval(&mut runtime, "hiddenRoot"), HostValue::from("undefined"), "{engine}");
        assert_eq!(eval(&mut runtime, "Object.keys(this).includes('app')"), HostValue::Bool(false), "{engine}");
        let thrown = eval(&mut runtime, "try { app.add('x', 1) } catch (e) { e.message }");
        assert_eq!(
            thrown,
            HostValue::from("argument 0: expected a number, found the string \"x\"; pass a number"),
            "{engine}"
        );
        // A fresh runtime of the same engine has the same namespaces.
        let mut fresh = polysnap::Runtime::fresh(engine, &natives).unwrap();
        assert_eq!(fresh.run_script("f.js", "app.util.twice(21)").unwrap(), HostValue::Number(42.0), "{engine}");
    }
}

/// An embedder's own resolver (modules from memory, under an `app:` scheme of its own): a
/// module graph made into a snapshot, its namespace read from Rust by URL, `import()` and a
/// module run after restore through the erased runtime; ChakraCore refuses by capability.
#[test]
fn an_embedder_resolves_modules_of_its_own_through_the_erased_runtime() {
    let files: std::collections::HashMap<&str, &str> = [
        ("app:main", "import { add } from 'app:math';\nexport const answer = add(40, 2);\nglobalThis.ready = true;"),
        ("app:math", "export let calls = 0;\nexport function add(a, b) { calls += 1; return a + b; }"),
        (
            "app:later",
            "import { add, calls } from 'app:math';\nexport const seen = calls;\nglobalThis.later = add(1, 1);",
        ),
    ]
    .into_iter()
    .collect();
    let resolver: polysnap::ModuleResolver = Arc::new(move |specifier: &str, _referrer: &str| {
        let source = files.get(specifier).ok_or_else(|| format!("no module {specifier} in memory"))?;
        Ok(polysnap::core::ModuleSource { url: specifier.to_owned(), source: (*source).to_owned() })
    });
    let root = Script::module("app:main", "import { add } from 'app:math';\nexport const answer = add(40, 2);");
    let options = MakeOptions { module_resolver: Some(resolver.clone()), ..MakeOptions::default() };
    for engine in engines() {
        let made = polysnap::make(engine, &Registry::new(), std::slice::from_ref(&root), &options);
        if engine == EngineKind::ChakraCore {
            let Err(refused) = made else { panic!("ChakraCore refuses ES modules") };
            let refused = refused.to_string();
            assert!(refused.contains("capability ES_MODULES is absent"), "{refused}");
            let mut fresh = polysnap::Runtime::fresh(engine, &Registry::new()).unwrap();
            let namespace = fresh.module_namespace("app:main").unwrap_err().to_string();
            assert!(namespace.contains("capability ES_MODULES is absent"), "{namespace}");
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("modules.psnap");
        polysnap::write_snapshot(&path, &made.unwrap()).unwrap();
        let file = SnapshotFile::open(&path).unwrap();
        let mut runtime = polysnap::Runtime::restore(&file, &Registry::new()).unwrap();
        let HostValue::Object(main) = runtime.module_namespace("app:main").unwrap() else { panic!("an object") };
        assert!(main.iter().any(|(k, v)| k == "answer" && *v == HostValue::Number(42.0)), "{main:?}");
        runtime.use_module_resolver(&resolver).unwrap();
        runtime.run_script("use.js", "import('app:math').then((m) => { globalThis.calls = m.calls; }); 0").unwrap();
        assert_eq!(runtime.run_script("c.js", "calls").unwrap(), HostValue::Number(1.0), "the captured instance");
        runtime
            .run(&Script::module(
                "app:later",
                "import { add, calls } from 'app:math';\nglobalThis.seen = calls + add(1, 1);",
            ))
            .unwrap();
        assert_eq!(
            runtime.run_script("s.js", "seen").unwrap(),
            HostValue::Number(3.0),
            "linked to the captured instance"
        );
        let HostValue::Object(math) = runtime.module_namespace("app:math").unwrap() else { panic!("an object") };
        assert!(math.iter().any(|(k, v)| k == "calls" && *v == HostValue::Number(2.0)), "{math:?}");
    }
}
