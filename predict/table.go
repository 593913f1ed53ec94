package predict

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteTable prints met as the aligned table of mdn eval: rows, NLL,
// effective and dead components (of k), one line of scores per response
// and the PIT histograms.
func (met *Metrics) WriteTable(w io.Writer, k int) error {
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', 5, 64) }
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "rows\t%d\n", met.N)
	fmt.Fprintf(tw, "nll\t%s\tnats per row\n", g(met.NLL))
	fmt.Fprintf(tw, "effective components\t%s\tof %d\n", g(met.EffectiveComponents), k)
	dead := make([]string, len(met.DeadComponents))
	for i, c := range met.DeadComponents {
		dead[i] = strconv.Itoa(c)
	}
	if len(dead) == 0 {
		dead = []string{"none"}
	}
	fmt.Fprintf(tw, "dead components\t%s\tmean weight < %g\n", strings.Join(dead, " "), DeadWeight)
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "response\tcrps\trmse\tmae\tcov50\tcov80\tcov95\tcalib (KS)")
	for _, r := range met.Responses {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t%.4f\n", r.Name, g(r.CRPS), g(r.RMSE), g(r.MAE),
			r.Coverage50, r.Coverage80, r.Coverage95, r.CalibrationError)
	}
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "PIT histogram\t(%d bins, 0.1 each when calibrated)\n", PITBins)
	for _, r := range met.Responses {
		bins := make([]string, len(r.PITHistogram))
		for i, v := range r.PITHistogram {
			bins[i] = fmt.Sprintf("%.3f", v)
		}
		fmt.Fprintf(tw, "%s\t%s\n", r.Name, strings.Join(bins, " "))
	}
	return tw.Flush()
}
