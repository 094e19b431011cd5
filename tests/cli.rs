//! End-to-end tests of the `polysnap` binary: real files, real engines, every exit-status
//! rule (0 success, 1 uncaught JS error, 2 usage or unusable snapshot, never a signal).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const POLYSNAP: &str = env!("CARGO_BIN_EXE_polysnap");

/// The engines this build has, by their `--engine` names.
fn engines() -> Vec<&'static str> {
    common::engines().into_iter().map(|(_, name)| name).collect()
}

fn polysnap(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new(POLYSNAP).args(args).current_dir(dir).output().expect("polysnap starts");
    assert!(output.status.code().is_some(), "polysnap {args:?} was killed by a signal: {:?}", output.status);
    output
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const SETUP: &str = r#"
var counter = 40;
function bump() { return ++counter; }
var table = new Map([["pi", 3.14]]);
setTimeout(function () { console.log("timer after restore, counter", counter); }, 10);
snapshot.setMain(function () { console.log("main with", JSON.stringify(process.argv.slice(2))); });
"#;

#[test]
fn make_then_run_prints_and_exits_zero() {
    for engine in engines() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "setup.js", SETUP);
        let made = polysnap(dir.path(), &["make", "--engine", engine, "-o", "app.psnap", "setup.js"]);
        assert_eq!(made.status.code(), Some(0), "{engine}: {}", stderr(&made));
        write(dir.path(), "more.js", "bump();");
        let run = polysnap(
            dir.path(),
            &["run", "app.psnap", "more.js", "-p", "bump() + ':' + table.get('pi')", "--", "x", "y"],
        );
        assert_eq!(run.status.code(), Some(0), "{engine}: {}", stderr(&run));
        assert_eq!(stdout(&run), "main with [\"x\",\"y\"]\n42:3.14\ntimer after restore, counter 42\n", "{engine}");
    }
}

#[test]
fn the_seed_flags_do_the_same() {
    for engine in engines() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "setup.js", "var answer = 6 * 7;");
        let made = polysnap(dir.path(), &["--make-snapshot", "seed.psnap", "--engine", engine, "setup.js"]);
        assert_eq!(made.status.code(), Some(0), "{engine}: {}", stderr(&made));
        let run = polysnap(dir.path(), &["--from-snapshot", "seed.psnap", "-p", "answer"]);
        assert_eq!((run.status.code(), stdout(&run).as_str()), (Some(0), "42\n"), "{engine}: {}", stderr(&run));
    }
}

#[test]
fn an_uncaught_error_exits_one_with_message_and_stack() {
    for engine in engines() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "setup.js", "function fail() { throw new TypeError('bad input'); }");
        polysnap(dir.path(), &["make", "--engine", engine, "-o", "app.psnap", "setup.js"]);
        write(dir.path(), "boom.js", "fail();");
        let run = polysnap(dir.path(), &["run", "app.psnap", "boom.js"]);
        assert_eq!(run.status.code(), Some(1), "{engine}");
        assert!(stderr(&run).contains("TypeError: bad input"), "{engine}: {}", stderr(&run));
        assert!(stderr(&run).contains("fail"), "{engine}: the stack names the function: {}", stderr(&run));

        write(dir.path(), "throws.js", "throw new Error('in setup');");
        let made = polysnap(dir.path(), &["make", "--engine", engine, "-o", "bad.psnap", "throws.js"]);
        assert_eq!(made.status.code(), Some(1), "{engine}: {}", stderr(&made));
        assert!(!dir.path().join("bad.psnap").exists(), "{engine}: no snapshot is written when setup throws");
    }
}

#[test]
fn process_exit_sets_the_status() {
    for engine in engines() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "setup.js", "var x = 1;");
        polysnap(dir.path(), &["make", "--engine", engine, "-o", "app.psnap", "setup.js"]);
        write(dir.path(), "exit.js", "console.log('before'); process.exit(7); console.log('after');");
        let run = polysnap(dir.path(), &["run", "app.psnap", "exit.js"]);
        assert_eq!((run.status.code(), stdout(&run).as_str()), (Some(7), "before\n"), "{engine}");
    }
}

