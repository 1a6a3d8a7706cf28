//! The restore proof for ckptlens's SlateDB deletion plan.
//!
//!   slatedb-proof create <store dir> <out dir>
//!     writes real databases under <store dir>/proof/ (a parent with a running
//!     compactor, checkpoints that pin old manifests and WAL, an expired
//!     checkpoint, a clone, a database that never compacted), copies their
//!     manifests and compactions files to <out dir>/<db>/, and records every
//!     key each database and checkpoint must read back (<out dir>/keys.json).
//!   slatedb-proof verify <store dir> <copy dir> <plan file> <out dir>
//!     copies the store, deletes every store-relative path the plan lists
//!     (a folder ends in /), then opens every database and every live
//!     checkpoint with SlateDB, in the original and in the copy, reads every
//!     key ever written and requires the same answers; the keys keys.json
//!     names for each must read back with the value written
//!     (<out dir>/restore.json).

use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use slatedb::admin::{Admin, AdminBuilder};
use slatedb::config::{
    CheckpointOptions, CheckpointScope, CompactorOptions, DbReaderOptions, FlushOptions, FlushType,
    Settings,
};
use slatedb::object_store::local::LocalFileSystem;
use slatedb::object_store::ObjectStore;
use std::ops::Bound;

use slatedb::bytes::Bytes;
use slatedb::compactor::{CompactionSpec, SourceId};
use slatedb::{CloneSourceSpec, Db, DbReader, DbReaderMode};

type Res<T> = Result<T, Box<dyn Error>>;

const MAIN: &str = "proof/main";
const CLONE: &str = "proof/clone";
const NO_COMPACTOR: &str = "proof/nocompactor";
const NO_WAL: &str = "proof/nowal";
const PROJECTED: &str = "proof/projected";
const DATABASES: [&str; 5] = [MAIN, CLONE, NO_COMPACTOR, NO_WAL, PROJECTED];

fn settings(compactor: bool) -> Settings {
    let mut s = Settings::default();
    s.flush_interval = Some(Duration::from_millis(50));
    if compactor {
        let mut c = CompactorOptions::default();
        c.poll_interval = Duration::from_millis(100);
        s.compactor_options = Some(c);
    } else {
        s.compactor_options = None;
    }
    // The plan, not SlateDB's own GC, decides what goes.
    s.garbage_collector_options = None;
    s.min_filter_keys = 10;
    s
}

fn value(key: &str) -> String {
    format!("{key}={}", "v".repeat(48))
}

/// Writes n keys tagged tag; flush_l0 also flushes the memtable to an L0 SST
/// (otherwise the keys stay in the WAL only).
async fn write(db: &Db, tag: &str, n: usize, flush_l0: bool, keys: &mut Vec<String>) -> Res<()> {
    for i in 0..n {
        let key = format!("{tag}-{i:05}");
        db.put(key.as_bytes(), value(&key).as_bytes()).await?;
        keys.push(key);
    }
    if flush_l0 {
        db.flush_with_options(FlushOptions { flush_type: FlushType::MemTable })
            .await?;
    }
    Ok(())
}

