package app

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
)

// ExportJSON downloads the report as JSON, the form ShowReportJSON reads.
func (r *Root) ExportJSON() {
	data, err := json.MarshalIndent(r.Report, "", "  ")
	if err != nil {
		r.Notice = "Export failed: " + err.Error()
		return
	}
	r.Platform.Download("ckptlens-report.json", "application/json", append(data, '\n'))
	r.Notice = "Exported ckptlens-report.json."
}

// ExportCSV downloads every referenced file of every snapshot as CSV.
func (r *Root) ExportCSV() {
	r.Platform.Download("ckptlens-files.csv", "text/csv", ReportCSV(r.Report))
	r.Notice = "Exported ckptlens-files.csv."
}

// ReportCSV is one row per (snapshot, file).
func ReportCSV(rep *Report) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"snapshot", "checkpoint_id", "path", "kind", "bytes", "relative", "operators"})
	for _, s := range rep.Snapshots {
		for _, f := range s.Files {
			w.Write([]string{s.Source, strconv.FormatInt(s.CheckpointID, 10), csvSafe(f.Path), string(f.Kind),
				strconv.FormatInt(f.Bytes, 10), strconv.FormatBool(f.Relative), strings.Join(f.Operators, " ")})
		}
	}
	w.Flush()
	return buf.Bytes()
}

// csvSafe keeps a spreadsheet from running a path as a formula: a file's
// strings are data, in CSV as on the page.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
