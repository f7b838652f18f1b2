package apply

import (
	"bufio"
	"bytes"
	"encoding/json"

	"github.com/keyward/keyward/internal/apply"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/output"
)

// entryJSON is one change of the plan (dry run) or of what was applied:
//
//	{"action": "update", "kind": "ServiceUser", "tenant": "acme", "id": "ci-bot",
//	 "document": 3, "line": 12,
//	 "changes": [{"field": "email", "from": null, "to": "ci@example.com"}],
//	 "accessKey": null}
//
// tenant is null for tenants; document and line are null for deletes;
// a create lists every field of the new object. accessKey is null but for
// an access key just generated: {"id": "kwk_…", "secret": "kws_…",
// "secretFile": null}, or with the secret null and secretFile the file it
// was written to.
type entryJSON struct {
	Action    backend.Action        `json:"action"`
	Kind      string                `json:"kind"`
	Tenant    *string               `json:"tenant"`
	ID        string                `json:"id"`
	Document  *int                  `json:"document"`
	Line      *int                  `json:"line"`
	Changes   []backend.FieldChange `json:"changes"`
	AccessKey *generatedKeyJSON     `json:"accessKey"`
}

// generatedKeyJSON is a key apply generated: its id, and its secret or the
// file the secret went to.
type generatedKeyJSON struct {
	ID         string  `json:"id"`
	Secret     *string `json:"secret"`
	SecretFile *string `json:"secretFile"`
}

// jsonReport writes {"dryRun": …, "changes": [...], "summary": {...}}:
// streamed for JSON, so a plan of any size prints in bounded memory; built
// whole for YAML.
type jsonReport struct {
	w       *bufio.Writer
	format  output.Format
	dryRun  bool
	n       int
	entries []entryJSON // YAML only
}

func newJSONReport(w *bufio.Writer, format output.Format, dryRun bool) *jsonReport {
	r := &jsonReport{w: w, format: format, dryRun: dryRun}
	if format == output.FormatJSON {
		if dryRun {
			w.WriteString("{\n  \"dryRun\": true,\n  \"changes\": [")
		} else {
			w.WriteString("{\n  \"dryRun\": false,\n  \"changes\": [")
		}
	}
	return r
}

func (r *jsonReport) entry(e apply.Entry, action backend.Action, key *generatedKeyJSON) error {
	out := entryJSON{Action: action, Kind: e.Ref.Kind, ID: e.Ref.ID, Changes: e.Changes, AccessKey: key}
	if e.Ref.Tenant != "" {
		out.Tenant = &e.Ref.Tenant
	}
	if e.Pos.Document > 0 {
		out.Document, out.Line = &e.Pos.Document, &e.Pos.Line
	}
	if action == backend.ActionCreate && e.Spec != nil && e.Changes == nil {
		out.Changes = createdFields(e)
	}
	if out.Changes == nil || action == backend.ActionUnchanged || action == backend.ActionDelete {
		out.Changes = []backend.FieldChange{}
	}
	if r.format != output.FormatJSON {
		r.entries = append(r.entries, out)
		return nil
	}
	raw, err := output.MarshalJSON(out)
	if err != nil {
		return err
	}
	var indented bytes.Buffer
	json.Indent(&indented, bytes.TrimSpace(raw), "    ", "  ")
	if r.n > 0 {
		r.w.WriteString(",")
	}
	r.w.WriteString("\n    ")
	r.w.Write(indented.Bytes())
	r.n++
	return nil
}

// createdFields lists every field of a new object, as it will be (a plan
// lists them itself for an object it splits: Entry.Changes).
func createdFields(e apply.Entry) []backend.FieldChange {
	kind, ok := backend.LookupKind(e.Ref.Kind)
	if !ok {
		return nil
	}
	merged, err := e.Spec.Merge(kind.Default(e.Ref))
	if err != nil {
		return nil
	}
	return backend.DiffSpecs(kind.New(), merged)
}

func (r *jsonReport) finish(c apply.Counts) error {
	if r.format != output.FormatJSON {
		if r.entries == nil {
			r.entries = []entryJSON{}
		}
		data := struct {
			DryRun  bool         `json:"dryRun"`
			Changes []entryJSON  `json:"changes"`
			Summary apply.Counts `json:"summary"`
		}{r.dryRun, r.entries, c}
		raw, err := output.MarshalJSON(data)
		if err != nil {
			return err
		}
		if raw, err = output.JSONToYAML(raw); err != nil {
			return err
		}
		_, err = r.w.Write(raw)
		return err
	}
	if r.n > 0 {
		r.w.WriteString("\n  ")
	}
	summary, err := json.Marshal(c)
	if err != nil {
		return err
	}
	var indented bytes.Buffer
	json.Indent(&indented, summary, "  ", "  ")
	r.w.WriteString("],\n  \"summary\": ")
	r.w.Write(indented.Bytes())
	r.w.WriteString("\n}\n")
	return nil
}