#[test]
fn unusable_snapshots_exit_two_with_a_clear_message() {
    for engine in engines() {
        unusable_snapshots_of(engine);
    }
}

fn unusable_snapshots_of(engine: &str) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "setup.js", "var x = 1;");
    let made = polysnap(dir.path(), &["make", "--engine", engine, "-o", "good.psnap", "setup.js"]);
    assert_eq!(made.status.code(), Some(0), "{engine}: {}", stderr(&made));
    let good = std::fs::read(dir.path().join("good.psnap")).unwrap();
    let mut flipped = good.clone();
    let middle = flipped.len() - 100;
    flipped[middle] ^= 0x40;
    std::fs::write(dir.path().join("flipped.psnap"), flipped).unwrap();
    std::fs::write(dir.path().join("truncated.psnap"), &good[..good.len() / 2]).unwrap();
    std::fs::write(dir.path().join("empty.psnap"), b"").unwrap();
    std::fs::write(dir.path().join("text.psnap"), b"console.log('not a snapshot')").unwrap();
    std::fs::create_dir(dir.path().join("folder.psnap")).unwrap();
    let cases = [
        ("missing.psnap", "cannot open snapshot file missing.psnap"),
        ("flipped.psnap", "snapshot is corrupted: the checksum of the engine-payload section"),
        ("truncated.psnap", "snapshot is truncated"),
        ("empty.psnap", "snapshot is truncated"),
        ("text.psnap", "not a polysnap snapshot"),
        ("folder.psnap", "not a regular file"),
    ];
    for (file, message) in cases {
        let run = polysnap(dir.path(), &["run", file]);
        assert_eq!(run.status.code(), Some(2), "{engine}: {file}: {}", stderr(&run));
        assert!(stderr(&run).contains(message), "{engine}: {file}: expected `{message}` in: {}", stderr(&run));
        let inspect = polysnap(dir.path(), &["inspect", file]);
        assert_eq!(inspect.status.code(), Some(2), "{engine}: inspect {file}");
        assert!(stderr(&inspect).contains(message), "{engine}: inspect {file}: {}", stderr(&inspect));
    }
}

#[test]
fn usage_errors_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["make", "x.js"][..], &["make", "--engine", "spidermonkey", "x.js"], &["frobnicate"], &["run"]] {
        let out = polysnap(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    for engine in engines() {
        let missing_script = polysnap(dir.path(), &["make", "--engine", engine, "nope.js"]);
        assert_eq!(missing_script.status.code(), Some(2), "{engine}");
        assert!(
            stderr(&missing_script).contains("cannot read script nope.js"),
            "{engine}: {}",
            stderr(&missing_script)
        );
        let no_output = polysnap(dir.path(), &["run", "--engine", engine, "x.psnap"]);
        assert_eq!(no_output.status.code(), Some(2), "{engine}: run takes no --engine: {}", stderr(&no_output));
        assert!(stderr(&no_output).contains("--engine"), "{engine}: {}", stderr(&no_output));
    }
}

#[test]
fn inspect_shows_the_natives_by_name_and_json_agrees() {
    for engine in engines() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "setup.js", "setTimeout(function () {}, 1000);");
        polysnap(dir.path(), &["make", "--engine", engine, "--embed-names", "-o", "app.psnap", "setup.js"]);
        let text = stdout(&polysnap(dir.path(), &["inspect", "app.psnap"]));
        assert!(text.contains("function  fs.open"), "{engine}: {text}");
        assert!(text.contains("timers.Timeout: 1 records"), "{engine}: {text}");
        let json: serde_json::Value =
            serde_json::from_slice(&polysnap(dir.path(), &["inspect", "--json", "app.psnap"]).stdout).unwrap();
        assert_eq!(json["engine"]["kind"], engine, "{engine}");
        assert!(json["external_references"].as_array().unwrap().iter().any(|r| r["id"] == "fs.open"));
    }
}

