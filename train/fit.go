package train

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/graph"
	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
)

// Streams of the run's seed: each random choice draws from its own PCG
// stream, so that changing one (say the hold-out) leaves the others alone.
const (
	streamInit        = 1
	streamSplit       = 2
	streamCalibration = 3
)

// Data is the data of a run after loading: the training, validation and
// calibration rows in original units (covariates encoded as network
// inputs), the encoding, and the scaler fitted on the training rows.
type Data struct {
	Train, Val *data.Dataset
	// Cal holds the calibration rows (Recipe.Data.Calibration or
	// CalibrationFraction), nil without: rows that training, the scaler and
	// validation never see, on which the caller calibrates the model.
	Cal    *data.Dataset
	Scaler data.Scaler
	// Schema encodes the covariate columns as the network's inputs (labels
	// one-hot, missing cells by data.missing); it is stored in the model.
	Schema *encode.Schema
	// Report, ValReport and CalReport count the rows of the training,
	// validation and calibration files that were dropped or imputed.
	Report, ValReport, CalReport encode.Report
	// held is the set of rows held out as Val of the rows left after the
	// calibration hold-out (nil when none were); calHeld is the set of
	// rows of the training file held out as Cal (nil when none were).
	// File rebuilds the file from them.
	held, calHeld data.RowSet
}

// File returns every row of the training file, before any hold-out:
// Train itself when no rows were held out of it, else a copy merged from
// Train, Val and (when held out of the file) Cal.
func (d *Data) File() *data.Dataset {
	f := d.Train
	if d.held != nil {
		f = data.Merge(d.Train, d.Val, d.held)
	}
	if d.calHeld != nil {
		f = data.Merge(f, d.Cal, d.calHeld)
	}
	return f
}

// bigData is the number of values of a training file (8 MB of float64)
// from which LoadData returns freed memory to the system.
const bigData = 1 << 20

// LoadData reads the files of r.Data, encodes the covariates
// (r.Data.Encode: labels, missing cells), holds out the calibration
// fraction and then, when there is no validation file, the validation
// fraction (each seeded by r.Train.Seed, on streams of their own), checks that
// float32 can hold the values when r.Spec.Dtype is float32, and fits the
// scaler on the training rows when r.Data.Standardize (the 0/1 inputs of
// labels and missing indicators are not scaled). The other fields of r are
// only validated (Recipe.Validate): the recipe of a config before the size
// rule will do.
func LoadData(r Recipe) (*Data, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	files, opt := r.Data, r.Data.Encode
	switch {
	case len(opt.X) == 0:
		return nil, errors.New("train: Recipe.Data.Encode.X: no covariate column")
	case len(opt.Y) == 0:
		return nil, errors.New("train: Recipe.Data.Encode.Y: no response column")
	}
	var (
		tr, val *data.Dataset
		vrep    encode.Report
	)
	s, tr, rep, err := encode.ReadTrain(files.Train, opt)
	if err != nil {
		return nil, err
	}
	n := tr.N * (tr.XDim + tr.YDim)
	if err := checkFloat32(r, tr); err != nil {
		return nil, err
	}
	if n >= bigData {
		// The line numbers were for the messages of the checks above;
		// nothing after names a line of the training file, and a big
		// file's numbers take as much memory as a column.
		tr.Lines = nil
	}
	var cal *data.Dataset
	var crep encode.Report
	if files.Calibration != "" {
		// Read as the validation file is, with the training file's
		// encoding.
		if cal, crep, err = encode.ReadValidation(files.Calibration, s, opt.Y); err != nil {
			return nil, err
		}
		if err := checkFloat32(r, cal); err != nil {
			return nil, err
		}
	}
	// The calibration rows go first, so that the validation hold-out,
	// the scaler and training never see them.
	tr, cal, calHeld := holdOutCalibration(r, tr, cal, n)
	var held data.RowSet
	switch {
	case files.Validation != "":
		if val, vrep, err = encode.ReadValidation(files.Validation, s, opt.Y); err != nil {
			return nil, err
		}
		if err := checkFloat32(r, val); err != nil {
			return nil, err
		}
	case files.ValidationFraction > 0:
		// The training rows stay where they were read (no copy).
		val, held = splitInPlace(tr, files.HeldFraction(), rand.New(rand.NewPCG(r.Train.Seed, streamSplit)), n)
	}
	d, err := prepare(r, tr, val, cal, held, calHeld, s, rep, vrep, n)
	if err != nil {
		return nil, err
	}
	d.CalReport = crep
	return d, nil
}