async fn wait_compacted(admin: &Admin) -> Res<()> {
    for _ in 0..600 {
        let m = admin.read_manifest(None).await?.ok_or("no manifest")?;
        let v = serde_json::to_value(&m)?;
        let l0 = v.get("l0").and_then(|x| x.as_array()).map_or(0, |a| a.len());
        let runs = v.get("compacted").and_then(|x| x.as_array()).map_or(0, |a| a.len());
        if l0 == 0 && runs > 0 {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err("compaction did not finish within 60 s".into())
}

fn checkpoint(lifetime: Option<Duration>, name: &str) -> CheckpointOptions {
    CheckpointOptions { lifetime, source: None, name: Some(name.to_string()) }
}

/// Copies the manifests and compactions files of db into out.
fn copy_state(store: &FsPath, out: &FsPath, db: &str) -> Res<()> {
    for dir in ["manifest", "compactions"] {
        let src = store.join(db).join(dir);
        if !src.exists() {
            continue;
        }
        let dst = out.join(db).join(dir);
        std::fs::create_dir_all(&dst)?;
        for e in std::fs::read_dir(&src)? {
            let e = e?;
            std::fs::copy(e.path(), dst.join(e.file_name()))?;
        }
    }
    Ok(())
}

async fn create(store_dir: &FsPath, out: &FsPath) -> Res<()> {
    std::fs::create_dir_all(store_dir)?;
    let store: Arc<dyn ObjectStore> = Arc::new(LocalFileSystem::new_with_prefix(store_dir)?);
    let mut expect: Vec<Value> = Vec::new();
    let mut keys: Vec<String> = Vec::new();

    let main = Db::builder(MAIN, store.clone()).with_settings(settings(true)).build().await?;
    let admin = AdminBuilder::new(MAIN, store.clone()).build();
    // Keys only in the WAL when the checkpoint is taken: it replays them.
    write(&main, "a", 200, false, &mut keys).await?;
    let wal_cp = admin.create_detached_checkpoint(&checkpoint(None, "wal-pinned")).await?;
    // A detached checkpoint reads what its manifest records, which may not
    // yet name the WAL just written: it is compared, key by key, not required.
    expect.push(json!({"db": MAIN, "checkpoint": wal_cp.id.to_string(), "name": "wal-pinned", "keys": []}));
    for tag in ["b", "c", "d", "d2"] {
        write(&main, tag, 200, true, &mut keys).await?;
    }
    wait_compacted(&admin).await?;
    let kept = main.create_checkpoint(CheckpointScope::All, &checkpoint(None, "kept")).await?;
    expect.push(json!({"db": MAIN, "checkpoint": kept.id.to_string(), "name": "kept", "keys": keys.clone()}));
    let clone_keys = keys.clone();
    write(&main, "e", 200, true, &mut keys).await?;
    let expired = admin
        .create_detached_checkpoint(&checkpoint(Some(Duration::from_secs(1)), "expired"))
        .await?;
    // An expired checkpoint pins nothing: it is listed, never read back.
    expect.push(json!({"db": MAIN, "checkpoint": expired.id.to_string(), "name": "expired", "expired": true, "keys": []}));
    for tag in ["f", "g", "g2"] {
        write(&main, tag, 200, true, &mut keys).await?;
    }
    wait_compacted(&admin).await?;
    write(&main, "h", 50, false, &mut keys).await?;
    main.close().await?;
    // A compaction submitted after the compactor stopped stays Submitted:
    // the compactions file then holds an unfinished compaction.
    let m = serde_json::to_value(admin.read_manifest(None).await?.ok_or("no manifest")?)?;
    let run = m["compacted"][0]["id"].as_u64().ok_or("no sorted run")? as u32;
    let submitted = admin
        .submit_compaction(CompactionSpec::new(vec![SourceId::SortedRun(run)], run))
        .await?;
    expect.push(json!({"db": MAIN, "submittedCompaction": submitted.id().to_string()}));
    expect.push(json!({"db": MAIN, "checkpoint": null, "keys": keys.clone()}));

    // A clone of "kept" with writes of its own.
    let cadmin = AdminBuilder::new(CLONE, store.clone()).build();
    cadmin
        .create_clone_builder_from_source(CloneSourceSpec::with_checkpoint(MAIN, kept.id))
        .build()
        .await?;
    let clone = Db::builder(CLONE, store.clone()).with_settings(settings(false)).build().await?;
    let mut ckeys = clone_keys;
    write(&clone, "clone", 100, true, &mut ckeys).await?;
    write(&clone, "clonewal", 20, false, &mut ckeys).await?;
    clone.close().await?;
    expect.push(json!({"db": CLONE, "checkpoint": null, "keys": ckeys}));

    // Never compacted: SlateDB writes no compactions file.
    let nc = Db::builder(NO_COMPACTOR, store.clone()).with_settings(settings(false)).build().await?;
    let mut nkeys = Vec::new();
    write(&nc, "n1", 100, true, &mut nkeys).await?;
    let ncp = nc.create_checkpoint(CheckpointScope::All, &checkpoint(None, "nc-keep")).await?;
    expect.push(json!({"db": NO_COMPACTOR, "checkpoint": ncp.id.to_string(), "name": "nc-keep", "keys": nkeys.clone()}));
    write(&nc, "n2", 100, true, &mut nkeys).await?;
    nc.close().await?;
    expect.push(json!({"db": NO_COMPACTOR, "checkpoint": null, "keys": nkeys}));

    // SlateDB projects only sources whose WAL is empty: a database without
    // WAL, and a clone of its checkpoint projected to the keys in [b-, d-).
    let mut nw_settings = settings(false);
    nw_settings.wal_enabled = false;
    let nw = Db::builder(NO_WAL, store.clone()).with_settings(nw_settings).build().await?;
    let mut wkeys = Vec::new();
    for tag in ["a", "b", "c", "d"] {
        write(&nw, tag, 50, true, &mut wkeys).await?;
    }
    let src = nw.create_checkpoint(CheckpointScope::All, &checkpoint(None, "projection-source")).await?;
    expect.push(json!({"db": NO_WAL, "checkpoint": src.id.to_string(), "name": "projection-source", "keys": wkeys.clone()}));
    nw.close().await?;
    expect.push(json!({"db": NO_WAL, "checkpoint": null, "keys": wkeys.clone()}));
    AdminBuilder::new(PROJECTED, store.clone())
        .build()
        .create_clone_builder_from_source(
            CloneSourceSpec::with_checkpoint(NO_WAL, src.id).with_projection_range((
                Bound::Included(Bytes::from_static(b"b-")),
                Bound::Excluded(Bytes::from_static(b"d-")),
            )),
        )
        .build()
        .await?;
    let pkeys: Vec<&String> = wkeys.iter().filter(|k| k.as_str() >= "b-" && k.as_str() < "d-").collect();
    expect.push(json!({"db": PROJECTED, "checkpoint": null, "keys": pkeys}));

    // Readers and the compactor leave unnamed short-lived checkpoints; delete
    // them (their expiry would), so every live checkpoint has known keys.
    for db in DATABASES {
        let a = AdminBuilder::new(db, store.clone()).build();
        for cp in a.list_checkpoints(None).await? {
            if cp.name.is_none() {
                a.delete_checkpoint(cp.id).await?;
            }
        }
    }
    tokio::time::sleep(Duration::from_secs(2)).await; // "expired" has expired
    for db in DATABASES {
        copy_state(store_dir, out, db)?;
        // SlateDB's reading of every compactions file, for the decoder's test.
        let all = AdminBuilder::new(db, store.clone()).build().list_compactions(..).await?;
        std::fs::write(out.join(db).join("compactions.json"), serde_json::to_string(&all)?)?;
    }
    std::fs::write(
        out.join("keys.json"),
        serde_json::to_string(&json!({"slatedb": "0.18.0", "expect": expect}))?,
    )?;
    Ok(())
}

fn copy_tree(from: &FsPath, to: &FsPath) -> Res<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let dst = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_tree(&e.path(), &dst)?;
        } else {
            std::fs::copy(e.path(), &dst)?;
        }
    }
    Ok(())
}

