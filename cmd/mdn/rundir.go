// The files of mdn train's run directory (--out): their names, and reading
// the checkpoint and history back. Package train reads and writes their
// contents on any io.Reader and io.Writer; the names and the file handling
// are the command's.

package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/mdn-go/mdn/internal/infile"
	"github.com/mdn-go/mdn/train"
)

// The files mdn train writes into its --out directory. An interrupted run
// also leaves its checkpoint there, which --resume reads; a finished run
// removes it. Other versions of mdn read and write the same names, so a run
// interrupted by one resumes with another.
const (
	modelFile      = "model.json"     // the model (model.Model.Encode)
	historyFile    = "history.csv"    // the history (train.WriteHistory)
	checkpointFile = "checkpoint.gob" // the checkpoint's State (train.Checkpoint.WriteState)
	resumeFile     = "resume.json"    // the checkpoint's ResumeInfo (train.Checkpoint.WriteInfo)
)

// The limits of the run directory's files, checked before they are read:
// the resume file and the checkpoint are read whole; a history is
// streamed, so it has none.
var (
	resumeLimit     = infile.Limit{Bytes: train.MaxResumeBytes, What: "a resume file", Name: "train.MaxResumeBytes"}
	checkpointLimit = infile.Limit{Bytes: train.MaxCheckpointBytes, What: "a checkpoint", Name: "train.MaxCheckpointBytes"}
	historyLimit    = infile.Limit{What: "a history file"}
)

// readCheckpoint reads the checkpoint an interrupted run left in dir:
// resumeFile with train.ReadInfo, then checkpointFile with train.ReadState.
// Each must be a regular file within its limit (train.MaxResumeBytes,
// train.MaxCheckpointBytes), checked before it is read. Errors name the
// file.
func readCheckpoint(dir string) (*train.Checkpoint, error) {
	p := filepath.Join(dir, resumeFile)
	b, err := infile.ReadFile(p, resumeLimit)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no interrupted run there (%w)", dir, err)
		}
		return nil, err
	}
	var c train.Checkpoint
	if c.Info, err = train.ReadInfo(bytes.NewReader(b)); err != nil {
		return nil, fmt.Errorf("%s is corrupt", p)
	}
	cp := filepath.Join(dir, checkpointFile)
	f, r, err := infile.Open(cp, checkpointLimit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if c.State, err = train.ReadState(bufio.NewReader(r)); err != nil {
		return nil, fmt.Errorf("%s: %w", cp, err)
	}
	return &c, nil
}

// readHistory reads a history CSV that mdn train wrote (train.ReadHistory
// of the file at path, which must be a regular file: a directory,
// /dev/zero or a FIFO is refused before it is opened) as the columns that
// plot --kind history draws: step, training loss and validation NLL (NaN
// where not evaluated). It lives with mdn train's files, so that plot.go
// reaches neither train nor Gorgonia.
func readHistory(path string) (step, loss, val []float64, err error) {
	f, r, err := infile.Open(path, historyLimit)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("history: %w", err)
	}
	defer f.Close()
	h, err := train.ReadHistory(r, path)
	if err != nil {
		return nil, nil, nil, err
	}
	step, loss, val = make([]float64, len(h)), make([]float64, len(h)), make([]float64, len(h))
	for i, r := range h {
		step[i], loss[i], val[i] = float64(r.Step), r.Loss, r.ValNLL
	}
	return step, loss, val, nil
}
