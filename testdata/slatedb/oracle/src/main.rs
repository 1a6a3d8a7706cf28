//! SlateDB oracle for ckptlens.
//!
//! Drives the real `slatedb` crate against a local-filesystem object store and
//! records, for every database it creates:
//!   - every manifest file, byte for byte (`<db>/manifest/*.manifest`);
//!   - SlateDB's own reading of each manifest (`<db>/manifests.json`, the
//!     serde JSON of `Admin::list_manifests`, one object per manifest id);
//!   - `Admin::list_checkpoints` (`<db>/checkpoints.json`);
//!   - the real object listing before and after SlateDB's garbage collector
//!     ran (`<db>/listing-before.txt`, `<db>/listing-after.txt`), and the GC
//!     inputs (`<db>/gc.json`);
//!   - the compactions state GC read (`<db>/compactions.json`).
//!
//! Usage: slatedb-oracle <scratch store dir> <output dir>

use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use serde_json::{json, Value};
use slatedb::admin::{Admin, AdminBuilder};
use slatedb::config::{
    CheckpointOptions, CheckpointScope, CompactorOptions, FlushOptions, FlushType,
    GarbageCollectorDirectoryOptions, GarbageCollectorOptions, Settings,
};
use slatedb::object_store::local::LocalFileSystem;
use slatedb::object_store::path::Path;
use slatedb::object_store::ObjectStore;
use slatedb::prefix_extractor::{PrefixExtractor, PrefixTarget};
use slatedb::{CloneSourceSpec, Db};

type Res<T> = Result<T, Box<dyn Error>>;

const PARENT: &str = "prod/parent";
const CLONE: &str = "prod/clone";
const GRANDCLONE: &str = "dev/grandclone";
const SEGMENTED: &str = "prod/segmented";

/// Routes keys by their first two bytes, so the database writes segmented
/// (RFC-0024) manifests.
struct TwoBytePrefix;

impl PrefixExtractor for TwoBytePrefix {
    fn name(&self) -> &str {
        "two-byte-prefix"
    }
    fn prefix_len(&self, target: &PrefixTarget) -> Option<usize> {
        let b = match target {
            PrefixTarget::Point(b) | PrefixTarget::Prefix(b) => b,
        };
        if b.len() >= 2 {
            Some(2)
        } else {
            None
        }
    }
}

fn settings() -> Settings {
    let mut compactor = CompactorOptions::default();
    compactor.poll_interval = Duration::from_millis(100);
    let mut s = Settings::default();
    s.flush_interval = Some(Duration::from_millis(50));
    s.compactor_options = Some(compactor);
    // GC runs only where this program asks for it, so the listing before GC
    // is exactly what SlateDB left behind.
    s.garbage_collector_options = None;
    s.min_filter_keys = 10;
    s
}

fn no_compactor_settings() -> Settings {
    let mut s = settings();
    s.compactor_options = None;
    s
}

async fn write_batch(db: &Db, tag: &str, n: usize) -> Res<()> {
    for i in 0..n {
        let key = format!("{tag}-{i:05}");
        let value = format!("{tag}:{i}:{}", "v".repeat(64));
        db.put(key.as_bytes(), value.as_bytes()).await?;
    }
    db.flush_with_options(FlushOptions {
        flush_type: FlushType::MemTable,
    })
    .await?;
    Ok(())
}

async fn latest_json(admin: &Admin) -> Res<Value> {
    let m = admin.read_manifest(None).await?.ok_or("no manifest")?;
    Ok(serde_json::to_value(&m)?)
}

fn arr_len(v: &Value, key: &str) -> usize {
    v.get(key).and_then(|x| x.as_array()).map_or(0, |a| a.len())
}

