package train

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/mdn-go/mdn/data"
)

// ResumeInfo is what continuing an interrupted run needs besides its
// State: the config file and the settings that resolved the run's length.
type ResumeInfo struct {
	Config string `json:"config"` // absolute path of the config file
	Seed   uint64 `json:"seed"`
	Steps  int    `json:"steps"`
	Epochs int    `json:"epochs"`
	// Ensemble is mdn train's --ensemble (train.ensemble and
	// train.ensemble_max), which a resume sets again; 0 when it was not
	// given.
	Ensemble int `json:"ensemble,omitempty"`
	// Fingerprint is the run's effective config and data, which a resume
	// must match (nil in the files of an mdn that did not write one).
	Fingerprint *Fingerprint `json:"fingerprint,omitempty"`
	// Recipe is every key of the config the run trained with, after the
	// size rule (config.Config.Values, but train.threads): a resume pins
	// it (config.Config.Pin), so that a size rule changed since cannot
	// change the networks under the checkpoint. Nil in the files of an
	// mdn that did not write one.
	Recipe map[string]string `json:"recipe,omitempty"`
}

// Fingerprint identifies what a run trains on: every config key after
// defaults and overrides (config.Values, but train.threads, which does not
// change the result) and a hash of the rows of each data file as read.
// fitconfig.FingerprintOf makes it from a config and its Data.
type Fingerprint struct {
	Config map[string]string `json:"config"`
	Data   []DataPrint       `json:"data"`
}

// DataPrint is one data file's part of a Fingerprint: the config key that
// names it, its path, and the rows read from it with their SHA-256 (of the
// shape and every value's bits: any change that reaches training changes
// it; other columns and formatting do not).
type DataPrint struct {
	Key    string `json:"key"`
	Path   string `json:"path"`
	Rows   int    `json:"rows"`
	SHA256 string `json:"sha256"`
}

// DataPrintOf is the DataPrint of the data file named by key (its config
// key, say "data.train") at path, whose rows, as read, are those of the
// datasets ds (nil ones skipped) in order.
func DataPrintOf(key, path string, ds ...*data.Dataset) DataPrint {
	h := sha256.New()
	var buf []byte
	n := 0
	for _, d := range ds {
		if d == nil {
			continue
		}
		n += d.N
		buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(d.N))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(d.XDim))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(d.YDim))
		h.Write(buf)
		for _, col := range [][]float64{d.X, d.Y} {
			for i := 0; i < len(col); i += 4096 {
				buf = buf[:0]
				for _, v := range col[i:min(i+4096, len(col))] {
					buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
				}
				h.Write(buf)
			}
		}
	}
	return DataPrint{Key: key, Path: path, Rows: n, SHA256: hex.EncodeToString(h.Sum(nil))}
}

// Check returns nil if now is the fingerprint of the same run as f, else
// an error naming what changed: the config keys with their values then and
// now, or the data file whose rows differ. The data are compared only when
// now has them.
func (f *Fingerprint) Check(now *Fingerprint) error {
	var changed []string
	keys := make([]string, 0, len(f.Config)+len(now.Config))
	for k := range f.Config {
		keys = append(keys, k)
	}
	for k := range now.Config {
		if _, ok := f.Config[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		a, okA := f.Config[k]
		b, okB := now.Config[k]
		switch {
		case !okA:
			changed = append(changed, fmt.Sprintf("%s is new (%s)", k, b))
		case !okB:
			changed = append(changed, fmt.Sprintf("%s is gone (was %s)", k, a))
		case a != b:
			changed = append(changed, fmt.Sprintf("%s %s → %s", k, a, b))
		}
	}
	if len(changed) > 0 {
		if len(changed) > 8 {
			changed = append(changed[:8], fmt.Sprintf("and %d more", len(changed)-8))
		}
		return fmt.Errorf("the config changed since the run was interrupted: %s", strings.Join(changed, ", "))
	}
	if now.Data == nil {
		return nil
	}
	for i, p := range f.Data {
		if i >= len(now.Data) || now.Data[i].Key != p.Key {
			return fmt.Errorf("the data files changed since the run was interrupted")
		}
		q := now.Data[i]
		switch {
		case q.Rows != p.Rows:
			return fmt.Errorf("%s %s changed since the run was interrupted (%d rows then, %d now)", p.Key, q.Path, p.Rows, q.Rows)
		case q.SHA256 != p.SHA256:
			return fmt.Errorf("%s %s changed since the run was interrupted (the same %d rows, other values)", p.Key, q.Path, p.Rows)
		}
	}
	return nil
}

// Checkpoint is an interrupted run: ResumeInfo and State. Pass State to
// FitResume (with the config at Info.Config, its train.seed, train.steps
// and train.epochs set from Info) to finish the run as if uninterrupted.
//
// Its two parts are written to and read from any io.Writer and io.Reader
// (WriteInfo and ReadInfo, WriteState and ReadState), so a program can keep
// a checkpoint in memory; where they are stored, and under which names, is
// the caller's choice (mdn train writes them as two files of its --out).
type Checkpoint struct {
	Info  ResumeInfo
	State *State
}

// WriteInfo writes c.Info as one JSON object (ReadInfo reads it).
func (c *Checkpoint) WriteInfo(w io.Writer) error { return json.NewEncoder(w).Encode(c.Info) }

// WriteState writes c.State with WriteState (ReadState reads it).
func (c *Checkpoint) WriteState(w io.Writer) error { return WriteState(w, c.State) }

// The largest parts of a checkpoint, in bytes: the resume info holds a
// path and a few numbers (ReadInfo reads at most MaxResumeBytes); the state
// is one gob value, which gob refuses to write or read at 8 GiB or more
// (MaxCheckpointBytes adds room for the type descriptions). A caller that
// reads them from files can refuse a larger file before reading it (mdn
// train --resume does).
const (
	MaxResumeBytes     = 1 << 20
	MaxCheckpointBytes = 8<<30 + 1<<20
)

// ReadInfo reads a ResumeInfo as WriteInfo writes it: one JSON object of at
// most MaxResumeBytes with a non-empty "config".
func ReadInfo(r io.Reader) (ResumeInfo, error) {
	var info ResumeInfo
	b, err := io.ReadAll(io.LimitReader(r, MaxResumeBytes+1))
	switch {
	case err != nil:
		return info, err
	case len(b) > MaxResumeBytes:
		return info, fmt.Errorf("resume info: more than %d bytes (train.MaxResumeBytes)", MaxResumeBytes)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return ResumeInfo{}, fmt.Errorf("resume info: %w", err)
	}
	if info.Config == "" {
		return ResumeInfo{}, errors.New(`resume info: no "config"`)
	}
	return info, nil
}
