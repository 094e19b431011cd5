//! Runtimes on several threads at once: each thread records, captures, inflates and runs a
//! fresh runtime concurrently with the others (TTD state and the stream registry are per
//! runtime / process-safe).

mod common;
use backend_chakra::{Recorder, Runtime};
use common::*;
use snapshot_core::HostValue;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

#[test]
fn runtimes_on_several_threads_at_once() {
    let lib = lib();
    let handles: Vec<_> = (0..4).map(|t| {
        let lib = lib.clone();
        std::thread::spawn(move || {
            for round in 0..5 {
                let mut rec = Recorder::new(&lib, natives(Arc::new(AtomicU64::new(0)))).unwrap();
                rec.run_script("s.js", &format!("var who = {t} * 100 + {round}; var arr = []; for (var i = 0; i < 2000; i++) arr.push({{i: i}});")).unwrap();
                let p = rec.capture().unwrap();
                drop(rec);
                let mut rt = Runtime::inflate(&lib, &p, natives(Arc::new(AtomicU64::new(0)))).unwrap();
                assert_eq!(rt.eval("who + arr.length").unwrap(), HostValue::Number((t * 100 + round + 2000) as f64));
                let mut f = Runtime::fresh(&lib, natives(Arc::new(AtomicU64::new(0)))).unwrap();
                assert_eq!(f.eval("__polysnap_natives['counter.next']()").unwrap(), HostValue::Number(0.0));
            }
        })
    }).collect();
    for h in handles {
        h.join().unwrap();
    }
}
