package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/nexus-intel/nexus/internal/ftm"
)

// ftmTarget reads only the target flag of an FtM JSON line; a pointer tells
// "false" from absent, which ftm.DecodeEntity does not.
type ftmTarget struct {
	Target *bool `json:"target"`
}

func readFTM(ctx context.Context, path string, opts Options, emit Emit) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	base := filepath.Base(path)
	pr := problems{opts}
	// ReadBytes, not a Scanner: OpenSanctions lines can exceed any fixed
	// token limit.
	br := bufio.NewReaderSize(f, 1<<16)
	for line := 1; ; line++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		b, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return &Problem{File: base, Line: line, Msg: err.Error(), Err: err}
		}
		if len(bytes.TrimSpace(b)) > 0 {
			e, perr := parseFTMLine(b)
			if perr != nil {
				if err := pr.bad(Problem{File: base, Line: line, Msg: perr.Error(), Err: perr}); err != nil {
					return err
				}
			} else if err := emit(e, base+":"+strconv.Itoa(line)); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// parseFTMLine decodes one line with ftm.DecodeEntity and validates it
// against its schema. An entity that does not say whether it is a target is
// one when its schema is a party's.
func parseFTMLine(b []byte) (*ftm.Entity, error) {
	e, err := ftm.DecodeEntity(b)
	if err != nil {
		return nil, err
	}
	if !e.Target && ftm.IsTargetSchema(e.Schema) {
		var t ftmTarget
		if err := json.Unmarshal(b, &t); err != nil {
			return nil, err
		}
		e.Target = t.Target == nil
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return e, nil
}
