package train

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/mdn-go/mdn/internal/infile"
)

// The files of a checkpoint directory (mdn train's --out after an
// interruption).
const (
	// CheckpointFile holds the State (WriteState).
	CheckpointFile = "checkpoint.gob"
	// ResumeFile holds the ResumeInfo, as JSON.
	ResumeFile = "resume.json"
)

// ResumeInfo is what continuing an interrupted run needs besides its
// State: the config file and the settings that resolved the run's length.
type ResumeInfo struct {
	Config string `json:"config"` // absolute path of the config file
	Seed   uint64 `json:"seed"`
	Steps  int    `json:"steps"`
	Epochs int    `json:"epochs"`
}

// Checkpoint is an interrupted run: ResumeInfo and State. Pass State to
// FitResume (with the config at Info.Config, its train.seed, train.steps
// and train.epochs set from Info) to finish the run as if uninterrupted.
type Checkpoint struct {
	Info  ResumeInfo
	State *State
}

// WriteInfo writes c.Info as the JSON of ResumeFile.
func (c *Checkpoint) WriteInfo(w io.Writer) error { return json.NewEncoder(w).Encode(c.Info) }

// WriteState writes c.State as the content of CheckpointFile.
func (c *Checkpoint) WriteState(w io.Writer) error { return WriteState(w, c.State) }

// The largest files ReadCheckpoint reads, in bytes: ResumeFile holds a
// path and a few numbers; CheckpointFile is one gob value, which gob
// refuses to write or read at 8 GiB or more (plus room for the type
// descriptions).
const (
	MaxResumeBytes     = 1 << 20
	MaxCheckpointBytes = 8<<30 + 1<<20
)

var (
	resumeLimit     = infile.Limit{Bytes: MaxResumeBytes, What: "a resume file", Name: "train.MaxResumeBytes"}
	checkpointLimit = infile.Limit{Bytes: MaxCheckpointBytes, What: "a checkpoint", Name: "train.MaxCheckpointBytes"}
)

// ReadCheckpoint reads the checkpoint in dir (ResumeFile and
// CheckpointFile). Each must be a regular file within its limit
// (MaxResumeBytes, MaxCheckpointBytes), checked before it is read. Errors
// name the file.
func ReadCheckpoint(dir string) (*Checkpoint, error) {
	p := filepath.Join(dir, ResumeFile)
	b, err := infile.ReadFile(p, resumeLimit)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no interrupted run there (%w)", dir, err)
		}
		return nil, err
	}
	var c Checkpoint
	if err := json.Unmarshal(b, &c.Info); err != nil || c.Info.Config == "" {
		return nil, fmt.Errorf("%s is corrupt", p)
	}
	cp := filepath.Join(dir, CheckpointFile)
	f, r, err := infile.Open(cp, checkpointLimit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if c.State, err = ReadState(bufio.NewReader(r)); err != nil {
		return nil, fmt.Errorf("%s: %w", cp, err)
	}
	return &c, nil
}
