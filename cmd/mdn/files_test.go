package main

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/mdn-go/mdn/internal/output"
)

// TestOutputsNeverLoseFiles drives the real commands with outputs that are
// inputs, devices, FIFOs and symbolic links (docs/cli.md, "What happens
// when"): no input is overwritten, no device or link is replaced.
func TestOutputsNeverLoseFiles(t *testing.T) {
	mp := trainEx1d(t)
	dir := t.TempDir()
	in := writeFile(t, "in.csv", "x\n1\n2\n")
	inText := "x\n1\n2\n"
	link := filepath.Join(dir, "link.csv")
	os.Symlink(in, link)
	modelBytes, _ := os.ReadFile(mp)
	ro := filepath.Join(dir, "ro.csv")
	os.WriteFile(ro, []byte("protected"), 0o444)

	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"sample over its input", []string{"sample", "--model", mp, "--input", in, "--out", in},
			"mdn: sample: --out " + in + ": is the same file as an input: --input " + in + "; write to another file"},
		{"sample through a link to its input", []string{"sample", "--model", mp, "--input", in, "--out", link},
			"mdn: sample: --out " + link + ": is the same file as an input: --input " + in + "; write to another file"},
		{"predict over the model", []string{"predict", "--model", mp, "--input", in, "--what", "mean", "--out", mp},
			"mdn: predict: --out " + mp + ": is the same file as an input: --model " + mp + "; write to another file"},
		{"plot over the data", []string{"plot", "--model", mp, "--data", ex1dTrain, "--out", ex1dTrain},
			"mdn: plot: --out " + ex1dTrain + ": is the same file as an input: --data " + ex1dTrain + "; write to another file"},
		{"gen into /dev/full", []string{"gen", "ex1d", "--out", "/dev/full"},
			"mdn: gen: --out /dev/full: no space left on device"},
		{"out is a directory", []string{"gen", "ex1d", "--out", dir}, "mdn: gen: --out " + dir + ": is a directory"},
		{"out is read-only", []string{"predict", "--model", mp, "--input", in, "--what", "mean", "--out", ro},
			"mdn: predict: --out " + ro + ": is read-only (mode -r--r--r--); make it writable (chmod u+w) to replace it, or write to another file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if strings.Contains(strings.Join(c.args, " "), "/dev/full") {
				if _, err := os.Stat("/dev/full"); err != nil {
					t.Skip("no /dev/full")
				}
			}
			stdout, stderr, code := mdnRun(t, "", c.args...)
			if code != 1 || stderr != c.want+"\n" || stdout != "" {
				t.Errorf("got exit %d, stderr %q, stdout %q; want 1, %q", code, stderr, stdout, c.want+"\n")
			}
			if b, _ := os.ReadFile(in); string(b) != inText {
				t.Errorf("input changed to %q", b)
			}
			if b, _ := os.ReadFile(mp); string(b) != string(modelBytes) {
				t.Errorf("model changed")
			}
			if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
				t.Errorf("the link was replaced")
			}
			if b, _ := os.ReadFile(ro); string(b) != "protected" {
				t.Errorf("the read-only file changed to %q", b)
			}
		})
	}

	t.Run("devices are written through", func(t *testing.T) {
		before, err := os.Stat("/dev/null")
		if err != nil {
			t.Skip("no /dev/null")
		}
		for _, args := range [][]string{
			{"gen", "ex1d", "--out", "/dev/null"},
			{"sample", "--model", mp, "--input", in, "--out", "/dev/null"},
			{"predict", "--model", mp, "--input", in, "--what", "mean", "--out", "/dev/null"},
			{"plot", "--model", mp, "--data", ex1dTrain, "--out", "/dev/null"},
		} {
			if _, stderr, code := mdnRun(t, "", args...); code != 0 {
				t.Fatalf("%v: exit %d: %s", args, code, stderr)
			}
			after, err := os.Lstat("/dev/null")
			if err != nil || after.Mode()&fs.ModeCharDevice == 0 || !os.SameFile(before, after) {
				t.Fatalf("%v replaced /dev/null", args)
			}
		}
	})

	t.Run("a FIFO is written through", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "pipe")
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Skip(err)
		}
		got := make(chan string)
		go func() {
			f, err := os.Open(fifo)
			if err != nil {
				got <- ""
				return
			}
			b, _ := io.ReadAll(f)
			f.Close()
			got <- string(b)
		}()
		if _, stderr, code := mdnRun(t, "", "gen", "ex1d", "--n", "3", "--out", fifo); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if s := <-got; !strings.HasPrefix(s, "x,y\n") || strings.Count(s, "\n") != 4 {
			t.Fatalf("the reader got %q", s)
		}
		if fi, _ := os.Lstat(fifo); fi.Mode()&fs.ModeNamedPipe == 0 {
			t.Fatal("the FIFO was replaced")
		}
	})

	t.Run("a link is followed", func(t *testing.T) {
		d := t.TempDir()
		target, l := filepath.Join(d, "t.csv"), filepath.Join(d, "l.csv")
		os.Symlink("t.csv", l) // dangling until written
		if _, stderr, code := mdnRun(t, "", "gen", "ex1d", "--n", "3", "--out", l); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if fi, err := os.Lstat(l); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Fatal("the link was replaced")
		}
		if b, _ := os.ReadFile(target); !strings.HasPrefix(string(b), "x,y\n") {
			t.Fatalf("target has %q", b)
		}
	})
}

