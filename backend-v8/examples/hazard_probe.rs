//! Probes which setup-time objects V8 10.2 can snapshot: `hazard_probe <js>` runs `<js>`
//! in a builder, builds (Clear), restores and evaluates `probe()` if defined. Run each case
//! in its own process: V8 aborts the process on objects it cannot serialize.
use backend_v8::{CodeHandling, Runtime, SnapshotBuilder};
fn main() {
    let js = std::env::args().nth(1).expect("usage: hazard_probe <setup js>");
    let mut b = SnapshotBuilder::new(vec![]).unwrap();
    println!("setup: {:?}", b.run_script("probe.js", &js));
    let blob = b.build(CodeHandling::Clear);
    println!("build: {:?}", blob.as_ref().map(|b| b.len()));
    let mut rt = Runtime::from_blob(blob.unwrap(), vec![]).unwrap();
    println!("restored: {:?}", rt.eval("typeof probe === 'function' ? probe() : 'no probe'"));
}