// holdOutCalibration holds r.Data.CalibrationFraction of the rows of tr
// out in place (seeded by r.Train.Seed on the calibration stream) and
// returns tr, the calibration rows and the set of their row numbers in tr
// as it was; without a calibration fraction it returns tr and cal as
// they are and no set. n is the values of the training file (bigData).
func holdOutCalibration(r Recipe, tr, cal *data.Dataset, n int) (*data.Dataset, *data.Dataset, data.RowSet) {
	if r.Data.CalibrationFraction <= 0 {
		return tr, cal, nil
	}
	cal, rows := splitInPlace(tr, r.Data.CalibrationFraction, rand.New(rand.NewPCG(r.Train.Seed, streamCalibration)), n)
	return tr, cal, rows
}

// splitInPlace is tr.SplitInPlace(frac, rng) for a training file of n
// values. On a big file (bigData) the permutation that drew the held-out
// rows, as large as a column, is returned to the system before the rows
// move, so that it and the copy of the held-out rows that the move makes
// are not held at once.
func splitInPlace(tr *data.Dataset, frac float64, rng *rand.Rand, n int) (*data.Dataset, data.RowSet) {
	rows := tr.HeldOut(frac, rng)
	if n >= bigData {
		debug.FreeOSMemory()
	}
	return tr.SplitRows(rows), rows
}

// checkFloat32 reports the first value of d (nil: none) that float32 does
// not hold when r's graph is float32, naming its line.
func checkFloat32(r Recipe, d *data.Dataset) error {
	if r.Spec.Dtype != arch.Float32 || d == nil {
		return nil
	}
	if err := data.CheckFloat32(d); err != nil {
		return fmt.Errorf("%w (model.dtype is float32; use float64)", err)
	}
	return nil
}

// DataOf is the Data of a run of r on rows already in memory, as LoadData
// makes it from files: tr holds the training rows in original units, whose
// covariates are the network's inputs as they are (numbers); val holds the
// validation rows, or is nil to hold out r.Data.ValidationFraction of tr,
// seeded by r.Train.Seed as LoadData does (in place: tr keeps the training
// rows, Data.Val gets the others, and each ensemble member holds out its
// own). r.Data.CalibrationFraction of tr is held out first, as LoadData
// does, into Data.Cal. The scaler is fitted on the training rows when
// r.Data.Standardize. r.Data's files and columns are not used: the
// columns are tr's.
func DataOf(r Recipe, tr, val *data.Dataset) (*Data, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if tr == nil || tr.XDim < 1 || tr.YDim < 1 {
		return nil, errors.New("train: DataOf: the training rows need at least one covariate and one response")
	}
	if val != nil && (val.XDim != tr.XDim || val.YDim != tr.YDim) {
		return nil, fmt.Errorf("train: DataOf: the validation rows have %d covariates and %d responses, the training rows %d and %d",
			val.XDim, val.YDim, tr.XDim, tr.YDim)
	}
	s := encode.Numeric(tr.XNames)
	s.Unknown, s.NAValues = r.Data.Encode.Unknown, append([]string(nil), r.Data.Encode.NAValues...)
	rep := encode.Report{Rows: tr.N, Used: tr.N}
	var vrep encode.Report
	n := tr.N * (tr.XDim + tr.YDim)
	for _, d := range []*data.Dataset{tr, val} {
		if err := checkFloat32(r, d); err != nil {
			return nil, err
		}
	}
	tr, cal, calHeld := holdOutCalibration(r, tr, nil, n)
	var held data.RowSet
	switch {
	case val != nil:
		vrep = encode.Report{Rows: val.N, Used: val.N}
	case r.Data.ValidationFraction > 0:
		val, held = splitInPlace(tr, r.Data.HeldFraction(), rand.New(rand.NewPCG(r.Train.Seed, streamSplit)), n)
	}
	return prepare(r, tr, val, cal, held, calHeld, s, rep, vrep, n)
}