// TestTrainDirectory: the lock on --out, a dangling link as --out, an
// output that is the training data, and an output path that cannot be
// written all fail before training and leave every file as it was.
func TestTrainDirectory(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "ok.yaml", "data: {train: TRAIN, x: [x], y: [y]}\ntrain: {steps: 5}\n")

	t.Run("locked", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		os.Mkdir(out, 0o755)
		unlock, err := output.LockDir("--out", out)
		if err != nil {
			t.Fatal(err)
		}
		defer unlock()
		_, stderr, code := mdnRun(t, "", "train", "--config", cfg, "--out", out)
		want := "mdn: train: --out " + out + ": " + output.ErrLocked.Error() + "\n"
		if code != 1 || stderr != want {
			t.Fatalf("got exit %d, %q; want 1, %q", code, stderr, want)
		}
		if ents, _ := os.ReadDir(out); len(ents) != 0 {
			t.Fatalf("wrote %v into a locked directory", ents)
		}
	})

	t.Run("dangling link", func(t *testing.T) {
		d := t.TempDir()
		out := filepath.Join(d, "out")
		os.Symlink("gone", out)
		_, stderr, code := mdnRun(t, "", "train", "--config", cfg, "--out", out)
		if code != 1 || !strings.Contains(stderr, "--out "+out+": is a symbolic link to gone, which does not exist") {
			t.Fatalf("got exit %d, %q", code, stderr)
		}
		if _, err := os.Lstat(out); err != nil {
			t.Fatal("the dangling link was removed")
		}
	})

	t.Run("data is an output", func(t *testing.T) {
		out := t.TempDir()
		data := filepath.Join(out, "history.csv")
		b, _ := os.ReadFile(ex1dTrain)
		os.WriteFile(data, b, 0o644)
		c := writeConfig(t, out, "c.yaml", "data: {train: history.csv, x: [x], y: [y]}\ntrain: {steps: 5}\n")
		_, stderr, code := mdnRun(t, "", "train", "--config", c, "--out", out)
		want := "mdn: train: --out " + data + ": is the same file as an input: data.train " + data + "; write to another file\n"
		if code != 1 || stderr != want {
			t.Fatalf("got exit %d, %q; want 1, %q", code, stderr, want)
		}
		if got, _ := os.ReadFile(data); string(got) != string(b) {
			t.Fatal("the training data was changed")
		}
	})

	t.Run("figure over the model", func(t *testing.T) {
		out := t.TempDir()
		mp := filepath.Join(out, "model.json")
		_, stderr, code := mdnRun(t, "", "train", "--config", cfg, "--out", out, "--figure", mp)
		want := "mdn: train: --figure " + mp + ": is the same file as --out " + mp + ", another output of this command\n"
		if code != 1 || stderr != want {
			t.Fatalf("got exit %d, %q; want 1, %q", code, stderr, want)
		}
	})

	t.Run("history path is a directory", func(t *testing.T) {
		out := t.TempDir()
		os.Mkdir(filepath.Join(out, "history.csv"), 0o755)
		_, stderr, code := mdnRun(t, "", "train", "--config", cfg, "--out", out)
		if code != 1 || !strings.Contains(stderr, "history.csv: is a directory") {
			t.Fatalf("got exit %d, %q", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(out, "model.json")); err == nil {
			t.Fatal("model.json was published without history.csv")
		}
	})
}

