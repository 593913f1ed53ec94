package train

import (
	"math"

	"github.com/mdn-go/mdn/arch"
)

// rate is the learning rate of step t (0-based) of steps, with a linear
// warm-up over the first warmup steps, lr·(t+1)/warmup, after which the
// schedule runs over the remaining steps.
func rate(s arch.Schedule, lr float64, t, steps, warmup int) float64 {
	if t < warmup {
		return lr * float64(t+1) / float64(warmup)
	}
	if s == arch.Constant {
		return lr
	}
	return lr * (1 + math.Cos(math.Pi*float64(t-warmup)/float64(steps-warmup))) / 2
}