// prepare finishes the Data of LoadData and DataOf from the training rows
// (after any hold-out), the validation and calibration rows, the held-out
// sets, the schema and reports, and n, the values of the training file as
// read (whose values float32 holds when the graph is float32: the callers
// check that before any hold-out); it fits the scaler.
func prepare(r Recipe, tr, val, cal *data.Dataset, held, calHeld data.RowSet, s *encode.Schema, rep, vrep encode.Report, n int) (*Data, error) {
	sc := data.IdentityScaler(tr.XDim, tr.YDim)
	if r.Data.Standardize {
		sc = s.FitScaler(tr)
	}
	if n >= bigData {
		// Reading and the hold-outs left garbage (the line numbers, the
		// copy of the held-out rows that moved them) as large as a
		// column; return it to the system before training allocates its
		// graphs, so the peak memory is the data plus the graphs, not
		// that plus garbage.
		debug.FreeOSMemory()
	}
	return &Data{Train: tr, Val: val, Cal: cal, Scaler: sc, Schema: s, Report: rep, ValReport: vrep, held: held, calHeld: calHeld}, nil
}

// SpecOf is the arch.Spec of r for xdim covariates (network inputs) and
// ydim responses: r.Spec with In and Out set, and for fixed noise one σ
// per response (a single σ in r.Spec repeated).
func SpecOf(r Recipe, xdim, ydim int) arch.Spec {
	s := r.Spec.Clone()
	s.In, s.Out = xdim, ydim
	if s.Noise != arch.Fixed {
		s.FixedSigma = nil
	} else if len(s.FixedSigma) == 1 && ydim != 1 {
		s.FixedSigma = slices.Repeat(s.FixedSigma, ydim)
	}
	return s
}

// OptionsOf is the Options of r for a training set of n rows: r.Train with
// the step count r.Steps(n), and without the fields Fit sets for each
// network (Noise, NoNoise, LogJacobian, Progress, Resume).
func OptionsOf(r Recipe, n int) Options {
	opt := r.Train
	opt.Steps = r.Steps(n)
	opt.Noise, opt.NoNoise, opt.LogJacobian, opt.Progress, opt.Resume = 0, nil, 0, nil, nil
	return opt
}

// Fit trains the model that r describes on d. It returns the model, the
// run's result and, when ctx was cancelled, the model so far together with
// the error saying so.
func Fit(ctx context.Context, r Recipe, d *Data, progress func(Progress)) (*model.Model, *Result, error) {
	return FitResume(ctx, r, d, nil, progress)
}

