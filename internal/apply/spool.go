package apply

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/manifest"
)

// DefaultSpoolInMemory is how many plan entries a spool keeps in memory
// before it writes the rest to a temporary file: about 50 MB of service
// users.
const DefaultSpoolInMemory = 1 << 17

// spool holds plan entries in order: the first inMemory in memory, the
// rest JSON-encoded in an unlinked temporary file (0600).
type spool struct {
	inMemory int
	mem      [][]Entry // blocks of spoolBlock entries: appending never copies
	inMem    int
	file     *os.File
	w        *bufio.Writer
	enc      *json.Encoder
	inFile   int
}

func newSpool(inMemory int) *spool { return &spool{inMemory: inMemory} }

// spilledEntry is an Entry as the spool file holds it.
type spilledEntry struct {
	Action  backend.Action        `json:"a"`
	Ref     backend.Ref           `json:"r"`
	Spec    json.RawMessage       `json:"s,omitempty"`
	Changes []backend.FieldChange `json:"c,omitempty"`
	Pos     manifest.Position     `json:"p"`
}

// spoolBlock is the number of entries per block of memory.
const spoolBlock = 4096

func (s *spool) add(e Entry) error {
	if s.inMem < s.inMemory {
		if s.inMem%spoolBlock == 0 {
			s.mem = append(s.mem, make([]Entry, 0, spoolBlock))
		}
		last := &s.mem[len(s.mem)-1]
		*last = append(*last, e)
		s.inMem++
		return nil
	}
	if s.file == nil {
		f, err := os.CreateTemp("", "keyward-plan-*")
		if err != nil {
			return fmt.Errorf("spool the plan: %w", err)
		}
		os.Remove(f.Name()) // unlinked: gone when closed, even after a crash
		s.file, s.w = f, bufio.NewWriterSize(f, 256<<10)
		s.enc = json.NewEncoder(s.w)
	}
	out := spilledEntry{Action: e.Action, Ref: e.Ref, Changes: e.Changes, Pos: e.Pos}
	var err error
	if out.Spec, err = marshalSpec(e.Spec); err != nil {
		return err
	}
	s.inFile++
	return s.enc.Encode(out)
}

// each calls fn with every entry in order; with consume, it lets go of
// the entries in memory as it goes (the spool is then spent).
func (s *spool) each(fn func(Entry) error, consume bool) error {
	for i, block := range s.mem {
		for _, e := range block {
			if err := fn(e); err != nil {
				return err
			}
		}
		if consume {
			s.mem[i] = nil
		}
	}
	if s.file == nil {
		return nil
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	dec := json.NewDecoder(bufio.NewReaderSize(s.file, 256<<10))
	for i := 0; i < s.inFile; i++ {
		var in spilledEntry
		if err := dec.Decode(&in); err != nil {
			return fmt.Errorf("read the spooled plan: %w", err)
		}
		e := Entry{Action: in.Action, Ref: in.Ref, Changes: in.Changes, Pos: in.Pos}
		var err error
		if e.Spec, err = unmarshalSpec(in.Ref.Kind, in.Spec); err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func (s *spool) close() error {
	s.mem = nil
	if s.file == nil {
		return nil
	}
	err := s.file.Close()
	s.file = nil
	return err
}

// marshalSpec encodes a spec for the spool file; nil for none.
func marshalSpec(spec backend.Spec) (json.RawMessage, error) {
	if spec == nil {
		return nil, nil
	}
	return json.Marshal(spec)
}

// unmarshalSpec decodes a spooled spec of kind; nil for none.
func unmarshalSpec(kind string, raw json.RawMessage) (backend.Spec, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	k, _ := backend.LookupKind(kind)
	spec := k.New()
	if err := json.Unmarshal(raw, spec); err != nil {
		return nil, fmt.Errorf("read the spooled plan: %w", err)
	}
	return spec, nil
}
