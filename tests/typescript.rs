//! typescript@4.9.5 on every built-in engine: a snapshot made after loading it (in one
//! process), restored in another, must transpile a file exactly as a cold runtime does.
//! `cargo xtask test` fetches typescript from the npm registry into `.cache/workloads/`.

use std::path::PathBuf;
use std::process::Command;

use polysnap::core::{Api, HostValue, ScriptHost};
use polysnap::host::{FilePolicy, Host, ModulePolicy};
use polysnap::{with_backend, EngineKind, Error, Script};

const POLYSNAP: &str = env!("CARGO_BIN_EXE_polysnap");
const TRANSPILE: &str = r#"ts.transpileModule("enum Color { Red, Green }\nexport function paint<T extends { color?: Color }>(x: T): T { return { ...x, color: Color.Green }; }\n", { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2015 } }).outputText"#;

fn typescript_js() -> PathBuf {
    let path = std::env::var_os("POLYSNAP_TYPESCRIPT_JS").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".cache/workloads/typescript-4.9.5/typescript.js")
    });
    assert!(
        path.is_file(),
        "typescript.js is not at {}: run `cargo xtask test` (it fetches typescript@4.9.5 from the npm registry) \
         or set POLYSNAP_TYPESCRIPT_JS",
        path.display()
    );
    path
}

fn cold<A: Api>(typescript: &std::path::Path) -> Result<String, Error> {
    let host = Host::new(Vec::new(), FilePolicy::Error, ModulePolicy::Refuse);
    let mut runtime = polysnap::fresh::<A>(&host.registry()?)?;
    let scripts = [host.runtime_script(), Script::from_file(typescript).unwrap()];
    for script in &scripts {
        runtime.run_script(&script.name, &script.source).map_err(|source| Error::Engine { engine: A::KIND, source })?;
    }
    match runtime.run_script("[eval]", TRANSPILE).map_err(|source| Error::Engine { engine: A::KIND, source })? {
        HostValue::String(text) => Ok(text),
        other => panic!("transpileModule gave {other:?}"),
    }
}

fn polysnap(args: &[&str], dir: &std::path::Path) -> String {
    let out = Command::new(POLYSNAP).args(args).current_dir(dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "polysnap {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn typescript_transpiles_the_same_after_restore_on_every_engine() {
    let typescript = typescript_js();
    let ts = typescript.to_str().unwrap();
    for (engine, name, built) in polysnap::ENGINES {
        if !built {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let expected: Result<String, Error> = with_backend!(engine, |A| cold::<A>(&typescript));
        let expected = expected.unwrap();
        assert!(expected.contains("exports.paint = paint"), "{engine}: cold output {expected}");
        polysnap(&["make", "--engine", name, "-o", "ts.psnap", ts], dir.path());
        let restored = polysnap(&["run", "ts.psnap", "-p", TRANSPILE], dir.path());
        assert_eq!(restored, format!("{expected}\n"), "{engine}: restored differs from cold");
        if engine == EngineKind::V8 {
            std::fs::write(dir.path().join("warm.js"), format!("{TRANSPILE};")).unwrap();
            polysnap(&["make", "--engine", name, "--warmup", "warm.js", "-o", "warm.psnap", ts], dir.path());
            let warm = polysnap(&["run", "warm.psnap", "-p", TRANSPILE], dir.path());
            assert_eq!(warm, format!("{expected}\n"), "{engine}: warm restore differs from cold");
        }
    }
}
