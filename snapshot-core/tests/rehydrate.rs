//! Rehydrators and identity tables.

use serde::{Deserialize, Serialize};
use snapshot_core::IdentityEntry;
use snapshot_core::{stable_id, IdentityTable, RehydrateError, Rehydrator, Rehydrators, StableId};

#[derive(Default)]
struct Timers {
    pending: Vec<Timer>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Timer {
    id: u32,
    remaining_ms: u64,
}

impl Rehydrator<Vec<String>> for Timers {
    type Record = Timer;
    fn id(&self) -> StableId {
        stable_id!("timers.Timeout")
    }
    fn before_snapshot(&mut self, log: &mut Vec<String>) -> Result<Vec<Timer>, RehydrateError> {
        log.push("timers saved".into());
        Ok(std::mem::take(&mut self.pending))
    }
    fn after_restore(&mut self, log: &mut Vec<String>, records: Vec<Timer>) -> Result<(), RehydrateError> {
        log.push(format!("timers restored: {records:?}"));
        self.pending = records;
        Ok(())
    }
}

#[test]
fn records_round_trip_through_postcard_under_their_id() {
    let mut before = Rehydrators::new();
    before.add(Timers { pending: vec![Timer { id: 1, remaining_ms: 250 }] }).unwrap();
    let mut log = Vec::new();
    let records = before.collect(&mut log).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].rehydrator, stable_id!("timers.Timeout"));

    let mut after = Rehydrators::new();
    after.add(Timers::default()).unwrap();
    after.restore(&mut log, &records).unwrap();
    assert_eq!(log, ["timers saved", "timers restored: [Timer { id: 1, remaining_ms: 250 }]"]);
}

#[test]
fn records_for_a_rehydrator_the_host_lacks_are_refused_by_name() {
    let mut before = Rehydrators::new();
    before.add(Timers { pending: vec![Timer { id: 1, remaining_ms: 1 }] }).unwrap();
    let records = before.collect(&mut Vec::new()).unwrap();
    let err = Rehydrators::<Vec<String>>::new().restore(&mut Vec::new(), &records).unwrap_err();
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn a_damaged_record_is_a_decode_error_not_a_panic() {
    let records =
        vec![snapshot_core::RehydratorRecord { rehydrator: stable_id!("timers.Timeout"), data: vec![0xff; 3] }];
    let mut after = Rehydrators::new();
    after.add(Timers::default()).unwrap();
    assert!(matches!(after.restore(&mut Vec::new(), &records), Err(RehydrateError::Decode { .. })));
}

#[test]
fn identity_tables_refuse_a_second_binding_and_name_missing_ids() {
    let mut table = IdentityTable::new();
    let entry = IdentityEntry { id: stable_id!("app.config"), slot: 3, wraps: Some(stable_id!("fs.FileHandle")) };
    table.insert(entry.clone()).unwrap();
    assert_eq!(
        table.insert(entry).unwrap_err().to_string(),
        "identity `app.config` is already bound to an object: each id names one object; use another id"
    );
    assert_eq!(table.require(stable_id!("app.config")).unwrap().slot, 3);
    assert!(table.require(stable_id!("app.other")).unwrap_err().to_string().contains("`app.other` is not bound"));
    assert_eq!(table.wrappers_of(stable_id!("fs.FileHandle")).collect::<Vec<_>>(), [stable_id!("app.config")]);
}