#[test]
fn stdout_made_on_a_tty_writes_to_a_file_after_restore() {
    if Command::new("script").arg("--version").output().is_err() {
        panic!("the `script` command (util-linux) is needed to make a snapshot on a terminal");
    }
    for engine in engines() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "setup.js", "var madeOnTty = process.stdout.isTTY;");
        let make = format!("{POLYSNAP} make --engine {engine} -o tty.psnap setup.js");
        let made = Command::new("script").args(["-qec", &make, "/dev/null"]).current_dir(dir.path()).output().unwrap();
        assert_eq!(made.status.code(), Some(0), "{engine}: {}", stdout(&made));
        let out = std::fs::File::create(dir.path().join("out.txt")).unwrap();
        let run = Command::new(POLYSNAP)
            .args(["run", "tty.psnap", "-p", "'made on a tty: ' + madeOnTty + ', now: ' + process.stdout.isTTY"])
            .current_dir(dir.path())
            .stdout(out)
            .status()
            .unwrap();
        assert_eq!(run.code(), Some(0));
        let written = std::fs::read_to_string(dir.path().join("out.txt")).unwrap();
        assert_eq!(written, "made on a tty: true, now: false\n", "{engine}");
    }
}

/// Why `engine` (an `--engine` name) lacks named contexts, or `None` when it has them.
fn named_contexts_gap(engine: &str) -> Option<&'static str> {
    fn gap<A: polysnap::core::Api>() -> Option<&'static str> {
        use polysnap::core::Capabilities;
        if A::capabilities().contains(Capabilities::NAMED_CONTEXTS) {
            return None;
        }
        let declared = A::gaps().iter().find(|g| g.capability.intersects(Capabilities::NAMED_CONTEXTS));
        Some(declared.expect("an absent capability is a declared gap").reason)
    }
    match engine {
        #[cfg(feature = "v8")]
        "v8" => gap::<polysnap::v8::V8>(),
        #[cfg(feature = "chakra")]
        "chakra" => gap::<polysnap::chakra::Chakra>(),
        other => panic!("unknown engine {other}"),
    }
}

#[test]
fn named_contexts_make_and_run_by_name() {
    #[cfg(feature = "v8")]
    assert_eq!(named_contexts_gap("v8"), None, "V8 has named contexts");
    for engine in engines() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "setup.js",
            "var who = 'default'; setTimeout(function () { console.log('timer', who); }, 5);",
        );
        write(
            dir.path(),
            "w.js",
            "var who = 'worker'; var jobs = ['a', 'b']; var now = __polysnap_natives['host.now'];",
        );
        let made =
            polysnap(dir.path(), &["make", "--engine", engine, "--context", "worker=w.js", "-o", "f", "setup.js"]);
        if let Some(reason) = named_contexts_gap(engine) {
            assert_eq!(made.status.code(), Some(2), "{engine}: {}", stderr(&made));
            let err = stderr(&made);
            assert!(err.contains("cannot add a named context") && err.contains(reason), "{engine}: {err}");
            assert!(!dir.path().join("f").exists(), "{engine}: no snapshot is written");
            continue;
        }
        assert_eq!(made.status.code(), Some(0), "{engine}: {}", stderr(&made));

        // Scripts and -p run in the worker; main() and timers in the default context.
        write(dir.path(), "more.js", "jobs.push('c');");
        let expr = "who + ':' + jobs.join() + ':' + typeof now() + ':' + typeof setTimeout";
        let run = polysnap(dir.path(), &["run", "f", "--context", "worker", "more.js", "-p", expr]);
        assert_eq!(run.status.code(), Some(0), "{engine}: {}", stderr(&run));
        assert_eq!(stdout(&run), "worker:a,b,c:number:undefined\ntimer default\n", "{engine}");

        // The default context does not see the worker's globals.
        let run = polysnap(dir.path(), &["run", "f", "-p", "who + ':' + typeof jobs"]);
        assert_eq!((run.status.code(), stdout(&run).as_str()), (Some(0), "default:undefined\ntimer default\n"));

        // An unknown name is a usage error naming the contexts there are.
        let run = polysnap(dir.path(), &["run", "f", "--context", "nope", "-p", "1"]);
        assert_eq!(run.status.code(), Some(2), "{engine}: {}", stderr(&run));
        assert!(stderr(&run).contains("`nope`") && stderr(&run).contains("`worker`"), "{engine}: {}", stderr(&run));

        let inspect = polysnap(dir.path(), &["inspect", "f", "--json"]);
        let json: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
        assert_eq!(json["contexts"], serde_json::json!(["worker"]), "{engine}: {json}");
    }
}