// FitResume is Fit continuing from the state of an interrupted run of the
// same recipe and data (nil: from the start).
//
// The recipe is used as it is: a config's size rule for large tables
// (config.Sized) is applied by the adapter, fitconfig.Recipe, given the
// number of training rows.
//
// With r.Ensemble = M > 1 it trains M members, in parallel on up to
// r.Train.Threads (0: all) cores, and returns one model holding all of them
// (model.Model.Ensemble). Member 0 is the network a single run would train;
// member m > 0 uses the seed MemberSeed(r.Train.Seed, m) for its initial
// weights, its batches, its noise and, when the validation rows are held
// out of the training file, its own hold-out (so that the members together
// learn from every row), with its own scaler fitted on its training rows;
// under r.NoiseSelect member 2j+1 shares member 2j's hold-out, and
// every member is trained with and without noise (chooseNoise says which
// networks the model keeps: M or all 2M).
// The Result is member 0's with Members holding every member's; its
// History, FinalLoss and ValNLL are the means over the members (each
// member's validation NLL on its own validation rows).
func FitResume(ctx context.Context, r Recipe, d *Data, st *State, progress func(Progress)) (*model.Model, *Result, error) {
	if _, err := PlanOf(r, d); err != nil {
		return nil, nil, err
	}
	spec := SpecOf(r, d.Train.XDim, d.Train.YDim)
	M := EnsembleSize(r, d.Train.N)
	if st != nil && !st.NoisePending && len(st.Ensemble) != M-1 {
		if asked := max(1, r.Ensemble); asked != M {
			return nil, nil, fmt.Errorf("train: resume: the checkpoint holds %d ensemble members, this run has %d (train.ensemble %d, grown on a table smaller than a batch; train.ensemble_max)", len(st.Ensemble)+1, M, asked)
		}
		return nil, nil, fmt.Errorf("train: resume: the checkpoint holds %d ensemble members, train.ensemble is %d", len(st.Ensemble)+1, M)
	}
	threads := r.Train.Threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	// With train.noise_select every member is trained twice, with noise
	// (jobs 0 … M−1) and without (jobs M … 2M−1, same seeds and hold-outs),
	// and chooseNoise keeps the candidate ensemble the validation rows
	// prefer.
	c := r.NoiseScale
	sel := st == nil && c > 0 && r.NoiseSelect && d.Val != nil && d.Val.N > 0
	if st != nil {
		c = st.NoiseScale
		sel = st.NoisePending
		if sel && len(st.Ensemble) != 2*M-1 {
			return nil, nil, fmt.Errorf("train: resume: the checkpoint holds %d networks of train.noise_select, this run has %d", len(st.Ensemble)+1, 2*M)
		}
	}
	n := M
	if sel {
		n = 2 * M
	}
	type job struct {
		d   *member
		opt Options
		w   *graph.Weights
		res *Result
		err error
	}
	jobs := make([]job, n)
	// The ensemble's progress: steps done by each network (its planned
	// steps once finished), how many finished and the sum of their best
	// validation NLLs.
	var (
		mu       sync.Mutex
		done     = make([]int, n)
		finished int
		bestSum  float64 // over the bestN finished networks with a best
		bestN    int
	)
	start := time.Now()
	report := func(p Progress) {
		p.Step, p.Steps = 0, 0
		for i, s := range done {
			p.Step += s
			p.Steps += jobs[i].opt.Steps
		}
		p.Networks, p.Finished = n, finished
		p.BestValNLL = math.NaN()
		if bestN > 0 {
			p.BestValNLL = bestSum / float64(bestN)
		}
		p.LR, p.Loss, p.ValNLL = math.NaN(), math.NaN(), math.NaN()
		p.Elapsed = time.Since(start)
		progress(p)
	}
	for i := range jobs {
		m := i % M // job M + m is member m without noise
		seed := MemberSeed(r.Train.Seed, m)
		var md *member
		switch {
		case i >= M:
			md = jobs[m].d // the same hold-out and scaler
		case sel && M > 1 && m%2 == 1:
			// train.noise_select scores pairs of members on a hold-out
			// they share: member 2j+1 holds out member 2j's rows.
			md = jobs[m-1].d
		case m > 0:
			md = memberData(r.Data, d, seed)
		default:
			md = baseMember(d)
		}
		w, err := graph.NewWeightsInit(spec, r.Init, rand.New(rand.NewPCG(seed, streamInit)))
		if err != nil {
			return nil, nil, err
		}
		opt := OptionsOf(r, md.train.n)
		if opt.Warmup >= opt.Steps {
			return nil, nil, fmt.Errorf("train.warmup: must be < the %d steps of the run, got %d", opt.Steps, opt.Warmup)
		}
		opt.Seed = seed
		opt.LogJacobian = md.scaler.LogJacobian()
		switch {
		case st == nil:
		case i == 0:
			opt.Resume = st
		default:
			opt.Resume = st.Ensemble[i-1]
		}
		if progress != nil {
			opt.Progress = func(p Progress) {
				if n == 1 {
					progress(p)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				done[i] = p.Step
				report(p)
			}
		}
		noise := c
		if sel && i >= M {
			noise = 0
		}
		opt.Noise = NoiseBandwidth(noise, md.train.n, spec.In+spec.Out)
		if d.Schema != nil {
			opt.NoNoise = d.Schema.Binary()
		}
		jobs[i] = job{d: md, opt: opt, w: w}
	}
	if M > 1 && d.held != nil && (d.Train.N+d.Val.N)*(d.Train.XDim+d.Train.YDim) >= bigData {
		// Each member's hold-out was drawn with a permutation of the
		// rows, garbage as large as a column that no collection would
		// reclaim before the networks' buffers are allocated.
		debug.FreeOSMemory()
	}
	// Train the jobs in parallel, each with its share of the threads.
	workers := max(1, min(n, threads))
	next := make(chan int, n)
	for i := range jobs {
		jobs[i].opt.Threads = max(1, threads/workers)
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				j := &jobs[i]
				// Run standardizes the rows as it copies them: the same
				// values as Scaler.Apply, without a standardized copy.
				opt := j.opt
				opt.scale = &inputScale{&j.d.scaler}
				j.res, j.err = run(ctx, j.w, j.d.train, j.d.val, opt)
				if progress != nil && n > 1 && j.res != nil && j.res.Stopped != "interrupted" {
					mu.Lock()
					done[i], finished = j.opt.Steps, finished+1
					if !math.IsNaN(j.res.BestValNLL) {
						bestSum, bestN = bestSum+j.res.BestValNLL, bestN+1
					}
					report(Progress{})
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for i, j := range jobs {
		switch {
		case j.res != nil:
		case M > 1 && i >= M:
			return nil, nil, &jobError{fmt.Sprintf("ensemble member %d, trained without noise for train.noise_select", i%M), j.err}
		case M > 1:
			return nil, nil, &jobError{fmt.Sprintf("ensemble member %d", i), j.err}
		case i >= M:
			return nil, nil, &jobError{"the network trained without noise for train.noise_select", j.err}
		default:
			return nil, nil, j.err
		}
	}
	all := jobs
	kept := ""
	if M > 1 {
		kept = fmt.Sprintf("all %d networks", M)
	}
	noisy := M
	if !sel && c == 0 {
		noisy = 0
	}
	if sel {
		keep, err := chooseNoise(spec, func(i int) (*member, []arch.Array) { return jobs[i].d, jobs[i].res.Weights.Arrays() }, M)
		if err != nil {
			return nil, nil, err
		}
		switch keep {
		case keepNoise:
			jobs = jobs[:M]
			kept = networks(M) + " trained with noise"
		case keepPlain:
			jobs, noisy, c = jobs[M:], 0, 0
			kept = networks(M) + " trained without noise"
		default:
			kept = fmt.Sprintf("all %d networks, with and without noise", 2*M)
		}
	}
	var runErr error
	for _, j := range all {
		if j.err != nil && runErr == nil {
			runErr = j.err
		}
	}
	res := jobs[0].res
	if len(jobs) > 1 {
		res = combineResults(jobs[0].res, func(yield func(*Result) bool) {
			for _, j := range jobs {
				if !yield(j.res) {
					return
				}
			}
		})
		res.Seconds = time.Since(start).Seconds()
		if st != nil {
			res.Seconds += st.Seconds
		}
	}
	res.NoiseScale, res.NoiseMembers = c, noisy
	res.Networks, res.Kept = n, kept
	if sel && ctx.Err() != nil {
		// Interrupted before the choice was final: the checkpoint holds
		// every network of both candidates, the model the choice so far.
		first := *all[0].res.State
		first.Ensemble = nil
		for _, j := range all[1:] {
			first.Ensemble = append(first.Ensemble, j.res.State)
		}
		first.NoisePending = true
		res.State = &first
	}
	if res.State != nil {
		res.State.NoiseScale = r.NoiseScale
		if !res.State.NoisePending {
			res.State.NoiseScale = c
		}
		res.State.Seconds = res.Seconds
	}
	sum := model.Summary{Steps: res.Steps, Seconds: res.Seconds, Seed: r.Train.Seed,
		FinalTrainLoss: res.FinalLoss}
	if !math.IsNaN(res.BestValNLL) {
		v := res.BestValNLL
		sum.BestValidationNLL = &v
	}
	ws := make([][]arch.Array, len(jobs))
	scs := make([]data.Scaler, len(jobs))
	for m, j := range jobs {
		ws[m], scs[m] = j.res.Weights.Arrays(), j.d.scaler
	}
	mdl, err := model.NewEnsemble(spec, ws, d.Train.XNames, d.Train.YNames, scs, sum)
	if err == nil && d.Schema != nil {
		err = mdl.SetEncoding(d.Schema)
	}
	if err != nil {
		return nil, nil, errors.Join(err, runErr)
	}
	return mdl, res, runErr
}

// networks is "the network" or "the M networks".
func networks(M int) string {
	if M == 1 {
		return "the network"
	}
	return fmt.Sprintf("the %d networks", M)
}

// jobError is the error of one network of a run with several: "train:
// <which>: <err>", without repeating err's own "train: ".
type jobError struct {
	which string
	err   error
}

func (e *jobError) Error() string {
	return "train: " + e.which + ": " + strings.TrimPrefix(e.err.Error(), "train: ")
}

func (e *jobError) Unwrap() error { return e.err }

// The candidates of train.noise_select.
const (
	keepNoise = iota // the M members trained with noise
	keepPlain        // the M members trained without
	keepBoth         // all 2M, an ensemble of both
)

// chooseNoise is the candidate of train.noise_select that the validation
// rows prefer. Network i < M is member i trained with noise, network M + i
// the same member (seed, hold-out, scaler) without; net(i) gives its data
// and weights. Members 2j and 2j+1 share their hold-out V_j, so each
// candidate can be scored as an ensemble of two networks that never saw
// V_j: with p_m, q_m the densities of member m's network with and without
// noise (original units),
//
//	S_noise = mean_j mean_{i∈V_j} −log ½(p_2j + p_2j+1)(y_i|x_i)
//	S_plain = mean_j mean_{i∈V_j} −log ½(q_2j + q_2j+1)(y_i|x_i)
//	S_both  = mean_j mean_{i∈V_j} ½[−log ½(p_2j + q_2j+1) − log ½(q_2j + p_2j+1)]
//
// (a member left without a pair, M odd, is not scored). Each score is of
// two networks, so averaging's gain, which differs between noisy and
// plain networks, is in all three alike. The lowest wins (ties: noise,
// then plain); all 2M networks are a candidate only when their model fits
// in a model file. A single network (M = 1) has no pair: S_noise and
// S_plain are then its own validation NLLs, and both is no candidate.
func chooseNoise(spec arch.Spec, net func(i int) (*member, []arch.Array), M int) (int, error) {
	lp := func(i int) ([]float64, error) {
		d, w := net(i)
		return valLogProb(spec, d, w)
	}
	// pair is mean_i −log ½(e^a_i + e^b_i).
	pair := func(a, b []float64) float64 {
		var s float64
		for i := range a {
			hi, lo := max(a[i], b[i]), min(a[i], b[i])
			s -= hi + math.Log1p(math.Exp(lo-hi)) - math.Ln2
		}
		return s / float64(len(a))
	}
	var s [3]float64
	if M == 1 {
		p, err := lp(0)
		if err != nil {
			return 0, err
		}
		q, err := lp(1)
		if err != nil {
			return 0, err
		}
		s[keepNoise], s[keepPlain] = pair(p, p), pair(q, q)
	}
	for j := range M / 2 {
		var ls [4][]float64 // p_2j, p_2j+1, q_2j, q_2j+1
		for k, i := range []int{2 * j, 2*j + 1, M + 2*j, M + 2*j + 1} {
			var err error
			if ls[k], err = lp(i); err != nil {
				return 0, err
			}
		}
		n := float64(M / 2)
		s[keepNoise] += pair(ls[0], ls[1]) / n
		s[keepPlain] += pair(ls[2], ls[3]) / n
		s[keepBoth] += (pair(ls[0], ls[3]) + pair(ls[2], ls[1])) / (2 * n)
	}
	cands := []int{keepNoise, keepPlain}
	if M > 1 && 2*M <= model.MaxMembers {
		cands = append(cands, keepBoth)
	}
	best := -1
	for _, c := range cands {
		if math.IsNaN(s[c]) {
			continue
		}
		if best < 0 || s[c] < s[best] {
			best = c
		}
	}
	if best < 0 {
		best = keepNoise
	}
	return best, nil
}

// valLogProb is log p(y_i|x_i), original units, of the network with
// weights w on each validation row of d.
func valLogProb(spec arch.Spec, d *member, w []arch.Array) ([]float64, error) {
	v := d.val
	m, err := model.New(spec, w, v.a.XNames, v.a.YNames, d.scaler, model.Summary{})
	if err != nil {
		return nil, fmt.Errorf("train: noise_select: %w", err)
	}
	p := m.Predictor(0)
	out := make([]float64, v.n)
	var mix []mixture.Mixture
	xdim := v.xdim()
	xb := make([]float64, 0, min(v.n, model.DefaultBatch)*xdim)
	for lo := 0; lo < v.n; lo += model.DefaultBatch {
		hi := min(v.n, lo+model.DefaultBatch)
		xb = xb[:0]
		for k := lo; k < hi; k++ {
			x, _ := v.row(k)
			xb = append(xb, x...)
		}
		if mix, err = p.Predict(xb, hi-lo, mix); err != nil {
			return nil, fmt.Errorf("train: noise_select: %w", err)
		}
		for i := range mix {
			_, y := v.row(lo + i)
			out[lo+i] = mix[i].LogProb(y)
		}
	}
	return out, nil
}

// combineResults is the Result of an ensemble: first's fields, with the
// history, final loss and validation NLLs averaged over all members, the
// members' results in Members and their states in State.Ensemble.
func combineResults(first *Result, all iter.Seq[*Result]) *Result {
	res := *first
	res.History = append([]Record(nil), first.History...)
	var members []*Result
	for r := range all {
		members = append(members, r)
	}
	n := float64(len(members))
	res.Members = members
	res.FinalLoss, res.BestValNLL, res.ValNLL = 0, 0, 0
	for i := range res.History {
		res.History[i].Loss, res.History[i].ValNLL = 0, 0
	}
	for _, r := range members {
		res.FinalLoss += r.FinalLoss / n
		res.BestValNLL += r.BestValNLL / n
		res.ValNLL += r.ValNLL / n
		res.Rollbacks += r.Rollbacks
		res.Steps = min(res.Steps, r.Steps)
		if r.Stopped != "completed" {
			res.Stopped = r.Stopped
		}
		for i := range res.History {
			if i < len(r.History) {
				res.History[i].Loss += r.History[i].Loss / n
				res.History[i].ValNLL += r.History[i].ValNLL / n
			} else {
				res.History[i].Loss, res.History[i].ValNLL = math.NaN(), math.NaN()
			}
		}
	}
	res.Rollbacks -= first.Rollbacks
	if first.State != nil {
		st := *first.State
		st.Ensemble = nil
		for _, r := range members[1:] {
			st.Ensemble = append(st.Ensemble, r.State)
		}
		res.State = &st
	}
	return &res
}

// MemberSeed is the seed of ensemble member m of a run with seed s: s
// itself for m = 0, else the SplitMix64 finalizer (Steele et al. 2014) of
// s + m·0x9e3779b97f4a7c15, so that members of one run and runs with
// nearby seeds do not share streams.
func MemberSeed(s uint64, m int) uint64 {
	if m == 0 {
		return s
	}
	z := s + uint64(m)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// member is the data of one network of a run: its training and validation
// rows, read in place from the rows of the run's Data, and the scaler
// fitted on its training rows.
type member struct {
	train, val *rowSet
	scaler     data.Scaler
}

// baseMember is member 0's data: the rows and scaler of d.
func baseMember(d *Data) *member {
	return &member{train: allRows(d.Train), val: allRows(d.Val), scaler: d.Scaler}
}

// memberData is the data of an ensemble member with the given seed: its own
// hold-out of the training file when the recipe holds validation rows out
// (else the same rows as d), and a scaler fitted on its training rows. The
// member's rows are those d already holds, read in place (memberSplit): no
// member copies the table.
func memberData(opt DataOptions, d *Data, seed uint64) *member {
	md := baseMember(d)
	if opt.Validation != "" || opt.ValidationFraction <= 0 || d.held == nil {
		return md
	}
	md.train, md.val = memberSplit(d, opt.HeldFraction(), seed)
	if opt.Standardize {
		md.scaler = md.train.scaler()
		if d.Schema != nil {
			md.scaler = d.Schema.KeepBinary(md.scaler)
		}
	} else {
		md.scaler = data.IdentityScaler(d.Train.XDim, d.Train.YDim)
	}
	return md
}

// EnsembleSize is the number of ensemble members for r and n training
// rows: r.Ensemble M (train.ensemble), grown on a table with fewer rows than
// the batch size B = r.Train.BatchSize > 0 (where a step costs n rows, not
// B) to keep about the rows per step of M members on full batches, up to
// r.EnsembleMax (train.ensemble_max):
//
//	M' = min(ensemble_max, max(M, ⌈M·B/n⌉))   for 0 < n < B,   M' = M otherwise.
//
// More members can only average out more of the networks' variance, which
// on small tables is large (docs/results.md).
func EnsembleSize(r Recipe, n int) int {
	m := max(1, r.Ensemble)
	b := r.Train.BatchSize
	if n <= 0 || b <= 0 || n >= b || r.EnsembleMax <= m {
		return m
	}
	grown := (m*b + n - 1) / n
	return min(r.EnsembleMax, max(m, grown))
}

// NoiseBandwidth is the standard deviation of the training noise for
// train.noise_scale c, n training rows and d = dim_in + dim_out,
//
//	h = c · n^(−1/(4+d)),
//
// the rate of Scott's rule for a kernel density estimate in d dimensions,
// which Rothfuss et al. (2019) use for noise regularization. 0 when c = 0.
func NoiseBandwidth(c float64, n, d int) float64 {
	if c <= 0 || n < 1 {
		return 0
	}
	return c * math.Pow(float64(n), -1/float64(4+d))
}
