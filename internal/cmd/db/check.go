package db

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/output"
	"github.com/keyward/keyward/internal/store/boltstore"
	"github.com/spf13/cobra"
)

func newCmdCheck(f *cmdutil.Factory, runF func(context.Context, *cmdutil.Factory) error) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Check the database for damage and broken invariants",
		Long: `Run bbolt's consistency check of pages and free list, then keyward's own
invariants: every key belongs to an existing service user, and the e-mail,
key id and secret hash indexes match the records they index. It reads in one
transaction while other processes may keep reading. Every problem is printed;
any problem exits 1.`,
		Example: `  keyward db check
  keyward --db backup.db db check -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), f)
			}
			return checkRun(cmd.Context(), f)
		},
	}
}

func checkRun(ctx context.Context, f *cmdutil.Factory) error {
	s, err := localOnly(f, "db check")
	if err != nil {
		return err
	}
	defer s.Close()
	problems, err := s.DB().Check()
	if err != nil {
		return err
	}
	p, err := f.Printer()
	if err != nil {
		return err
	}
	if p.Opts.Format != output.FormatTable {
		if err := p.Data(struct {
			Path     string              `json:"path"`
			OK       bool                `json:"ok"`
			Problems []boltstore.Problem `json:"problems"`
		}{s.DB().Path(), len(problems) == 0, problems}); err != nil {
			return err
		}
	} else {
		for _, problem := range problems {
			fmt.Fprintf(f.IOStreams.Out, "%s\t%s\n", problem.Check, problem.Message)
		}
		if len(problems) == 0 && !p.Opts.Quiet {
			fmt.Fprintf(f.IOStreams.Out, "ok: no problems found in %s\n", s.DB().Path())
		}
	}
	if len(problems) > 0 {
		return &domain.Error{Code: domain.CodeInternal, Message: fmt.Sprintf("%s: %d problems found", s.DB().Path(), len(problems))}
	}
	return nil
}
