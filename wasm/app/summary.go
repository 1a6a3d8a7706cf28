package app

import (
	"fmt"
	"strings"

	"github.com/ckptlens/ckptlens/parse/flink"
	"github.com/ckptlens/ckptlens/parse/model"
)

// summaryRow is one line of the summary: data-k Key (data-v Raw, the exact
// number, when it has one) for tests and scripts.
type summaryRow struct {
	Key, Label, Value, Raw string
	Path                   bool // Value is a path (pathHTML)
}

// rows are the summary's lines: Flink's, or a SlateDB manifest's or
// compactions file's in SlateDB's terms.
func (c *Summary) rows() []summaryRow {
	s := c.Snap
	rows := []summaryRow{
		{Key: "source", Label: "File", Value: s.Source, Path: true},
		{Key: "format", Label: "Format", Value: c.format()},
		{Key: "writtenBy", Label: "Written by", Value: c.writtenBy()},
	}
	sz := s.Sizes
	if cs := s.Compactions; cs != nil {
		return append(rows,
			summaryRow{Key: "compactionsId", Label: "Compactions file id", Value: Raw(cs.ID)},
			summaryRow{Key: "epochs", Label: "Compactor epoch", Value: Raw(cs.CompactorEpoch)},
			summaryRow{Key: "compactions", Label: "Compactions", Value: compactionCount(cs.Compactions)},
			summaryRow{Key: "location", Label: "Location", Value: c.location()},
			summaryRow{Key: "fileBytes", Label: "Output SSTs", Value: c.fileBytes(), Raw: Raw(sz.FileBytes)})
	}
	if s.SlateDB != nil {
		return append(rows,
			summaryRow{Key: "manifestId", Label: "Manifest id", Value: Raw(s.SlateDB.ManifestID)},
			summaryRow{Key: "epochs", Label: "Epochs", Value: c.epochs()},
			summaryRow{Key: "wal", Label: "WAL", Value: c.walRange()},
			summaryRow{Key: "checkpoints", Label: "Checkpoints", Value: c.checkpoints()},
			summaryRow{Key: "tree", Label: "LSM tree", Value: c.tree()},
			summaryRow{Key: "parents", Label: "Parent databases", Value: c.parents()},
			summaryRow{Key: "ranges", Label: "Key ranges read", Value: rangesRead(s)},
			summaryRow{Key: "location", Label: "Location", Value: c.location()},
			summaryRow{Key: "fileBytes", Label: "Referenced files", Value: c.fileBytes(), Raw: Raw(sz.FileBytes)})
	}
	return append(rows,
		summaryRow{Key: "checkpointId", Label: "Checkpoint id", Value: Raw(s.CheckpointID)},
		summaryRow{Key: "kind", Label: "Kind", Value: c.kind()},
		summaryRow{Key: "hints", Label: "Backend hints", Value: c.hints()},
		summaryRow{Key: "operators", Label: "Operators", Value: Count(len(s.Operators))},
		summaryRow{Key: "location", Label: "Location", Value: c.location()},
		summaryRow{Key: "full", Label: "Full checkpoint data size", Value: Bytes(sz.Full), Raw: Raw(sz.Full)},
		summaryRow{Key: "checkpointed", Label: "Checkpointed data size", Value: c.checkpointed(), Raw: Raw(sz.Checkpointed)},
		summaryRow{Key: "fileBytes", Label: "Referenced files", Value: c.fileBytes(), Raw: Raw(sz.FileBytes)},
		summaryRow{Key: "inline", Label: "Stored inline in the file", Value: Bytes(sz.Inline), Raw: Raw(sz.Inline)})
}

func (c *Summary) format() string {
	s := c.Snap
	name := string(s.Format)
	switch s.Format {
	case model.FormatFlink:
		name = "Flink _metadata"
	case model.FormatSlateDB:
		name = "SlateDB manifest"
	case model.FormatSlateDBCompactions:
		name = "SlateDB compactions file (the compactor's state)"
	}
	out := fmt.Sprintf("%s, version %d", name, s.FormatVersion)
	if s.Format == model.FormatFlink {
		out = fmt.Sprintf("%s, header version %d", name, s.FormatVersion)
	}
	if s.Dialect != "" {
		out += " (" + s.Dialect + " layout)"
	}
	return out
}

func (c *Summary) writtenBy() string {
	if c.Snap.WrittenBy == "" {
		return "–"
	}
	return c.Snap.WrittenBy
}

func (c *Summary) kind() string {
	s := c.Snap
	kind := s.SnapshotKind
	if kind == model.KindUnknown || kind == "" {
		kind = flink.KindNotRecorded(s.FormatVersion)
	}
	if s.SavepointFormat != "" {
		kind += ", " + s.SavepointFormat + " format"
	}
	if p := s.Flink; p != nil && p.Properties != nil {
		kind += " (" + p.Properties.Type
		if p.Properties.SharingFilesStrategy != "" {
			kind += ", " + strings.ToLower(strings.ReplaceAll(p.Properties.SharingFilesStrategy, "_", " "))
		}
		kind += ")"
	}
	return kind
}

func (c *Summary) hints() string {
	if len(c.Snap.BackendHints) == 0 {
		return "none"
	}
	return strings.Join(c.Snap.BackendHints, ", ")
}

// errorHint explains, in a user's words, what a stop part-way means.
func (c *Summary) errorHint() string {
	s := c.Snap
	if s.Size > 0 && s.Error.Offset >= 0 {
		return fmt.Sprintf("(of %d bytes). Everything shown was decoded before that point; the rest of the file could not be read.", s.Size)
	}
	return "Everything shown was decoded before that point."
}

func (c *Summary) checkpointed() string {
	if c.Snap.Sizes.Checkpointed < 0 {
		return "not defined for this format"
	}
	return Bytes(c.Snap.Sizes.Checkpointed)
}

func (c *Summary) fileBytes() string {
	sz := c.Snap.Sizes
	out := fmt.Sprintf("%s in %s files", Bytes(sz.FileBytes), Count(sz.Files))
	if sz.UnknownSizeFiles > 0 {
		out += fmt.Sprintf(" (%s more of unrecorded size)", Count(sz.UnknownSizeFiles))
	}
	return out
}

// location says where the snapshot lives and how that was worked out.
func (c *Summary) location() string {
	return c.Snap.Location.Explain("as you entered it", "enter the base location above")
}
