package app

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
)

// indentRows is the most rows a report may have in a list for its JSON
// export to be indented: indenting costs the page far more than the JSON
// itself, and a report that large is read by tools rather than eyes.
const indentRows = 5_000

// ExportJSON downloads the report as JSON, the form ShowReportJSON reads.
func (r *Root) ExportJSON() {
	r.export("ckptlens-report.json", "application/json", func(rep *Report) (data []byte, err error) {
		if rep.LongestList() <= indentRows {
			data, err = json.MarshalIndent(rep, "", "  ")
		} else {
			data, err = json.Marshal(rep)
		}
		return append(data, '\n'), err
	})
}

// ExportCSV downloads every referenced file of every snapshot as CSV.
func (r *Root) ExportCSV() {
	r.export("ckptlens-files.csv", "text/csv", func(rep *Report) ([]byte, error) { return ReportCSV(rep), nil })
}

// export downloads what write makes of the report. A large job's export
// takes seconds: the status line says so first, and the work runs once the
// page has drawn it.
func (r *Root) export(name, mime string, write func(*Report) ([]byte, error)) {
	rep := r.Report
	if rep == nil {
		return
	}
	r.Notice = "Preparing " + name + "…"
	go func() {
		r.Platform.Painted()
		data, err := write(rep)
		r.Env.Lock()
		defer r.Env.UnlockRender()
		if err != nil {
			r.Notice = "Export failed: " + err.Error()
			return
		}
		r.Platform.Download(name, mime, data)
		r.Notice = "Exported " + name + "."
	}()
}

// ReportCSV is one row per (snapshot, file).
func ReportCSV(rep *Report) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(csvRow("snapshot", "checkpoint_id", "path", "kind", "bytes", "relative", "operators"))
	for _, s := range rep.Snapshots {
		for _, f := range s.Files {
			w.Write(csvRow(s.Source, strconv.FormatInt(s.CheckpointID, 10), f.Path, string(f.Kind),
				strconv.FormatInt(f.Bytes, 10), strconv.FormatBool(f.Relative), strings.Join(f.Operators, " ")))
		}
	}
	w.Flush()
	return buf.Bytes()
}

// csvRow is one CSV row with every cell through csvSafe: a shared report
// carries the sharer's text in any column, not only in paths.
func csvRow(cells ...string) []string {
	for i, c := range cells {
		cells[i] = csvSafe(c)
	}
	return cells
}

// csvSafe keeps a spreadsheet from running a cell as a formula: a file's
// strings are data, in CSV as on the page.
// A plain number ("-1", an unknown size) is no formula and stays a number.
func csvSafe(s string) string {
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		return s
	}
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
