package policy

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// maxDocumentSize bounds a policy file; a valid policy is far smaller.
const maxDocumentSize = 1 << 20

// documentFlags are the two ways to give a policy's content: a file (-f,
// YAML or JSON, "-" for stdin), or one allow and/or one deny statement from
// flags over the same resources.
type documentFlags struct {
	file        string
	allow, deny []string
	resources   []string
	description string
}

// register adds the flags to cmd, with completion of action names.
func (d *documentFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVarP(&d.file, "file", "f", "", `policy document, YAML or JSON ("-" reads stdin): description and statements`)
	fs.StringSliceVar(&d.allow, "allow", nil, "actions to allow on --resource (comma-separated or repeated; '*' wildcards)")
	fs.StringSliceVar(&d.deny, "deny", nil, "actions to deny on --resource (comma-separated or repeated; '*' wildcards)")
	fs.StringSliceVar(&d.resources, "resource", nil, `resources of --allow/--deny, e.g. 'serviceuser/ci-*' (relative to the tenant) or '*'`)
	fs.StringVar(&d.description, "description", "", "what the policy is for (overrides the file's)")
	_ = cmd.MarkFlagFilename("file", "yaml", "yml", "json")
	_ = cmd.RegisterFlagCompletionFunc("allow", cmdutil.CompleteActions)
	_ = cmd.RegisterFlagCompletionFunc("deny", cmdutil.CompleteActions)
	_ = cmd.RegisterFlagCompletionFunc("resource", cobra.NoFileCompletions)
}

// given reports whether any content flag was set.
func (d *documentFlags) given(fs *pflag.FlagSet) bool {
	return fs.Changed("file") || fs.Changed("allow") || fs.Changed("deny") || fs.Changed("resource") || fs.Changed("description")
}

// document reads the content the flags give: nil statements when neither a
// file nor --allow/--deny was given. in is stdin for "-f -".
func (d *documentFlags) document(fs *pflag.FlagSet, in io.Reader) (description *string, statements *[]domain.PolicyStatement, err error) {
	fromFlags := fs.Changed("allow") || fs.Changed("deny")
	switch {
	case fs.Changed("file") && (fromFlags || fs.Changed("resource")):
		return nil, nil, cmdutil.UsageErrorf("give the statements either in a file (-f) or with --allow/--deny and --resource, not both")
	case fromFlags && len(d.resources) == 0:
		return nil, nil, cmdutil.UsageErrorf("--allow and --deny need --resource (e.g. --resource '*' for every resource of the tenant)")
	case fs.Changed("resource") && !fromFlags:
		return nil, nil, cmdutil.UsageErrorf("--resource needs --allow or --deny")
	}
	if fs.Changed("file") {
		doc, err := readDocument(d.file, in)
		if err != nil {
			return nil, nil, err
		}
		st := fromDocument(doc.Statements)
		statements, description = &st, &doc.Description
	}
	if fromFlags {
		var st []domain.PolicyStatement
		if fs.Changed("allow") {
			st = append(st, domain.PolicyStatement{Effect: string(authz.Allow), Actions: d.allow, Resources: d.resources})
		}
		if fs.Changed("deny") {
			st = append(st, domain.PolicyStatement{Effect: string(authz.Deny), Actions: d.deny, Resources: d.resources})
		}
		statements = &st
	}
	if fs.Changed("description") {
		description = &d.description
	}
	return description, statements, nil
}

// readDocument parses the policy document in file ("-": in).
func readDocument(file string, in io.Reader) (authz.Document, error) {
	var (
		raw []byte
		err error
	)
	name := file
	if file == "-" {
		name = "stdin"
		raw, err = io.ReadAll(io.LimitReader(in, maxDocumentSize+1))
	} else {
		var fh *os.File
		if fh, err = os.Open(file); err == nil {
			raw, err = io.ReadAll(io.LimitReader(fh, maxDocumentSize+1))
			fh.Close()
		}
	}
	if errors.Is(err, os.ErrNotExist) {
		return authz.Document{}, domain.Invalid("file", "%s does not exist", file)
	}
	if err != nil {
		return authz.Document{}, fmt.Errorf("read policy document %s: %w", name, err)
	}
	if len(raw) > maxDocumentSize {
		return authz.Document{}, domain.Invalid("file", "%s is larger than %d bytes", name, maxDocumentSize)
	}
	return authz.ParseDocument(raw)
}

// fromDocument is the backend form of a document's statements.
func fromDocument(statements []authz.Statement) []domain.PolicyStatement {
	out := make([]domain.PolicyStatement, len(statements))
	for i, s := range statements {
		out[i] = domain.PolicyStatement{Effect: string(s.Effect), Actions: s.Actions, Resources: s.Resources}
	}
	return out
}