#[test]
fn auto_strategy_times_both_and_records_its_choice() {
    for engine in engines() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "setup.js", "function sq(x) { return x * x; } var squares = [1, 2, 3].map(sq);");
        let made =
            polysnap(dir.path(), &["make", "--engine", engine, "--strategy", "auto", "-o", "auto.psnap", "setup.js"]);
        assert_eq!(made.status.code(), Some(0), "{engine}: {}", stderr(&made));
        let json: serde_json::Value =
            serde_json::from_slice(&polysnap(dir.path(), &["inspect", "--json", "auto.psnap"]).stdout).unwrap();
        let choice = &json["chosen_by_auto"];
        assert!(choice["cold_ms"].as_f64().unwrap() > 0.0, "{engine}: a cold start is timed: {json}");
        let candidates = choice["candidates"].as_array().unwrap();
        let strategies: Vec<&str> = candidates.iter().map(|c| c["strategy"].as_str().unwrap()).collect();
        assert_eq!(strategies, ["Heap", "CodeCache"], "{engine}: {json}");
        for candidate in candidates {
            assert!(candidate["restore_ms"].as_f64().unwrap() > 0.0, "{engine}: both are usable: {json}");
        }
        let run = polysnap(dir.path(), &["run", "auto.psnap", "-p", "squares.join(',') + ':' + sq(5)"]);
        assert_eq!((run.status.code(), stdout(&run).as_str()), (Some(0), "1,4,9:25\n"), "{engine}: {}", stderr(&run));

        write(dir.path(), "random.js", "var seed = Math.random();");
        let made =
            polysnap(dir.path(), &["make", "--engine", engine, "--strategy", "auto", "-o", "nd.psnap", "random.js"]);
        assert_eq!(made.status.code(), Some(0), "{engine}: {}", stderr(&made));
        let json: serde_json::Value =
            serde_json::from_slice(&polysnap(dir.path(), &["inspect", "--json", "nd.psnap"]).stdout).unwrap();
        assert_eq!(json["strategy"], "Heap", "{engine}");
        let dropped = json["chosen_by_auto"]["candidates"][1]["dropped"].as_str().unwrap_or_default();
        assert!(
            dropped.starts_with("the setup is not deterministic") && dropped.contains("globalThis.seed is 0."),
            "{engine}: the code-cache candidate is dropped naming the path: {json}"
        );
        assert!(json["chosen_by_auto"]["candidates"][0]["restore_ms"].as_f64().is_some(), "{engine}: {json}");
    }
}

/// The pid of a child of `parent`, once it has one.
fn child_of(parent: u32) -> Option<u32> {
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // Fields after the command name, which is in parentheses: state, ppid, ...
        let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        if after_name.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok()) == Some(parent) {
            return Some(pid);
        }
    }
    None
}

