//! V1 oracle: slatedb 0.15.0, the last release that writes version-1
//! manifests. Writes a small database with checkpoints and a clone, and
//! dumps every manifest with SlateDB 0.15's own reading of it.
//!
//! Usage: slatedb-oracle-v1 <scratch store dir> <output dir>

use std::error::Error;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use slatedb015 as slatedb;
use slatedb::admin::AdminBuilder;
use slatedb::config::{CheckpointOptions, CheckpointScope, FlushOptions, FlushType, Settings};
use slatedb::object_store::local::LocalFileSystem;
use slatedb::object_store::ObjectStore;
use slatedb::{CloneSourceSpec, Db};

type Res<T> = Result<T, Box<dyn Error>>;

const PARENT: &str = "v1/parent";
const CLONE: &str = "v1/clone";

fn settings() -> Settings {
    let mut s = Settings::default();
    s.compactor_options = None;
    s.garbage_collector_options = None;
    s.min_filter_keys = 10;
    s
}

async fn write_batch(db: &Db, tag: &str, n: usize) -> Res<()> {
    for i in 0..n {
        db.put(format!("{tag}-{i:05}").as_bytes(), format!("{tag}:{i}").as_bytes())
            .await?;
    }
    db.flush_with_options(FlushOptions {
        flush_type: FlushType::MemTable,
    })
    .await?;
    Ok(())
}

async fn dump(store_dir: &FsPath, out: &FsPath, store: &Arc<dyn ObjectStore>, db: &str) -> Res<()> {
    let admin = AdminBuilder::new(db, store.clone()).build();
    let dir = out.join(db);
    std::fs::create_dir_all(dir.join("manifest"))?;
    for e in std::fs::read_dir(store_dir.join(db).join("manifest"))? {
        let e = e?;
        std::fs::copy(e.path(), dir.join("manifest").join(e.file_name()))?;
    }
    let lines: Vec<String> = admin
        .list_manifests(..)
        .await?
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<_, _>>()?;
    std::fs::write(dir.join("manifests.json"), format!("[\n{}\n]\n", lines.join(",\n")))?;
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        return Err("usage: slatedb-oracle-v1 <scratch store dir> <output dir>".into());
    }
    let store_dir = PathBuf::from(&args[1]);
    let out = PathBuf::from(&args[2]);
    std::fs::create_dir_all(&store_dir)?;
    let store: Arc<dyn ObjectStore> = Arc::new(LocalFileSystem::new_with_prefix(&store_dir)?);

    let db = Db::builder(PARENT, store.clone())
        .with_settings(settings())
        .build()
        .await?;
    write_batch(&db, "a", 200).await?;
    let cp = db
        .create_checkpoint(
            CheckpointScope::All,
            &CheckpointOptions {
                lifetime: None,
                source: None,
                name: Some("v1-nightly".into()),
            },
        )
        .await?;
    write_batch(&db, "b", 200).await?;
    db.close().await?;
    let admin = AdminBuilder::new(PARENT, store.clone()).build();
    admin
        .create_detached_checkpoint(&CheckpointOptions {
            lifetime: Some(Duration::from_secs(3600)),
            source: None,
            name: None,
        })
        .await?;
    let cadmin = AdminBuilder::new(CLONE, store.clone()).build();
    cadmin
        .create_clone_builder_from_source(CloneSourceSpec::with_checkpoint(PARENT, cp.id))
        .build()
        .await?;
    let clone = Db::builder(CLONE, store.clone())
        .with_settings(settings())
        .build()
        .await?;
    write_batch(&clone, "c", 50).await?;
    clone.close().await?;
    for db in [PARENT, CLONE] {
        dump(&store_dir, &out, &store, db).await?;
    }
    Ok(())
}
