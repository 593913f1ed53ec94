package train

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// ReadCheckpoint reads the checkpoint in dir (ResumeFile and
// CheckpointFile). Errors name the file.
func ReadCheckpoint(dir string) (*Checkpoint, error) {
	p := filepath.Join(dir, ResumeFile)
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("%s: no interrupted run there (%w)", dir, err)
	}
	var c Checkpoint
	if err := json.Unmarshal(b, &c.Info); err != nil || c.Info.Config == "" {
		return nil, fmt.Errorf("%s is corrupt", p)
	}
	cp := filepath.Join(dir, CheckpointFile)
	f, err := os.Open(cp)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	defer f.Close()
	if c.State, err = ReadState(bufio.NewReader(f)); err != nil {
		return nil, fmt.Errorf("%s: %w", cp, err)
	}
	return &c, nil
}