/// `make` runs the engine in a child process: when the engine ends that process (here the
/// child is sent SIGABRT, as an engine abort would), `polysnap make` itself exits 2 with a
/// message naming the engine and the signal, and writes nothing.
#[test]
fn an_engine_that_ends_the_making_process_is_an_error_not_a_crash() {
    for engine in engines() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "setup.js", "var spin = true; while (spin) {}");
        // No core file from the aborted child (the folder must hold only the setup after).
        let make = Command::new("sh")
            .args([
                "-c",
                "ulimit -c 0; exec \"$0\" \"$@\"",
                POLYSNAP,
                "make",
                "--engine",
                engine,
                "-o",
                "app.psnap",
                "setup.js",
            ])
            .current_dir(dir.path())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        let child = loop {
            if let Some(child) = child_of(make.id()) {
                break child;
            }
            assert!(started.elapsed().as_secs() < 60, "{engine}: make started no child process");
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        // Let the child reach the setup's loop, then end it as an engine abort would.
        std::thread::sleep(std::time::Duration::from_millis(500));
        let killed = Command::new("kill").args(["-ABRT", &child.to_string()]).status().unwrap();
        assert!(killed.success(), "{engine}: kill -ABRT {child}");
        let out = make.wait_with_output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{engine}: {err}");
        assert!(err.contains("engine ended the process while running setup.js (signal 6, SIGABRT)"), "{engine}: {err}");
        assert!(err.contains("app.psnap was not written"), "{engine}: {err}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(left, vec![std::ffi::OsString::from("setup.js")], "{engine}: only the setup is left");
    }
}

/// `make` checks what it writes: known engine hazards refused by path before capture, a
/// restore that differs from what was captured refused naming the path and both values,
/// declared losses written with a note, a setup that exits refused with its own message.
#[test]
fn make_refuses_by_path_what_would_not_restore_and_notes_declared_losses() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |engine: &str, script: &str, expected: &[&str]| {
        write(dir.path(), "setup.js", script);
        let made = polysnap(dir.path(), &["make", "--engine", engine, "-o", "out.psnap", "setup.js"]);
        let err = stderr(&made);
        assert_eq!(made.status.code(), Some(2), "{engine}: {script}: {err}");
        for text in expected {
            assert!(err.contains(text), "{engine}: {script}: expected `{text}` in: {err}");
        }
        assert!(!dir.path().join("out.psnap").exists(), "{engine}: {script}: nothing is written");
    };
    for engine in engines() {
        refused(engine, "var x = 1; process.exit(3);", &["the setup called process.exit(3)", "nothing was written"]);
        match engine {
            "v8" => {
                refused(
                    engine,
                    "Object.freeze(globalThis);",
                    &["v8 cannot snapshot this heap: globalThis:", "AddDataProperty"],
                );
                refused(engine, "Object.seal(Array.prototype);", &["%Array.prototype%:", "adds builtins"]);
                // While building, V8 lacks Array.prototype.at & co.: the setup sees stand-ins, and
                // a reference it keeps to one is refused (V8's own is there after a restore).
                refused(engine, "var keptAt = Array.prototype.at;", &["globalThis.keptAt:", "build-time stand-in"]);
                write(dir.path(), "at.js", "var last = [1, 2, 3].at(-1) + ':' + typeof Object.hasOwn;");
                let made = polysnap(dir.path(), &["make", "--engine", engine, "-o", "at.psnap", "at.js"]);
                assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
                let run = polysnap(
                    dir.path(),
                    &["run", "at.psnap", "-p", "last + ' ' + /native code/.test(String(Array.prototype.at))"],
                );
                assert_eq!(stdout(&run), "3:function true\n", "{}", stderr(&run));
                // A polyfill the restored context would replace: the path and both values.
                refused(
                    engine,
                    "Object.defineProperty(Array.prototype, 'at', { value: function at(i) { return 'mine'; }, writable: true, configurable: true });",
                    &["does not restore to the state it captured: %Array.prototype%.at", "return 'mine'"],
                );
            }
            _ => {
                // Numbers TTD's text cannot carry come back exactly where a script can reach
                // them; where they cannot be set back, make refuses them by path.
                write(
                    dir.path(),
                    "numbers.js",
                    "var limits = [1, -1e31, 1e300]; var tiny = { x: 2e-300, y: 1.2345678901234567e-20 };\n\
                     var m = new Map([['min', Number.MIN_VALUE], ['big', 3e200]]);",
                );
                let made = polysnap(dir.path(), &["make", "--engine", engine, "-o", "numbers.psnap", "numbers.js"]);
                assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
                let run = polysnap(
                    dir.path(),
                    &["run", "numbers.psnap", "-p", "[limits, tiny.x, tiny.y, m.get('min'), m.get('big')].join(' ')"],
                );
                assert_eq!(
                    stdout(&run),
                    "1,-1e+31,1e+300 2e-300 1.2345678901234567e-20 5e-324 3e+200\n",
                    "{}",
                    stderr(&run)
                );
                refused(
                    engine,
                    "var limits = Object.freeze({ big: 1e31 });",
                    &[
                        "globalThis.limits.big is 1e+31 in a property that is neither writable nor configurable",
                        "EXACT_NUMBERS",
                    ],
                );
                refused(
                    engine,
                    "var tiny = Object.freeze({ x: 2e-300 });",
                    &["globalThis.tiny.x is 2e-300 at capture and", "EXACT_NUMBERS"],
                );
                refused(engine, "var re = /a/g; re.lastIndex = 'x';", &["globalThis.re.lastIndex:", "not a number"]);
                refused(
                    engine,
                    "Object.preventExtensions(Array.prototype);",
                    &["%Array.prototype%:", "non-extensible"],
                );
                // A RegExp whose prototype was removed escapes the scan: its restore dies in
                // the checking process, and make says so with the engine's own words.
                refused(
                    engine,
                    "var re = /a/g; re.lastIndex = 'x'; Object.setPrototypeOf(re, null);",
                    &[
                        "a restore of the chakra snapshot just made ended the process",
                        "SIGABRT",
                        "The engine said: TTD assert failed",
                    ],
                );
                write(
                    dir.path(),
                    "lexical.js",
                    "const limit = 5; class Account {} var it = new Map([[1, 2]]).entries(); it.next();",
                );
                let made = polysnap(dir.path(), &["make", "--engine", engine, "-o", "lexical.psnap", "lexical.js"]);
                let err = stderr(&made);
                assert_eq!(made.status.code(), Some(0), "{err}");
                assert!(err.contains("note: chakra: ChakraCore's TTD brings top-level let, const and class"), "{err}");
                assert!(err.contains("limit, Account") || err.contains("Account, limit"), "{err}");
                assert!(err.contains("capability LIVE_ITERATORS is absent): globalThis.it"), "{err}");
            }
        }
    }
}

