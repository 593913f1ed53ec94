package main

import (
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func TestSample(t *testing.T) {
	mp := trainEx1d(t)
	in, xs := inputXs(t)

	t.Run("shape and header", func(t *testing.T) {
		out, stderr, code := mdnRun(t, "", "sample", "--model", mp, "--input", in, "--n-samples", "3", "--seed", "5")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		head, rows := readCSV(t, out)
		if strings.Join(head, ",") != "x,y" {
			t.Errorf("header: got %v, want [x y]", head)
		}
		if len(rows) != 3*len(xs) {
			t.Fatalf("rows: got %d, want %d (3 per input row)", len(rows), 3*len(xs))
		}
		for i, r := range rows {
			if got, want := num(t, r[0]), xs[i/3]; got != want {
				t.Errorf("row %d: x: got %v, want %v", i, got, want)
			}
			if y := num(t, r[1]); math.IsNaN(y) || math.IsInf(y, 0) {
				t.Errorf("row %d: y: got %v, want a finite number", i, y)
			}
		}
	})

	t.Run("seeded", func(t *testing.T) {
		a, _, _ := mdnRun(t, "", "sample", "--model", mp, "--input", in, "--n-samples", "4", "--seed", "9")
		b, _, _ := mdnRun(t, "", "sample", "--model", mp, "--input", in, "--n-samples", "4", "--seed", "9")
		c, _, _ := mdnRun(t, "", "sample", "--model", mp, "--input", in, "--n-samples", "4", "--seed", "10")
		if a != b {
			t.Errorf("same seed: outputs differ")
		}
		if a == c {
			t.Errorf("seeds 9 and 10: got equal outputs, want different draws")
		}
		// --out writes the same bytes as standard output; "-" reads stdin.
		text, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		outPath := filepath.Join(t.TempDir(), "draws.csv")
		if _, stderr, code := mdnRun(t, string(text), "sample", "--model", mp, "--input", "-", "--n-samples", "4", "--seed", "9", "--out", outPath); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		got, err := os.ReadFile(outPath)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != a {
			t.Errorf("--out file and stdin input: got %d bytes, want the %d bytes of stdout", len(got), len(a))
		}
	})

	t.Run("same draws for any workers and writer", func(t *testing.T) {
		// The model has two members: at temperature 1 each draw's member is
		// chosen first (predict.MemberDraws), per chunk from the chunk's
		// seed. 10000 rows are three chunks; 1 and 4 workers (GOMAXPROCS),
		// and a worker writing its own lines (directSamples), give the
		// same bytes.
		var b strings.Builder
		b.WriteString("x\n")
		for i := range 10000 {
			b.WriteString(strconv.Itoa(i%89-44) + "." + strconv.Itoa(i%7) + "\n")
		}
		big := writeFile(t, "big.csv", b.String())
		args := []string{"sample", "--model", mp, "--input", big, "--n-samples", "3", "--seed", "2"}
		outs := map[string]string{}
		for _, w := range []int{1, 4} {
			old := runtime.GOMAXPROCS(w)
			out, stderr, code := mdnRun(t, "", args...)
			runtime.GOMAXPROCS(old)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			outs[strconv.Itoa(w)+" workers"] = out
		}
		old := directSamples
		directSamples = 1
		outs["direct"], _, _ = mdnRun(t, "", args...)
		directSamples = old
		if n := strings.Count(outs["1 workers"], "\n"); n != 1+3*10000 {
			t.Fatalf("got %d lines, want %d", n, 1+3*10000)
		}
		for k, v := range outs {
			if v != outs["1 workers"] {
				t.Errorf("%s: output differs from 1 worker's", k)
			}
		}
	})

	t.Run("three branches at x = 0", func(t *testing.T) {
		// x = 7 sin(5y) + 0.5y = 0 has the roots y = 0 and y ≈ ±0.60 (5y ≈ ±π
		// shifted by the 0.5y term: 7 sin(5y) = −0.5y). Each branch should
		// get a fair share of 3000 draws; 10% each is a loose bound.
		in0 := writeFile(t, "zero.csv", "x\n0\n")
		out, stderr, code := mdnRun(t, "", "sample", "--model", mp, "--input", in0, "--n-samples", "3000", "--seed", "1")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		_, rows := readCSV(t, out)
		var n [3]int
		for _, r := range rows {
			y := num(t, r[1])
			for b, c := range []float64{-0.6, 0, 0.6} {
				if math.Abs(y-c) < 0.2 {
					n[b]++
				}
			}
		}
		for b, c := range n {
			if c < 300 {
				t.Errorf("branch %d: got %d of 3000 draws, want ≥ 300 (counts %v)", b, c, n)
			}
		}
	})

	t.Run("cold temperature gives the heaviest mean", func(t *testing.T) {
		// T = 1e-8: the weights become one-hot on the heaviest component and
		// σ shrinks by √T = 1e-4, so each draw is μ_k* to within ~1e-4·σ·5.
		out, stderr, code := mdnRun(t, "", "sample", "--model", mp, "--input", in, "--temperature", "1e-8", "--seed", "3")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		_, rows := readCSV(t, out)
		_, mix := predictRows(t, mp, xs)
		for i, r := range rows {
			m := &mix[i]
			best := 0
			for k, lw := range m.LogWeights {
				if lw > m.LogWeights[best] {
					best = k
				}
			}
			y, mu, sg := num(t, r[1]), m.Means[best], m.Chol[best]
			if math.Abs(y-mu) > 1e-3*sg+1e-12 {
				t.Errorf("row %d: got %v, want μ = %v (the heaviest component) within 1e-3σ = %v", i, y, mu, 1e-3*sg)
			}
		}
	})

	t.Run("chunks stay in order", func(t *testing.T) {
		// 10000 rows are three chunks of 4096 predicted in parallel; the x
		// column must come back in input order.
		var b strings.Builder
		b.WriteString("x\n")
		for i := range 10000 {
			b.WriteString(strconv.Itoa(i%97-48) + "." + strconv.Itoa(i) + "\n")
		}
		big := writeFile(t, "big.csv", b.String())
		out, stderr, code := mdnRun(t, "", "sample", "--model", mp, "--input", big)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		want := strings.Split(strings.TrimSpace(b.String()), "\n")[1:]
		_, rows := readCSV(t, out)
		if len(rows) != len(want) {
			t.Fatalf("rows: got %d, want %d", len(rows), len(want))
		}
		for i, r := range rows {
			if num(t, r[0]) != num(t, want[i]) {
				t.Fatalf("row %d: x: got %s, want %s", i, r[0], want[i])
			}
		}
	})
}

// BenchmarkSample1M times `mdn sample` end to end (read, predict, sample,
// format, write) on 1,000,000 input rows of the 1-D example with the model
// architecture of configs/ex_1d.yaml (hidden [64, 64], K = 5), writing to
// a file. Run: go test ./cmd/mdn -run '^$' -bench Sample1M -benchtime 3x
func BenchmarkSample1M(b *testing.B) {
	abs, err := filepath.Abs(ex1dTrain)
	if err != nil {
		b.Fatal(err)
	}
	mp := trainConfig(b, "data:\n  train: "+strconv.Quote(abs)+"\n  x: [x]\n  y: [y]\n", 20)
	dir := b.TempDir()
	in := filepath.Join(dir, "in.csv")
	if _, stderr, code := mdnRun(b, "", "gen", "ex1d", "--n", "1000000", "--out", in); code != 0 {
		b.Fatal(stderr)
	}
	out := filepath.Join(dir, "out.csv")
	b.ResetTimer()
	for b.Loop() {
		if _, stderr, code := mdnRun(b, "", "sample", "--model", mp, "--input", in, "--out", out); code != 0 {
			b.Fatal(stderr)
		}
	}
}
