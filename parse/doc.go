// Package parse is the one engine behind the page, the CLI and the tests.
//
// Decode and DecodeFile read a snapshot (a Flink _metadata file or a SlateDB
// manifest) into the neutral model.Snapshot. Inspect and Analyze then answer
// what users ask of it, the same way for every format:
//
//   - where the snapshot lives (Location): the user's base, the folder it was
//     read from, the chk-N its own absolute paths name, or the listed folder
//     holding it;
//   - which folders it needs and why (Dependency, with a Role: exclusive,
//     shared, file-merging, taskowned, other-checkpoint, changelog, external,
//     relative, inline);
//   - how big it is in Flink's own terms (Sizes: full and checkpointed, per
//     operator, per file kind);
//   - with several snapshots, what they share, which checkpoint first
//     uploaded each file and what each adds (Comparison);
//   - with a storage listing (package listing), what none of them needs
//     and what cannot be decided (OrphanPlan).
//
// Paths are matched in a form that forgets URI spelling (file:/x, file:///x
// and /x; s3, s3a and s3n; HDFS with or without its namenode) and always
// shown as written. Every result is plain data that encodes to JSON, in a
// deterministic order.
package parse