/// An empty setup script (the npm corpus's setups for libraries given as scripts) is a
/// program like any other: ChakraCore's TTD ended the process recording one.
#[test]
fn an_empty_setup_script_makes_and_restores() {
    for engine in engines() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "setup.js", "var kept = 7;");
        write(dir.path(), "empty.js", "");
        let made = polysnap(dir.path(), &["make", "--engine", engine, "-o", "e.psnap", "setup.js", "empty.js"]);
        assert_eq!(made.status.code(), Some(0), "{engine}: {}", stderr(&made));
        let run = polysnap(dir.path(), &["run", "e.psnap", "empty.js", "-p", "kept"]);
        assert_eq!((run.status.code(), stdout(&run).as_str()), (Some(0), "7\n"), "{engine}: {}", stderr(&run));
    }
}

/// `polysnap bench` checks what it times: variants that print different things fail (exit 1,
/// naming the outputs); agreeing ones pass.
#[test]
fn bench_fails_when_the_variants_outputs_differ() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "setup.js", "var made = Date.now();");
    for engine in engines() {
        let agree =
            polysnap(dir.path(), &["bench", "--engine", engine, "--runs", "1", "-p", "typeof made", "setup.js"]);
        assert_eq!(agree.status.code(), Some(0), "{engine}: {}", stderr(&agree));
        assert!(stdout(&agree).contains("every variant's output agrees with cold"), "{engine}: {}", stdout(&agree));
        // The restored variants print the capture's time, cold prints its own.
        let differ = polysnap(dir.path(), &["bench", "--engine", engine, "--runs", "1", "-p", "made", "setup.js"]);
        assert_eq!(differ.status.code(), Some(1), "{engine}: {}", stderr(&differ));
        assert!(stderr(&differ).contains("outputs differ"), "{engine}: {}", stderr(&differ));
    }
}

