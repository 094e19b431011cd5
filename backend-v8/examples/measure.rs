//! Prints timings of the V8 backend on this machine: `cargo run -p backend-v8 --example measure`.
use std::time::Instant;

use backend_v8::{CodeHandling, NativeSpec, Runtime, SnapshotBuilder};
use snapshot_core::{HostValue, StableId};

fn natives(n: usize) -> Vec<NativeSpec> {
    (0..n)
        .map(|i| {
            let name: &'static str = Box::leak(format!("bench.native{i}").into_boxed_str());
            NativeSpec {
                id: StableId::new(name),
                name: name.to_owned(),
                func: std::sync::Arc::new(move |_| Ok(HostValue::Number(i as f64))),
            }
        })
        .collect()
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn main() {
    backend_v8::init().unwrap();
    println!("V8 {}", backend_v8::v8_version().unwrap());
    println!("identity: {}", backend_v8::build_identity().unwrap());
    for _ in 0..2 {
        let t = Instant::now();
        let rt = Runtime::fresh(vec![]).unwrap();
        println!("fresh isolate+context: {:.2} ms", ms(t));
        drop(rt);
    }
    for n in [0usize, 2000] {
        let ns = natives(n);
        let t = Instant::now();
        let mut b = SnapshotBuilder::new(ns).unwrap();
        let t_new = ms(t);
        b.run_script("s.js", "globalThis.state = { list: Array.from({length: 1000}, (_, i) => ({ i, s: 'x' + i })) };")
            .unwrap();
        let t = Instant::now();
        let blob = b.build(CodeHandling::Clear).unwrap();
        let t_build = ms(t);
        let mut restore = Vec::new();
        for _ in 0..5 {
            let (bytes, ns) = (blob.clone(), natives(n));
            let t = Instant::now();
            let mut rt = Runtime::from_blob(bytes, ns).unwrap();
            restore.push(ms(t));
            assert_eq!(rt.eval("state.list.length").unwrap(), HostValue::Number(1000.0));
        }
        let t = Instant::now();
        let header = backend_v8::inspect_blob(&blob).unwrap();
        println!("  envelope parse: {:.2} ms ({} natives)", ms(t), header.natives.len());
        restore.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{n} natives: builder {t_new:.1} ms, CreateBlob {t_build:.1} ms, blob {} KB, restore (isolate+context+checks) min {:.2} / median {:.2} ms",
            blob.len() / 1024,
            restore[0],
            restore[2]
        );
    }
}