/// Waits until the embedded compactor has moved every L0 into sorted runs.
async fn wait_compacted(admin: &Admin, min_runs: usize) -> Res<()> {
    for _ in 0..600 {
        let m = latest_json(admin).await?;
        if arr_len(&m, "l0") == 0 && arr_len(&m, "compacted") >= min_runs {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err("compaction did not finish within 60 s".into())
}

fn opts(lifetime: Option<Duration>, name: Option<&str>) -> CheckpointOptions {
    CheckpointOptions {
        lifetime,
        source: None,
        name: name.map(str::to_string),
    }
}

async fn listing(store: &Arc<dyn ObjectStore>, db: &str) -> Res<Vec<(String, u64)>> {
    let prefix = Path::from(db);
    let mut out = Vec::new();
    let mut s = store.list(Some(&prefix));
    while let Some(meta) = s.next().await {
        let meta = meta?;
        out.push((meta.location.to_string(), meta.size as u64));
    }
    out.sort();
    Ok(out)
}

fn write_listing(path: &FsPath, rows: &[(String, u64)]) -> Res<()> {
    // The shape of `find -printf '%s %p\n'` run in the object-store root.
    let mut s = String::new();
    for (p, n) in rows {
        s.push_str(&format!("{n} {p}\n"));
    }
    std::fs::write(path, s)?;
    Ok(())
}

/// Copies every manifest file of `db` and SlateDB's reading of each one.
/// Manifests already copied (by an earlier call) are kept: GC deletes some.
async fn dump(store_dir: &FsPath, out: &FsPath, store: &Arc<dyn ObjectStore>, db: &str) -> Res<()> {
    let admin = AdminBuilder::new(db, store.clone()).build();
    let dir = out.join(db);
    std::fs::create_dir_all(dir.join("manifest"))?;
    let src = store_dir.join(db).join("manifest");
    for e in std::fs::read_dir(&src)? {
        let e = e?;
        std::fs::copy(e.path(), dir.join("manifest").join(e.file_name()))?;
    }
    // SlateDB's reading of each manifest, merged with earlier dumps by id.
    let truth_path = dir.join("manifests.json");
    let mut truth: BTreeMap<u64, Value> = BTreeMap::new();
    if let Ok(b) = std::fs::read(&truth_path) {
        let old: Vec<Value> = serde_json::from_slice(&b)?;
        for v in old {
            truth.insert(v["id"].as_u64().ok_or("id")?, v);
        }
    }
    for m in admin.list_manifests(..).await? {
        let v = serde_json::to_value(&m)?;
        truth.insert(m.id(), v);
    }
    // One manifest per line keeps the file small and diffs readable.
    let lines: Vec<String> = truth
        .values()
        .map(serde_json::to_string)
        .collect::<Result<_, _>>()?;
    std::fs::write(&truth_path, format!("[\n{}\n]\n", lines.join(",\n")))?;
    let cps = admin.list_checkpoints(None).await?;
    std::fs::write(dir.join("checkpoints.json"), serde_json::to_string_pretty(&cps)?)?;
    Ok(())
}

/// Runs SlateDB's GC once over `resources` and records what it deleted.
/// Phase "" (manifest, WAL, compacted) writes gc.json and listing-after.txt;
/// phase "-compactions" then runs compactions GC alone and writes
/// gc-compactions.json and listing-after-compactions.txt, so each file
/// records one run.
async fn run_gc(
    store_dir: &FsPath,
    out: &FsPath,
    store: &Arc<dyn ObjectStore>,
    db: &str,
    phase: &str,
) -> Res<()> {
    let admin = AdminBuilder::new(db, store.clone()).build();
    let dir = out.join(db);
    let before = listing(store, db).await?;
    if phase.is_empty() {
        write_listing(&dir.join("listing-before.txt"), &before)?;
        let compactions = admin.read_compactions(None).await?;
        std::fs::write(
            dir.join("compactions.json"),
            serde_json::to_string_pretty(&compactions)?,
        )?;
    }
    let now_ms = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as u64;
    let on = Some(GarbageCollectorDirectoryOptions {
        interval: None,
        min_age: Duration::ZERO,
        dry_run: false,
    });
    let main_phase = phase.is_empty();
    let pick = |yes: bool| if yes { on } else { None };
    let gc = GarbageCollectorOptions {
        manifest_options: pick(main_phase),
        wal_options: pick(main_phase),
        wal_fence_options: None,
        compacted_options: pick(main_phase),
        compactions_options: pick(!main_phase),
        detach_options: None,
        metric_level: None,
        boundary_files_enabled: true,
        object_store_max_retries: None,
    };
    let resources: &[&str] = if main_phase {
        &["manifest", "wal", "compacted"]
    } else {
        &["compactions"]
    };
    admin.run_gc_once(gc).await?;
    let after = listing(store, db).await?;
    write_listing(&dir.join(format!("listing-after{phase}.txt")), &after)?;
    let after_set: std::collections::HashSet<&String> = after.iter().map(|(p, _)| p).collect();
    let deleted: Vec<&String> = before
        .iter()
        .map(|(p, _)| p)
        .filter(|p| !after_set.contains(p))
        .collect();
    std::fs::write(
        dir.join(format!("gc{phase}.json")),
        serde_json::to_string_pretty(&json!({
            "gcStartUnixMs": now_ms,
            "minAgeSeconds": 0,
            "resources": resources,
            "deleted": deleted,
        }))?,
    )?;
    dump(store_dir, out, store, db).await?;
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        return Err("usage: slatedb-oracle <scratch store dir> <output dir>".into());
    }
    let store_dir = PathBuf::from(&args[1]);
    let out = PathBuf::from(&args[2]);
    std::fs::create_dir_all(&store_dir)?;
    std::fs::create_dir_all(&out)?;
    let store: Arc<dyn ObjectStore> = Arc::new(LocalFileSystem::new_with_prefix(&store_dir)?);
    let mut events: Vec<Value> = Vec::new();

    // --- Parent: writes, flushes, a compaction, checkpoints. ---
    let parent = Db::builder(PARENT, store.clone())
        .with_settings(settings())
        .build()
        .await?;
    let padmin = AdminBuilder::new(PARENT, store.clone()).build();
    write_batch(&parent, "a", 300).await?;
    let nightly = parent
        .create_checkpoint(CheckpointScope::All, &opts(None, Some("nightly")))
        .await?;
    events.push(json!({"db": PARENT, "op": "create_checkpoint", "name": "nightly",
        "id": nightly.id.to_string(), "manifestId": nightly.manifest_id}));
    for tag in ["b", "c", "d"] {
        write_batch(&parent, tag, 300).await?;
    }
    wait_compacted(&padmin, 1).await?;
    events.push(json!({"db": PARENT, "op": "compaction"}));

    let weekly = padmin
        .create_detached_checkpoint(&opts(Some(Duration::from_secs(3600)), Some("weekly")))
        .await?;
    events.push(json!({"db": PARENT, "op": "create_detached_checkpoint", "name": "weekly",
        "id": weekly.id.to_string(), "manifestId": weekly.manifest_id}));
    padmin
        .refresh_checkpoint(weekly.id, Some(Duration::from_secs(7 * 24 * 3600)))
        .await?;
    events.push(json!({"db": PARENT, "op": "refresh_checkpoint", "id": weekly.id.to_string(),
        "lifetimeSeconds": 7 * 24 * 3600}));
    let temp = padmin
        .create_detached_checkpoint(&opts(None, Some("temp")))
        .await?;
    events.push(json!({"db": PARENT, "op": "create_detached_checkpoint", "name": "temp",
        "id": temp.id.to_string(), "manifestId": temp.manifest_id}));
    padmin.delete_checkpoint(temp.id).await?;
    events.push(json!({"db": PARENT, "op": "delete_checkpoint", "id": temp.id.to_string()}));
    let short = padmin
        .create_detached_checkpoint(&opts(Some(Duration::from_secs(2)), Some("short-lived")))
        .await?;
    events.push(json!({"db": PARENT, "op": "create_detached_checkpoint", "name": "short-lived",
        "id": short.id.to_string(), "manifestId": short.manifest_id, "lifetimeSeconds": 2}));
    // A checkpoint made from another one pins the same (older) manifest.
    let from_nightly = padmin
        .create_detached_checkpoint(&CheckpointOptions {
            lifetime: None,
            source: Some(nightly.id),
            name: Some("nightly-copy".into()),
        })
        .await?;
    events.push(json!({"db": PARENT, "op": "create_detached_checkpoint", "name": "nightly-copy",
        "source": nightly.id.to_string(), "id": from_nightly.id.to_string(),
        "manifestId": from_nightly.manifest_id}));

    // --- Clone of the "weekly" checkpoint, then a clone of the clone. ---
    let cadmin = AdminBuilder::new(CLONE, store.clone()).build();
    cadmin
        .create_clone_builder_from_source(CloneSourceSpec::with_checkpoint(PARENT, weekly.id))
        .build()
        .await?;
    events.push(json!({"db": CLONE, "op": "clone", "parent": PARENT,
        "sourceCheckpoint": weekly.id.to_string()}));
    let clone = Db::builder(CLONE, store.clone())
        .with_settings(no_compactor_settings())
        .build()
        .await?;
    write_batch(&clone, "clone", 100).await?;
    clone.close().await?;

    let gadmin = AdminBuilder::new(GRANDCLONE, store.clone()).build();
    gadmin
        .create_clone_builder_from_source(CloneSourceSpec::new(CLONE))
        .build()
        .await?;
    events.push(json!({"db": GRANDCLONE, "op": "clone", "parent": CLONE,
        "sourceCheckpoint": null}));

    // --- More parent writes and a second compaction, so older SSTs are
    // kept only by checkpoints. A last flush leaves a fresh L0. ---
    for tag in ["e", "f", "g", "h"] {
        write_batch(&parent, tag, 300).await?;
    }
    wait_compacted(&padmin, 1).await?;
    events.push(json!({"db": PARENT, "op": "compaction"}));
    write_batch(&parent, "i", 50).await?;
    parent.close().await?;

    // --- A segmented database (prefix extractor). ---
    let seg = Db::builder(SEGMENTED, store.clone())
        .with_settings(no_compactor_settings())
        .with_segment_extractor(Arc::new(TwoBytePrefix))
        .build()
        .await?;
    for round in 0..2 {
        for i in 0..100 {
            seg.put(format!("aa-{round}-{i:04}").as_bytes(), b"alpha").await?;
            seg.put(format!("bb-{round}-{i:04}").as_bytes(), b"bravo").await?;
        }
        seg.flush_with_options(FlushOptions {
            flush_type: FlushType::MemTable,
        })
        .await?;
    }
    let segcp = seg
        .create_checkpoint(CheckpointScope::All, &opts(None, Some("seg-cp")))
        .await?;
    events.push(json!({"db": SEGMENTED, "op": "create_checkpoint", "name": "seg-cp",
        "id": segcp.id.to_string(), "manifestId": segcp.manifest_id}));
    seg.close().await?;

    // The compactor leaves unnamed 15-minute checkpoints behind; delete them
    // (as their expiry would) so GC has SSTs that only they protected.
    for cp in padmin.list_checkpoints(None).await? {
        if cp.name.is_none() && cp.expire_time.is_some() {
            padmin.delete_checkpoint(cp.id).await?;
            events.push(json!({"db": PARENT, "op": "delete_checkpoint", "id": cp.id.to_string(),
                "note": "compactor checkpoint"}));
        }
    }
    padmin.delete_checkpoint(from_nightly.id).await?;
    events.push(json!({"db": PARENT, "op": "delete_checkpoint", "id": from_nightly.id.to_string(),
        "name": "nightly-copy"}));

    // The "short-lived" checkpoint must have expired before GC runs.
    tokio::time::sleep(Duration::from_secs(3)).await;

    for db in [PARENT, CLONE, GRANDCLONE, SEGMENTED] {
        dump(&store_dir, &out, &store, db).await?;
    }
    // GC: the parent first (its clones' final checkpoints keep their files).
    for db in [PARENT, CLONE, GRANDCLONE, SEGMENTED] {
        run_gc(&store_dir, &out, &store, db, "").await?;
        run_gc(&store_dir, &out, &store, db, "-compactions").await?;
    }
    std::fs::write(
        out.join("events.json"),
        serde_json::to_string_pretty(&json!({
            "slatedb": "0.18.0",
            "databases": [PARENT, CLONE, GRANDCLONE, SEGMENTED],
            "events": events,
        }))?,
    )?;
    Ok(())
}
