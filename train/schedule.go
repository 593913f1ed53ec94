package train

import (
	"fmt"
	"math"
)

// Schedule names a learning-rate schedule.
type Schedule string

const (
	// Cosine anneals from the peak rate towards 0 over the run, as
	// PyTorch's CosineAnnealingLR(T_max = T) stepped once per step:
	//
	//	lr_t = lr · (1 + cos(π t / T)) / 2,  t = 0 … T−1
	//
	// with T = steps − warmup and t counted from the end of the warm-up.
	Cosine Schedule = "cosine"
	// Constant keeps the peak rate.
	Constant Schedule = "constant"
)

// rate is the learning rate of step t (0-based) of steps, with a linear
// warm-up over the first warmup steps, lr·(t+1)/warmup, after which the
// schedule runs over the remaining steps.
func rate(s Schedule, lr float64, t, steps, warmup int) float64 {
	if t < warmup {
		return lr * float64(t+1) / float64(warmup)
	}
	if s == Constant {
		return lr
	}
	return lr * (1 + math.Cos(math.Pi*float64(t-warmup)/float64(steps-warmup))) / 2
}

func (s Schedule) validate() error {
	if s != Cosine && s != Constant {
		return fmt.Errorf("train: unknown schedule %q (want cosine or constant)", s)
	}
	return nil
}
