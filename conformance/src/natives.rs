//! The natives scenarios may use: one small test extension, the same on every engine.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use polysnap::wrap::WrapStore;
use snapshot_core::{HostError, HostValue, Registry, RegistryError};

/// Every native this extension offers, by name.
pub const NAMES: &[&str] = &[
    "test.add",
    "test.concat",
    "test.fail",
    "test.sum_bytes",
    "test.echo",
    "test.counter",
    "test.Point.new",
    "test.Point.scale",
    "test.Point.norm",
    "test.Counter2.new",
    "test.Counter2.bump",
];

/// The native struct behind the `Point` wrapper objects of the ObjectWrap scenario.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Point {
    /// x.
    pub x: f64,
    /// y.
    pub y: f64,
}

/// The native struct behind the wrapped objects of the `objectwrap-internal` scenario
/// (`test.Counter2.*`): JavaScript holds a [`HostValue::Wrapped`] object, never a number.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Counter2 {
    /// The count.
    pub n: f64,
}

/// The host state behind `test.counter`.
#[derive(Clone, Default, Debug)]
pub struct Counter(pub Arc<AtomicU64>);

impl Counter {
    /// The count so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    /// Sets the count (restoring it).
    pub fn set(&self, value: u64) {
        self.0.store(value, Ordering::SeqCst)
    }
}

/// The wrap stores of the ObjectWrap scenarios.
#[derive(Clone)]
pub struct Stores {
    /// `test.Point.*`: numbers in JavaScript.
    pub points: WrapStore<Point>,
    /// `test.Counter2.*`: wrapped objects in JavaScript.
    pub counters: WrapStore<Counter2>,
}

impl Default for Stores {
    fn default() -> Stores {
        Stores {
            points: WrapStore::new(snapshot_core::StableId::new("test.Point")),
            counters: WrapStore::new(snapshot_core::StableId::new("test.Counter2")),
        }
    }
}

/// Registers the natives named in `names`, in that order; `test.counter` counts in
/// `counter`, the `test.Point.*` and `test.Counter2.*` natives keep their structs in
/// `stores`.
pub fn register(
    registry: &mut Registry,
    names: &[String],
    counter: &Counter,
    stores: &Stores,
) -> Result<(), RegistryError> {
    for name in names {
        let name: &'static str =
            NAMES.iter().copied().find(|n| n == name).expect("scenario natives are checked on load");
        let counter = counter.clone();
        let points = stores.points.clone();
        let counters = stores.counters.clone();
        let func: snapshot_core::HostFunction = match name {
            "test.add" => Arc::new(|call| Ok(HostValue::Number(number(call.arg(0))? + number(call.arg(1))?))),
            "test.concat" => Arc::new(|call| {
                Ok(HostValue::String(call.args.iter().map(|a| a.as_str().unwrap_or_default()).collect()))
            }),
            "test.fail" => Arc::new(|call| Err(HostError::new(call.arg(0).as_str().unwrap_or("failed")))),
            "test.sum_bytes" => Arc::new(|call| match call.arg(0) {
                HostValue::Bytes(bytes) => Ok(HostValue::Number(bytes.iter().map(|&b| f64::from(b)).sum())),
                other => Err(HostError::new(format!("test.sum_bytes expects bytes, got {other:?}"))),
            }),
            "test.echo" => Arc::new(|call| Ok(call.arg(0).clone())),
            "test.counter" => {
                Arc::new(move |_| Ok(HostValue::Number((counter.0.fetch_add(1, Ordering::SeqCst) + 1) as f64)))
            }
            "test.Point.new" => Arc::new(move |call| {
                let point = Point { x: number(call.arg(0))?, y: number(call.arg(1))? };
                Ok(HostValue::Number(points.insert(point) as f64))
            }),
            "test.Point.scale" => Arc::new(move |call| {
                let k = number(call.arg(1))?;
                points.with(number(call.arg(0))? as u64, |p| {
                    p.x *= k;
                    p.y *= k;
                })?;
                Ok(HostValue::Undefined)
            }),
            "test.Point.norm" => Arc::new(move |call| {
                Ok(HostValue::Number(points.with(number(call.arg(0))? as u64, |p| p.x.hypot(p.y))?))
            }),
            // `test.Counter2.new(start)`: a new wrapped counter.
            "test.Counter2.new" => Arc::new(move |call| Ok(counters.wrap(Counter2 { n: number(call.arg(0))? }))),
            // `counter.bump(by = 1)` as a method, or `bump(counter, by = 1)`: the new count.
            "test.Counter2.bump" => Arc::new(move |call| {
                let (target, by) = match &call.this {
                    HostValue::Wrapped(_) => (&call.this, call.arg(0)),
                    _ => (call.arg(0), call.arg(1)),
                };
                let by = if *by == HostValue::Undefined { 1.0 } else { number(by)? };
                Ok(HostValue::Number(counters.with_wrapped(target, |c| {
                    c.n += by;
                    c.n
                })?))
            }),
            _ => unreachable!("NAMES lists every native"),
        };
        registry.shared_function(name, func)?;
    }
    Ok(())
}

fn number(value: &HostValue) -> Result<f64, HostError> {
    value.as_f64().ok_or_else(|| HostError::new(format!("expected a number, got {value:?}")))
}

/// Carries `test.counter`'s count across a snapshot: the host state a heap cannot hold.
pub struct CounterRehydrator(pub Counter);

impl snapshot_core::Rehydrator<snapshot_core::DynScriptHost> for CounterRehydrator {
    type Record = u64;

    fn id(&self) -> snapshot_core::StableId {
        snapshot_core::stable_id!("test.Counter")
    }

    fn before_snapshot(
        &mut self,
        _: &mut snapshot_core::DynScriptHost,
    ) -> Result<Vec<u64>, snapshot_core::RehydrateError> {
        Ok(vec![self.0.get()])
    }

    fn after_restore(
        &mut self,
        _: &mut snapshot_core::DynScriptHost,
        records: Vec<u64>,
    ) -> Result<(), snapshot_core::RehydrateError> {
        self.0.set(records.into_iter().next().unwrap_or(0));
        Ok(())
    }
}