/// Reads keys through a reader of e's database at e's checkpoint (or its
/// latest state): each key's value, None when absent.
async fn read_all(store: &Arc<dyn ObjectStore>, e: &Value, keys: &[String]) -> Res<Vec<Option<Vec<u8>>>> {
    let db = e["db"].as_str().ok_or("db")?;
    let mode = match e["checkpoint"].as_str() {
        Some(id) => DbReaderMode::Checkpoint(id.parse()?),
        None => DbReaderMode::FollowLatest,
    };
    let reader = DbReader::open(db, store.clone(), mode, DbReaderOptions::default()).await?;
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        out.push(reader.get(k.as_bytes()).await?.map(|v| v.to_vec()));
    }
    reader.close().await?;
    Ok(out)
}

/// Compares what e reads in the original store and in the copy the plan
/// was applied to, over every key written anywhere; the keys e names must
/// also read back with the value written. Returns (keys read, failures).
async fn compare(original: &Arc<dyn ObjectStore>, planned: &Arc<dyn ObjectStore>, e: &Value, all: &[String]) -> (usize, Vec<String>) {
    let before = match read_all(original, e, all).await {
        Ok(v) => v,
        Err(err) => return (0, vec![format!("open the original store: {err}")]),
    };
    let after = match read_all(planned, e, all).await {
        Ok(v) => v,
        Err(err) => return (0, vec![format!("open after the plan: {err}")]),
    };
    let mut failed = Vec::new();
    for (i, k) in all.iter().enumerate() {
        if before[i] != after[i] {
            failed.push(format!("{k}: {:?} before the plan, {:?} after", before[i].is_some(), after[i].is_some()));
        }
    }
    for k in e["keys"].as_array().into_iter().flatten().filter_map(|k| k.as_str()) {
        let i = all.iter().position(|a| a == k).unwrap_or(usize::MAX);
        if i == usize::MAX || after[i].as_deref() != Some(value(k).as_bytes()) {
            failed.push(format!("{k}: written, not read back"));
        }
    }
    (after.iter().filter(|v| v.is_some()).count(), failed)
}