// TestTrainPlan: the summary line, the warning for a constant response, and
// a step count beyond train.MaxSteps refused before training.
func TestTrainPlan(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("x,y\n")
	for i := range 40 {
		b.WriteString(strconv.Itoa(i) + ",7\n")
	}
	os.WriteFile(filepath.Join(dir, "const.csv"), []byte(b.String()), 0o644)
	c := writeConfig(t, dir, "c.yaml", "data: {train: const.csv, x: [x], y: [y], validation_fraction: 0.25}\nmodel: {hidden: [4], components: 1}\ntrain: {steps: 3, ensemble: 5, ensemble_max: 10}\n")
	_, stderr, code := mdnRun(t, "", "train", "--config", c, "--out", filepath.Join(dir, "out"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		`mdn: train: warning: response column "y" (7) is the same in every training row`,
		// pi trunk 1→4→1: 8+5; normal trunk 1→4→2 (μ, σ): 8+10.
		"train: 30 training rows, 10 validation rows; 1 input, 1 response; 31 parameters; 3 steps of all 30 rows (full batch); an ensemble of 10 such networks (each with its own hold-out when the validation rows come from data.train); train.ensemble 5 grown to 10: fewer training rows than a batch (train.ensemble_max); each trained with and without noise, 20 networks in all, and the validation rows choose which to keep (train.noise_select)\n",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}

	huge := writeConfig(t, dir, "h.yaml", "data: {train: TRAIN, x: [x], y: [y]}\ntrain: {steps: 10000000000}\n")
	out := filepath.Join(dir, "h")
	_, stderr, code = mdnRun(t, "", "train", "--config", huge, "--out", out)
	want := "mdn: train: train.steps: at most 100000000 are supported, got 10000000000 (the history keeps 32 bytes per step: 320 GB)\n"
	if code != 1 || stderr != want {
		t.Fatalf("got exit %d, %q; want 1, %q", code, stderr, want)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a refused run left its --out directory")
	}
}

// TestSampleManyDraws: above directSamples draws per row, sample streams
// each row's lines as it draws them; the output is the same, byte for byte,
// as the chunked path's.
func TestSampleManyDraws(t *testing.T) {
	mp := trainEx1d(t)
	var b strings.Builder
	b.WriteString("x\n")
	for i := range 5000 { // two chunks
		b.WriteString(strconv.Itoa(i%13-6) + "\n")
	}
	in := writeFile(t, "many.csv", b.String())
	direct, stderr, code := mdnRun(t, "", "sample", "--model", mp, "--input", in, "--n-samples", "100", "--seed", "4")
	if code != 0 {
		t.Fatal(stderr)
	}
	old := directSamples
	directSamples = 1 << 30
	defer func() { directSamples = old }()
	chunked, _, _ := mdnRun(t, "", "sample", "--model", mp, "--input", in, "--n-samples", "100", "--seed", "4")
	if direct != chunked || strings.Count(direct, "\n") != 1+5000*100 {
		t.Fatalf("direct and chunked outputs differ (%d and %d lines)", strings.Count(direct, "\n"), strings.Count(chunked, "\n"))
	}
}

// TestPredictDuplicateQ: --q 0.5,0.5 would write two columns q0.5_y, a
// header mdn's own reader rejects; it is a flag error instead.
func TestPredictDuplicateQ(t *testing.T) {
	mp := trainEx1d(t)
	_, stderr, code := mdnRun(t, "", "predict", "--model", mp, "--input", ex1dTrain, "--what", "quantiles", "--q", "0.5,0.50")
	if want := "mdn: predict: --q: 0.5 is given twice\n"; code != 1 || stderr != want {
		t.Fatalf("got exit %d, %q; want 1, %q", code, stderr, want)
	}
}

// TestOutDash: --out - is standard output, as --input - is standard input
// (it used to create a file named "-").
func TestOutDash(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	os.Chdir(dir)
	out, stderr, code := mdnRun(t, "", "gen", "ex1d", "--n", "2", "--out", "-")
	if code != 0 || !strings.HasPrefix(out, "x,y\n") || strings.Count(out, "\n") != 3 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "-")); err == nil {
		t.Fatal(`created a file named "-"`)
	}
}

// TestColumnIndexList: the columns a flag may name are listed in the one
// list format of messages (data.QuoteList: at most 8, then "and N more").
func TestColumnIndexList(t *testing.T) {
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	if i, err := columnIndex("--x", "c", names, "covariate"); i != 2 || err != nil {
		t.Fatalf("got %d, %v; want 2", i, err)
	}
	_, err := columnIndex("--x", "z", names, "covariate")
	want := `--x: "z" is not a covariate column of the model; they are "a", "b", "c", "d", "e", "f", "g", "h", and 2 more`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}