/// `polysnap bench` with `--engine` repeated prints one table, a row per engine, and each
/// engine's notes after it.
#[test]
fn bench_puts_every_engine_in_one_table() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "setup.js", "var made = [1, 2, 3].map(n => n * 2);");
    let mut args = vec!["bench", "--runs", "1", "-p", "made.join()", "setup.js"];
    for engine in engines() {
        args.extend(["--engine", engine]);
    }
    let out = polysnap(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.matches("engine      cold ms").count(), 1, "{text}");
    for engine in engines() {
        assert_eq!(text.lines().filter(|l| l.starts_with(&format!("{engine} "))).count(), 1, "{engine}: {text}");
        assert!(text.contains(&format!("{engine}: every variant's output agrees with cold")), "{text}");
    }
}

/// A heap larger than an engine's reading limit (ChakraCore's recording runtime ran out of
/// memory reading 300,000 objects and ended the process): made and restored, with a
/// `not checked` note where the reading stopped and no lexical global it never read named.
#[test]
fn a_heap_past_the_reading_limit_is_made_with_a_note() {
    for engine in engines() {
        let dir = tempfile::tempdir().unwrap();
        let setup = "var objs = []; for (var i = 0; i < 300000; i++) { objs.push({ id: i, name: 'item' + i }); }";
        write(dir.path(), "big.js", setup);
        let made = polysnap(dir.path(), &["make", "--engine", engine, "-o", "big.psnap", "big.js"]);
        assert_eq!(made.status.code(), Some(0), "{engine}: {}", stderr(&made));
        if engine == "chakra" {
            assert!(stderr(&made).contains("not checked: globalThis.objs["), "{}", stderr(&made));
            assert!(stderr(&made).contains("the walk stopped after 400000 values"), "{}", stderr(&made));
            assert!(!stderr(&made).contains("class bindings back as properties"), "{}", stderr(&made));
        }
        let run = polysnap(dir.path(), &["run", "big.psnap", "-p", "objs.length + ':' + objs[299999].name"]);
        assert_eq!(run.status.code(), Some(0), "{engine}: {}", stderr(&run));
        assert_eq!(stdout(&run), "300000:item299999\n", "{engine}");
    }
}