async fn verify(store_dir: &FsPath, copy: &FsPath, plan: &FsPath, out: &FsPath) -> Res<()> {
    if copy.exists() {
        std::fs::remove_dir_all(copy)?;
    }
    copy_tree(store_dir, copy)?;
    let mut deleted = Vec::new();
    for line in std::fs::read_to_string(plan)?.lines().filter(|l| !l.is_empty()) {
        let p = copy.join(line.trim_end_matches('/'));
        if line.ends_with('/') {
            std::fs::remove_dir_all(&p)?;
        } else {
            std::fs::remove_file(&p)?;
        }
        deleted.push(line.to_string());
    }
    let store: Arc<dyn ObjectStore> = Arc::new(LocalFileSystem::new_with_prefix(copy)?);
    let original: Arc<dyn ObjectStore> = Arc::new(LocalFileSystem::new_with_prefix(store_dir)?);
    let keys: Value = serde_json::from_slice(&std::fs::read(out.join("keys.json"))?)?;
    // Every key written to any database: a checkpoint must read each one
    // exactly as it did before the plan, present or absent.
    let mut all: Vec<String> = keys["expect"].as_array().ok_or("expect")?.iter()
        .flat_map(|e| e["keys"].as_array().into_iter().flatten())
        .filter_map(|k| k.as_str().map(str::to_string))
        .collect();
    all.sort();
    all.dedup();
    let mut results = Vec::new();
    let mut failures = 0;
    for e in keys["expect"].as_array().ok_or("expect")? {
        if e["expired"].as_bool() == Some(true) || e.get("keys").is_none() {
            continue;
        }
        let (read, failed) = compare(&original, &store, e, &all).await;
        failures += failed.len();
        let mut r = BTreeMap::new();
        r.insert("db", e["db"].clone());
        r.insert("checkpoint", e["checkpoint"].clone());
        r.insert("name", e["name"].clone());
        r.insert("keysRead", json!(read));
        r.insert("failures", json!(failed.iter().take(5).collect::<Vec<_>>()));
        r.insert("failureCount", json!(failed.len()));
        results.push(r);
    }
    // Every checkpoint still live in the copy must have been read back.
    let now_secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
    for db in DATABASES {
        let a = AdminBuilder::new(db, store.clone()).build();
        for cp in a.list_checkpoints(None).await? {
            let id = cp.id.to_string();
            let expired = cp.expire_time.is_some_and(|t| t.timestamp() <= now_secs);
            let covered = keys["expect"].as_array().ok_or("expect")?.iter()
                .any(|e| e["checkpoint"].as_str() == Some(id.as_str()));
            if !expired && !covered {
                failures += 1;
                results.push(BTreeMap::from([
                    ("db", json!(db)),
                    ("checkpoint", json!(id)),
                    ("failures", json!(["a live checkpoint the proof did not read back"])),
                    ("failureCount", json!(1)),
                ]));
            }
        }
    }
    std::fs::write(
        out.join("restore.json"),
        serde_json::to_string_pretty(&json!({"deleted": deleted.len(), "failures": failures, "opened": results}))?,
    )?;
    if failures > 0 {
        return Err(format!("{failures} keys could not be read back; see restore.json").into());
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("create") if args.len() == 4 => {
            create(&PathBuf::from(&args[2]), &PathBuf::from(&args[3])).await
        }
        Some("verify") if args.len() == 6 => {
            verify(
                &PathBuf::from(&args[2]),
                &PathBuf::from(&args[3]),
                &PathBuf::from(&args[4]),
                &PathBuf::from(&args[5]),
            )
            .await
        }
        _ => Err("usage: slatedb-proof create STORE OUT | verify STORE COPY PLAN OUT".into()),
    }
}