/// An ES-module application (`.mjs`: relative imports, a package through its `exports`
/// map, top-level await, `import.meta.url`) made on V8 and run: module state as captured,
/// bindings live after restore. ChakraCore refuses it naming its capability gap, and the
/// steps that run classic scripts only say so.
#[test]
fn an_es_module_application_is_made_and_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::create_dir_all(root.join("node_modules/greet/esm")).unwrap();
    write(
        &root,
        "node_modules/greet/package.json",
        r#"{"exports": {".": {"import": "./esm/index.mjs", "require": "./no.cjs"}}}"#,
    );
    write(
        &root,
        "node_modules/greet/esm/index.mjs",
        "export let greetings = 0;\nexport function greet(n) { greetings += 1; return 'hi ' + n; }",
    );
    write(&root, "counter.mjs", "import { greet } from 'greet';\nexport let count = 0;\nexport function bump() { count += 1; return greet(count); }");
    write(
        &root,
        "app.mjs",
        "import { count, bump } from './counter.mjs';\nimport { greetings } from 'greet';\n\
         const config = await Promise.resolve({ name: 'app' });\nbump(); bump();\n\
         globalThis.report = () => `${config.name} ${count} ${greetings} ${import.meta.url}`;\nglobalThis.bumpNow = bump;",
    );
    let made = polysnap(&root, &["make", "--engine", "v8", "-o", "app.psnap", "app.mjs"]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let url = format!("file://{}/app.mjs", root.display());
    let run = polysnap(&root, &["run", "app.psnap", "-p", "report()"]);
    assert_eq!(stdout(&run).trim(), format!("app 2 2 {url}"), "{}", stderr(&run));
    let live = polysnap(&root, &["run", "app.psnap", "-p", "(bumpNow(), report())"]);
    assert_eq!(stdout(&live).trim(), format!("app 3 3 {url}"), "{}", stderr(&live));

    if engines().contains(&"chakra") {
        let chakra = polysnap(&root, &["make", "--engine", "chakra", "-o", "c.psnap", "app.mjs"]);
        assert_eq!(chakra.status.code(), Some(2), "{}", stderr(&chakra));
        assert!(stderr(&chakra).contains("capability ES_MODULES is absent"), "{}", stderr(&chakra));
    }
    let cache = polysnap(&root, &["make", "--engine", "v8", "--strategy", "code-cache", "-o", "x.psnap", "app.mjs"]);
    assert!(stderr(&cache).contains("the code-cache strategy runs classic scripts only"), "{}", stderr(&cache));
    // After a restore: a module script links to the captured instances; a classic script
    // imports a captured module (the same instance) by its own path.
    write(&root, "later.mjs", "import { bump } from './counter.mjs';\nbump();");
    let later = polysnap(&root, &["run", "app.psnap", "later.mjs", "-p", "report()"]);
    assert_eq!(stdout(&later).trim(), format!("app 3 3 {url}"), "{}", stderr(&later));
    write(&root, "use.js", "import('./counter.mjs').then((ns) => { globalThis.seen = ns.count; });");
    let imported = polysnap(&root, &["run", "app.psnap", "use.js", "-p", "seen + ' ' + report()"]);
    assert_eq!(stdout(&imported).trim(), format!("2 app 2 2 {url}"), "{}", stderr(&imported));
    // main() may import() as well: the resolver is there before it runs.
    write(
        &root,
        "main.js",
        "snapshot.setMain(() => { import('./counter.mjs').then((ns) => { globalThis.fromMain = ns.count; }); });",
    );
    let made_main = polysnap(&root, &["make", "--engine", "v8", "-o", "main.psnap", "main.js"]);
    assert_eq!(made_main.status.code(), Some(0), "{}", stderr(&made_main));
    let from_main = polysnap(&root, &["run", "main.psnap", "-p", "fromMain"]);
    assert_eq!(stdout(&from_main).trim(), "0", "{}", stderr(&from_main));
    // The fresh life cycle gives what the restore gives; --module makes any file a module.
    let exec = polysnap(&root, &["exec", "--engine", "v8", "app.mjs", "-p", "report()"]);
    assert_eq!(stdout(&exec).trim(), format!("app 2 2 {url}"), "{}", stderr(&exec));
    write(&root, "plain.js", "import { count } from './counter.mjs';\nglobalThis.c = typeof count;");
    let flagged = polysnap(&root, &["exec", "--engine", "v8", "--module", "plain.js", "-p", "c"]);
    assert_eq!(stdout(&flagged).trim(), "number", "{}", stderr(&flagged));
    // A captured module's file changed: refused by name, or reloaded for later imports.
    write(&root, "counter.mjs", "export let count = 40;");
    let refused = polysnap(&root, &["run", "app.psnap", "-p", "report()"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let counter = root.join("counter.mjs");
    assert!(
        stderr(&refused).contains(&format!("ES module {} changed since the snapshot was made", counter.display())),
        "{}",
        stderr(&refused)
    );
    let reloaded =
        polysnap(&root, &["run", "--modules", "reload", "app.psnap", "use.js", "-p", "seen + ' ' + report()"]);
    assert_eq!(stdout(&reloaded).trim(), format!("40 app 2 2 {url}"), "{}", stderr(&reloaded));
    let missing = write(&root, "broken.mjs", "import { x } from './nowhere.mjs';");
    let broken = polysnap(&root, &["make", "--engine", "v8", "-o", "b.psnap", missing.to_str().unwrap()]);
    assert!(stderr(&broken).contains("`./nowhere.mjs` imported by file://"), "{}", stderr(&broken));
    assert!(!root.join("b.psnap").exists(), "nothing written");
}
